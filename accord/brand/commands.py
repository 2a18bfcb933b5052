"""``accord brand lint``: lint files with Vale styles, printing Vale's line format.

Exit status: 0 when no error-level alert was found, 1 when one was, 2 when the configuration
(or a file) cannot be used. Needs no Django setup.
"""

from __future__ import annotations

import argparse
import os
import re
import sys
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import TextIO

from accord.brand.alerts import Alert, level_rank
from accord.brand.config import CONFIG_NAMES, ConfigError, ValeConfig, find_config, load_config
from accord.brand.engine import lint_document
from accord.brand.formats import format_for_path
from accord.brand.formats.html import DEFAULT_IGNORED, DEFAULT_SKIPPED, parse_html
from accord.brand.formats.markdown import parse_markdown
from accord.brand.formats.model import Document
from accord.brand.formats.plain import parse_text
from accord.brand.regex import PatternError, compile_pattern
from accord.brand.rules.loader import Unsupported
from accord.brand.styles import StyleLibrary

__all__ = ["lint_files", "register"]

_LINTABLE = frozenset({".md", ".markdown", ".mdown", ".mkd", ".mdx", ".html", ".htm", ".txt"})


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add ``brand lint`` to the ``accord`` command."""
    brand = subparsers.add_parser("brand", help="Brand voice tools.")
    commands = brand.add_subparsers(dest="brand_command", required=True, metavar="COMMAND")
    lint = commands.add_parser(
        "lint",
        help="Lint files with the Vale styles of a .vale.ini (Vale's line output).",
        description="Print path:line:col:Style.Rule:message for each alert; exit 1 on an error.",
    )
    lint.add_argument("--config", help="Path to the .vale.ini (default: nearest one upward).")
    lint.add_argument("files", nargs="+", metavar="FILE", help="Files or folders to lint.")
    lint.set_defaults(func=run_lint)


def _config_path(option: str | None) -> Path:
    if option:
        return Path(option)
    environment = os.environ.get("VALE_CONFIG_PATH")
    if environment:
        return Path(environment)
    found = find_config(Path.cwd())
    if found is None:
        names = " or ".join(CONFIG_NAMES)
        raise ConfigError(f"no {names} found in {Path.cwd()} or its parents; use --config")
    return found


def _expand(paths: Sequence[str]) -> Iterator[Path]:
    for name in paths:
        path = Path(name)
        if path.is_dir():
            for found in sorted(path.rglob("*")):
                if found.is_file() and found.suffix.lower() in _LINTABLE:
                    yield found
        elif path.is_file():
            yield path
        else:
            raise ConfigError(f"no such file: {name}")


def _parse(config: ValeConfig, path: Path, source: str) -> Document:
    fmt = format_for_path(path, config.formats)
    if fmt == "html":
        return parse_html(
            source,
            config.skipped_scopes or DEFAULT_SKIPPED,
            config.ignored_scopes or DEFAULT_IGNORED,
        )
    return parse_markdown(source) if fmt == "markdown" else parse_text(source)


def _ignore_patterns(patterns: Sequence[str]) -> list[re.Pattern[str]]:
    try:
        return [compile_pattern(pattern, re.MULTILINE) for pattern in patterns]
    except PatternError as error:
        raise ConfigError(f"TokenIgnores/BlockIgnores: {error}") from error


def _warn_unsupported(unsupported: Sequence[Unsupported], stderr: TextIO) -> None:
    if not unsupported:
        return
    listed = ", ".join(f"{item.name} ({item.reason})" for item in unsupported)
    stderr.write(f"warning: {len(unsupported)} rule(s) cannot run and were skipped: {listed}\n")


def lint_files(
    config: ValeConfig, paths: Sequence[str], stdout: TextIO, stderr: TextIO
) -> list[tuple[str, Alert]]:
    """Lint ``paths`` with ``config``; print alerts in Vale's line format and return them."""
    library = StyleLibrary(config)
    results: list[tuple[str, Alert]] = []
    skipped: dict[str, Unsupported] = {}
    for path in _expand(paths):
        try:
            source = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as error:
            raise ConfigError(f"cannot read {path}: {error}") from error
        rules = library.rules_for(path)
        skipped.update({item.name: item for item in rules.unsupported})
        document = _parse(config, path, source)
        ignore = _ignore_patterns(config.select(path).ignores)
        alerts = lint_document(document, rules, min_level=config.min_alert_level, ignore=ignore)
        results.extend((str(path), alert) for alert in alerts)
    _warn_unsupported(list(skipped.values()), stderr)
    results.sort(key=lambda item: (item[0], item[1].line, item[1].column))
    for name, alert in results:
        stdout.write(alert.line_format(name) + "\n")
    return results


def run_lint(args: argparse.Namespace) -> int:
    """Run ``accord brand lint``; return the exit status."""
    try:
        config = load_config(_config_path(args.config))
        results = lint_files(config, args.files, sys.stdout, sys.stderr)
    except ConfigError as error:
        sys.stderr.write(f"accord brand lint: {error}\n")
        return 2
    errors = any(level_rank(alert.level) == 2 for _, alert in results)
    return 1 if errors else 0
