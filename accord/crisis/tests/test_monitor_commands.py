"""``accord crisis monitor --workspace WS``."""

from __future__ import annotations

import argparse

import pytest

from accord.accounts.models import Workspace
from accord.crisis.models import SeriesState
from accord.crisis.monitor_commands import register_monitor
from accord.crisis.tests.mentions import generate, make_query


def _parse(*argv: str) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="accord crisis")
    register_monitor(parser.add_subparsers(dest="crisis_command"))
    return parser.parse_args(list(argv))


def test_it_runs_the_monitor_and_says_what_it_did(
    workspace: Workspace, capsys: pytest.CaptureFixture[str]
) -> None:
    generate(workspace, make_query(workspace), days=2)
    args = _parse("monitor", "--workspace", "brand", "--now", "2026-03-20T12:00:00+00:00")

    assert args.func(args) == 0

    out = capsys.readouterr().out
    # Per scope, from the first mention (seeded: 15 minutes in) to the last settled bucket:
    # 570 five-minute buckets, 47 hours, 2 days.
    assert out == (
        "6 series advanced, 1238 buckets read, 0 anomalous points, 0 alerts opened, 0 grown\n"
    )
    assert SeriesState.objects.count() == 6


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (("--workspace", "nope"), "accord crisis monitor: no workspace 'nope'\n"),
        (
            ("--workspace", "brand", "--now", "2026-03-20T12:00:00"),
            "accord crisis monitor: --now needs a time zone, e.g. 2026-01-31T12:00:00+00:00\n",
        ),
    ],
)
def test_it_refuses_bad_arguments(
    workspace: Workspace, capsys: pytest.CaptureFixture[str], argv: tuple[str, ...], message: str
) -> None:
    args = _parse("monitor", *argv)

    assert args.func(args) == 2

    assert capsys.readouterr().err == message
    assert SeriesState.objects.count() == 0
