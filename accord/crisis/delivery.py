"""Notify people of an alert by email and on a Slack/Mattermost webhook, with retries and a log.

Every alert is shown in the app (the alerts page). Besides, a **crisis** alert at or above the
workspace's ``min_severity`` is sent to its email recipients and webhook when it opens and when
it escalates (higher severity, or a launch turning into a crisis) while it is fresh: its window
ended less than ``FRESH_FOR`` ago, so replaying history (first run, demo) notifies nobody of
old episodes. Launch alerts stay in the app.

Each notification is a ``Delivery`` row. The first attempt runs in a Huey task after the
transaction commits; a failed attempt is retried by ``retry_due_deliveries`` (called by the
five-minute task) after 1, 5, 15 and 60 minutes, then the delivery is marked failed.
"""

from __future__ import annotations

import json
import logging
import urllib.error
import urllib.request
from datetime import datetime, timedelta
from urllib.parse import urlsplit

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accord.crisis.models import (
    SEVERITY_RANK,
    Alert,
    AlertKind,
    Channel,
    Delivery,
    DeliverySettings,
    DeliveryStatus,
    Severity,
)

logger = logging.getLogger(__name__)

FRESH_FOR = timedelta(hours=2)
RETRY_AFTER = (
    timedelta(minutes=1),
    timedelta(minutes=5),
    timedelta(minutes=15),
    timedelta(minutes=60),
)
MAX_ATTEMPTS = len(RETRY_AFTER) + 1
WEBHOOK_TIMEOUT = 10.0


class DeliveryError(Exception):
    """One attempt failed; the message is written to the delivery log."""


def should_notify(alert: Alert, found: DeliverySettings, now: datetime) -> bool:
    """Tell whether ``alert`` leaves the app: a fresh crisis at or above ``min_severity``."""
    if alert.kind != AlertKind.CRISIS or alert.window_end < now - FRESH_FOR:
        return False
    wanted = SEVERITY_RANK[Severity(found.min_severity)]
    return SEVERITY_RANK[Severity(alert.severity)] >= wanted


def queue_deliveries(alert: Alert, reason: str, *, now: datetime) -> list[Delivery]:
    """Create the deliveries of one alert event and send them once the transaction commits."""
    found = DeliverySettings.objects.filter(workspace=alert.workspace).first()
    if found is None or not should_notify(alert, found, now):
        return []
    targets = [(Channel.EMAIL, address) for address in found.emails]
    if found.webhook_url:
        targets.append((Channel.WEBHOOK, found.webhook_url))
    created = [
        Delivery.objects.create(
            workspace=alert.workspace, alert=alert, channel=channel, target=target, reason=reason
        )
        for channel, target in targets
    ]
    ids = [row.pk for row in created]
    transaction.on_commit(lambda: _enqueue(ids))
    return created


def _enqueue(ids: list[int]) -> None:
    from accord.crisis.tasks import deliver  # the tasks module imports this one

    for delivery_id in ids:
        deliver(delivery_id)


def attempt_delivery(delivery: Delivery, *, now: datetime | None = None) -> Delivery:
    """Try to send one pending delivery once; log the outcome and when to retry."""
    now = now or timezone.now()
    if delivery.status != DeliveryStatus.PENDING:
        return delivery
    delivery.attempts += 1
    try:
        _send(delivery)
    except DeliveryError as error:
        delivery.last_error = str(error)[:2000]
        if delivery.attempts >= MAX_ATTEMPTS:
            delivery.status, delivery.next_attempt_at = DeliveryStatus.FAILED, None
        else:
            delivery.next_attempt_at = now + RETRY_AFTER[delivery.attempts - 1]
        logger.warning("crisis delivery %s failed: %s", delivery.pk, error)
    else:
        delivery.status, delivery.sent_at = DeliveryStatus.SENT, now
        delivery.next_attempt_at, delivery.last_error = None, ""
    delivery.save(update_fields=["attempts", "status", "next_attempt_at", "last_error", "sent_at"])
    return delivery


def retry_due_deliveries(*, now: datetime | None = None) -> int:
    """Attempt every pending delivery whose retry time has come; return how many were tried."""
    now = now or timezone.now()
    due = Delivery.objects.filter(
        status=DeliveryStatus.PENDING, attempts__gt=0, next_attempt_at__lte=now
    ).select_related("alert", "alert__workspace", "alert__query")
    tried = 0
    for delivery in due:
        attempt_delivery(delivery, now=now)
        tried += 1
    return tried


def _send(delivery: Delivery) -> None:
    alert = delivery.alert
    with translation.override(alert.workspace.language):
        subject, body = alert_message(alert, delivery.reason)
    if delivery.channel == Channel.EMAIL:
        _send_email(delivery.target, subject, body)
    else:
        post_webhook(delivery.target, f"*{subject}*\n{body}")


def _send_email(address: str, subject: str, body: str) -> None:
    try:
        send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [address], fail_silently=False)
    except (OSError, ValueError) as error:  # smtplib errors are OSErrors
        raise DeliveryError(f"email to {address}: {error}") from error


def post_webhook(url: str, text: str) -> None:
    """POST ``{"text": text}`` as JSON to a Slack or Mattermost incoming webhook.

    Raises ``DeliveryError`` for a non-http(s) URL, a network error or a non-2xx answer.
    """
    if urlsplit(url).scheme not in {"http", "https"}:
        raise DeliveryError(f"webhook {url}: only http and https URLs are allowed")
    data = json.dumps({"text": text}).encode()
    request = urllib.request.Request(  # noqa: S310  (scheme checked above)
        url, data=data, method="POST", headers={"Content-Type": "application/json"}
    )
    try:
        with urllib.request.urlopen(request, timeout=WEBHOOK_TIMEOUT) as response:  # noqa: S310
            status = response.status
    except urllib.error.HTTPError as error:
        raise DeliveryError(f"webhook answered HTTP {error.code}") from error
    except (urllib.error.URLError, OSError) as error:
        raise DeliveryError(f"webhook unreachable: {error}") from error
    if not 200 <= status < 300:
        raise DeliveryError(f"webhook answered HTTP {status}")


def alert_message(alert: Alert, reason: str) -> tuple[str, str]:
    """Return the subject and plain-text body of a notification, in the active language."""
    severity = Severity(alert.severity).label
    scope = alert.query.name if alert.query else _("all queries")
    if reason == "escalated":
        subject = _("[%(workspace)s] Alert escalated to %(severity)s: %(scope)s")
    else:
        subject = _("[%(workspace)s] %(severity)s alert: %(scope)s")
    subject = subject % {"workspace": alert.workspace.name, "severity": severity, "scope": scope}
    explanation = alert.explanation
    volume = explanation.get("volume", {})
    sentiment = explanation.get("sentiment", {}).get("window", {})
    lines = [
        _("Started %(start)s, last seen %(last)s, %(count)d anomalous points.")
        % {
            "start": timezone.localtime(alert.started_at).strftime("%Y-%m-%d %H:%M"),
            "last": timezone.localtime(alert.last_seen_at).strftime("%Y-%m-%d %H:%M"),
            "count": alert.occurrences,
        },
        _("%(observed)d mentions where %(expected)s were expected.")
        % {"observed": volume.get("observed", 0), "expected": volume.get("expected", 0)},
        _("Negative share: %(share)d%%.")
        % {"share": round(100 * sentiment.get("negative_share", 0.0))},
    ]
    terms = ", ".join(term["term"] for term in explanation.get("top_terms", []))
    if terms:
        lines.append(_("Top terms: %(terms)s.") % {"terms": terms})
    for sample in explanation.get("samples", [])[:3]:
        lines.append(f"- {sample['text'][:200]}")
    path = reverse("crisis:alert", kwargs={"slug": alert.workspace.slug, "alert_id": alert.pk})
    # ACCORD_BASE_URL (e.g. https://accord.example.org) makes the link absolute where it is set.
    base = str(getattr(settings, "ACCORD_BASE_URL", "")).rstrip("/")
    lines.append(_("Open the alert: %(url)s") % {"url": base + path})
    return subject, "\n".join(lines)
