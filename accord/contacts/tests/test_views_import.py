"""The import pages: upload, preview with a mapping, start, progress, error report, history."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from accord.accounts.models import User, Workspace
from accord.contacts.models import Contact, ImportJob, ImportStatus

IMPORT = "/w/brand/contacts/import/"
CSV = (
    "Courriel;Prénom;Nom;Étiquettes\n"
    "ada@example.com;Ada;Lovelace;vip\n"
    "not-an-email;Bad;Row;\n"
    "grace@example.com;Grace;Hopper;\n"
).encode("cp1252")


@pytest.fixture(autouse=True)
def english(settings: Any, tmp_path: Path) -> None:
    """English for browsers without a preference, and an import folder of this test's own."""
    settings.LANGUAGE_CODE = "en"
    settings.ACCORD_IMPORT_DIR = tmp_path / "imports"


@pytest.fixture(autouse=True)
def immediate_huey(monkeypatch: pytest.MonkeyPatch) -> None:
    """Run queued tasks in-process, whatever ACCORD_HUEY_IMMEDIATE was when settings loaded."""
    from huey.contrib.djhuey import HUEY

    monkeypatch.setattr(HUEY, "immediate", True)


@pytest.fixture
def client(workspace: Workspace, owner: User, client_for: Callable[[User], Client]) -> Client:
    """The owner of workspace "brand", signed in."""
    return client_for(owner)


def upload(client: Client, content: bytes = CSV, name: str = "people.csv") -> str:
    """Upload a file and return the preview page's URL."""
    response = client.post(IMPORT, {"file": SimpleUploadedFile(name, content, "text/csv")})
    assert response.status_code == 302
    location: str = response["Location"]
    assert re.fullmatch(r"/w/brand/contacts/import/preview/[0-9a-f]{32}/", location)
    return location


def selected(html: str) -> list[str]:
    """The option selected in each column's select, in column order."""
    selects = re.findall(r'<select name="col_\d+".*?</select>', html, flags=re.S)
    return [re.search(r'<option value="([^"]*)" selected>', s).group(1) for s in selects]  # type: ignore[union-attr]


def test_the_upload_page_lists_past_imports(
    client: Client, workspace: Workspace, owner: User
) -> None:
    ImportJob.objects.create(
        workspace=workspace, created_by=owner, file_name="old.csv", path="/x", rows=7, created=7
    )
    html = client.get(IMPORT).content.decode()
    assert 'type="file"' in html
    assert 'for="id_file"' in html
    assert "old.csv" in html
    assert html.count("<tr>") == 2  # header + one job


def test_the_preview_shows_the_format_the_rows_and_the_suggested_mapping(client: Client) -> None:
    response = client.get(upload(client))
    html = response.content.decode()
    assert response.status_code == 200
    assert "cp1252" in html.lower() or "windows-1252" in html.lower()
    assert "Prénom" in html
    assert "Lovelace" in html
    assert selected(html) == ["email", "first_name", "last_name", "tags"]
    assert html.count('<label for="id_col_') == 4


def test_starting_the_import_runs_it_and_shows_the_counters(
    client: Client, workspace: Workspace, django_capture_on_commit_callbacks: Any
) -> None:
    preview = upload(client)
    mapping = {"col_0": "email", "col_1": "first_name", "col_2": "ignore", "col_3": "tags"}
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(preview, mapping)
    job = ImportJob.objects.get(workspace=workspace)
    assert response.status_code == 302
    assert response["Location"] == f"{IMPORT}jobs/{job.pk}/"
    assert (job.status, job.rows, job.created, job.rejected) == (ImportStatus.DONE, 3, 2, 1)
    assert sorted(Contact.objects.values_list("email", "last_name")) == [
        ("ada@example.com", ""),
        ("grace@example.com", ""),
    ]
    html = client.get(response["Location"]).content.decode()
    assert '<progress max="100" value="100"' in html
    assert 'data-counter="created">2<' in html
    assert 'data-counter="rejected">1<' in html
    assert "hx-trigger" not in html
    assert f"{IMPORT}jobs/{job.pk}/errors.csv" in html
    assert not list((Path(settings.ACCORD_IMPORT_DIR) / "staged").rglob("*.csv"))


def test_the_error_report_downloads_the_rejected_rows(
    client: Client, workspace: Workspace, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            upload(client),
            {"col_0": "email", "col_1": "ignore", "col_2": "ignore", "col_3": "ignore"},
        )
    job = ImportJob.objects.get(workspace=workspace)
    response = client.get(f"{IMPORT}jobs/{job.pk}/errors.csv")
    body = b"".join(response.streaming_content).decode("utf-8-sig")  # type: ignore[attr-defined]
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert 'filename="people-errors.csv"' in response["Content-Disposition"]
    assert "not-an-email" in body
    assert len(body.strip().splitlines()) == 2


def test_a_running_import_polls_its_progress_every_second(
    client: Client, workspace: Workspace
) -> None:
    job = ImportJob.objects.create(
        workspace=workspace,
        file_name="big.csv",
        path="/x",
        status=ImportStatus.RUNNING,
        total_bytes=1000,
        processed_bytes=250,
        rows=40,
        created=30,
        updated=10,
    )
    page = client.get(f"{IMPORT}jobs/{job.pk}/").content.decode()
    partial = client.get(f"{IMPORT}jobs/{job.pk}/progress/", headers={"HX-Request": "true"})
    html = partial.content.decode()
    assert f'hx-get="{IMPORT}jobs/{job.pk}/progress/"' in page
    assert 'hx-trigger="every 1s"' in html
    assert '<progress max="100" value="25"' in html
    assert 'data-counter="updated">10<' in html
    assert "<html" not in html
    assert "errors.csv" not in html


def test_a_mapping_without_email_is_refused_with_the_reason(
    client: Client, workspace: Workspace
) -> None:
    preview = upload(client)
    response = client.post(preview, {f"col_{i}": "ignore" for i in range(4)})
    assert response.status_code == 422
    assert 'class="error" role="alert"' in response.content.decode()
    assert not ImportJob.objects.exists()


def test_an_unknown_upload_token_is_not_found(client: Client) -> None:
    assert client.get(f"{IMPORT}preview/{'0' * 32}/").status_code == 404
    assert client.get(f"{IMPORT}preview/..%2F..%2Fsecret/").status_code == 404


def test_another_workspaces_upload_is_not_found(
    client: Client,
    other_workspace: Workspace,
    outsider: User,
    client_for: Callable[[User], Client],
) -> None:
    preview = upload(client)
    token = preview.rstrip("/").rsplit("/", 1)[1]
    theirs = client_for(outsider).get(f"/w/other/contacts/import/preview/{token}/")
    assert theirs.status_code == 404


def test_an_empty_file_is_refused_next_to_the_field(client: Client) -> None:
    response = client.post(IMPORT, {"file": SimpleUploadedFile("e.csv", b"", "text/csv")})
    html = response.content.decode()
    assert response.status_code == 422
    assert 'id="id_file_error" role="alert"' in html


def test_a_file_without_a_header_goes_back_to_the_upload_with_the_reason(
    client: Client, settings: Any
) -> None:
    preview = upload(client, b"\n\n;;\n", "blank.csv")
    response = client.get(preview, follow=True)
    html = response.content.decode()
    assert response.redirect_chain == [(IMPORT, 302)]
    assert 'role="alert">The file is empty or its first row (the header) is blank.' in html
    assert not list(Path(settings.ACCORD_IMPORT_DIR).rglob("*.csv"))
