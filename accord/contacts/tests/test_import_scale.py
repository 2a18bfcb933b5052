"""The import at volume: every good row kept, every bad one reported, no query per row."""

from __future__ import annotations

import csv
from pathlib import Path

from pytest_django import DjangoAssertNumQueries

from accord.accounts.access import WorkspaceAccess
from accord.accounts.models import Workspace
from accord.contacts.actions import import_contacts
from accord.contacts.models import Consent, Contact, ContactTag, TimelineEntry


def write_rows(path: Path, count: int, bad_every: int = 0) -> set[int]:
    """Write ``count`` data rows; return the spreadsheet rows made bad on purpose."""
    bad: set[int] = set()
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, delimiter=";")
        writer.writerow(["email", "first_name", "company", "tags", "email consent"])
        for i in range(count):
            email = f"person{i}@exemple.fr"
            if bad_every and i % bad_every == bad_every // 2:
                email = f"person{i}@"
                bad.add(i + 2)
            writer.writerow([email, f"P{i}", f"Studio {i % 50}", "newsletter, b2b", "oui"])
    return bad


def test_a_100000_row_file_keeps_every_good_row_and_reports_every_bad_one(
    owner_access: WorkspaceAccess, workspace: Workspace, tmp_path: Path
) -> None:
    path = tmp_path / "big.csv"
    bad = write_rows(path, 100_000, bad_every=100)

    result = import_contacts(owner_access, path)

    assert (result.created, result.updated, result.unchanged) == (99_000, 0, 0)
    assert result.rejected == len(bad) == 1_000
    assert Contact.objects.filter(workspace=workspace).count() == 99_000
    assert ContactTag.objects.count() == 198_000
    assert Consent.objects.filter(granted=True).count() == 99_000
    assert TimelineEntry.objects.filter(kind="contact.imported").count() == 99_000
    with open(str(result.error_report), encoding="utf-8-sig", newline="") as handle:
        reported = {int(row["row"]) for row in csv.DictReader(handle)}
    assert reported == bad


def test_queries_grow_with_chunks_not_rows(
    owner_access: WorkspaceAccess,
    tmp_path: Path,
    django_assert_max_num_queries: DjangoAssertNumQueries,
) -> None:
    small, large = tmp_path / "small.csv", tmp_path / "large.csv"
    write_rows(small, 10)
    write_rows(large, 1_800)
    import_contacts(owner_access, small, chunk_rows=1_000)  # companies and tags now exist

    # Two chunks of about a dozen queries each, plus a few per import; a query per row
    # would make it 1,800 or more.
    with django_assert_max_num_queries(35):
        result = import_contacts(owner_access, large, chunk_rows=1_000)

    assert (result.created, result.unchanged) == (1_790, 10)
