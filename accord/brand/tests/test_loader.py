"""Building rules from YAML: valid, invalid and unsupported definitions."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from accord.brand import Alert, RuleError, Unsupported, build_rule, lint_text, load_rule_file
from accord.brand.rules import rule_files
from accord.brand.tests.conftest import make_rule


@pytest.mark.parametrize("kind", ["spelling", "sequence", "script"])
def test_unsupported_types_are_reported_not_run(kind: str) -> None:
    rule = build_rule("Style.Rule", {"extends": kind, "message": "m"})

    assert rule == Unsupported("Style.Rule", kind, f"'{kind}' rules are not supported")


def test_a_pattern_python_cannot_run_is_reported() -> None:
    rule = build_rule("S.R", {"extends": "existence", "message": "m", "tokens": ["(?U)a+"]})

    assert isinstance(rule, Unsupported)
    assert rule.reason == "unsupported flag(s) 'U'"


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"message": "m"}, "missing the required 'extends' key"),
        ({"extends": "grammar", "message": "m"}, "'extends' must be one of"),
        ({"extends": "existence", "tokens": ["a"]}, "missing the required 'message' key"),
        ({"extends": "existence", "message": "m", "level": "fatal"}, "'level' must be one of"),
        ({"extends": "existence", "message": "m"}, "needs 'tokens' or 'raw'"),
        ({"extends": "substitution", "message": "m", "swap": ["a"]}, "'swap' must be a map"),
        ({"extends": "occurrence", "message": "m", "max": 1}, "needs a 'token'"),
    ],
)
def test_invalid_definitions_raise(data: dict[str, object], message: str) -> None:
    with pytest.raises(RuleError, match=message):
        build_rule("S.R", data)


def test_defaults_are_warning_level_and_text_scope() -> None:
    rule = build_rule("S.R", {"extends": "existence", "message": "m", "tokens": ["a"]})

    assert not isinstance(rule, Unsupported)
    assert rule.info.level == "warning"
    assert rule.info.scope.matches(frozenset({"paragraph", "text", "md"}))


def test_yaml_with_go_style_escapes_loads(tmp_path: Path) -> None:
    path = tmp_path / "Hair.yml"
    path.write_text(
        "extends: existence\nmessage: \"Avoid '%s'\"\n"
        "description: \"The use of '%s' means you\\'re biased.\"\ntokens:\n  - beards?\n"
    )

    rule = load_rule_file(path, "Joblint.Hair")

    assert not isinstance(rule, Unsupported)
    assert rule.info.description == "The use of '%s' means you're biased."


def test_broken_yaml_names_the_file_and_line(tmp_path: Path) -> None:
    path = tmp_path / "Bad.yml"
    path.write_text("extends: existence\nmessage: [unclosed\n")

    with pytest.raises(RuleError, match=r"Bad\.yml:\d+: invalid YAML"):
        load_rule_file(path, "S.Bad")


def test_style_folders_name_nested_rules_and_skip_private_folders(fixtures: Path) -> None:
    names = [name for name, _ in rule_files(fixtures / "styles" / "Acme")]

    assert names == [
        "Acme.Commas",
        "Acme.Headings",
        "Acme.Length",
        "Acme.Meetup",
        "Acme.Spell",
        "Acme.Terms",
        "Acme.Very",
        "Acme.dates.Format",
    ]


def test_alerts_are_frozen_dataclasses() -> None:
    rule = make_rule(
        "S.R", {"extends": "existence", "message": "'%s'", "link": "https://x", "tokens": ["a"]}
    )

    [alert] = lint_text("a", [rule])

    assert alert == Alert("S.R", "warning", "'a'", 1, 1, 0, 1, "a", None, "https://x")
    assert alert.line_format("f.md") == "f.md:1:1:S.R:'a'"
    with pytest.raises(dataclasses.FrozenInstanceError):
        alert.line = 2  # type: ignore[misc]
