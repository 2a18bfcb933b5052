"""``accord crisis detect``: a timestamp,value CSV in, a scored and flagged CSV out."""

from __future__ import annotations

import argparse
import csv
from pathlib import Path

import pytest

from accord.crisis.commands import register
from accord.crisis.detector import SpikeDetector
from accord.crisis.offline import SeriesFormatError, detect_stream, read_series
from accord.crisis.tests.series import POINTS_PER_DAY, seasonal_series

SPIKE_AT = 15 * POINTS_PER_DAY + 120


def accord(*argv: str) -> int:
    parser = argparse.ArgumentParser(prog="accord")
    register(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(argv)
    code: int = args.func(args)
    return code


def write_csv(path: Path, rows: list[tuple[str, str]], header: str = "timestamp,value") -> Path:
    path.write_text(header + "\n" + "".join(f"{ts},{value}\n" for ts, value in rows))
    return path


def spiky_rows() -> list[tuple[str, str]]:
    series = seasonal_series(21, seed=1)
    rows = [(ts.strftime("%Y-%m-%d %H:%M:%S"), f"{value:.3f}") for ts, value in series]
    ts, value = rows[SPIKE_AT]
    rows[SPIKE_AT] = (ts, f"{float(value) + 60:.3f}")
    return rows


def test_it_writes_a_score_and_a_decision_for_every_row(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    rows = spiky_rows()
    source = write_csv(tmp_path / "series.csv", rows)
    target = tmp_path / "alerts.csv"

    code = accord("crisis", "detect", "--input", str(source), "--output", str(target))

    assert code == 0
    with target.open(newline="") as handle:
        written = list(csv.reader(handle))
    assert written[0] == ["timestamp", "value", "anomaly_score", "is_alert"]
    assert [(r[0], r[1]) for r in written[1:]] == rows
    assert [i for i, r in enumerate(written[1:]) if r[3] == "1"] == [SPIKE_AT]
    assert {r[3] for r in written[1:]} == {"0", "1"}
    assert all(0.0 <= float(r[2]) <= 1.0 for r in written[1:])
    assert capsys.readouterr().out == f"{len(rows)} rows, 1 alerts written to {target}\n"


def test_its_decisions_are_the_detectors_own(tmp_path: Path) -> None:
    rows = spiky_rows()
    source = write_csv(tmp_path / "series.csv", rows)
    target = tmp_path / "alerts.csv"

    accord("crisis", "detect", "--input", str(source), "--output", str(target))

    detector = SpikeDetector()
    with source.open(newline="") as handle:
        expected = [
            (f"{d.anomaly_score:.6f}", str(int(d.is_alert)))
            for d in (detector.update(row.timestamp, row.value) for row in read_series(handle))
        ]
    with target.open(newline="") as handle:
        assert [(r[2], r[3]) for r in list(csv.reader(handle))[1:]] == expected


def test_an_upward_run_ignores_a_drop(tmp_path: Path) -> None:
    rows = spiky_rows()
    ts, value = rows[SPIKE_AT]
    rows[SPIKE_AT] = (ts, f"{float(value) - 120:.3f}")
    source = write_csv(tmp_path / "series.csv", rows)
    target = tmp_path / "alerts.csv"

    accord("crisis", "detect", "--input", str(source), "--output", str(target), "--direction", "up")

    with target.open(newline="") as handle:
        assert [r[3] for r in list(csv.reader(handle))[1:]].count("1") == 0


@pytest.mark.parametrize(
    ("rows", "header", "message"),
    [
        (
            [("2025-01-06T00:00:00", "1"), ("yesterday", "2")],
            "timestamp,value",
            "line 3: timestamp 'yesterday' is not ISO 8601",
        ),
        (
            [("2025-01-06T00:00:00", "1"), ("2025-01-06T00:05:00", "lots")],
            "timestamp,value",
            "line 3: value 'lots' is not a number",
        ),
        (
            [("2025-01-06T00:00:00", "nan")],
            "timestamp,value",
            "line 2: value 'nan' is not a finite number",
        ),
        (
            [("2025-01-06T00:05:00", "1"), ("2025-01-06T00:00:00", "2")],
            "timestamp,value",
            "line 3: timestamp '2025-01-06T00:00:00' is earlier than the row before it",
        ),
        (
            [("2025-01-06T00:00:00", "1")],
            "time,count",
            "line 1: expected the header 'timestamp,value'",
        ),
    ],
)
def test_a_bad_row_stops_the_run_with_an_error_naming_its_line(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    rows: list[tuple[str, str]],
    header: str,
    message: str,
) -> None:
    source = write_csv(tmp_path / "series.csv", rows, header)

    code = accord("crisis", "detect", "--input", str(source), "--output", str(tmp_path / "o.csv"))

    assert code == 1
    assert capsys.readouterr().err.startswith(f"accord crisis detect: {source}: {message}")


def test_a_row_with_a_missing_column_names_its_line(tmp_path: Path) -> None:
    source = tmp_path / "series.csv"
    source.write_text("timestamp,value\n2025-01-06T00:00:00,1\n2025-01-06T00:05:00\n")

    with source.open(newline="") as handle, pytest.raises(SeriesFormatError) as error:
        list(read_series(handle))

    assert str(error.value) == "line 3: expected 2 columns, found 1"


def test_a_missing_input_file_is_reported_not_raised(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = accord(
        "crisis", "detect", "--input", str(tmp_path / "nope.csv"), "--output", str(tmp_path / "o")
    )

    assert code == 1
    assert "nope.csv" in capsys.readouterr().err


def test_rows_going_back_in_time_are_kept_in_file_order_when_allowed(tmp_path: Path) -> None:
    rows = [
        ("2025-01-06T00:05:00", "1"),
        ("2025-01-06T00:00:00", "2"),
        ("2025-01-06T00:10:00", "3"),
    ]
    source = write_csv(tmp_path / "series.csv", rows)
    target = tmp_path / "alerts.csv"

    code = accord(
        "crisis", "detect", "--input", str(source), "--output", str(target), "--allow-unordered"
    )

    assert code == 0
    with target.open(newline="") as handle:
        assert [r[:2] for r in list(csv.reader(handle))[1:]] == [list(r) for r in rows]


def test_naive_timestamps_are_read_as_utc_and_offsets_are_kept(tmp_path: Path) -> None:
    source = write_csv(
        tmp_path / "series.csv",
        [
            ("2025-01-06 00:00:00", "1"),
            ("2025-01-06T02:00:00+02:00", "2"),
            ("2025-01-06T01:00Z", "3"),
        ],
    )

    with source.open(newline="") as handle:
        parsed = [row.timestamp.isoformat() for row in read_series(handle)]

    assert parsed == [
        "2025-01-06T00:00:00+00:00",
        "2025-01-06T02:00:00+02:00",
        "2025-01-06T01:00:00+00:00",
    ]


def test_equal_timestamps_and_blank_lines_are_accepted(tmp_path: Path) -> None:
    source = tmp_path / "series.csv"
    source.write_text("timestamp,value\n2025-01-06T00:00:00,1\n\n2025-01-06T00:00:00,2\n")
    sink = tmp_path / "alerts.csv"

    with source.open(newline="") as handle, sink.open("w", newline="") as out:
        run = detect_stream(handle, out)

    assert (run.rows, run.alerts) == (2, 0)
