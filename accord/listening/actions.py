"""Every write of listening: queries, sources, fetching, imports, the webhook and triage.

``record_mentions`` (in ``recording``) is the one way a mention gets stored; every entry point
here (a scheduled fetch, a review import, the webhook, manual entry) ends in it. Changes a
person makes are audited; fetches are not (they are logged on the source: ``last_error``).
"""

from __future__ import annotations

import hmac
import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from accord.accounts.access import WorkspaceAccess
from accord.accounts.actions import record_audit
from accord.accounts.models import Membership, User, Workspace
from accord.accounts.roles import Perm
from accord.listening.models import (
    ListeningQuery,
    Mention,
    MentionReply,
    Source,
    SourceKind,
)
from accord.listening.recording import RecordResult, mention_event, record_mentions
from accord.listening.sources import CONNECTORS, ConfigError, ConnectorError, connector_for
from accord.listening.sources.manual import parse_entry
from accord.listening.sources.reviews import parse_reviews
from accord.listening.sources.webhook import new_secret, parse_payload

__all__ = [
    "FetchOutcome",
    "QueryValues",
    "RecordResult",
    "SourceValues",
    "WebhookRefused",
    "add_manual_mention",
    "add_tag",
    "assign_mention",
    "create_source",
    "delete_query",
    "delete_source",
    "fetch_due_sources",
    "fetch_source",
    "import_reviews",
    "mention_event",
    "receive_webhook",
    "record_mentions",
    "remove_tag",
    "reply_to_mention",
    "rotate_webhook_secret",
    "save_query",
    "set_spam",
    "update_source",
]

logger = logging.getLogger(__name__)

LANGUAGES = ("fr", "en")
MAX_KEYWORDS = 50
MAX_TAG = 40
MAX_REPLY = 500  # Mastodon's default status length


# Queries ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class QueryValues:
    """What a member sets on a listening query; ``competitors`` are ``{"name", "keywords"}``."""

    name: str
    keywords: Sequence[str]
    exclusions: Sequence[str] = ()
    languages: Sequence[str] = ()
    competitors: Sequence[Mapping[str, Any]] = ()
    is_active: bool = True


def _words(values: Sequence[Any], name: str, errors: dict[str, list[str]]) -> list[str]:
    words = [str(v).strip() for v in values if str(v).strip()]
    if len(words) > MAX_KEYWORDS:
        errors.setdefault(name, []).append(_("At most %(n)s entries.") % {"n": MAX_KEYWORDS})
    return list(dict.fromkeys(words))


def _competitors(values: QueryValues, errors: dict[str, list[str]]) -> list[dict[str, Any]]:
    cleaned: list[dict[str, Any]] = []
    for index, item in enumerate(values.competitors, start=1):
        name = str(item.get("name", "")).strip()
        keywords = _words(item.get("keywords") or [], "competitors", errors)
        if not name or not keywords:
            message = _("Competitor %(n)s needs a name and at least one keyword.") % {"n": index}
            errors.setdefault("competitors", []).append(message)
        cleaned.append({"name": name[:100], "keywords": keywords})
    return cleaned


def clean_query(values: QueryValues) -> dict[str, Any]:
    """Check and tidy query values; raise ValidationError naming each field at fault."""
    errors: dict[str, list[str]] = {}
    name = values.name.strip()
    if not name:
        errors["name"] = [_("A query needs a name.")]
    keywords = _words(values.keywords, "keywords", errors)
    if not keywords:
        errors.setdefault("keywords", []).append(_("Give at least one keyword."))
    unknown = sorted(set(values.languages) - set(LANGUAGES))
    if unknown:
        errors["languages"] = [_("Unknown language: %(code)s.") % {"code": unknown[0]}]
    cleaned = {
        "name": name[:100],
        "keywords": keywords,
        "exclusions": _words(values.exclusions, "exclusions", errors),
        "languages": [lang for lang in LANGUAGES if lang in values.languages],
        "competitors": _competitors(values, errors),
        "is_active": values.is_active,
    }
    if errors:
        raise ValidationError(errors)
    return cleaned


def _unique_slug(workspace: Workspace, name: str) -> str:
    base = slugify(name)[:90] or "query"
    taken = set(
        ListeningQuery.objects.filter(workspace=workspace, slug__startswith=base).values_list(
            "slug", flat=True
        )
    )
    slug, number = base, 2
    while slug in taken:
        slug, number = f"{base}-{number}", number + 1
    return slug


QUERY_FIELDS = ("name", "slug", "keywords", "exclusions", "languages", "competitors", "is_active")


def _snapshot(obj: Any, names: Sequence[str]) -> dict[str, Any]:
    return {name: getattr(obj, name) for name in names}


def save_query(
    access: WorkspaceAccess, values: QueryValues, query: ListeningQuery | None = None
) -> ListeningQuery:
    """Create a query (``query`` None) or change one; its slug follows its first name."""
    access.require(Perm.LISTENING_MANAGE)
    cleaned = clean_query(values)
    with transaction.atomic():
        before = _snapshot(query, QUERY_FIELDS) if query else None
        if query is None:
            slug = _unique_slug(access.workspace, cleaned["name"])
            query = ListeningQuery.objects.create(workspace=access.workspace, slug=slug, **cleaned)
        else:
            for name, value in cleaned.items():
                setattr(query, name, value)
            query.save(update_fields=[*cleaned, "updated_at"])
        action = "listening.query.created" if before is None else "listening.query.changed"
        record_audit(
            access.actor, access.workspace, action, query, before, _snapshot(query, QUERY_FIELDS)
        )
    return query


def delete_query(access: WorkspaceAccess, query: ListeningQuery) -> None:
    """Delete a query; its mentions stay, without a query."""
    access.require(Perm.LISTENING_MANAGE)
    with transaction.atomic():
        record_audit(
            access.actor,
            access.workspace,
            "listening.query.deleted",
            query,
            _snapshot(query, QUERY_FIELDS),
            None,
        )
        query.delete()


# Sources ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class SourceValues:
    """What a member sets on a source; ``config`` is checked by the kind's connector."""

    name: str
    config: Mapping[str, Any] = field(default_factory=dict)
    fetch_every_minutes: int = 15
    query: ListeningQuery | None = None
    is_active: bool = True


SOURCE_FIELDS = ("name", "kind", "fetch_every_minutes", "query_id", "is_active")


def _clean_source(access: WorkspaceAccess, kind: str, values: SourceValues) -> dict[str, Any]:
    errors: dict[str, list[str]] = {}
    try:
        config = connector_for(kind).clean_config(values.config)
    except ConfigError as exc:
        errors[f"config.{exc.field}"] = [exc.message]
        config = {}
    if not values.name.strip():
        errors["name"] = [_("A source needs a name.")]
    if not 1 <= values.fetch_every_minutes <= 7 * 24 * 60:
        errors["fetch_every_minutes"] = [_("Fetch every 1 minute to 7 days.")]
    if values.query is not None and values.query.workspace_id != access.workspace.pk:
        errors["query"] = [_("No such query.")]
    if errors:
        raise ValidationError(errors)
    return {
        "name": values.name.strip()[:200],
        "config": config,
        "fetch_every_minutes": values.fetch_every_minutes,
        "query": values.query,
        "is_active": values.is_active,
    }


def create_source(access: WorkspaceAccess, kind: str, values: SourceValues) -> Source:
    """Add a source of ``kind``; a webhook source gets its secret now."""
    access.require(Perm.LISTENING_MANAGE)
    if kind not in SourceKind.values:
        raise ValidationError({"kind": [_("Unknown source kind.")]})
    cleaned = _clean_source(access, kind, values)
    with transaction.atomic():
        secret = new_secret() if kind == SourceKind.WEBHOOK else ""
        source = Source.objects.create(
            workspace=access.workspace, kind=kind, secret=secret, **cleaned
        )
        record_audit(
            access.actor,
            access.workspace,
            "listening.source.created",
            source,
            None,
            _snapshot(source, SOURCE_FIELDS),
        )
    return source


def update_source(access: WorkspaceAccess, source: Source, values: SourceValues) -> Source:
    """Change a source's settings (its kind stays)."""
    access.require(Perm.LISTENING_MANAGE)
    cleaned = _clean_source(access, source.kind, values)
    with transaction.atomic():
        before = _snapshot(source, SOURCE_FIELDS)
        for name, value in cleaned.items():
            setattr(source, name, value)
        source.save(update_fields=list(cleaned))
        record_audit(
            access.actor,
            access.workspace,
            "listening.source.changed",
            source,
            before,
            _snapshot(source, SOURCE_FIELDS),
        )
    return source


def delete_source(access: WorkspaceAccess, source: Source) -> None:
    """Delete a source; its mentions stay."""
    access.require(Perm.LISTENING_MANAGE)
    with transaction.atomic():
        record_audit(
            access.actor,
            access.workspace,
            "listening.source.deleted",
            source,
            _snapshot(source, SOURCE_FIELDS),
            None,
        )
        source.delete()


def rotate_webhook_secret(access: WorkspaceAccess, source: Source) -> str:
    """Give a webhook source a new secret (the old one stops working at once); return it."""
    access.require(Perm.LISTENING_MANAGE)
    if source.kind != SourceKind.WEBHOOK:
        raise ValueError("Only webhook sources have a secret.")
    with transaction.atomic():
        source.secret = new_secret()
        source.save(update_fields=["secret"])
        record_audit(access.actor, access.workspace, "listening.source.secret_rotated", source)
    return source.secret


# Fetching ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class FetchOutcome:
    """One source's fetch: what was recorded, or why it failed (``error``)."""

    source_id: int
    result: RecordResult | None
    error: str = ""


def fetch_source(source: Source, *, now: datetime | None = None) -> FetchOutcome:
    """Fetch a pull source now and record what it read; a failure is kept in ``last_error``.

    Raises ValueError for a source that is not fetched (review import, webhook, manual).
    """
    connector = connector_for(source.kind)
    if connector.fetch is None:
        raise ValueError(f"{source.kind} sources are not fetched.")
    now = now or timezone.now()
    try:
        fetched = connector.fetch(source.config, source.state)
        result = record_mentions(source.workspace, source, fetched.items, now=now)
    except ConnectorError as exc:
        return _fetch_failed(source, str(exc), now)
    source.state, source.last_error, source.last_fetched_at = fetched.state, "", now
    source.save(update_fields=["state", "last_error", "last_fetched_at"])
    return FetchOutcome(source.pk, result)


def _fetch_failed(source: Source, error: str, now: datetime) -> FetchOutcome:
    source.last_error, source.last_fetched_at = error[:2000], now
    source.save(update_fields=["last_error", "last_fetched_at"])
    return FetchOutcome(source.pk, None, source.last_error)


def due_sources(now: datetime) -> list[Source]:
    """Active pull sources never fetched, or fetched ``fetch_every_minutes`` ago or more."""
    pulled = [kind for kind, connector in CONNECTORS.items() if connector.fetch is not None]
    sources = Source.objects.filter(is_active=True, kind__in=pulled).select_related("workspace")
    return [
        source
        for source in sources.order_by(F("last_fetched_at").asc(nulls_first=True), "pk")
        if source.last_fetched_at is None
        or source.last_fetched_at + timedelta(minutes=source.fetch_every_minutes) <= now
    ]


def fetch_due_sources(*, now: datetime | None = None) -> list[FetchOutcome]:
    """Fetch every due source; one failing, even unexpectedly, never stops the others."""
    now = now or timezone.now()
    outcomes = []
    for source in due_sources(now):
        try:
            outcomes.append(fetch_source(source, now=now))
        except Exception as exc:  # a bug in one connector must not starve the other sources
            logger.exception("listening fetch failed for source %s", source.pk)
            outcomes.append(_fetch_failed(source, f"unexpected error: {exc}", now))
    return outcomes


# Imports, webhook, manual entry -----------------------------------------------------------


def import_reviews(
    access: WorkspaceAccess, source: Source, content: str, *, now: datetime | None = None
) -> RecordResult:
    """Import a CSV export of reviews into a reviews source; a file with errors imports nothing.

    Raises ReviewFileError listing the rows and fields at fault.
    """
    access.require(Perm.LISTENING_MANAGE)
    if source.kind != SourceKind.REVIEWS:
        raise ValueError("Reviews are imported into a reviews source.")
    items = parse_reviews(content, now=now)
    with transaction.atomic():
        result = record_mentions(access.workspace, source, items, now=now)
        record_audit(
            access.actor,
            access.workspace,
            "listening.reviews.imported",
            source,
            None,
            {"rows": len(items), "stored": result.stored},
        )
    return result


class WebhookRefused(Exception):
    """No active webhook source with this id and secret."""


def webhook_source(source_id: int, secret: str) -> Source:
    """The active webhook source whose secret is ``secret``; raise WebhookRefused otherwise."""
    source = Source.objects.filter(pk=source_id, kind=SourceKind.WEBHOOK, is_active=True).first()
    expected = source.secret if source else ""
    # compare_digest runs in constant time; an empty secret (never set) matches nothing.
    if (
        source is None
        or not expected
        or not hmac.compare_digest(expected.encode(), secret.encode())
    ):
        raise WebhookRefused("Unknown webhook or wrong secret.")
    return source


def receive_webhook(source: Source, body: bytes, *, now: datetime | None = None) -> RecordResult:
    """Validate a webhook body and record its mentions; raise PayloadError naming the path."""
    items = parse_payload(body, now=now)
    return record_mentions(source.workspace, source, items, now=now)


def manual_source(workspace: Workspace) -> Source:
    """The workspace's manual-entry source, created on first use."""
    source = (
        Source.objects.filter(workspace=workspace, kind=SourceKind.MANUAL).order_by("pk").first()
    )
    if source is None:
        source = Source.objects.create(
            workspace=workspace,
            kind=SourceKind.MANUAL,
            name=_("Manual entry"),
            config={"channel": "other"},
        )
    return source


def add_manual_mention(
    access: WorkspaceAccess, data: Mapping[str, Any], *, now: datetime | None = None
) -> RecordResult:
    """Record one mention a member typed; raise PayloadError naming the field at fault."""
    access.require(Perm.MENTIONS_TRIAGE)
    item = parse_entry(data, now=now)
    with transaction.atomic():
        source = manual_source(access.workspace)
        result = record_mentions(access.workspace, source, [item], now=now)
        for mention in Mention.objects.filter(pk__in=result.mention_ids):
            record_audit(access.actor, access.workspace, "listening.mention.added", mention)
    return result


# Triage -----------------------------------------------------------------------------------


def add_tag(access: WorkspaceAccess, mention: Mention, tag: str) -> list[str]:
    """Add a tag (trimmed, at most 40 characters); return the mention's tags."""
    access.require(Perm.MENTIONS_TRIAGE)
    name = tag.strip()[:MAX_TAG]
    if not name:
        raise ValidationError({"tag": [_("A tag cannot be empty.")]})
    return _set_tags(
        access, mention, [*mention.tags, name] if name not in mention.tags else mention.tags
    )


def remove_tag(access: WorkspaceAccess, mention: Mention, tag: str) -> list[str]:
    """Remove a tag the mention has (nothing happens otherwise); return its tags."""
    access.require(Perm.MENTIONS_TRIAGE)
    return _set_tags(access, mention, [t for t in mention.tags if t != tag])


def _set_tags(access: WorkspaceAccess, mention: Mention, tags: list[str]) -> list[str]:
    if tags == mention.tags:
        return tags
    with transaction.atomic():
        before = {"tags": list(mention.tags)}
        mention.tags = tags
        mention.save(update_fields=["tags"])
        record_audit(
            access.actor,
            access.workspace,
            "listening.mention.tagged",
            mention,
            before,
            {"tags": tags},
        )
    return tags


def assign_mention(access: WorkspaceAccess, mention: Mention, user: User | None) -> Mention:
    """Assign the mention to a member of the workspace (None: nobody)."""
    access.require(Perm.MENTIONS_TRIAGE)
    if (
        user is not None
        and not Membership.objects.filter(user=user, workspace=access.workspace).exists()
    ):
        raise ValidationError(
            {"assigned_to": [_("Only a member of the workspace can be assigned.")]}
        )
    with transaction.atomic():
        before = {"assigned_to": mention.assigned_to_id}
        mention.assigned_to = user
        mention.save(update_fields=["assigned_to"])
        record_audit(
            access.actor,
            access.workspace,
            "listening.mention.assigned",
            mention,
            before,
            {"assigned_to": mention.assigned_to_id},
        )
    return mention


def set_spam(access: WorkspaceAccess, mention: Mention, is_spam: bool) -> Mention:
    """Mark a mention as spam (reason ``marked``) or clear a verdict, rule-made or not."""
    access.require(Perm.MENTIONS_TRIAGE)
    with transaction.atomic():
        before = {"is_spam": mention.is_spam, "spam_reason": mention.spam_reason}
        mention.is_spam, mention.spam_reason = is_spam, "marked" if is_spam else ""
        mention.save(update_fields=["is_spam", "spam_reason"])
        record_audit(
            access.actor,
            access.workspace,
            "listening.mention.spam",
            mention,
            before,
            {"is_spam": is_spam, "spam_reason": mention.spam_reason},
        )
    return mention


def reply_to_mention(access: WorkspaceAccess, mention: Mention, text: str) -> MentionReply:
    """Post ``text`` as a reply on the mention's network, then keep it on the mention.

    Raises ValidationError when the text is empty or too long, or when the mention's source
    cannot reply (no connector reply, no access token); ConnectorError when the network refuses.
    """
    access.require(Perm.MENTIONS_TRIAGE)
    body = text.strip()
    if not body or len(body) > MAX_REPLY:
        raise ValidationError(
            {"text": [_("A reply holds 1 to %(n)s characters.") % {"n": MAX_REPLY}]}
        )
    source = mention.source
    connector = connector_for(source.kind) if source else None
    if (
        source is None
        or connector is None
        or connector.reply is None
        or not connector.can_reply(source.config)
    ):
        raise ValidationError({"text": [_("This mention's source cannot reply.")]})
    posted = connector.reply(
        source.config, mention.external_id, body
    )  # network: outside the transaction
    with transaction.atomic():
        reply = MentionReply.objects.create(
            mention=mention,
            author=access.actor.user,
            text=body,
            external_id=posted.external_id,
            url=posted.url,
            sent_at=timezone.now(),
        )
        record_audit(
            access.actor,
            access.workspace,
            "listening.mention.replied",
            mention,
            None,
            {"text": body},
        )
    return reply
