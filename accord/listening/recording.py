"""``record_mentions``: from raw connector items to stored, analysed mentions in the warehouse.

One pass over a batch, set-based: a few queries whatever its size (known keys, the recent
fingerprints of the workspace, two bulk inserts, the warehouse ingestion), never one per item.

1. Known items are skipped: same normalised URL (``url_key``) in the workspace, or same
   external id from the same source (an item with neither gets a content hash as its id).
2. Language and sentiment come from the shipped model, in one batch; a review with a rating
   takes its sentiment from the rating (1–2 negative, 3 neutral, 4–5 positive).
3. Each text is matched against the workspace's active queries (``matching``). Items from
   pull sources that match no query are dropped; review imports, the webhook and manual
   entries fall back to the source's query (else the first active one).
4. A text of ``MIN_WORDS`` words or more within 3 bits (SimHash) of a mention published
   within ``RECENT`` of it is stored as its duplicate; by the same author, it is also spam.
5. Spam rules (``spam``) flag the rest.
6. Mentions are inserted, then written to the warehouse as ``custom`` events named
   ``mention``, in the same transaction. Mentions older than the warehouse's ``MAX_AGE``
   stay in the table only.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, TypeVar

from django.db import transaction
from django.utils import timezone

from accord.accounts.models import Workspace
from accord.listening import dedup, spam
from accord.listening.matching import Match, Matcher, match_text
from accord.listening.models import ListeningQuery, Mention, Sentiment, Source
from accord.listening.sentiment import Sentiment as Analysis
from accord.listening.sentiment import analyse_many
from accord.listening.sources import RawMention, connector_for
from accord.warehouse.actions import ingest_events
from accord.warehouse.events import FUTURE_TOLERANCE, MAX_AGE, MAX_BATCH

RECENT = timedelta(days=7)
MIN_WORDS = 6
CHUNK = 500
# Keep a margin under the warehouse's age limit: the event is validated a moment later.
WAREHOUSE_MARGIN = timedelta(hours=1)

T = TypeVar("T")


@dataclass(frozen=True)
class RecordResult:
    """What became of a batch of raw items.

    ``stored`` counts inserted mentions, among them ``duplicates`` and ``spam`` (a repeated
    text by its author is both); ``known`` items were already stored, ``unmatched`` named no
    query. ``warehouse`` events were accepted there; ``too_old`` mentions were not sent.
    """

    received: int
    stored: int
    known: int
    unmatched: int
    duplicates: int
    spam: int
    warehouse: int
    too_old: int
    mention_ids: tuple[int, ...]


def _chunks(values: Sequence[T], size: int = CHUNK) -> Iterator[Sequence[T]]:
    for start in range(0, len(values), size):
        yield values[start : start + size]


def _external_id(item: RawMention) -> str:
    if item.external_id or item.url:
        return item.external_id
    raw = f"{item.author}|{item.published_at.isoformat()}|{item.rating}|{item.text}"
    return "sha256:" + hashlib.sha256(raw.encode()).hexdigest()[:56]


@dataclass(frozen=True)
class _Keyed:
    item: RawMention
    url_key: str
    external_id: str


def _fresh(workspace: Workspace, source: Source, items: Sequence[RawMention]) -> list[_Keyed]:
    """Items neither repeated in the batch nor already stored (two queries per 500 items)."""
    keyed: list[_Keyed] = []
    seen: set[str] = set()
    for item in items:
        entry = _Keyed(item, dedup.url_key(item.url), _external_id(item))
        keys = {f"u:{entry.url_key}" if entry.url_key else "", f"e:{entry.external_id}"} - {
            "",
            "e:",
        }
        if keys & seen:
            continue
        seen |= keys
        keyed.append(entry)
    known = _known(workspace, source, keyed)
    return [k for k in keyed if f"u:{k.url_key}" not in known and f"e:{k.external_id}" not in known]


def _known(workspace: Workspace, source: Source, keyed: list[_Keyed]) -> set[str]:
    url_keys = [k.url_key for k in keyed if k.url_key]
    ids = [k.external_id for k in keyed if k.external_id]
    known: set[str] = set()
    mentions = Mention.objects.filter(workspace=workspace)
    for chunk in _chunks(url_keys):
        found = mentions.filter(url_key__in=chunk).values_list("url_key", flat=True)
        known |= {f"u:{key}" for key in found}
    for chunk in _chunks(ids):
        ids_found = mentions.filter(source=source, external_id__in=chunk)
        known |= {f"e:{key}" for key in ids_found.values_list("external_id", flat=True)}
    return known


def _analysed_text(item: RawMention) -> str:
    if item.title and item.title not in item.text:
        return f"{item.title}. {item.text}"
    return item.text


def _sentiment(item: RawMention, analysis: Analysis) -> tuple[str, float]:
    """The model's verdict; for a rated review, the rating's (score (rating − 3) / 2)."""
    if item.rating is None:
        return analysis.label, analysis.score
    if item.rating < 3:
        label = Sentiment.NEGATIVE
    elif item.rating > 3:
        label = Sentiment.POSITIVE
    else:
        label = Sentiment.NEUTRAL
    return label, round((item.rating - 3) / 2, 4)


def _matchers(workspace: Workspace, source: Source) -> tuple[list[Matcher], Match | None]:
    """The queries to match, and the fallback for sources whose items are the brand's own."""
    queries = list(ListeningQuery.objects.filter(workspace=workspace, is_active=True))
    queries.sort(key=lambda query: query.name)
    pulled = connector_for(source.kind).fetch is not None
    if pulled and source.query_id:
        queries = [query for query in queries if query.pk == source.query_id]
    if pulled:
        return [Matcher.of(query) for query in queries], None
    default = next((q for q in queries if q.pk == source.query_id), None) or next(
        iter(queries), None
    )
    return [Matcher.of(query) for query in queries], Match(default, "")


def _mention(
    workspace: Workspace,
    source: Source,
    entry: _Keyed,
    analysis: Analysis,
    match: Match,
    now: datetime,
) -> Mention:
    item = entry.item
    label, score = _sentiment(item, analysis)
    channel = item.channel or source.config.get("channel") or connector_for(source.kind).channel
    text = item.text or item.title
    return Mention(
        workspace=workspace,
        query=match.query,
        source=source,
        source_kind=source.kind,
        channel=channel,
        subject=match.subject[:100],
        url=item.url[:2048],
        url_key=entry.url_key,
        external_id=entry.external_id[:300],
        fingerprint=dedup.to_signed(dedup.simhash(_analysed_text(item))),
        author=item.author[:200],
        title=item.title[:500],
        text=text,
        lang=analysis.lang[:5],
        sentiment=label,
        score=score,
        rating=item.rating,
        reach=item.reach,
        published_at=item.published_at,
        collected_at=now,
    )


def _build(
    workspace: Workspace, source: Source, entries: list[_Keyed], now: datetime
) -> tuple[list[Mention], int]:
    """Analyse and match the fresh items; return the mentions to store and the unmatched count."""
    analyses = analyse_many(_analysed_text(entry.item) for entry in entries)
    matchers, fallback = _matchers(workspace, source)
    mentions: list[Mention] = []
    for entry, analysis in zip(entries, analyses, strict=True):
        match = match_text(matchers, _analysed_text(entry.item), analysis.lang) or fallback
        if match is not None:
            mentions.append(_mention(workspace, source, entry, analysis, match, now))
    return mentions, len(entries) - len(mentions)


def _long_enough(mention: Mention) -> bool:
    return len(f"{mention.title} {mention.text}".split()) >= MIN_WORDS


def _recent_index(workspace: Workspace, mentions: list[Mention]) -> dedup.NearIndex:
    """Fingerprints of stored originals published within RECENT of the batch (one query)."""
    start = min(m.published_at for m in mentions) - RECENT
    end = max(m.published_at for m in mentions) + RECENT
    rows = Mention.objects.filter(
        workspace=workspace,
        duplicate_of__isnull=True,
        published_at__gte=start,
        published_at__lte=end,
    ).values_list("fingerprint", "pk", "author", "published_at")
    return dedup.NearIndex((fp, (pk, author, at)) for fp, pk, author, at in rows.iterator())


def _flag(workspace: Workspace, mentions: list[Mention]) -> dict[int, Any]:
    """Set spam verdicts and find near-duplicates; return {id(copy): original (pk or Mention)}."""
    index = _recent_index(workspace, mentions)
    originals: dict[int, Any] = {}
    for mention in sorted(mentions, key=lambda m: m.published_at):
        verdict = spam.check_text(f"{mention.title} {mention.text}")
        mention.is_spam, mention.spam_reason = verdict.is_spam, verdict.reason
        if not _long_enough(mention):
            continue
        hit: Any = index.nearest(mention.fingerprint)
        if hit is not None and abs(hit[2] - mention.published_at) <= RECENT:
            originals[id(mention)] = hit[0]
            if mention.author and hit[1] == mention.author and not mention.is_spam:
                mention.is_spam, mention.spam_reason = True, spam.repeated(mention.author).reason
            continue
        index.add(mention.fingerprint, (mention, mention.author, mention.published_at))
    return originals


def _insert(mentions: list[Mention], originals: dict[int, Any]) -> list[Mention]:
    """Insert originals, then copies pointing at them (their ids exist only after the first)."""
    first = [m for m in mentions if id(m) not in originals]
    copies = [m for m in mentions if id(m) in originals]
    Mention.objects.bulk_create(first, batch_size=CHUNK)
    for copy in copies:
        original = originals[id(copy)]
        copy.duplicate_of_id = original.pk if isinstance(original, Mention) else original
    Mention.objects.bulk_create(copies, batch_size=CHUNK)
    return first + copies


def mention_event(mention: Mention) -> dict[str, Any]:
    """The warehouse event of a mention (its uid is the event id, so a resend counts once)."""
    return {
        "event_id": str(mention.uid),
        "kind": "custom",
        "ts": mention.published_at.isoformat(),
        "channel": mention.channel,
        "url": mention.url,
        "properties": {
            "name": "mention",
            "query": mention.query.slug if mention.query else "",
            "subject": mention.subject,
            "source_kind": mention.source_kind,
            "lang": mention.lang,
            "sentiment": mention.sentiment,
            "score": mention.score,
            "rating": mention.rating,
            "spam": mention.is_spam,
            "duplicate": mention.duplicate_of_id is not None,
        },
    }


def _to_warehouse(workspace: Workspace, mentions: list[Mention], now: datetime) -> tuple[int, int]:
    oldest = now - MAX_AGE + WAREHOUSE_MARGIN
    kept = [m for m in mentions if oldest <= m.published_at <= now + FUTURE_TOLERANCE]
    accepted = 0
    for chunk in _chunks([mention_event(m) for m in kept], MAX_BATCH):
        accepted += ingest_events(workspace, chunk, source="listening", now=now).accepted
    return accepted, sum(1 for m in mentions if m.published_at < oldest)


def record_mentions(
    workspace: Workspace,
    source: Source,
    raw_items: Sequence[RawMention],
    *,
    now: datetime | None = None,
) -> RecordResult:
    """Store the new mentions among ``raw_items`` and write them to the warehouse (see module)."""
    now = now or timezone.now()
    entries = _fresh(workspace, source, raw_items)
    mentions, unmatched = _build(workspace, source, entries, now) if entries else ([], 0)
    stored: list[Mention] = []
    warehouse = too_old = 0
    if mentions:
        with transaction.atomic():
            stored = _insert(mentions, _flag(workspace, mentions))
            warehouse, too_old = _to_warehouse(workspace, stored, now)
    return RecordResult(
        received=len(raw_items),
        stored=len(stored),
        known=len(raw_items) - len(entries),
        unmatched=unmatched,
        duplicates=sum(1 for m in stored if m.duplicate_of_id is not None),
        spam=sum(1 for m in stored if m.is_spam),
        warehouse=warehouse,
        too_old=too_old,
        mention_ids=tuple(m.pk for m in stored),
    )
