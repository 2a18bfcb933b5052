"""``accord listen sentiment``: language, sentiment label and score for each row of a CSV.

Needs no database and no Django setup: the model ships inside the package.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from contextlib import ExitStack
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
