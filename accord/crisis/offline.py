"""Run the spike detector over a ``timestamp,value`` CSV file, streaming it row by row.

This is what ``accord crisis detect`` does and what ``bench/crisis.py`` measures: rows are read,
assessed and written one at a time in file order, so no decision can depend on a later row.
"""

from __future__ import annotations

import csv
import math
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TextIO

from accord.crisis.config import DetectorConfig
from accord.crisis.detector import SpikeDetector

INPUT_HEADER = ("timestamp", "value")
OUTPUT_HEADER = ("timestamp", "value", "anomaly_score", "is_alert")


class SeriesFormatError(ValueError):
    """A row of the input series cannot be used; the message names the line."""


@dataclass(frozen=True)
class DetectionRun:
    """Summary of one pass over a series: how many rows were read and how many alerted."""

    rows: int
    alerts: int


@dataclass(frozen=True)
class SeriesRow:
    """One parsed input row, with its raw text kept for echoing it back unchanged."""

    line: int
    timestamp: datetime
    value: float
    raw_timestamp: str
    raw_value: str


def parse_timestamp(text: str, line: int) -> datetime:
    """Parse an ISO 8601 timestamp; a naive one is read as UTC."""
    try:
        parsed = datetime.fromisoformat(text.strip())
    except ValueError:
        raise SeriesFormatError(f"line {line}: timestamp {text!r} is not ISO 8601") from None
    return parsed if parsed.tzinfo is not None else parsed.replace(tzinfo=UTC)


def parse_value(text: str, line: int) -> float:
    """Parse a finite decimal number."""
    try:
        value = float(text)
    except ValueError:
        raise SeriesFormatError(f"line {line}: value {text!r} is not a number") from None
    if not math.isfinite(value):
        raise SeriesFormatError(f"line {line}: value {text!r} is not a finite number")
    return value


def read_series(source: TextIO, *, allow_unordered: bool = False) -> Iterator[SeriesRow]:
    """Yield the rows of a ``timestamp,value`` CSV lazily, checking each as it comes.

    Rows must not go back in time (equal timestamps are accepted) unless ``allow_unordered``;
    blank lines are skipped. Errors name the 1-based line of the file.
    """
    reader = csv.reader(source)
    header = next(reader, None)
    if header is None or tuple(cell.strip().lower() for cell in header) != INPUT_HEADER:
        raise SeriesFormatError("line 1: expected the header 'timestamp,value'")
    previous: datetime | None = None
    for cells in reader:
        if not cells:
            continue
        row = _parse_row(cells, reader.line_num)
        if previous is not None and row.timestamp < previous and not allow_unordered:
            raise SeriesFormatError(
                f"line {row.line}: timestamp {row.raw_timestamp!r} is earlier than the row "
                "before it; sort the file by time"
            )
        previous = row.timestamp
        yield row


def _parse_row(cells: list[str], line: int) -> SeriesRow:
    """Parse the two cells of one data row."""
    if len(cells) != len(INPUT_HEADER):
        raise SeriesFormatError(f"line {line}: expected 2 columns, found {len(cells)}")
    raw_timestamp, raw_value = cells[0].strip(), cells[1].strip()
    timestamp = parse_timestamp(raw_timestamp, line)
    return SeriesRow(line, timestamp, parse_value(raw_value, line), raw_timestamp, raw_value)


def detect_stream(
    source: TextIO,
    sink: TextIO,
    config: DetectorConfig | None = None,
    *,
    allow_unordered: bool = False,
) -> DetectionRun:
    """Write ``timestamp,value,anomaly_score,is_alert`` for every row of ``source``, in order.

    Note: rows already written stay in ``sink`` when a bad row raises ``SeriesFormatError``.
    """
    detector = SpikeDetector(config)
    writer = csv.writer(sink, lineterminator="\n")
    writer.writerow(OUTPUT_HEADER)
    rows = alerts = 0
    for row in read_series(source, allow_unordered=allow_unordered):
        detection = detector.update(row.timestamp, row.value)
        score = f"{detection.anomaly_score:.6f}"
        writer.writerow((row.raw_timestamp, row.raw_value, score, int(detection.is_alert)))
        rows += 1
        alerts += detection.is_alert
    return DetectionRun(rows, alerts)


def detect_file(
    input_path: Path,
    output_path: Path,
    config: DetectorConfig | None = None,
    *,
    allow_unordered: bool = False,
) -> DetectionRun:
    """Run ``detect_stream`` from one CSV file to another (the output is overwritten)."""
    with (
        input_path.open(encoding="utf-8", newline="") as source,
        output_path.open("w", encoding="utf-8", newline="") as sink,
    ):
        return detect_stream(source, sink, config, allow_unordered=allow_unordered)
