"""Background jobs of the CRM, run by the Huey worker; each calls one action."""

from __future__ import annotations

from huey.contrib.djhuey import db_task

from accord.contacts.importing import run_import_job


@db_task()  # type: ignore[untyped-decorator]
def run_import(job_id: int) -> None:
    """Run a queued CSV import (see accord.contacts.importing.start_import)."""
    run_import_job(job_id)
