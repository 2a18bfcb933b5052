"""Extract translatable strings into accord/locale/*/django.po and compile them to .mo.

GNU gettext is not needed (users' machines often lack it): templates go through Django's own
``templatize`` and Python's tokenizer finds the gettext calls; polib writes the catalogs.
``django-admin makemessages -l fr`` gives the same msgids where gettext is installed.

    python -m accord.web.messages            # extract, then compile (what `make messages` runs)
    python -m accord.web.messages extract    # refresh msgids in every django.po
    python -m accord.web.messages compile    # write django.mo next to each django.po
    python -m accord.web.messages check      # exit 1 on a missing, untranslated or stale string
"""

from __future__ import annotations

import argparse
import ast
import io
import re
import sys
import tokenize
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import polib

PACKAGE = Path(__file__).resolve().parent.parent
REPO = PACKAGE.parent
LOCALE_DIR = PACKAGE / "locale"
SKIP_PARTS = {"tests", "migrations", "__pycache__", "locale", "static"}
TEMPLATE_SUFFIXES = {".html", ".txt"}
# gettext function name -> the meaning of its leading string arguments.
KEYWORDS: dict[str, tuple[str, ...]] = {
    "_": ("msgid",),
    "gettext": ("msgid",),
    "gettext_lazy": ("msgid",),
    "gettext_noop": ("msgid",),
    "ngettext": ("msgid", "plural"),
    "ngettext_lazy": ("msgid", "plural"),
    "pgettext": ("context", "msgid"),
    "pgettext_lazy": ("context", "msgid"),
    "npgettext": ("context", "msgid", "plural"),
    "npgettext_lazy": ("context", "msgid", "plural"),
}
PLURAL_FORMS = {"fr": "nplurals=2; plural=(n > 1);", "en": "nplurals=2; plural=(n != 1);"}
PYTHON_FORMAT = re.compile(r"%(\([^)]+\))?[-#0 +]*\d*(\.\d+)?[sdifr]")
SKIPPED_TOKENS = {tokenize.NL, tokenize.NEWLINE, tokenize.COMMENT, tokenize.INDENT}


@dataclass(frozen=True)
class Message:
    """One translatable string and where it was found."""

    msgid: str
    plural: str = ""
    context: str = ""
    where: str = ""


@dataclass
class Catalog:
    """Extracted messages keyed by (context, msgid), in order of first appearance."""

    messages: dict[tuple[str, str], Message] = field(default_factory=dict)
    places: dict[tuple[str, str], list[str]] = field(default_factory=dict)

    def add(self, message: Message) -> None:
        key = (message.context, message.msgid)
        self.messages.setdefault(key, message)
        places = self.places.setdefault(key, [])
        if message.where not in places:
            places.append(message.where)


def source_files(package: Path = PACKAGE) -> Iterator[Path]:
    """Python modules and templates of the package, tests and migrations left out, sorted."""
    for path in sorted(package.rglob("*")):
        if SKIP_PARTS & set(path.relative_to(package).parts) or not path.is_file():
            continue
        if path.suffix == ".py" or (path.suffix in TEMPLATE_SUFFIXES and "templates" in path.parts):
            yield path


def python_source(path: Path) -> str:
    """The file as Python source; templates are converted by Django's templatize."""
    text = path.read_text(encoding="utf-8")
    if path.suffix == ".py":
        return text
    from django.utils.translation.template import templatize

    # Left-strip each line: the placeholder text keeps the template's indentation, which
    # Python's tokenizer would read as (inconsistent) blocks.
    return "\n".join(line.lstrip() for line in templatize(text, origin=str(path)).splitlines())


def _strings(tokens: Sequence[tokenize.TokenInfo], start: int) -> list[str | None]:
    """Read the literal arguments after ``name(``; a non-literal argument reads as None."""
    args: list[str | None] = []
    current: list[str] = []
    literal = True
    for token in tokens[start:]:
        if token.type == tokenize.STRING and literal:
            try:
                current.append(str(ast.literal_eval(token.string)))
            except (ValueError, SyntaxError):  # an f-string: not a translatable literal
                literal = False
        elif token.type == tokenize.OP and token.string in {",", ")"}:
            args.append("".join(current) if literal and current else None)
            if token.string == ")":
                break
            current, literal = [], True
        elif token.type not in SKIPPED_TOKENS:
            literal = False
    return args


def _calls(source: str) -> Iterator[tuple[str, int, list[str | None]]]:
    try:
        tokens = list(tokenize.generate_tokens(io.StringIO(source).readline))
    except (tokenize.TokenError, SyntaxError, IndentationError):
        return
    for i, token in enumerate(tokens[:-1]):
        is_call = tokens[i + 1].type == tokenize.OP and tokens[i + 1].string == "("
        if token.type == tokenize.NAME and token.string in KEYWORDS and is_call:
            yield token.string, token.start[0], _strings(tokens, i + 2)


def extract(path: Path) -> list[Message]:
    """The gettext calls with literal arguments in one file."""
    where = str(path.relative_to(REPO))
    found = []
    for name, _line, args in _calls(python_source(path)):
        roles = dict(zip(KEYWORDS[name], args, strict=False))
        if len(args) < len(KEYWORDS[name]) or any(v is None for v in roles.values()):
            continue
        found.append(
            Message(
                msgid=roles["msgid"] or "",
                plural=roles.get("plural") or "",
                context=roles.get("context") or "",
                where=where,
            )
        )
    return [m for m in found if m.msgid]


def extract_all(files: Iterable[Path]) -> Catalog:
    catalog = Catalog()
    for path in files:
        for message in extract(path):
            catalog.add(message)
    return catalog


def _new_po(language: str) -> polib.POFile:
    po = polib.POFile(wrapwidth=100)
    po.metadata = {
        "Project-Id-Version": "accord",
        "Language": language,
        "MIME-Version": "1.0",
        "Content-Type": "text/plain; charset=UTF-8",
        "Content-Transfer-Encoding": "8bit",
        "Plural-Forms": PLURAL_FORMS.get(language, PLURAL_FORMS["en"]),
    }
    return po


def _entry(message: Message, places: list[str], old: polib.POEntry | None) -> polib.POEntry:
    entry = polib.POEntry(
        msgid=message.msgid,
        msgctxt=message.context or None,
        occurrences=[(where, "") for where in places],
    )
    if message.plural:
        entry.msgid_plural = message.plural
        entry.msgstr_plural = (
            dict(old.msgstr_plural) if old and old.msgid_plural else {0: "", 1: ""}
        )
    else:
        entry.msgstr = old.msgstr if old else ""
    if old is not None and "fuzzy" in old.flags:
        entry.flags.append("fuzzy")
    if PYTHON_FORMAT.search(message.msgid):
        entry.flags.append("python-format")
    return entry


def merge(po: polib.POFile, catalog: Catalog) -> polib.POFile:
    """Return a catalog with the extracted msgids, keeping translations; gone ones go obsolete."""
    old = {(e.msgctxt or "", e.msgid): e for e in po}
    fresh = polib.POFile(wrapwidth=100)
    fresh.metadata = po.metadata
    for key, message in catalog.messages.items():
        fresh.append(_entry(message, catalog.places[key], old.get(key)))
    for key, entry in old.items():
        if key not in catalog.messages and (entry.msgstr or entry.msgstr_plural):
            entry.obsolete = True
            entry.occurrences = []
            fresh.append(entry)
    return fresh


def po_paths(locale_dir: Path = LOCALE_DIR) -> list[Path]:
    return sorted(locale_dir.glob("*/LC_MESSAGES/django.po"))


def refresh(language: str, catalog: Catalog, locale_dir: Path = LOCALE_DIR) -> Path:
    """Write ``language``'s django.po with the catalog's msgids."""
    path = locale_dir / language / "LC_MESSAGES" / "django.po"
    path.parent.mkdir(parents=True, exist_ok=True)
    po = polib.pofile(str(path), wrapwidth=100) if path.exists() else _new_po(language)
    merge(po, catalog).save(str(path))
    return path


def compile_po(path: Path) -> Path:
    """Write the .mo next to ``path`` (fuzzy and untranslated entries are left out)."""
    mo = path.with_suffix(".mo")
    polib.pofile(str(path)).save_as_mofile(str(mo))
    return mo


def _translations(entries: Iterable[polib.POEntry]) -> dict[tuple[str, str], object]:
    return {
        (e.msgctxt or "", e.msgid): (
            tuple(sorted(e.msgstr_plural.items())) if e.msgid_plural else e.msgstr
        )
        for e in entries
        if e.msgid
    }


def problems(locale_dir: Path = LOCALE_DIR, files: Iterable[Path] | None = None) -> list[str]:
    """Everything that keeps the catalogs from matching the code: one line per problem."""
    catalog = extract_all(source_files() if files is None else files)
    found = []
    for path in po_paths(locale_dir):
        po = polib.pofile(str(path))
        active = {(e.msgctxt or "", e.msgid) for e in po if not e.obsolete}
        rel = path.relative_to(locale_dir)
        found += [f"{rel}: missing msgid {k[1]!r}" for k in catalog.messages if k not in active]
        found += [f"{rel}: untranslated {e.msgid!r}" for e in po.untranslated_entries()]
        found += [f"{rel}: fuzzy {e.msgid!r}" for e in po.fuzzy_entries()]
        mo = path.with_suffix(".mo")
        fresh = _translations(po.translated_entries())
        if not mo.exists() or _translations(polib.mofile(str(mo))) != fresh:
            found.append(f"{rel}: django.mo is out of date; run `python -m accord.web.messages`")
    return found


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m accord.web.messages", description=__doc__)
    parser.add_argument(
        "command", nargs="?", default="all", choices=["all", "extract", "compile", "check"]
    )
    parser.add_argument("--language", action="append", help="Add a language (default: fr).")
    args = parser.parse_args(argv)
    if args.command == "check":
        issues = problems()
        print("\n".join(issues) or "Catalogs are up to date.")
        return 1 if issues else 0
    if args.command in {"all", "extract"}:
        catalog = extract_all(source_files())
        languages = args.language or [p.parts[-3] for p in po_paths()] or ["fr"]
        for language in languages:
            print(f"{refresh(language, catalog)}: {len(catalog.messages)} messages")
    if args.command in {"all", "compile"}:
        for path in po_paths():
            print(f"{compile_po(path)} written")
    return 0


if __name__ == "__main__":
    sys.exit(main())
