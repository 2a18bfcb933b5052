"""``.vale.ini`` parsing, section globs, rule switches, vocabularies and discovery."""

from __future__ import annotations

from pathlib import Path

import pytest

from accord.brand import ConfigError, StyleLibrary, find_config, lint_text, load_config
from accord.brand.config import glob_pattern, read_vocabulary
from accord.brand.tests.conftest import lines


def _ini(folder: Path, text: str, name: str = ".vale.ini") -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def test_it_reads_core_settings(fixtures: Path) -> None:
    config = load_config(fixtures / "project" / ".vale.ini")

    assert config.styles_path == (fixtures / "styles").resolve()
    assert config.min_alert_level == "suggestion"
    assert config.vocab == ("Brand",)
    assert [section.glob for section in config.sections] == ["*", "*", "*.md", "*.{html,htm}"]


def test_sections_apply_by_glob_in_file_order(fixtures: Path) -> None:
    config = load_config(fixtures / "project" / ".vale.ini")

    markdown = config.select("docs/launch.md")
    html = config.select("site/index.htm")

    assert markdown.styles == ("Acme", "Vale")
    assert markdown.level("Acme.Headings") == "error"
    assert not markdown.enabled("Acme.Length")
    assert markdown.enabled("Acme.Very")
    assert html.styles == ("Acme", "Vale", "Marque")
    assert not html.enabled("Acme.Very")
    assert html.enabled("Acme.Length")


def test_globs() -> None:
    assert glob_pattern("*.{md,txt}").fullmatch("a/b/c.md")
    assert glob_pattern("*.{md,txt}").fullmatch("c.txt")
    assert not glob_pattern("*.{md,txt}").fullmatch("c.html")
    assert glob_pattern("docs/**/*.md").fullmatch("docs/a/b/c.md")
    assert glob_pattern("file?.[!a]d").fullmatch("file1.md")


def test_rules_follow_the_selection(fixtures: Path) -> None:
    library = StyleLibrary(load_config(fixtures / "project" / ".vale.ini"))

    markdown = library.rules_for("launch.md")
    html = library.rules_for("page.html")

    assert sorted(markdown.names) == [
        "Acme.Commas",
        "Acme.Headings",
        "Acme.Terms",
        "Acme.Very",
        "Acme.dates.Format",
        "Vale.Avoid",
        "Vale.Repetition",
        "Vale.Terms",
    ]
    assert sorted(item.name for item in markdown.unsupported) == [
        "Acme.Meetup",
        "Acme.Spell",
        "Vale.Spelling",
    ]
    assert "Marque.Anglicismes" in html.names
    assert "Acme.Very" not in html.names
    assert library.rules_for("other.md") is markdown  # built once per selection


def test_level_override_changes_the_alert_level(fixtures: Path) -> None:
    library = StyleLibrary(load_config(fixtures / "project" / ".vale.ini"))

    alerts = lint_text("# Big News Today\n", library.rules_for("a.md"), "markdown")

    assert [(a.check, a.level) for a in alerts] == [("Acme.Headings", "error")]


def test_vocabulary_accept_and_reject(fixtures: Path) -> None:
    accepted, rejected = read_vocabulary(fixtures / "styles", "Brand")

    assert accepted == ["Accord", "(?i)MongoDB", "Very Good Coffee"]
    assert rejected == ["synergy"]


def test_older_vocab_folder_layout(fixtures: Path) -> None:
    assert read_vocabulary(fixtures / "styles", "Legacy") == (["Lyon"], ["disruptif"])


def test_vocabulary_drives_vale_terms_and_avoid(tmp_path: Path, fixtures: Path) -> None:
    styles = (fixtures / "styles").resolve()
    config = load_config(
        _ini(tmp_path, f"StylesPath = {styles}\nVocab = Legacy\n\n[*]\nBasedOnStyles = Vale\n")
    )
    rules = StyleLibrary(config).rules_for("note.txt")

    alerts = lint_text("Un projet disruptif à lyon.", rules)

    assert lines(alerts) == [
        "1:11:Vale.Avoid:Avoid using 'disruptif'.",
        "1:23:Vale.Terms:Use 'Lyon' instead of 'lyon'.",
    ]


def test_accepted_terms_are_exceptions_to_style_rules(tmp_path: Path, fixtures: Path) -> None:
    styles = (fixtures / "styles").resolve()
    config = load_config(
        _ini(tmp_path, f"StylesPath = {styles}\nVocab = Brand\n\n[*]\nBasedOnStyles = Acme\n")
    )
    rules = StyleLibrary(config).rules_for("note.txt")

    alerts = lint_text("Very Good Coffee is very good.", rules)

    assert lines(alerts) == ["1:21:Acme.Very:Remove 'very'."]


def test_a_rule_can_be_switched_on_without_its_style(tmp_path: Path, fixtures: Path) -> None:
    styles = (fixtures / "styles").resolve()
    config = load_config(_ini(tmp_path, f"StylesPath = {styles}\n\n[*]\nAcme.dates.Format = YES\n"))

    assert StyleLibrary(config).rules_for("a.txt").names == ["Acme.dates.Format"]


def test_min_alert_level_is_read(tmp_path: Path) -> None:
    assert load_config(_ini(tmp_path, "MinAlertLevel = error\n")).min_alert_level == "error"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("MinAlertLevel = loud\n", "MinAlertLevel must be one of"),
        ("StylesPath = nowhere\n", "is not a folder"),
        ("[*\nBasedOnStyles = x\n", "invalid INI"),
    ],
)
def test_invalid_configurations_say_why(tmp_path: Path, text: str, message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        load_config(_ini(tmp_path, text))


def test_unknown_style_and_vocabulary_are_errors(tmp_path: Path, fixtures: Path) -> None:
    styles = (fixtures / "styles").resolve()
    missing_style = load_config(_ini(tmp_path, f"StylesPath = {styles}\n[*]\nBasedOnStyles = X\n"))
    missing_vocab = load_config(
        _ini(tmp_path, f"StylesPath = {styles}\nVocab = Nope\n", "_vale.ini")
    )

    with pytest.raises(ConfigError, match="style 'X' does not exist"):
        StyleLibrary(missing_style).rules_for("a.md")
    with pytest.raises(ConfigError, match="vocabulary 'Nope' not found"):
        StyleLibrary(missing_vocab).rules_for("a.md")


def test_discovery_walks_up_from_the_current_folder(tmp_path: Path) -> None:
    deep = tmp_path / "a" / "b" / "c"
    deep.mkdir(parents=True)
    top = _ini(tmp_path, "MinAlertLevel = warning\n")
    nearer = _ini(tmp_path / "a", "MinAlertLevel = error\n", "_vale.ini")

    assert find_config(deep) == nearer
    assert find_config(tmp_path) == top
    nearer.unlink()
    assert find_config(deep) == top


def test_dot_vale_ini_wins_over_underscore_in_the_same_folder(tmp_path: Path) -> None:
    _ini(tmp_path, "", "_vale.ini")
    dotted = _ini(tmp_path, "")

    assert find_config(tmp_path) == dotted
