"""Request and response bodies of the listening API."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Literal
from uuid import UUID

from ninja import Schema
from pydantic import AfterValidator, AwareDatetime, ConfigDict, Field

from accord.contacts.schemas import ErrorOut
from accord.listening.models import Mention
from accord.listening.queries import MentionFilter


def _in_utc(value: datetime) -> datetime:
    return value.astimezone(UTC)


Timestamp = Annotated[datetime, AfterValidator(_in_utc)]
ChannelName = Literal["press", "social", "review", "other"]

__all__ = ["ErrorOut", "MentionIn", "MentionOut", "MentionPage", "MentionQuery", "RecordOut"]


class MentionQuery(Schema):
    cursor: str | None = Field(None, description="The next_cursor of the previous page.")
    limit: int = Field(50, ge=1, le=200, description="Items per page, 1 to 200.")
    source: int | None = Field(None, description="A source id.")
    lang: Literal["", "fr", "en", "other"] = ""
    sentiment: Literal["", "negative", "neutral", "positive"] = ""
    channel: Literal["", "press", "social", "review", "other"] = ""
    query: str = Field("", description="A listening query's slug.")
    subject: str | None = Field(
        None, description='"" for the brand only, a competitor\'s name; absent for all.'
    )
    q: str = Field("", description="Words found in the text, title or author.")
    tag: str = ""
    spam: Literal["hide", "show", "only"] = Field(
        "hide", description="hide: no spam nor duplicates; show: everything; only: spam."
    )
    since: AwareDatetime | None = Field(None, description="Published at or after.")
    until: AwareDatetime | None = Field(None, description="Published before.")

    def as_filter(self) -> MentionFilter:
        return MentionFilter(
            source=self.source,
            lang=self.lang,
            sentiment=self.sentiment,
            channel=self.channel,
            query=self.query,
            subject=self.subject,
            q=self.q,
            tag=self.tag,
            spam=self.spam,
            start=self.since,
            end=self.until,
        )


class MentionOut(Schema):
    id: int
    uid: UUID
    published_at: Timestamp
    collected_at: Timestamp
    source_id: int | None
    source_kind: str
    channel: str
    query: str = Field(description="The query's slug; empty without a query.")
    subject: str = Field(description="Empty for the brand, else the competitor's name.")
    url: str
    author: str
    title: str
    text: str
    lang: str
    sentiment: str
    score: float
    rating: float | None
    reach: int | None
    is_spam: bool
    spam_reason: str
    duplicate_of_id: int | None
    tags: list[str]
    assigned_to: str | None

    @staticmethod
    def resolve_query(obj: Mention) -> str:
        return obj.query.slug if obj.query else ""

    @staticmethod
    def resolve_assigned_to(obj: Mention) -> str | None:
        return obj.assigned_to.get_username() if obj.assigned_to else None


class MentionPage(Schema):
    items: list[MentionOut]
    next_cursor: str | None


class MentionIn(Schema):
    """One mention typed in or posted by a tool; the same fields as a webhook item."""

    model_config = ConfigDict(extra="forbid")

    text: str = Field(min_length=1, max_length=20_000)
    published_at: AwareDatetime
    url: str = Field("", max_length=2048)
    author: str = Field("", max_length=200)
    title: str = Field("", max_length=500)
    external_id: str = Field("", max_length=300)
    rating: float | None = Field(None, ge=1, le=5)
    reach: int | None = Field(None, ge=0)
    channel: ChannelName = "other"


class RecordOut(Schema):
    """What a batch became: stored (of which duplicates and spam), already known, unmatched."""

    received: int
    stored: int
    known: int
    unmatched: int
    duplicates: int
    spam: int
    mention_ids: list[int]
