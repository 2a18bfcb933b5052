"""Imports run by the worker: start_import, the Huey task, progress counters, preview."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext
from pytest_django import DjangoCaptureOnCommitCallbacks, Settings

from accord.accounts.access import WorkspaceAccess
from accord.accounts.models import AuditEntry, Workspace
from accord.accounts.roles import Role
from accord.contacts.actions import run_import_job, start_import
from accord.contacts.importing import ImportSetupError, preview_csv
from accord.contacts.models import (
    Contact,
    ImportJob,
    ImportStatus,
    PropertyDefinition,
    PropertyType,
)
from accord.contacts.tasks import run_import

CSV = "Courriel;Prénom;Centre d'intérêt\n" + "".join(
    f"client{i}@exemple.fr;Client {i};luminaire\n" for i in range(7)
)


@pytest.fixture(autouse=True)
def import_dir(settings: Settings, tmp_path: Path) -> Path:
    settings.ACCORD_IMPORT_DIR = tmp_path / "imports"
    return Path(settings.ACCORD_IMPORT_DIR)


@pytest.fixture
def upload(tmp_path: Path) -> Path:
    path = tmp_path / "upload.csv"
    path.write_bytes((CSV + "pas-un-email;Bad;luminaire\n").encode("cp1252"))
    return path


def uploads(import_dir: Path) -> list[Path]:
    folder = import_dir / "uploads"
    return sorted(folder.iterdir()) if folder.exists() else []


def test_start_import_runs_the_job_in_the_worker_and_records_its_counters(
    owner_access: WorkspaceAccess,
    workspace: Workspace,
    upload: Path,
    import_dir: Path,
    django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks,
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        job = start_import(owner_access, upload, "Clients 2024.csv", {"Courriel": "email"})

    job.refresh_from_db()
    assert job.status == ImportStatus.DONE
    assert (job.rows, job.created, job.updated, job.unchanged, job.rejected) == (8, 7, 0, 0, 1)
    assert job.processed_bytes == job.total_bytes == upload.stat().st_size
    assert job.progress == 100
    assert Path(job.error_report).is_file()
    assert Path(job.path).parent == import_dir.resolve() / "uploads"
    assert Path(job.path).read_bytes() == upload.read_bytes()
    assert job.finished_at is not None
    assert Contact.objects.filter(workspace=workspace).count() == 7
    audit = AuditEntry.objects.get(action="contacts.import")
    assert (audit.object_type, audit.object_id, audit.actor_label) == (
        "ImportJob",
        str(job.pk),
        "owner",
    )


def test_the_job_waits_for_the_transaction_to_commit(
    owner_access: WorkspaceAccess, upload: Path
) -> None:
    job = start_import(owner_access, upload, "upload.csv")

    assert ImportJob.objects.get(pk=job.pk).status == ImportStatus.QUEUED
    assert Contact.objects.count() == 0


@pytest.mark.parametrize("role", [Role.VIEWER, Role.COMMUNICATION, Role.BRAND_REVIEWER])
def test_members_without_the_import_permission_cannot_start_an_import(
    access_for: Callable[[Role], WorkspaceAccess],
    upload: Path,
    import_dir: Path,
    role: Role,
    django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks,
) -> None:
    with (
        pytest.raises(PermissionDenied),
        django_capture_on_commit_callbacks(execute=True),
    ):
        start_import(access_for(role), upload, "upload.csv")

    assert ImportJob.objects.count() == 0
    assert Contact.objects.count() == 0
    assert uploads(import_dir) == []


def test_a_marketing_member_can_start_an_import(
    access_for: Callable[[Role], WorkspaceAccess], upload: Path
) -> None:
    job = start_import(access_for(Role.MARKETING), upload, "upload.csv")

    assert job.created_by is not None
    assert job.created_by.username == "user-marketing"


def test_start_import_refuses_a_file_it_cannot_import(
    owner_access: WorkspaceAccess, tmp_path: Path, import_dir: Path
) -> None:
    path = tmp_path / "phones.csv"
    path.write_text("name,phone\nAnn,0639980001\n", encoding="utf-8")

    with pytest.raises(ImportSetupError, match="No column holds the email"):
        start_import(owner_access, path, "phones.csv")

    assert ImportJob.objects.count() == 0
    assert uploads(import_dir) == []


def test_the_task_leaves_a_job_that_already_ran_alone(
    owner_access: WorkspaceAccess,
    upload: Path,
    django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks,
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        job = start_import(owner_access, upload, "upload.csv")

    run_import(job.pk)

    assert run_import_job(job.pk) is None
    assert Contact.objects.count() == 7
    assert AuditEntry.objects.filter(action="contacts.import").count() == 1


def test_a_job_whose_file_disappeared_fails_with_the_reason(
    owner_access: WorkspaceAccess, upload: Path
) -> None:
    job = start_import(owner_access, upload, "upload.csv")
    Path(job.path).unlink()

    run_import(job.pk)

    job.refresh_from_db()
    assert job.status == ImportStatus.FAILED
    assert job.error.startswith("Cannot read")
    assert job.finished_at is not None


def test_preview_detects_the_format_and_suggests_a_mapping(
    workspace: Workspace, upload: Path
) -> None:
    PropertyDefinition.objects.create(
        workspace=workspace,
        key="interest",
        label="Centre d'intérêt",
        type=PropertyType.CHOICE,
        choices=["luminaire"],
    )

    preview = preview_csv(workspace, upload)

    assert (preview.encoding, preview.delimiter) == ("cp1252", ";")
    assert preview.headers == ("Courriel", "Prénom", "Centre d'intérêt")
    assert preview.rows[0] == ("client0@exemple.fr", "Client 0", "luminaire")
    assert len(preview.rows) == 5
    assert preview.mapping == {
        "Courriel": "email",
        "Prénom": "first_name",
        "Centre d'intérêt": "properties.interest",
    }
    values = [value for value, _label in preview.field_choices]
    assert values[:3] == ["email", "first_name", "last_name"]
    assert values[-2:] == ["properties.interest", "ignore"]
    label = f"{gettext('Property')}: Centre d'intérêt"  # the page's language (French here)
    assert ("properties.interest", label) in preview.field_choices
