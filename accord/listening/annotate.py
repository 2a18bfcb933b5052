"""Add language and sentiment columns to a CSV stream, batch by batch, in constant memory."""

from __future__ import annotations

import csv
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from itertools import islice
from typing import IO

from accord.listening.sentiment import BATCH_SIZE, analyse_many

ADDED_COLUMNS = ("lang", "label", "score")


class AnnotationError(ValueError):
    """The input cannot be annotated (no header, missing text column, clashing columns)."""


@dataclass(frozen=True, slots=True)
class AnnotatedFile:
    """How many rows were written, and how many of them got each label."""

    rows: int
    negative: int
    neutral: int
    positive: int


def annotate_csv(source: Iterable[str], sink: IO[str], text_column: str) -> AnnotatedFile:
    """Copy ``source`` to ``sink`` with ``lang,label,score`` added from ``text_column``.

    Rows shorter than the header are padded with empty cells; an empty text is scored like any
    other (language ``other``, neutral). Raises ``AnnotationError`` before writing anything if
    the header lacks ``text_column`` or already has one of the added columns.
    """
    reader = csv.reader(source)
    header = next(reader, None)
    position = _text_position(header, text_column)
    writer = csv.writer(sink, lineterminator="\n")
    writer.writerow([*(header or []), *ADDED_COLUMNS])
    counts: Counter[str] = Counter()
    for rows in _chunks(reader):
        width = len(header or [])
        rows = [row + [""] * (width - len(row)) for row in rows]
        results = analyse_many(row[position] for row in rows)
        writer.writerows(
            [*row, result.lang, result.label, f"{result.score:.4f}"]
            for row, result in zip(rows, results, strict=True)
        )
        counts.update(result.label for result in results)
    return AnnotatedFile(counts.total(), counts["negative"], counts["neutral"], counts["positive"])


def _text_position(header: list[str] | None, text_column: str) -> int:
    """Return where ``text_column`` is in the header, or raise ``AnnotationError``."""
    if not header:
        raise AnnotationError("the file is empty: a header row is needed")
    names = [name.strip() for name in header]
    if text_column not in names:
        raise AnnotationError(f"no column {text_column!r}; the columns are: {', '.join(names)}")
    clashing = [name for name in ADDED_COLUMNS if name in names]
    if clashing:
        raise AnnotationError(f"the file already has the column(s) {', '.join(clashing)}")
    return names.index(text_column)


def _chunks(reader: Iterator[list[str]]) -> Iterator[list[list[str]]]:
    while rows := list(islice(reader, BATCH_SIZE)):
        yield rows
