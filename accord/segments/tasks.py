"""Segment jobs run by the Huey worker: dynamic segments re-evaluated every minute."""

from __future__ import annotations

import logging

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task, lock_task

from accord.segments import actions
from accord.segments.models import Segment, SegmentKind
from accord.segments.personas import refresh_personas_task  # noqa: F401  (registers the task)

logger = logging.getLogger(__name__)


@db_periodic_task(crontab(minute="*"))  # type: ignore[untyped-decorator]
@lock_task("segments-refresh")  # type: ignore[untyped-decorator]
def refresh_segments() -> None:
    """Flush pending events, then bring every dynamic segment up to date (a minute behind)."""
    logger.info("segments refreshed: %s", actions.refresh_dynamic_segments())


@db_task()  # type: ignore[untyped-decorator]
def refresh_segment_task(segment_id: int) -> None:
    """Evaluate one dynamic segment now (after it was created or its rule changed)."""
    segment = Segment.objects.filter(pk=segment_id, kind=SegmentKind.DYNAMIC).first()
    if segment is not None:
        actions.refresh_segment(segment)
