"""``accord segments list`` and ``accord segments eval SLUG --json``."""

from __future__ import annotations

import json

import pytest

from accord.accounts.access import WorkspaceAccess
from accord.accounts.models import Workspace
from accord.cli import main
from accord.contacts.actions import add_tags
from accord.contacts.models import Contact
from accord.segments import actions

VIP = {"type": "tag", "tag": "vip"}


@pytest.fixture
def vip(workspace: Workspace, owner_access: WorkspaceAccess) -> list[int]:
    contacts = [
        Contact.objects.create(workspace=workspace, email=f"c{i}@example.com") for i in range(130)
    ]
    for contact in contacts[:120]:
        add_tags(owner_access, contact, ["vip"])
    actions.create_segment(owner_access, name="VIP", kind="dynamic", rule=VIP)
    return [c.pk for c in contacts[:120]]


@pytest.mark.django_db
def test_eval_prints_size_and_the_first_hundred_ids(
    vip: list[int], capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["segments", "eval", "vip", "--workspace", "brand", "--json"]) == 0

    result = json.loads(capsys.readouterr().out)
    assert isinstance(result.pop("seconds"), float)
    evaluated_at = result.pop("evaluated_at")
    assert result == {
        "segment": "vip",
        "kind": "dynamic",
        "saved": True,
        "size": 120,
        "entered": 120,
        "left": 0,
        "contact_ids": vip[:100],
    }
    assert main(["segments", "list", "--workspace", "brand", "--json"]) == 0
    assert json.loads(capsys.readouterr().out) == {
        "segment": "vip",
        "name": "VIP",
        "kind": "dynamic",
        "size": 120,
        "evaluated_at": evaluated_at,
    }


@pytest.mark.django_db
def test_a_dry_run_saves_nothing(vip: list[int], capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["segments", "eval", "vip", "--workspace", "brand", "--json", "--dry-run"]) == 0

    result = json.loads(capsys.readouterr().out)
    assert (result["size"], result["saved"]) == (120, False)
    assert main(["segments", "list", "--workspace", "brand"]) == 0
    assert capsys.readouterr().out.split()[:3] == ["vip", "dynamic", "0"]


@pytest.mark.django_db
def test_unknown_workspace_or_segment_exit_2(
    workspace: Workspace, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["segments", "eval", "nope", "--workspace", "brand"]) == 2
    assert main(["segments", "list", "--workspace", "nope"]) == 2

    assert capsys.readouterr().err.splitlines() == [
        "error: no segment 'nope' in 'brand'",
        "error: no workspace 'nope'",
    ]


@pytest.mark.django_db
def test_refresh_reports_how_many_segments(
    vip: list[int], capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["segments", "refresh", "--workspace", "brand"]) == 0

    assert capsys.readouterr().out == "1 dynamic segments refreshed.\n"
