"""Demo crisis room: register the demo company's launch, then run the monitor over its mentions."""

from __future__ import annotations

from datetime import datetime

from django.utils import timezone

from accord.accounts.access import Actor, WorkspaceAccess
from accord.accounts.models import User, Workspace
from accord.accounts.roles import Role
from accord.crisis import actions, monitor
from accord.crisis.models import ActivityKind, PlannedActivity


def build_demo_crisis(
    workspace: Workspace,
    owner: User,
    *,
    launch_at: datetime,
    launch_title: str,
    now: datetime | None = None,
) -> monitor.MonitorRun:
    """Plan the launch (once) and replay the workspace's mentions through the monitor.

    Call it after the listening demo wrote its mentions. Replaying is deterministic and
    idempotent: a second call adds nothing. Old episodes are recorded in the app only.
    """
    access = WorkspaceAccess(workspace, Actor.for_user(owner), Role.OWNER.value)
    known = PlannedActivity.objects.filter(
        workspace=workspace, title=launch_title, starts_at=launch_at
    ).exists()
    if not known:
        actions.plan_activity(
            access,
            title=launch_title,
            kind=ActivityKind.CAMPAIGN_LAUNCH,
            starts_at=launch_at,
            campaign=launch_title,
        )
    return monitor.run_monitor(workspace, now=now or timezone.now())
