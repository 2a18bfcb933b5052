"""Read ``.vale.ini`` files and find them the way Vale does.

Supported: ``StylesPath`` (relative to the file), ``MinAlertLevel``, ``Vocab`` (at the top or in a
section; ``<StylesPath>/config/vocabularies/<Name>/`` or the older ``<StylesPath>/Vocab/<Name>/``),
``SkippedScopes`` and ``IgnoredScopes`` (HTML tags), ``[formats]`` aliases, and glob sections
(``[*]``, ``[*.md]``, ``[*.{md,txt}]``, ``[docs/**.html]``) with ``BasedOnStyles``,
``TokenIgnores``/``BlockIgnores`` (alerts inside their matches are dropped) and per-rule or
per-style settings: ``Style.Rule = NO``, ``= YES``, or a level (``= error``). Every section whose
glob matches a file applies, in file order; a later setting wins. Not supported: ``Packages``,
``Transform``, ``CommentDelimiters``, ``WordTemplate``, ``Lang`` (spelling is not run).
"""

from __future__ import annotations

import configparser
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from accord.brand.alerts import LEVELS, Level

__all__ = [
    "CONFIG_NAMES",
    "ConfigError",
    "Section",
    "Selection",
    "ValeConfig",
    "find_config",
    "glob_pattern",
    "load_config",
    "read_vocabulary",
]

CONFIG_NAMES = (".vale.ini", "_vale.ini")
_ROOT = "__accord_root__"
_RULE_NAME = re.compile(r"^[\w\-]+(?:\.[\w\-]+)*$")


class ConfigError(ValueError):
    """The configuration (or a style it names) is unusable; the message says why."""


def glob_pattern(glob: str) -> re.Pattern[str]:
    """Compile a Vale section glob: ``*`` and ``**`` match any text, ``{a,b}`` either."""
    out: list[str] = []
    index = 0
    while index < len(glob):
        char = glob[index]
        if char == "*":
            out.append(".*")
            while index + 1 < len(glob) and glob[index + 1] == "*":
                index += 1
        elif char == "?":
            out.append(".")
        elif char == "{":
            close = glob.find("}", index)
            if close < 0:
                raise ConfigError(f"unclosed '{{' in section [{glob}]")
            choices = glob[index + 1 : close].split(",")
            out.append("(?:" + "|".join(re.escape(choice) for choice in choices) + ")")
            index = close
        elif char == "[":
            close = glob.find("]", index)
            if close < 0:
                raise ConfigError(f"unclosed '[' in section [{glob}]")
            body = glob[index + 1 : close]
            out.append("[" + ("^" + body[1:] if body.startswith("!") else body) + "]")
            index = close
        else:
            out.append(re.escape(char))
        index += 1
    return re.compile("".join(out))


@dataclass(frozen=True)
class Section:
    """A glob section: the styles it bases on and its rule settings, in file order."""

    glob: str
    pattern: re.Pattern[str]
    styles: tuple[str, ...] = ()
    settings: tuple[tuple[str, str], ...] = ()
    vocab: tuple[str, ...] = ()
    ignores: tuple[str, ...] = ()

    def matches(self, path: str) -> bool:
        """Tell whether the file ``path`` (or a tail of it after a "/") matches the glob."""
        posix = path.replace(os.sep, "/")
        tails = [posix] + [posix[i + 1 :] for i, char in enumerate(posix) if char == "/"]
        return any(self.pattern.fullmatch(tail) for tail in tails)


@dataclass(frozen=True)
class Selection:
    """What applies to one file: styles, explicit on/off switches and level overrides."""

    styles: tuple[str, ...]
    switches: tuple[tuple[str, bool], ...]
    levels: tuple[tuple[str, Level], ...]
    vocab: tuple[str, ...]
    ignores: tuple[str, ...] = ()

    def enabled(self, rule: str) -> bool:
        """Tell whether ``Style.Rule`` runs: its own switch, its style's, or BasedOnStyles."""
        switches = dict(self.switches)
        style = rule.split(".")[0]
        if rule in switches:
            return switches[rule]
        if style in switches:
            return switches[style]
        return style in self.styles

    def level(self, rule: str) -> Level | None:
        """Return the level set for ``rule`` or its style, if any."""
        levels = dict(self.levels)
        return levels.get(rule) or levels.get(rule.split(".")[0])


@dataclass(frozen=True)
class ValeConfig:
    """A parsed ``.vale.ini``."""

    path: Path
    styles_path: Path | None
    min_alert_level: Level = "suggestion"
    vocab: tuple[str, ...] = ()
    sections: tuple[Section, ...] = ()
    formats: Mapping[str, str] = field(default_factory=dict)
    skipped_scopes: frozenset[str] | None = None
    ignored_scopes: frozenset[str] | None = None

    def select(self, path: str | Path) -> Selection:
        """Return the styles, switches, levels, vocabularies and ignores that apply to ``path``."""
        styles: list[str] = []
        switches: dict[str, bool] = {}
        levels: dict[str, Level] = {}
        vocab = list(self.vocab)
        ignores: list[str] = []
        for section in self.sections:
            if not section.matches(str(path)):
                continue
            styles.extend(style for style in section.styles if style not in styles)
            vocab.extend(name for name in section.vocab if name not in vocab)
            ignores.extend(section.ignores)
            for name, value in section.settings:
                _apply_setting(name, value, switches, levels)
        return Selection(
            tuple(styles),
            tuple(switches.items()),
            tuple(levels.items()),
            tuple(vocab),
            tuple(ignores),
        )


def _apply_setting(
    name: str, value: str, switches: dict[str, bool], levels: dict[str, Level]
) -> None:
    lowered = value.strip().lower()
    if lowered in {"yes", "true", "on"}:
        switches[name] = True
    elif lowered in {"no", "false", "off"}:
        switches[name] = False
    elif lowered in LEVELS:
        switches[name] = True
        levels[name] = lowered


def _split(value: str) -> tuple[str, ...]:
    return tuple(item.strip() for item in value.split(",") if item.strip())


def _patterns(value: str) -> tuple[str, ...]:
    """Split a ``TokenIgnores`` value: patterns in parentheses, separated by commas."""
    parts = re.split(r",\s*(?=\()", value.strip())
    return tuple(part.strip() for part in parts if part.strip())


def _core(items: Mapping[str, str], key: str) -> str | None:
    for name, value in items.items():
        if name.lower() == key.lower():
            return value
    return None


_SECTION_KEYS = frozenset({"basedonstyles", "vocab", "blockignores", "tokenignores", "lang"})
_SECTION_KEYS_CORE = frozenset({"transform", "commentdelimiters", "wordtemplate"})


def _section(glob: str, items: Mapping[str, str], *, root: bool = False) -> Section:
    settings = []
    for name, value in items.items():
        lowered = name.lower()
        if lowered in _SECTION_KEYS or lowered in _SECTION_KEYS_CORE:
            continue
        if _RULE_NAME.match(name) and (not root or "." in name):
            settings.append((name, value))
    ignores = [_patterns(_core(items, key) or "") for key in ("TokenIgnores", "BlockIgnores")]
    return Section(
        glob=glob,
        pattern=glob_pattern(glob),
        styles=_split(_core(items, "BasedOnStyles") or ""),
        settings=tuple(settings),
        vocab=_split(_core(items, "Vocab") or ""),
        ignores=tuple(pattern for group in ignores for pattern in group),
    )


class _CaseKeepingParser(configparser.RawConfigParser):
    """INI parser that keeps key case: rule names (``Style.Rule``) are case-sensitive."""

    def optionxform(self, optionstr: str) -> str:
        """Return the key as written."""
        return optionstr


def _read(path: Path) -> configparser.RawConfigParser:
    parser = _CaseKeepingParser(
        delimiters=("=",),
        comment_prefixes=("#", ";"),
        inline_comment_prefixes=(" #", " ;"),
        strict=False,
        interpolation=None,
    )
    try:
        text = path.read_text(encoding="utf-8")
        parser.read_string(f"[{_ROOT}]\n" + text, source=str(path))
    except (OSError, UnicodeDecodeError) as error:
        raise ConfigError(f"cannot read {path}: {error}") from error
    except configparser.Error as error:
        raise ConfigError(f"{path}: invalid INI: {error}") from error
    return parser


def _level(value: str | None, path: Path) -> Level:
    if value is None:
        return "suggestion"
    level = value.strip().lower()
    if level not in LEVELS:
        raise ConfigError(f"{path}: MinAlertLevel must be one of {', '.join(LEVELS)}")
    return level


def load_config(path: str | Path) -> ValeConfig:
    """Parse the ``.vale.ini`` at ``path``; raise ``ConfigError`` with the reason if unusable."""
    path = Path(path)
    if not path.is_file():
        raise ConfigError(f"configuration file not found: {path}")
    parser = _read(path)
    root = dict(parser.items(_ROOT))
    styles_value = _core(root, "StylesPath")
    styles_path = (path.parent / styles_value.strip()).resolve() if styles_value else None
    if styles_path is not None and not styles_path.is_dir():
        raise ConfigError(f"{path}: StylesPath {styles_path} is not a folder")
    sections = [_section("*", root, root=True)]
    for name in parser.sections():
        if name in {_ROOT, "formats"}:
            continue
        sections.append(_section(name, dict(parser.items(name))))
    formats = dict(parser.items("formats")) if parser.has_section("formats") else {}
    skipped = _core(root, "SkippedScopes")
    ignored = _core(root, "IgnoredScopes")
    return ValeConfig(
        path=path,
        styles_path=styles_path,
        min_alert_level=_level(_core(root, "MinAlertLevel"), path),
        vocab=_split(_core(root, "Vocab") or ""),
        sections=tuple(sections),
        formats={key.lower(): value.strip().lower() for key, value in formats.items()},
        skipped_scopes=frozenset(_split(skipped)) if skipped else None,
        ignored_scopes=frozenset(_split(ignored)) if ignored else None,
    )


def find_config(start: str | Path) -> Path | None:
    """Return the nearest ``.vale.ini`` or ``_vale.ini`` in ``start`` or its parents."""
    folder = Path(start).resolve()
    for candidate in (folder, *folder.parents):
        for name in CONFIG_NAMES:
            path = candidate / name
            if path.is_file():
                return path
    return None


def _terms(path: Path) -> list[str]:
    if not path.is_file():
        return []
    lines = path.read_text(encoding="utf-8").splitlines()
    return [line.strip() for line in lines if line.strip() and not line.strip().startswith("#")]


def read_vocabulary(styles_path: Path, name: str) -> tuple[list[str], list[str]]:
    """Return the (accepted, rejected) terms of vocabulary ``name``.

    Looks in ``config/vocabularies/<name>/`` (Vale 3) then ``Vocab/<name>/`` (Vale 2).
    """
    for folder in (styles_path / "config" / "vocabularies" / name, styles_path / "Vocab" / name):
        if folder.is_dir():
            return _terms(folder / "accept.txt"), _terms(folder / "reject.txt")
    raise ConfigError(f"vocabulary '{name}' not found under {styles_path}")
