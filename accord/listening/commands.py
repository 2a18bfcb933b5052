"""``accord listen``: sentiment of a CSV (no database), fetching, review imports, reputation.

``sentiment`` needs no database and no Django setup: the model ships inside the package.
The other commands work on a workspace's sources and mentions.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
from contextlib import ExitStack
from datetime import timedelta
from pathlib import Path
from typing import Any, TextIO

from accord.listening.annotate import AnnotatedFile, AnnotationError, annotate_csv


def register(sub: Any) -> None:
    """Add the ``listen`` command group and its ``sentiment`` command."""
    listen = sub.add_parser("listen", help="Analyse mentions and reviews.").add_subparsers(
        dest="listen_command", required=True
    )
    p = listen.add_parser(
        "sentiment",
        help="Add lang, label and score columns to a CSV file of texts.",
        description=(
            "Reads a UTF-8 CSV with a header row and writes the same columns plus lang "
            "(fr, en or other), label (negative, neutral or positive) and score (-1 to 1). "
            "Streams the file in batches, so its size does not matter."
        ),
    )
    p.add_argument("--input", required=True, help="CSV file to read ('-' for stdin).")
    p.add_argument("--text-column", default="text", help="Column holding the text (default text).")
    p.add_argument("--output", required=True, help="CSV file to write ('-' for stdout).")
    p.set_defaults(func=cmd_sentiment)

    p = listen.add_parser("fetch", help="Fetch the due sources now (or one source).")
    p.add_argument("--source", type=int, metavar="ID", help="Fetch this source, due or not.")
    p.set_defaults(func=cmd_fetch)

    p = listen.add_parser("import-reviews", help="Import a CSV export of reviews into a source.")
    p.add_argument("--source", type=int, required=True, metavar="ID", help="A reviews source.")
    p.add_argument("--file", required=True, help="The CSV export (UTF-8).")
    p.set_defaults(func=cmd_import_reviews)

    p = listen.add_parser("reputation", help="Print a workspace's reputation index.")
    p.add_argument("--workspace", required=True, metavar="SLUG")
    p.add_argument("--days", type=int, default=30, help="The period: the last N days (30).")
    p.add_argument("--json", action="store_true", help="Print one JSON object.")
    p.set_defaults(func=cmd_reputation)


def _fail(message: str) -> int:
    print(f"error: {message}", file=sys.stderr)
    return 2


def cmd_sentiment(args: argparse.Namespace) -> int:
    """Annotate ``--input`` into ``--output``; exit 2 with a message on a bad file or column."""
    if args.input != "-" and not Path(args.input).is_file():
        return _fail(f"no such file: {args.input}")
    if args.output != "-" and not Path(args.output).resolve().parent.is_dir():
        return _fail(f"no such folder for the output: {Path(args.output).parent}")
    try:
        with ExitStack() as stack:
            source = sys.stdin if args.input == "-" else stack.enter_context(_open(args.input))
            result = _annotate_to(source, args.output, args.text_column)
    except AnnotationError as exc:
        return _fail(f"{args.input}: {exc}")
    except UnicodeDecodeError:
        return _fail(f"{args.input} is not UTF-8 text")
    print(
        f"Analysed {result.rows} rows: {result.positive} positive, {result.neutral} neutral, "
        f"{result.negative} negative.",
        file=sys.stderr,
    )
    return 0


def _open(path: str) -> TextIO:
    return open(path, encoding="utf-8-sig", newline="")  # noqa: SIM115 (closed by the caller)


def _annotate_to(source: TextIO, output: str, text_column: str) -> AnnotatedFile:
    """Write to stdout, or to a temporary file renamed over ``output`` once complete."""
    if output == "-":
        return annotate_csv(source, sys.stdout, text_column)
    target = Path(output)
    handle = tempfile.NamedTemporaryFile(  # noqa: SIM115 (renamed or removed below)
        "w",
        encoding="utf-8",
        newline="",
        dir=target.parent,
        prefix=f".{target.name}.",
        delete=False,
    )
    try:
        with handle:
            result = annotate_csv(source, handle, text_column)
        os.replace(handle.name, target)
    except BaseException:
        Path(handle.name).unlink(missing_ok=True)
        raise
    return result


def _outcome_line(name: str, outcome: Any) -> str:
    if outcome.error:
        return f"{name}: error: {outcome.error}"
    r = outcome.result
    return (
        f"{name}: {r.stored} new ({r.duplicates} duplicates, {r.spam} spam), "
        f"{r.known} already known, {r.unmatched} matching no query"
    )


def cmd_fetch(args: argparse.Namespace) -> int:
    """Fetch one source, or every due source; exit 1 when a fetch failed."""
    from accord.cli import setup_django

    setup_django()
    from accord.listening.actions import fetch_due_sources, fetch_source
    from accord.listening.models import Source

    if args.source is None:
        outcomes = fetch_due_sources()
    else:
        source = Source.objects.filter(pk=args.source).first()
        if source is None:
            return _fail(f"no source {args.source}")
        try:
            outcomes = [fetch_source(source)]
        except ValueError as exc:
            return _fail(str(exc))
    names = dict(Source.objects.values_list("pk", "name"))
    for outcome in outcomes:
        print(_outcome_line(names.get(outcome.source_id, str(outcome.source_id)), outcome))
    if not outcomes:
        print("No source is due.")
    return 1 if any(outcome.error for outcome in outcomes) else 0


def cmd_import_reviews(args: argparse.Namespace) -> int:
    """Import a review export; exit 2 listing each row and field at fault."""
    from accord.cli import setup_django

    setup_django()
    from accord.accounts.access import WorkspaceAccess
    from accord.listening.actions import import_reviews
    from accord.listening.models import Source, SourceKind
    from accord.listening.sources.reviews import ReviewFileError

    source = Source.objects.filter(pk=args.source, kind=SourceKind.REVIEWS).first()
    if source is None:
        return _fail(f"no reviews source {args.source}")
    try:
        content = Path(args.file).read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        return _fail(f"no such file: {args.file}")
    except UnicodeDecodeError:
        return _fail(f"{args.file} is not UTF-8 text")
    access = WorkspaceAccess.system(source.workspace, "cli")
    try:
        result = import_reviews(access, source, content)
    except ReviewFileError as exc:
        for error in exc.errors:
            print(f"error: {args.file}: {error}", file=sys.stderr)
        return 2
    print(f"Imported {result.stored} reviews ({result.known} already known).")
    return 0


def cmd_reputation(args: argparse.Namespace) -> int:
    """Print the index of the last ``--days`` days, its components and share of voice."""
    from accord.cli import setup_django

    setup_django()
    from django.utils import timezone

    from accord.accounts.models import Workspace
    from accord.listening.queries import reputation_index, share_of_voice

    workspace = Workspace.objects.filter(slug=args.workspace).first()
    if workspace is None:
        return _fail(f"no workspace {args.workspace!r}")
    if args.days < 1:
        return _fail("--days must be at least 1")
    end = timezone.now()
    start = end - timedelta(days=args.days)
    index = reputation_index(workspace, start, end)
    voice = share_of_voice(workspace, start, end)
    report = {
        "workspace": workspace.slug,
        "days": args.days,
        "index": None if index.value is None else round(index.value, 1),
        "components": {c.key: round(c.score, 1) for c in index.components},
        "missing": list(index.missing),
        "share_of_voice": {e.name: round(e.share, 4) for e in voice.entries},
    }
    if args.json:
        print(json.dumps(report, ensure_ascii=False, sort_keys=True))
        return 0
    print(f"Reputation index, last {args.days} days: {report['index']}")
    for key, score in report["components"].items():
        print(f"  {key:<8} {score}")
    for name, share in report["share_of_voice"].items():
        print(f"  share of voice {name}: {share:.1%}")
    return 0
