"""``accord brand lint``: Vale's line output, exit codes and configuration errors."""

from __future__ import annotations

import argparse
from pathlib import Path

import pytest

from accord.brand.commands import register

DOCS = Path(__file__).parent / "fixtures" / "docs"
CONFIG = Path(__file__).parent / "fixtures" / "project" / ".vale.ini"


def _run(*arguments: str) -> int:
    parser = argparse.ArgumentParser(prog="accord")
    register(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(["brand", "lint", *arguments])
    code: int = args.func(args)
    return code


def test_it_prints_sorted_alerts_and_exits_1_on_an_error(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code = _run("--config", str(CONFIG), str(DOCS / "page.html"), str(DOCS / "launch.md"))

    out, err = capsys.readouterr()
    launch, page = DOCS / "launch.md", DOCS / "page.html"
    assert code == 1
    assert out.splitlines() == [
        f"{launch}:1:3:Acme.Headings:'Our Very Big Launch' should be in sentence case.",
        f"{launch}:1:7:Acme.Very:Remove 'Very'.",
        f"{launch}:3:8:Acme.Very:Remove 'basically'.",
        f"{launch}:3:29:Acme.Terms:Use 'JavaScript' instead of 'javascript'.",
        f"{launch}:3:55:Acme.dates.Format:Write dates as '1 January 2025', not '12/03/2025'.",
        f"{launch}:4:9:Vale.Avoid:Avoid using 'synergy'.",
        f"{launch}:4:21:Vale.Terms:Use 'Accord' instead of 'accord'.",
        f"{page}:2:18:Marque.Anglicismes:Préférez « lettre d’information » à « newsletter ».",
        f"{page}:2:33:Acme.Terms:Use 'email' instead of 'e-mail'.",
        f"{page}:2:33:Marque.Anglicismes:Préférez « courriel » à « e-mail ».",
    ]
    assert err == (
        "warning: 3 rule(s) cannot run and were skipped: "
        "Vale.Spelling ('spelling' rules are not supported), "
        "Acme.Meetup ('sequence' rules are not supported), "
        "Acme.Spell ('spelling' rules are not supported)\n"
    )


def test_it_exits_0_without_error_level_alerts(capsys: pytest.CaptureFixture[str]) -> None:
    assert _run("--config", str(CONFIG), str(DOCS / "clean.txt")) == 0
    assert capsys.readouterr().out == ""


def test_it_lints_the_files_of_a_folder(capsys: pytest.CaptureFixture[str]) -> None:
    assert _run("--config", str(CONFIG), str(DOCS)) == 1
    out = capsys.readouterr().out.splitlines()
    assert len(out) == 10
    assert out[0].startswith(f"{DOCS / 'launch.md'}:1:3:")


def test_min_alert_level_filters_and_can_clear_errors(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    styles = (CONFIG.parent.parent / "styles").resolve()
    config = tmp_path / ".vale.ini"
    config.write_text(
        f"StylesPath = {styles}\nMinAlertLevel = warning\n[*]\nBasedOnStyles = Acme\n"
    )
    text = tmp_path / "note.md"
    text.write_text("# Big News\n\nIt is very good.\n")

    assert _run("--config", str(config), str(text)) == 0
    assert capsys.readouterr().out == f"{text}:3:7:Acme.Very:Remove 'very'.\n"


def test_config_is_found_upward_from_the_current_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    styles = (CONFIG.parent.parent / "styles").resolve()
    (tmp_path / "_vale.ini").write_text(f"StylesPath = {styles}\n[*]\nBasedOnStyles = Acme\n")
    work = tmp_path / "drafts" / "fr"
    work.mkdir(parents=True)
    (work / "note.txt").write_text("very javascript\n")
    monkeypatch.chdir(work)
    monkeypatch.delenv("VALE_CONFIG_PATH", raising=False)

    assert _run("note.txt") == 1
    assert capsys.readouterr().out.splitlines() == [
        "note.txt:1:1:Acme.Very:Remove 'very'.",
        "note.txt:1:6:Acme.Terms:Use 'JavaScript' instead of 'javascript'.",
    ]


def test_missing_configuration_exits_2(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("VALE_CONFIG_PATH", raising=False)
    (tmp_path / "a.md").write_text("text")

    assert _run("a.md") == 2
    assert "no .vale.ini or _vale.ini found" in capsys.readouterr().err


def test_bad_configuration_and_missing_file_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    broken = tmp_path / ".vale.ini"
    broken.write_text("MinAlertLevel = loud\n")

    assert _run("--config", str(broken), str(DOCS / "clean.txt")) == 2
    assert "MinAlertLevel must be one of suggestion, warning, error" in capsys.readouterr().err
    assert _run("--config", str(CONFIG), str(tmp_path / "nope.md")) == 2
    assert "no such file" in capsys.readouterr().err


def test_invalid_rule_file_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    style = tmp_path / "styles" / "Bad"
    style.mkdir(parents=True)
    (style / "Rule.yml").write_text("extends: existence\nlevel: loud\nmessage: x\ntokens: [a]\n")
    config = tmp_path / ".vale.ini"
    config.write_text("StylesPath = styles\n[*]\nBasedOnStyles = Bad\n")

    assert _run("--config", str(config), str(DOCS / "clean.txt")) == 2
    err = capsys.readouterr().err
    assert "Rule.yml: 'level' must be one of suggestion, warning, error, not 'loud'" in err


def test_token_ignores_drop_alerts_inside_their_matches(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    styles = (CONFIG.parent.parent / "styles").resolve()
    config = tmp_path / ".vale.ini"
    config.write_text(
        f"StylesPath = {styles}\n[*]\nBasedOnStyles = Acme\n"
        + r"TokenIgnores = (\{\{[^}]+\}\}), (%[a-z]+%)"
        + "\n"
    )
    text = tmp_path / "mail.txt"
    text.write_text("Hello {{ very_name }}, very %very% news.\n")

    assert _run("--config", str(config), str(text)) == 0
    assert capsys.readouterr().out == f"{text}:1:24:Acme.Very:Remove 'very'.\n"
