"""Import contacts from CSV into SQLite: Accord's chunked bulk upsert vs per-row ORM upserts.

Generates a deterministic CSV (about 1% bad rows: invalid emails, unknown languages, wrong
field counts, repeated emails), imports it into a fresh SQLite database with
``accord.contacts.actions.import_contacts`` and reports rows per second. The baseline, in the
same run on the first rows of the same file, is what a naive importer does: for each row, clean
the email, ``get_or_create`` the company and ``Contact.objects.update_or_create``. Then the same
file is imported again (every row unchanged), the figure a nightly sync cares about.

Usage: python bench/import_contacts.py [--quick] [--rows N] [--baseline-rows N]
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import platform
import random
import shutil
import sys
import tempfile
import time
import unicodedata
from collections.abc import Iterator
from pathlib import Path
from typing import Any

# A private ACCORD_HOME (and SQLite) for this run, set before Django reads its settings.
HOME = Path(tempfile.mkdtemp(prefix="accord-bench-import-"))
os.environ["ACCORD_HOME"] = str(HOME)
os.environ.pop("DATABASE_URL", None)
os.environ.pop("REDIS_URL", None)
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

RESULTS = Path(__file__).resolve().parent / "results" / "import_contacts.json"
HEADER = [
    "Email",
    "Prénom",
    "Nom",
    "Téléphone",
    "Langue",
    "Société",
    "Étiquettes",
    "Source",
    "Intérêt",
    "Consentement email",
]
FIRST = ["Camille", "Louis", "Inès", "Hugo", "Léa", "Jules", "Chloé", "Emma", "Oliver", "Grace"]
LAST = ["Martin", "Bernard", "Dubois", "Lefèvre", "Moreau", "Fournier", "Smith", "Taylor"]
TAGS = ["newsletter", "client", "vip", "presse", "exposition", "atelier", "b2b", "prospect"]
SOURCES = ["site web", "boutique", "instagram", "salon Maison&Objet", "import"]
INTERESTS = ["mobilier", "luminaire", "textile", "céramique"]


def _ascii(name: str) -> str:
    return unicodedata.normalize("NFKD", name.lower()).encode("ascii", "ignore").decode()


def _good_row(rng: random.Random, i: int) -> list[str]:
    first, last = rng.choice(FIRST), rng.choice(LAST)
    return [
        f"{_ascii(first)}.{_ascii(last)}.{i}@exemple.fr" if i % 3 else f"U{i}@Mail.Example",
        first,
        last,
        f"+33 6 {rng.randrange(10**8):08d}" if rng.random() < 0.6 else "",
        "fr" if rng.random() < 0.7 else "en",
        f"Studio {rng.randrange(2000)}" if rng.random() < 0.3 else "",
        ", ".join(rng.sample(TAGS, rng.randrange(3))),
        rng.choice(SOURCES),
        rng.choice(INTERESTS) if rng.random() < 0.4 else "",
        rng.choice(["oui", "non", ""]),
    ]


def _bad_row(rng: random.Random, i: int, good: list[str]) -> list[str]:
    kind = i % 4
    if kind == 0:
        return [f"person{i}@", *good[1:]]
    if kind == 1:
        return [good[0], good[1], good[2], good[3], "de", *good[5:]]
    if kind == 2:
        return good[:-2]
    return [f"dup{i // 1000}@exemple.fr", *good[1:]]  # the first one is kept


def generate_rows(count: int, seed: int = 7) -> Iterator[list[str]]:
    """Yield ``count`` data rows, deterministic for a seed, about 1% of them bad."""
    rng = random.Random(seed)
    for i in range(count):
        good = _good_row(rng, i)
        yield _bad_row(rng, i, good) if rng.random() < 0.01 else good


def write_csv(path: Path, count: int) -> None:
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, delimiter=";")
        writer.writerow(HEADER)
        writer.writerows(generate_rows(count))


def _setup() -> Any:
    from accord.commands import migrate

    migrate()
    from accord.accounts.access import Actor, WorkspaceAccess
    from accord.accounts.actions import create_workspace
    from accord.contacts.models import PropertyDefinition, PropertyType

    def workspace(slug: str) -> WorkspaceAccess:
        ws = create_workspace(slug, slug.title(), Actor.system("bench"))
        PropertyDefinition.objects.create(
            workspace=ws,
            key="interest",
            label="Intérêt",
            type=PropertyType.CHOICE,
            choices=INTERESTS,
        )
        return WorkspaceAccess.system(ws, "bench")

    return workspace


def run_accord(access: Any, path: Path) -> tuple[float, float, Any]:
    """Import the file; return wall seconds, CPU seconds (both threads) and the result."""
    from accord.contacts.actions import import_contacts

    started, cpu = time.perf_counter(), time.process_time()
    result = import_contacts(access, path)
    return time.perf_counter() - started, time.process_time() - cpu, result


def run_baseline(access: Any, path: Path, rows: int) -> float:
    """Per-row ORM: clean the email, get_or_create the company, update_or_create the contact."""
    from django.core.exceptions import ValidationError

    from accord.contacts.fields import normalise_email
    from accord.contacts.models import Company, Contact

    started = time.perf_counter()
    with open(path, encoding="utf-8", newline="") as handle:
        reader = csv.reader(handle, delimiter=";")
        next(reader)
        for count, cells in enumerate(reader):
            if count == rows:
                break
            if len(cells) != len(HEADER):
                continue
            try:
                email = normalise_email(cells[0])
            except ValidationError:
                continue
            company = None
            if cells[5]:
                company, _ = Company.objects.get_or_create(
                    workspace=access.workspace, name__iexact=cells[5], defaults={"name": cells[5]}
                )
            Contact.objects.update_or_create(
                workspace=access.workspace,
                email=email,
                defaults={
                    "first_name": cells[1],
                    "last_name": cells[2],
                    "phone": cells[3],
                    "language": cells[4] if cells[4] in {"fr", "en"} else "",
                    "company": company,
                    "source": cells[7],
                },
            )
    return time.perf_counter() - started


def figure(
    name: str, params: dict[str, Any], value: float, base: tuple[str, float]
) -> dict[str, Any]:
    return {
        "name": name,
        "params": params,
        "value": round(value, 1),
        "unit": "rows/s",
        "baseline": {"name": base[0], "value": round(base[1], 1)},
        "ratio": round(value / base[1], 2),
    }


def _figures(
    rows: int,
    baseline_rows: int,
    base_rate: float,
    load: float,
    first: tuple[float, float, Any],
    again: tuple[float, float],
) -> list[dict[str, Any]]:
    """The two figures: a first import into an empty workspace, then the same file again."""
    machine = f"{platform.machine()}, {os.cpu_count()} CPUs, Python {platform.python_version()}"
    params = {
        "rows": rows,
        "bad_rows": first[2].rejected,
        "database": "SQLite (WAL)",
        "machine": machine,
        "baseline_rows": baseline_rows,
        "seconds": round(first[0], 2),
        "cpu_seconds": round(first[1], 2),
        "load_average_before": round(load, 2),
    }
    baseline = ("per-row ORM update_or_create (first rows of the same file)", base_rate)
    rerun = {**params, "seconds": round(again[0], 2), "cpu_seconds": round(again[1], 2)}
    return [
        figure("import_contacts_new", params, rows / first[0], baseline),
        figure("import_contacts_rerun_unchanged", rerun, rows / again[0], baseline),
    ]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--quick", action="store_true", help="50,000 rows, baseline on 2,000.")
    parser.add_argument("--rows", type=int)
    parser.add_argument("--baseline-rows", type=int)
    parser.add_argument("--keep", action="store_true", help=f"Keep the database in {HOME}.")
    args = parser.parse_args()
    try:
        return run(args)
    finally:
        if not args.keep:
            shutil.rmtree(HOME, ignore_errors=True)


def run(args: argparse.Namespace) -> int:
    """Generate the file, run the baseline and Accord, print and save the figures."""
    rows = args.rows or (50_000 if args.quick else 1_000_000)
    baseline_rows = args.baseline_rows or (2_000 if args.quick else 20_000)

    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "accord.settings")
    django.setup()
    workspace = _setup()
    path = HOME / "contacts.csv"
    write_csv(path, rows)

    base_seconds = run_baseline(workspace("baseline"), path, baseline_rows)
    base_rate = baseline_rows / base_seconds
    access = workspace("accord")
    load = os.getloadavg()[0]
    first_seconds, first_cpu, first = run_accord(access, path)
    again_seconds, again_cpu, again = run_accord(access, path)
    assert (again.created, again.updated) == (0, 0), again
    assert again.unchanged == first.created, (first, again)

    figures = _figures(
        rows,
        baseline_rows,
        base_rate,
        load,
        (first_seconds, first_cpu, first),
        (again_seconds, again_cpu),
    )
    for item in figures:
        print(json.dumps(item))
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(figures, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
