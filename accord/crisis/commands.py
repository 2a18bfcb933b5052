"""``accord crisis …`` commands; ``detect`` runs without Django or a database."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from accord.crisis.config import DIRECTIONS, DetectorConfig
from accord.crisis.monitor_commands import register_monitor
from accord.crisis.offline import SeriesFormatError, detect_file


def register(subparsers: Any) -> None:
    """Add the ``crisis`` command group to the ``accord`` parser."""
    crisis = subparsers.add_parser("crisis", help="crisis detection tools")
    commands = crisis.add_subparsers(dest="crisis_command", required=True, metavar="COMMAND")
    register_monitor(commands)
    detect = commands.add_parser(
        "detect",
        help="flag spikes in a timestamp,value CSV, streaming it in time order",
        description=(
            "Read SERIES.csv (header timestamp,value; ISO 8601 timestamps, naive ones are UTC) "
            "and write timestamp,value,anomaly_score,is_alert, deciding each row before reading "
            "the next."
        ),
    )
    detect.add_argument("--input", required=True, type=Path, metavar="SERIES.csv")
    detect.add_argument("--output", required=True, type=Path, metavar="ALERTS.csv")
    detect.add_argument("--direction", choices=DIRECTIONS, default="both")
    detect.add_argument(
        "--allow-unordered",
        action="store_true",
        help="keep file order even where a timestamp goes back in time (default: error)",
    )
    detect.set_defaults(func=run_detect)


def run_detect(args: argparse.Namespace) -> int:
    """Run the detector over ``args.input`` into ``args.output``; return the exit code."""
    config = DetectorConfig(direction=args.direction)
    try:
        run = detect_file(args.input, args.output, config, allow_unordered=args.allow_unordered)
    except SeriesFormatError as error:
        print(f"accord crisis detect: {args.input}: {error}", file=sys.stderr)
        return 1
    except OSError as error:
        print(f"accord crisis detect: {error}", file=sys.stderr)
        return 1
    print(f"{run.rows} rows, {run.alerts} alerts written to {args.output}")
    return 0
