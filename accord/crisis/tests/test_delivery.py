"""Alert delivery: a real SMTP server and a webhook on loopback, retries and the delivery log."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest

from accord.accounts.access import WorkspaceAccess
from accord.accounts.models import Workspace
from accord.crisis import actions
from accord.crisis.delivery import (
    MAX_ATTEMPTS,
    alert_message,
    queue_deliveries,
    retry_due_deliveries,
)
from accord.crisis.models import Alert, AlertKind, Channel, Delivery, DeliveryStatus, Severity
from accord.crisis.tests.conftest import Inbox, Webhook
from accord.crisis.tests.factories import make_alert
from accord.crisis.tests.mentions import NOW

Capture = Callable[..., Any]


def _settings(access: WorkspaceAccess, webhook_url: str = "", **kwargs: Any) -> None:
    actions.save_delivery_settings(
        access,
        emails=kwargs.get("emails", ["lead@example.com", "press@example.com"]),
        webhook_url=webhook_url,
        min_severity=kwargs.get("min_severity", Severity.WARNING),
    )


def _fresh(workspace: Workspace, **fields: Any) -> Alert:
    return make_alert(workspace, started_at=NOW - timedelta(hours=1), **fields)


def test_a_fresh_crisis_alert_is_emailed_and_posted_to_the_webhook(
    workspace: Workspace,
    owner_access: WorkspaceAccess,
    smtp_inbox: Inbox,
    webhook: Webhook,
    django_capture_on_commit_callbacks: Capture,
) -> None:
    workspace.language = "en"
    workspace.save()
    _settings(owner_access, webhook.url)
    alert = _fresh(workspace)

    with django_capture_on_commit_callbacks(execute=True):
        queue_deliveries(alert, "opened", now=NOW)

    assert sorted(rcpt[0] for rcpt, _message in smtp_inbox.received) == [
        "lead@example.com",
        "press@example.com",
    ]
    message = smtp_inbox.received[0][1]
    assert message["Subject"] == "[Brand] Crisis alert: all queries"
    assert message["From"] == "alerts@accord.test"
    body = message.get_payload(decode=True)
    assert isinstance(body, bytes)
    assert "battery, overheating" in body.decode()
    assert f"/w/brand/crisis/alerts/{alert.pk}/" in body.decode()
    assert len(webhook.bodies) == 1
    assert set(webhook.bodies[0]) == {"text"}
    assert "battery, overheating" in webhook.bodies[0]["text"]
    log = Delivery.objects.order_by("channel", "target")
    assert [(d.channel, d.status, d.attempts) for d in log] == [
        (Channel.EMAIL, DeliveryStatus.SENT, 1),
        (Channel.EMAIL, DeliveryStatus.SENT, 1),
        (Channel.WEBHOOK, DeliveryStatus.SENT, 1),
    ]


def test_the_message_is_written_in_the_workspace_language(workspace: Workspace) -> None:
    alert = _fresh(workspace)
    workspace.language = "en"

    subject, body = alert_message(alert, "opened")

    assert subject == "[Brand] Crisis alert: all queries"
    assert body.splitlines()[1] == "252 mentions where 22.2 were expected."
    assert body.splitlines()[2] == "Negative share: 71%."
    assert body.splitlines()[3] == "Top terms: battery, overheating."


def test_a_failing_webhook_is_retried_later_and_logged(
    workspace: Workspace,
    owner_access: WorkspaceAccess,
    webhook: Webhook,
    django_capture_on_commit_callbacks: Capture,
) -> None:
    _settings(owner_access, webhook.url, emails=[])
    webhook.statuses = [500, 502]
    alert = _fresh(workspace)

    with django_capture_on_commit_callbacks(execute=True):
        queue_deliveries(alert, "opened", now=NOW)
    delivery = Delivery.objects.get()
    assert (delivery.status, delivery.attempts) == (DeliveryStatus.PENDING, 1)
    assert delivery.last_error == "webhook answered HTTP 500"
    assert delivery.next_attempt_at is not None

    assert retry_due_deliveries(now=delivery.next_attempt_at - timedelta(seconds=1)) == 0
    assert retry_due_deliveries(now=delivery.next_attempt_at) == 1
    delivery.refresh_from_db()
    assert (delivery.attempts, delivery.last_error) == (2, "webhook answered HTTP 502")
    assert delivery.next_attempt_at is not None
    assert retry_due_deliveries(now=delivery.next_attempt_at) == 1

    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts, delivery.last_error) == (
        DeliveryStatus.SENT,
        3,
        "",
    )
    assert len(webhook.bodies) == 3


def test_an_unreachable_webhook_fails_after_the_last_attempt(
    workspace: Workspace,
    owner_access: WorkspaceAccess,
    django_capture_on_commit_callbacks: Capture,
) -> None:
    _settings(owner_access, "http://127.0.0.1:9/nothing-listens", emails=[])
    alert = _fresh(workspace)

    with django_capture_on_commit_callbacks(execute=True):
        queue_deliveries(alert, "opened", now=NOW)
    delivery = Delivery.objects.get()
    while delivery.status == DeliveryStatus.PENDING:
        assert delivery.next_attempt_at is not None
        retry_due_deliveries(now=delivery.next_attempt_at)
        delivery.refresh_from_db()

    assert (delivery.status, delivery.attempts) == (DeliveryStatus.FAILED, MAX_ATTEMPTS)
    assert delivery.last_error.startswith("webhook unreachable")
    assert delivery.next_attempt_at is None


@pytest.mark.parametrize(
    ("fields", "why"),
    [
        ({"kind": AlertKind.LAUNCH}, "a launch stays in the app"),
        ({"severity": Severity.WATCH}, "below the workspace's minimum severity"),
        ({"started_at": NOW - timedelta(days=3)}, "an old episode replayed"),
    ],
)
def test_some_alerts_stay_in_the_app(
    workspace: Workspace, owner_access: WorkspaceAccess, fields: dict[str, Any], why: str
) -> None:
    _settings(owner_access, "http://127.0.0.1:9/x")
    alert = make_alert(workspace, **{"started_at": NOW - timedelta(hours=1), **fields})

    assert queue_deliveries(alert, "opened", now=NOW) == [], why
    assert Delivery.objects.count() == 0


def test_without_settings_nothing_is_sent(workspace: Workspace) -> None:
    assert queue_deliveries(_fresh(workspace), "opened", now=NOW) == []
