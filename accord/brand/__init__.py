"""Brand voice: a Vale-compatible prose linter for French and English marketing copy.

``lint_text(text, rules, fmt)`` checks a text against compiled rules; rules come from Vale
styles (``load_styles``, or a ``.vale.ini`` through ``load_config`` and ``StyleLibrary``) or
from YAML definitions (``build_rule``). Pure Python: no Django models here yet.
"""

from accord.brand.alerts import Alert, Level
from accord.brand.config import ConfigError, ValeConfig, find_config, load_config
from accord.brand.engine import RuleSet, lint_document, lint_text
from accord.brand.formats import Document, parse_document
from accord.brand.rules import RuleError, Unsupported, build_rule, load_rule_file
from accord.brand.styles import StyleLibrary, load_styles

__all__ = [
    "Alert",
    "ConfigError",
    "Document",
    "Level",
    "RuleError",
    "RuleSet",
    "StyleLibrary",
    "Unsupported",
    "ValeConfig",
    "build_rule",
    "find_config",
    "lint_document",
    "lint_text",
    "load_config",
    "load_rule_file",
    "load_styles",
    "parse_document",
]
