"""Reviews imported from a CSV export of Google Business Profile or TripAdvisor.

Columns are recognised by name, in English or French, whatever their case or order (see
``COLUMNS``). A rating is 1 to 5 (``4``, ``4.5``, ``FOUR``, ``4/5``, ``5 stars``, or
TripAdvisor's bubble scale ``10``–``50``). A file with errors imports nothing: each error names
its row (the header is row 1) and its field.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from django.utils.translation import gettext as _

from accord.listening.models import Channel, SourceKind
from accord.listening.sources.base import ConfigError, Connector, RawMention, text_setting

MAX_ROWS = 50_000
MAX_ERRORS = 20
COLUMNS: dict[str, tuple[str, ...]] = {
    "text": (
        "review",
        "review text",
        "comment",
        "comments",
        "text",
        "avis",
        "commentaire",
        "texte",
        "review comment",
        "content",
    ),
    "rating": (
        "rating",
        "star rating",
        "stars",
        "starrating",
        "note",
        "bubble rating",
        "review rating",
        "rating value",
        "etoiles",
        "nombre d etoiles",
    ),
    "date": (
        "date",
        "review date",
        "published date",
        "publish date",
        "create time",
        "createtime",
        "created",
        "created at",
        "date of review",
        "date de publication",
        "date de l avis",
        "published",
    ),
    "author": (
        "reviewer",
        "reviewer name",
        "author",
        "user",
        "username",
        "user name",
        "name",
        "auteur",
        "nom",
    ),
    "title": ("title", "review title", "titre"),
    "url": ("url", "review url", "link", "lien"),
    "id": ("review id", "reviewid", "id", "name id"),
}
REQUIRED = ("rating", "date")
WORDS = {"ONE": 1.0, "TWO": 2.0, "THREE": 3.0, "FOUR": 4.0, "FIVE": 5.0}
RATING = re.compile(r"^\s*(\d+(?:[.,]\d+)?)\s*(?:/\s*5|stars?|étoiles?|etoiles?)?\s*$", re.I)
DATE_FORMATS = (
    "%Y-%m-%d",
    "%d/%m/%Y",
    "%Y/%m/%d",
    "%B %d, %Y",
    "%b %d, %Y",
    "%d %B %Y",
    "%Y-%m-%d %H:%M:%S",
    "%d/%m/%Y %H:%M",
)


@dataclass(frozen=True)
class RowError:
    """What is wrong in one cell: ``row`` counts the header as row 1 (0: the file itself)."""

    row: int
    field: str
    message: str

    def __str__(self) -> str:
        values = {"row": self.row, "field": self.field, "message": self.message}
        if self.row:
            return _("row %(row)s, %(field)s: %(message)s") % values
        return _("%(field)s: %(message)s") % values


class ReviewFileError(ValueError):
    """A review file that cannot be imported; ``errors`` lists every problem found (up to 20)."""

    def __init__(self, errors: list[RowError]) -> None:
        super().__init__("; ".join(str(error) for error in errors))
        self.errors = errors


def clean_config(config: Mapping[str, Any]) -> dict[str, Any]:
    platform = text_setting(config, "platform", required=False) or "google"
    if platform not in {"google", "tripadvisor", "other"}:
        raise ConfigError("platform", _("platform must be google, tripadvisor or other."))
    return {"platform": platform}


def _header_key(name: str) -> str:
    plain = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    return " ".join(re.sub(r"[^a-z0-9]+", " ", plain.lower()).split())


def detect_columns(header: Iterable[str]) -> dict[str, int]:
    """Map each known field to the index of its column; the first matching column wins."""
    keys = [_header_key(name) for name in header]
    found: dict[str, int] = {}
    for field, aliases in COLUMNS.items():
        index = next((i for i, key in enumerate(keys) if key in aliases), None)
        if index is not None:
            found[field] = index
    return found


def parse_rating(value: str) -> float:
    """Read a 1–5 rating; raise ValueError with the reason."""
    text = value.strip()
    if text.upper() in WORDS:
        return WORDS[text.upper()]
    match = RATING.match(text)
    if not match:
        raise ValueError(_("%(value)r is not a rating from 1 to 5") % {"value": text[:30]})
    number = float(match.group(1).replace(",", "."))
    if number in {10.0, 20.0, 30.0, 40.0, 50.0}:  # TripAdvisor's bubble scale
        number /= 10
    if not 1 <= number <= 5:
        raise ValueError(_("%(value)r is not between 1 and 5") % {"value": text[:30]})
    return number


def parse_date(value: str) -> datetime:
    """Read an ISO 8601 time or a usual export date (day first); no zone means UTC."""
    text = value.strip()
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        moment = _formatted(text)
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _formatted(text: str) -> datetime:
    for pattern in DATE_FORMATS:
        try:
            return datetime.strptime(text, pattern)  # noqa: DTZ007 (zone added by the caller)
        except ValueError:
            continue
    message = _("%(value)r is not a date (use 2025-03-31 or 31/03/2025)")
    raise ValueError(message % {"value": text[:30]})


def parse_reviews(content: str, *, now: datetime | None = None) -> list[RawMention]:
    """Read every review of a CSV export; raise ReviewFileError listing rows and fields at fault."""
    text = content.lstrip("\ufeff")
    first = text.split("\n", 1)[0]
    delimiter = ";" if first.count(";") > first.count(",") else ","  # French spreadsheets
    rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
    if not rows:
        raise ReviewFileError([RowError(0, "file", _("the file is empty"))])
    columns = detect_columns(rows[0])
    missing = [field for field in REQUIRED if field not in columns]
    if missing:
        raise ReviewFileError([_missing(field) for field in missing])
    if len(rows) - 1 > MAX_ROWS:
        raise ReviewFileError([RowError(0, "file", _("more than %(n)s reviews") % {"n": MAX_ROWS})])
    reviews, errors = _rows(rows[1:], columns, now or datetime.now(UTC))
    if errors:
        raise ReviewFileError(errors[:MAX_ERRORS])
    return reviews


def _missing(field: str) -> RowError:
    expected = ", ".join(COLUMNS[field][:4])
    message = _("no %(field)s column (expected a header such as %(expected)s)")
    return RowError(1, field, message % {"field": field, "expected": expected})


def _rows(
    rows: list[list[str]], columns: dict[str, int], now: datetime
) -> tuple[list[RawMention], list[RowError]]:
    reviews: list[RawMention] = []
    errors: list[RowError] = []
    for number, row in enumerate(rows, start=2):
        if not any(cell.strip() for cell in row):
            continue
        try:
            reviews.append(_review(row, columns, now))
        except _CellError as exc:
            errors.append(RowError(number, exc.field, exc.message))
    return reviews, errors


class _CellError(ValueError):
    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field, self.message = field, message


def _cell(row: list[str], columns: dict[str, int], field: str) -> str:
    index = columns.get(field)
    return row[index].strip() if index is not None and index < len(row) else ""


def _review(row: list[str], columns: dict[str, int], now: datetime) -> RawMention:
    def checked(field: str, parse: Any) -> Any:
        value = _cell(row, columns, field)
        if not value:
            raise _CellError(field, _("is empty"))
        try:
            return parse(value)
        except ValueError as exc:
            raise _CellError(field, str(exc)) from None

    rating = checked("rating", parse_rating)
    published = checked("date", parse_date)
    if published > now:
        raise _CellError("date", _("is in the future"))
    return RawMention(
        text=_cell(row, columns, "text"),
        published_at=published,
        rating=rating,
        title=_cell(row, columns, "title")[:500],
        author=_cell(row, columns, "author")[:200],
        url=_cell(row, columns, "url")[:2048],
        external_id=_cell(row, columns, "id")[:300],
    )


CONNECTOR = Connector(kind=SourceKind.REVIEWS, channel=Channel.REVIEW, clean_config=clean_config)
