"""Crisis jobs run by the Huey worker: the five-minute monitor and alert deliveries."""

from __future__ import annotations

import logging

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task, lock_task

from accord.accounts.models import Workspace
from accord.crisis import delivery, monitor
from accord.crisis.models import Delivery
from accord.listening.models import ListeningQuery

logger = logging.getLogger(__name__)


@db_periodic_task(crontab(minute="*/5"))  # type: ignore[untyped-decorator]
@lock_task("crisis-monitor")  # type: ignore[untyped-decorator]
def monitor_workspaces() -> None:
    """Run the monitor for every workspace with an active listening query, then due retries."""
    ids = ListeningQuery.objects.filter(is_active=True).values("workspace_id")
    for workspace in Workspace.objects.filter(pk__in=ids).order_by("pk"):
        try:
            run = monitor.run_monitor(workspace)
        except Exception:
            # One workspace's failure must not hold the others back; its series did not
            # advance, so the next run reads the same buckets again.
            logger.exception("crisis monitor failed for %s", workspace.slug)
            continue
        logger.info("crisis monitor %s: %s", workspace.slug, run)
    delivery.retry_due_deliveries()


@db_task()  # type: ignore[untyped-decorator]
def deliver(delivery_id: int) -> None:
    """Make the first attempt of one delivery (see accord.crisis.delivery)."""
    found = Delivery.objects.select_related("alert__workspace", "alert__query").filter(
        pk=delivery_id
    )
    for row in found:
        delivery.attempt_delivery(row)
