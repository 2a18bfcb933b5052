"""CSV imports through the API: upload, follow, read the error report."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from accord.accounts.models import Workspace
from accord.accounts.roles import Role
from accord.contacts import actions
from accord.contacts.models import Contact, ImportJob, ImportStatus

URL = "/api/v1/imports"
CSV = b"Email,Prenom\nada@example.com,Ada\nnot-an-email,Bob\n"

pytestmark = pytest.mark.skipif(
    not hasattr(actions, "start_import"), reason="contacts.actions.start_import has not landed"
)


@pytest.fixture(autouse=True)
def _fresh_rate_limits() -> None:
    cache.clear()


@pytest.fixture(autouse=True)
def import_dir(settings: Any, tmp_path: Path) -> Path:
    settings.ACCORD_IMPORT_DIR = tmp_path / "imports"
    return Path(settings.ACCORD_IMPORT_DIR)


@pytest.fixture
def client_as(api_token: Callable[[Role], str]) -> Callable[[Role], Client]:
    def make(role: Role = Role.OWNER) -> Client:
        return Client(headers={"authorization": f"Bearer {api_token(role)}"})

    return make


@pytest.fixture
def api(client_as: Callable[[Role], Client]) -> Client:
    return client_as(Role.OWNER)


def upload(client: Client, content: bytes = CSV, **fields: Any) -> Any:
    csv_file = SimpleUploadedFile("people.csv", content, content_type="text/csv")
    return client.post(URL, {"file": csv_file, **fields})


def run_worker(job_id: int) -> None:
    from accord.contacts.tasks import run_import

    run_import.call_local(job_id)


def test_it_queues_an_uploaded_csv_and_reports_its_progress(api: Client) -> None:
    started = upload(api, mapping=json.dumps({"Prenom": "first_name"}))
    job_id = started.json()["id"]
    queued = api.get(f"{URL}/{job_id}").json()
    run_worker(job_id)
    done = api.get(f"{URL}/{job_id}").json()

    assert started.status_code == 202
    assert queued["status"] == "queued"
    assert queued["file_name"] == "people.csv"
    assert queued["mapping"] == {"Prenom": "first_name"}
    assert (done["status"], done["progress"]) == ("done", 100)
    assert (done["rows"], done["created"], done["rejected"]) == (2, 1, 1)
    assert done["has_error_report"] is True
    assert Contact.objects.get().first_name == "Ada"
    assert api.get(URL).json()["items"][0]["id"] == job_id


def test_it_serves_the_rejected_rows_as_csv(api: Client) -> None:
    job_id = upload(api).json()["id"]
    run_worker(job_id)

    response = api.get(f"{URL}/{job_id}/errors")

    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv"
    report = response.getvalue().decode("utf-8-sig")
    assert report.splitlines()[0] == "row,column,value,reason"
    assert "not-an-email" in report


def test_an_import_without_rejects_has_no_error_report(api: Client) -> None:
    job_id = upload(api, b"email\nada@example.com\n").json()["id"]
    run_worker(job_id)

    response = api.get(f"{URL}/{job_id}/errors")

    assert api.get(f"{URL}/{job_id}").json()["has_error_report"] is False
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


@pytest.mark.parametrize("role", [Role.COMMUNICATION, Role.VIEWER])
def test_a_role_without_import_may_not_upload_and_nothing_is_kept(
    role: Role, client_as: Callable[[Role], Client], import_dir: Path
) -> None:
    response = upload(client_as(role))

    assert response.status_code == 403
    assert not ImportJob.objects.exists()
    assert not import_dir.exists() or not any(import_dir.rglob("*.csv"))


def test_a_missing_file_is_a_field_error(api: Client) -> None:
    response = api.post(URL, {"mapping": "{}"})

    assert response.status_code == 422
    assert list(response.json()["error"]["fields"]) == ["file"]


@pytest.mark.parametrize("mapping", ["{not json", '["email"]', '{"Email": 3}'])
def test_a_malformed_mapping_is_a_field_error(api: Client, mapping: str) -> None:
    response = upload(api, mapping=mapping)

    assert response.status_code == 422
    assert list(response.json()["error"]["fields"]) == ["mapping"]
    assert not ImportJob.objects.exists()


def test_a_mapping_naming_an_unknown_column_is_refused_and_the_upload_dropped(
    api: Client, import_dir: Path
) -> None:
    response = upload(api, mapping=json.dumps({"Nope": "email"}))

    assert response.status_code == 422
    assert "Nope" in str(response.json()["error"]["fields"])
    assert not ImportJob.objects.exists()
    assert not any((import_dir / "staged").rglob("*.csv"))


def test_a_file_over_the_limit_is_refused(api: Client, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("accord.contacts.api.MAX_UPLOAD_BYTES", 10)

    response = upload(api)

    assert response.status_code == 413
    assert response.json()["error"]["code"] == "too_large"
    assert not ImportJob.objects.exists()


def test_a_body_announced_over_the_limit_is_refused_unread(api: Client) -> None:
    csv_file = SimpleUploadedFile("people.csv", CSV, content_type="text/csv")

    response = api.post(URL, {"file": csv_file}, CONTENT_LENGTH=str(300 * 2**20))

    assert response.status_code == 413
    assert not ImportJob.objects.exists()


def test_another_workspaces_import_is_not_found(api: Client, other_workspace: Workspace) -> None:
    theirs = ImportJob.objects.create(workspace=other_workspace, file_name="x.csv", path="/x.csv")

    assert api.get(f"{URL}/{theirs.pk}").status_code == 404
    assert api.get(f"{URL}/{theirs.pk}/errors").status_code == 404
    assert ImportJob.objects.get(pk=theirs.pk).status == ImportStatus.QUEUED


def test_only_the_imports_own_copy_of_the_upload_is_kept(api: Client, import_dir: Path) -> None:
    job_id = upload(api).json()["id"]

    kept = list(import_dir.rglob("*.csv"))

    assert kept == [Path(ImportJob.objects.get(pk=job_id).path)]
