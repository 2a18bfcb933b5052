"""Load the rules a ``.vale.ini`` selects for a file, from the styles on its StylesPath."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from accord.brand.config import ConfigError, Selection, ValeConfig, read_vocabulary
from accord.brand.engine import RuleSet
from accord.brand.rules.base import Rule, RuleError
from accord.brand.rules.builtin import builtin_rules
from accord.brand.rules.loader import Unsupported, load_rule_file, rule_files

__all__ = ["StyleLibrary", "load_styles"]

BUILTIN_STYLE = "Vale"


def _style_dir(styles_path: Path | None, style: str) -> Path:
    if styles_path is None:
        raise ConfigError(f"style '{style}' is used but StylesPath is not set")
    folder = styles_path / style
    if not folder.is_dir():
        raise ConfigError(f"style '{style}' does not exist on StylesPath ({styles_path})")
    return folder


def _vocabulary(styles_path: Path | None, names: Sequence[str]) -> tuple[list[str], list[str]]:
    accepted: list[str] = []
    rejected: list[str] = []
    for name in names:
        if styles_path is None:
            raise ConfigError(f"vocabulary '{name}' is used but StylesPath is not set")
        more_accepted, more_rejected = read_vocabulary(styles_path, name)
        accepted.extend(term for term in more_accepted if term not in accepted)
        rejected.extend(term for term in more_rejected if term not in rejected)
    return accepted, rejected


def _build(styles_path: Path | None, selection: Selection) -> RuleSet:
    accepted, rejected = _vocabulary(styles_path, selection.vocab)
    items: list[Rule | Unsupported] = []
    levels = dict(selection.levels)
    for item in builtin_rules(accepted, rejected, levels):
        name = item.name if isinstance(item, Unsupported) else item.info.name
        if selection.enabled(name):
            items.append(item)
    styles = list(selection.styles)
    styles.extend(
        name.split(".")[0]
        for name, on in selection.switches
        if on and name.split(".")[0] not in styles
    )
    for style in dict.fromkeys(styles):
        if style == BUILTIN_STYLE:
            continue
        for name, path in rule_files(_style_dir(styles_path, style)):
            if selection.enabled(name):
                try:
                    items.append(load_rule_file(path, name, accepted, selection.level(name)))
                except RuleError as error:
                    raise ConfigError(str(error)) from error
    return RuleSet.of(items)


@dataclass
class StyleLibrary:
    """The rule sets of one configuration, built once per distinct selection."""

    config: ValeConfig
    _cache: dict[Selection, RuleSet] = field(default_factory=dict)

    def rules_for(self, path: str | Path) -> RuleSet:
        """Return the rules that apply to the file ``path``."""
        selection = self.config.select(path)
        if selection not in self._cache:
            self._cache[selection] = _build(self.config.styles_path, selection)
        return self._cache[selection]


def load_styles(
    styles_path: str | Path, styles: Sequence[str], vocab: Sequence[str] = ()
) -> RuleSet:
    """Load every rule of ``styles`` (folders of ``styles_path``), with vocabularies ``vocab``."""
    selection = Selection(tuple(styles), (), (), tuple(vocab))
    return _build(Path(styles_path), selection)
