"""Warehouse jobs run by the Huey worker: flush every minute, maintain every night."""

from __future__ import annotations

import logging

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task, lock_task

from accord.accounts.models import Workspace
from accord.warehouse import actions

logger = logging.getLogger(__name__)


@db_periodic_task(crontab(minute="*"))  # type: ignore[untyped-decorator]
@lock_task("warehouse-flush")  # type: ignore[untyped-decorator]
def flush_warehouse() -> None:
    """Move the inbox of every workspace with pending events to the warehouse."""
    for workspace in Workspace.objects.filter(pk__in=actions.pending_workspace_ids()):
        try:
            result = actions.flush_inbox(workspace)
        except Exception:
            # One workspace's failure (a full disk, a remote backend down) must not hold the
            # others back; its events stay in the inbox for the next minute.
            logger.exception("warehouse flush failed for %s", workspace.slug)
            continue
        logger.info("warehouse flush %s: %s", workspace.slug, result)


@db_periodic_task(crontab(hour="3", minute="17"))  # type: ignore[untyped-decorator]
@lock_task("warehouse-maintenance")  # type: ignore[untyped-decorator]
def maintain_warehouse() -> None:
    """Apply retention, compact each day into one file, purge inbox rows past the dedup window."""
    for workspace in Workspace.objects.order_by("pk"):
        actions.apply_retention(workspace)
        actions.compact_workspace(workspace)
    logger.info("warehouse maintenance: %s inbox rows purged", actions.purge_inbox())


@db_task(retries=3, retry_delay=60)  # type: ignore[untyped-decorator]
def erase_stored_events(
    workspace_id: int, contact_id: int, anonymous_ids: list[str], token: str
) -> None:
    """Rewrite the stored files holding an erased contact's events (GDPR erasure)."""
    result = actions.erase_contact_events(workspace_id, contact_id, anonymous_ids, token)
    logger.info("GDPR erasure of contact %s: %s", contact_id, result)
