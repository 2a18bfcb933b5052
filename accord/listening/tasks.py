"""Listening jobs run by the Huey worker: fetch the due sources every minute."""

from __future__ import annotations

import logging

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, lock_task

from accord.listening import actions

logger = logging.getLogger(__name__)


@db_periodic_task(crontab(minute="*"))  # type: ignore[untyped-decorator]
@lock_task("listening-fetch")  # type: ignore[untyped-decorator]
def fetch_listening_sources() -> None:
    """Fetch every source whose turn has come (``last_fetched_at + fetch_every_minutes``)."""
    for outcome in actions.fetch_due_sources():
        if outcome.error:
            logger.warning("listening source %s: %s", outcome.source_id, outcome.error)
