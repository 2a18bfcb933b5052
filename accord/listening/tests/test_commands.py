"""``accord listen sentiment`` end to end, on CSV files written in a temporary folder."""

from __future__ import annotations

import argparse
import csv
import json
from pathlib import Path
from typing import Any

import pytest

from accord.listening.commands import register

ROWS = [
    ["id", "texte", "auteur"],
    ["1", "Une expérience formidable, merci à toute l'équipe !", "Zoé Lefèvre"],
    ["2", "Très déçu par la qualité, je ne recommande pas.", "Jérôme"],
    ["3", "Absolutely fantastic, I love it", "Amy"],
    ["4", "", "Anonyme"],
]


def run(*argv: str) -> int:
    """Parse ``accord listen …`` with this app's parser and run the command."""
    parser = argparse.ArgumentParser(prog="accord")
    register(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(["listen", *argv])
    code: int = args.func(args)
    return code


def write_csv(path: Path, rows: list[list[str]], encoding: str = "utf-8") -> Path:
    with path.open("w", encoding=encoding, newline="") as handle:
        csv.writer(handle).writerows(rows)
    return path


def read_csv(path: Path) -> list[list[str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.reader(handle))


def test_it_adds_lang_label_and_score_to_every_row(tmp_path: Path) -> None:
    source = write_csv(tmp_path / "avis.csv", ROWS)
    target = tmp_path / "avis-sentiment.csv"

    code = run(
        "sentiment", "--input", str(source), "--text-column", "texte", "--output", str(target)
    )

    assert code == 0
    rows = read_csv(target)
    assert rows[0] == ["id", "texte", "auteur", "lang", "label", "score"]
    assert [row[:3] for row in rows] == ROWS  # accents and columns kept as they were
    assert [row[3:5] for row in rows[1:]] == [
        ["fr", "positive"],
        ["fr", "negative"],
        ["en", "positive"],
        ["other", "neutral"],
    ]
    assert rows[4][5] == "0.0000"
    assert all(-1 <= float(row[5]) <= 1 and len(row[5].split(".")[1]) == 4 for row in rows[1:])


def test_it_reads_a_file_saved_with_a_byte_order_mark(tmp_path: Path) -> None:
    source = write_csv(tmp_path / "excel.csv", [["text"], ["Génial !"]], encoding="utf-8-sig")
    target = tmp_path / "out.csv"

    assert run("sentiment", "--input", str(source), "--output", str(target)) == 0
    assert read_csv(target)[0] == ["text", "lang", "label", "score"]


def test_it_refuses_a_missing_column_and_writes_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = write_csv(tmp_path / "avis.csv", ROWS)
    target = tmp_path / "out.csv"

    code = run(
        "sentiment", "--input", str(source), "--text-column", "body", "--output", str(target)
    )

    assert code == 2
    assert capsys.readouterr().err == (
        f"error: {source}: no column 'body'; the columns are: id, texte, auteur\n"
    )
    assert list(tmp_path.iterdir()) == [source]


def test_it_refuses_a_missing_input_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    missing = tmp_path / "absent.csv"

    code = run("sentiment", "--input", str(missing), "--output", str(tmp_path / "out.csv"))

    assert code == 2
    assert capsys.readouterr().err == f"error: no such file: {missing}\n"
    assert list(tmp_path.iterdir()) == []


def test_it_refuses_a_file_that_already_has_a_label_column(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = write_csv(tmp_path / "in.csv", [["text", "label"], ["Super", "x"]])

    code = run("sentiment", "--input", str(source), "--output", str(tmp_path / "out.csv"))

    assert code == 2
    assert "already has the column(s) label" in capsys.readouterr().err
    assert list(tmp_path.iterdir()) == [source]


def test_it_writes_to_stdout_with_a_dash(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = write_csv(tmp_path / "in.csv", [["text"], ["I hate waiting in line for hours"]])

    assert run("sentiment", "--input", str(source), "--output", "-") == 0

    out = capsys.readouterr()
    assert out.out.splitlines()[0] == "text,lang,label,score"
    assert out.out.splitlines()[1].startswith("I hate waiting in line for hours,en,negative,-")
    assert out.err == "Analysed 1 rows: 0 positive, 0 neutral, 1 negative.\n"


def test_it_streams_a_file_larger_than_one_batch(tmp_path: Path) -> None:
    texts = ["Merci, service impeccable !", "Livraison en retard, colis abîmé."] * 700
    source = write_csv(tmp_path / "in.csv", [["text"], *([t] for t in texts)])
    target = tmp_path / "out.csv"

    assert run("sentiment", "--input", str(source), "--output", str(target)) == 0

    rows = read_csv(target)[1:]
    assert len(rows) == 1400
    assert [row[2] for row in rows[:2]] == ["positive", "negative"]
    assert rows[-2:] == rows[:2]


# Database commands --------------------------------------------------------------------------


def test_import_reviews_reports_rows_at_fault(
    tmp_path: Path, workspace: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    from accord.listening.models import Mention, SourceKind
    from accord.listening.tests.conftest import make_source

    source = make_source(workspace, SourceKind.REVIEWS, config={"platform": "google"})
    bad = write_csv(
        tmp_path / "r.csv", [["Reviewer", "Rating", "Date"], ["Ana", "9", "2026-01-02"]]
    )

    code = run("import-reviews", "--source", str(source.pk), "--file", str(bad))

    assert code == 2
    assert capsys.readouterr().err == f"error: {bad}: row 2, rating: '9' is not between 1 and 5\n"
    assert not Mention.objects.exists()


def test_import_reviews_stores_them(
    tmp_path: Path, workspace: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    from accord.listening.models import Mention, SourceKind
    from accord.listening.tests.conftest import make_source

    source = make_source(workspace, SourceKind.REVIEWS, config={"platform": "google"})
    good = write_csv(
        tmp_path / "r.csv", [["Reviewer", "Rating", "Date"], ["Ana", "4", "2026-01-02"]]
    )

    code = run("import-reviews", "--source", str(source.pk), "--file", str(good))

    assert code == 0
    assert capsys.readouterr().out == "Imported 1 reviews (0 already known).\n"
    assert Mention.objects.get().rating == 4.0


def test_fetch_prints_each_source_and_fails_on_an_error(
    workspace: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    from accord.listening.tests.conftest import make_source

    make_source(workspace, name="Presse", config={"url": "http://127.0.0.1:9/feed"})

    code = run("fetch")

    assert code == 1
    assert capsys.readouterr().out.startswith("Presse: error: cannot reach 127.0.0.1:9")


def test_reputation_prints_json(workspace: Any, capsys: pytest.CaptureFixture[str]) -> None:
    code = run("reputation", "--workspace", "brand", "--json")

    assert code == 0
    assert json.loads(capsys.readouterr().out) == {
        "workspace": "brand",
        "days": 30,
        "index": None,
        "components": {},
        "missing": ["social", "reviews", "press"],
        "share_of_voice": {"Brand": 0.0},
    }
