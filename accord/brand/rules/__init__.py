"""Vale rule types: loaders and checks for each ``extends`` value."""

from accord.brand.rules.base import Action, Finding, Rule, RuleError, RuleInfo
from accord.brand.rules.builtin import builtin_rules
from accord.brand.rules.loader import (
    SUPPORTED_TYPES,
    UNSUPPORTED_TYPES,
    Unsupported,
    build_rule,
    load_rule_file,
    rule_files,
)

__all__ = [
    "SUPPORTED_TYPES",
    "UNSUPPORTED_TYPES",
    "Action",
    "Finding",
    "Rule",
    "RuleError",
    "RuleInfo",
    "Unsupported",
    "build_rule",
    "builtin_rules",
    "load_rule_file",
    "rule_files",
]
