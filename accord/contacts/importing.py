"""Import contacts from a CSV file: preview, mapping, cleaning, the error report, the worker job.

Rules a user can rely on (the upload page and ``accord contacts import`` say the same):

- The file is streamed in chunks of CHUNK_ROWS rows, each chunk in its own transaction; a bad
  row never stops the import, it is written to the error report and the good rows are kept.
- Rows are matched on the email, compared lower-cased. A blank cell keeps the stored value;
  tags are added to the contact's tags (never removed); properties are merged; the company is
  found by case-insensitive name or created.
- An email that appears again later in the same file is rejected as "duplicate of row N in
  this file": the first occurrence wins and the user sees the conflict. Merging later rows
  into earlier ones (HubSpot, Mautic) would make a re-run report the disagreeing rows as
  updated again; here a re-run of the same file changes nothing (created 0, updated 0).
- Row numbers in the report are spreadsheet row numbers: the header is row 1, the first data
  row is row 2, and a cell holding a line break does not shift the rows after it.
- A consent column is applied only when its cell is a clear yes or no; other values leave the
  contact's consent as it is.
- Duplicate detection keeps one hash per accepted email (about 100 bytes each): the only
  memory that grows with the file.
- Reasons in the report are in English, like the validators' messages they come from.
- A cell written "'=…", "'+…", "'-…" or "'@…" loses its apostrophe: that is how the export and
  the error report keep spreadsheets from running cells as formulas.
"""

from __future__ import annotations

import csv
import logging
import shutil
import threading
import uuid
from collections.abc import Callable, Generator, Iterator, Mapping, Sequence
from contextlib import closing
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from queue import Full, Queue
from typing import Any, Generic, TextIO, TypeVar

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accord.accounts.access import Actor, WorkspaceAccess
from accord.accounts.actions import record_audit
from accord.accounts.models import Membership, Workspace
from accord.accounts.roles import Perm
from accord.contacts.bulk import (
    ConsentValue,
    ContactRow,
    ContactUpserter,
    ImportNote,
    sqlite_page_cache,
)
from accord.contacts.csvsniff import (
    CONSENT_FIELDS,
    IGNORE,
    STANDARD_FIELDS,
    CsvFormatError,
    CsvLayout,
    escape_formula,
    header_key,
    open_text,
    property_keys,
    read_layout,
    suggest_mapping,
    unescape_formula,
)
from accord.contacts.fields import clean_field, clean_property
from accord.contacts.models import ImportJob, ImportStatus, PropertyDefinition

logger = logging.getLogger(__name__)
_T = TypeVar("_T")

CHUNK_ROWS = 5000
PREVIEW_ROWS = 5
REPORT_COLUMNS = ("row", "column", "value", "reason")
YES = frozenset({"1", "true", "yes", "y", "oui", "o", "vrai", "x", "opt-in", "optin", "granted"})
NO = frozenset({"0", "false", "no", "n", "non", "faux", "opt-out", "optout", "withdrawn"})
FIELD_LABELS = {
    "email": gettext_lazy("Email"),
    "first_name": gettext_lazy("First name"),
    "last_name": gettext_lazy("Last name"),
    "phone": gettext_lazy("Phone"),
    "language": gettext_lazy("Language"),
    "company": gettext_lazy("Company"),
    "tags": gettext_lazy("Tags (added)"),
    "source": gettext_lazy("Source"),
    "owner": gettext_lazy("Owner (username or email)"),
    "consent.email_marketing": gettext_lazy("Consent: email marketing"),
    "consent.sms": gettext_lazy("Consent: SMS"),
    "consent.tracking": gettext_lazy("Consent: tracking"),
    IGNORE: gettext_lazy("Ignore this column"),
}


class ImportSetupError(ValidationError):
    """The import cannot start: unreadable file, unknown column or field, no email column."""


@dataclass(frozen=True)
class CsvPreview:
    """What the upload page shows before importing: the format, a sample and a mapping."""

    encoding: str
    delimiter: str
    headers: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    mapping: Mapping[str, str]
    field_choices: tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class ImportResult:
    """The outcome of one import; ``error_report`` is the report's path, None without errors."""

    file_name: str
    created: int
    updated: int
    unchanged: int
    rejected: int
    error_report: str | None

    @property
    def rows(self) -> int:
        return self.created + self.updated + self.unchanged + self.rejected

    def as_json(self) -> dict[str, Any]:
        """The five figures ``accord contacts import --json`` prints."""
        return {
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "rejected": self.rejected,
            "error_report": self.error_report,
        }


@dataclass(frozen=True)
class ImportPlan:
    """A file's layout, the field each used column feeds (by index) and the declared properties."""

    layout: CsvLayout
    columns: Mapping[int, str]
    properties: Mapping[str, PropertyDefinition]


Progress = Callable[[int, ImportResult], None]


def field_choices(definitions: Sequence[PropertyDefinition]) -> tuple[tuple[str, str], ...]:
    """List (value, label) for every field a column can feed, labels in the active language."""
    fixed = [(f, str(FIELD_LABELS[f])) for f in (*STANDARD_FIELDS, *CONSENT_FIELDS)]
    props = [(f"properties.{d.key}", f"{_('Property')}: {d.label}") for d in definitions]
    return (*fixed, *props, (IGNORE, str(FIELD_LABELS[IGNORE])))


def _layout(path: Path) -> CsvLayout:
    try:
        return read_layout(path)
    except CsvFormatError as exc:
        raise ImportSetupError(str(exc)) from None


def _suggestion(layout: CsvLayout, definitions: Sequence[PropertyDefinition]) -> dict[str, str]:
    index = property_keys((d.key, d.label) for d in definitions)
    return suggest_mapping(layout.headers, index)


def preview_csv(workspace: Workspace, path: Path | str) -> CsvPreview:
    """Detect the file's format and suggest a mapping; reads at most the first MiB (one query)."""
    path = Path(path)
    layout = _layout(path)
    definitions = list(PropertyDefinition.objects.filter(workspace=workspace))
    with open_text(path, layout.encoding) as text:
        reader = csv.reader(text, delimiter=layout.delimiter)
        next(reader, None)
        sample = []
        for cells in reader:
            if cells:
                sample.append(tuple(cells))
            if len(sample) == PREVIEW_ROWS:
                break
    return CsvPreview(
        encoding=layout.encoding,
        delimiter=layout.delimiter,
        headers=layout.headers,
        rows=tuple(sample),
        mapping=_suggestion(layout, definitions),
        field_choices=field_choices(definitions),
    )


def _find_column(headers: Sequence[str], name: str) -> int:
    if name in headers:
        return headers.index(name)
    keys = [header_key(h) for h in headers]
    if header_key(name) and header_key(name) in keys:
        return keys.index(header_key(name))
    raise ImportSetupError(f"The file has no column {name!r} (columns: {', '.join(headers)}).")


def plan_import(
    workspace: Workspace, path: Path, mapping: Mapping[str, str] | None = None
) -> ImportPlan:
    """Read the header, suggest a mapping and apply ``mapping`` (column -> field) over it.

    Raises ImportSetupError for an unreadable file, an unknown column or field, a field fed
    by two columns, or no email column.
    """
    layout = _layout(path)
    definitions = list(PropertyDefinition.objects.filter(workspace=workspace))
    valid = {value for value, _label in field_choices(definitions)}
    explicit: dict[int, str] = {}
    for name, target in (mapping or {}).items():
        if target not in valid:
            choices = ", ".join(sorted(valid))
            raise ImportSetupError(f"Unknown field {target!r} for column {name!r}; use {choices}.")
        index = _find_column(layout.headers, name)
        taken = [layout.headers[i] for i, f in explicit.items() if f == target != IGNORE]
        if taken:
            raise ImportSetupError(f"Columns {taken[0]!r} and {name!r} both map to {target!r}.")
        explicit[index] = target
    suggested = {layout.headers.index(h): f for h, f in _suggestion(layout, definitions).items()}
    claimed = set(explicit.values())
    columns = {i: f for i, f in suggested.items() if i not in explicit and f not in claimed}
    columns.update(explicit)
    columns = {i: f for i, f in columns.items() if f != IGNORE}
    if "email" not in columns.values():
        raise ImportSetupError("No column holds the email; map one with email.")
    properties = {d.key: d for d in definitions}
    return ImportPlan(layout, dict(sorted(columns.items())), properties)


def _reason(target: str, exc: ValidationError) -> str:
    """Phrase a validator's message as 'field: what is wrong', without a repeated field name."""
    label = target.rsplit(".", 1)[-1].replace("_", " ")
    messages = []
    for message in exc.messages:
        text = message.rstrip(".")
        if text.lower().startswith(f"{label} '"):
            text = text[len(label) + 1 :]
        messages.append(text)
    return f"{target}: {'; '.join(messages)}"


class RowCleaner:
    """Turn the cells of one row into a ContactRow, or into the problems that reject it."""

    def __init__(self, workspace: Workspace, plan: ImportPlan, file_name: str) -> None:
        self.width = len(plan.layout.headers)
        self.headers = plan.layout.headers
        self.file_name = file_name
        self.definitions = plan.properties
        self.owners = _owners(workspace) if "owner" in plan.columns.values() else {}
        self.columns = [(i, f, self._handler(f)) for i, f in plan.columns.items()]

    def _handler(self, target: str) -> Callable[[ContactRow, str, int], None]:
        if target.startswith("properties."):
            return partial(self._property, self.definitions[target.split(".", 1)[1]])
        if target.startswith("consent."):
            return partial(self._consent, target.split(".", 1)[1])
        handlers: dict[str, Callable[[ContactRow, str, int], None]] = {
            "email": self._email,
            "company": self._company,
            "tags": self._tags,
            "owner": self._owner,
        }
        return handlers.get(target, partial(self._text, target))

    def clean(self, number: int, cells: list[str]) -> ContactRow | list[tuple[int, str, str, str]]:
        """Clean one row (``number`` is its spreadsheet row); a list means it is rejected."""
        if len(cells) != self.width and (len(cells) < self.width or any(cells[self.width :])):
            return [(number, "", "", f"row has {len(cells)} fields, header has {self.width}")]
        contact = ContactRow(row=number, email="")
        problems = []
        for index, target, handler in self.columns:
            raw = cells[index]
            if raw[:1] == "'":
                raw = unescape_formula(raw)
            if target != "email" and not raw.strip():
                continue
            try:
                handler(contact, raw, index)
            except ValidationError as exc:
                problems.append((number, self.headers[index], raw, _reason(target, exc)))
        return problems or contact

    def _email(self, contact: ContactRow, raw: str, index: int) -> None:
        if not raw.strip():
            raise ValidationError("missing (every row needs an email)")
        contact.email = clean_field("email", raw)

    def _text(self, name: str, contact: ContactRow, raw: str, index: int) -> None:
        value = clean_field(name, raw)
        if value:
            contact.fields[name] = value

    def _company(self, contact: ContactRow, raw: str, index: int) -> None:
        contact.company = clean_field("company", raw)

    def _tags(self, contact: ContactRow, raw: str, index: int) -> None:
        contact.tags = clean_field("tags", raw)

    def _owner(self, contact: ContactRow, raw: str, index: int) -> None:
        owner_id = self.owners.get(raw.strip().lower())
        if owner_id is None:
            raise ValidationError(f"{raw.strip()!r} is not a member of this workspace")
        contact.owner_id = owner_id

    def _property(
        self, definition: PropertyDefinition, contact: ContactRow, raw: str, index: int
    ) -> None:
        value = clean_property(definition, raw)
        if value is not None:
            contact.properties[definition.key] = value

    def _consent(self, purpose: str, contact: ContactRow, raw: str, index: int) -> None:
        answer = raw.strip().lower()
        if answer in YES or answer in NO:
            proof = f"column {self.headers[index]!r} of file {self.file_name!r} row {contact.row}"
            source = f"import:{self.file_name}"
            contact.consents[purpose] = ConsentValue(answer in YES, source, proof)


def _owners(workspace: Workspace) -> dict[str, int]:
    """Index the workspace's members by lower-cased username and email."""
    owners: dict[str, int] = {}
    members = Membership.objects.filter(workspace=workspace)
    for user_id, username, email in members.values_list("user_id", "user__username", "user__email"):
        if email:
            owners.setdefault(email.lower(), user_id)
        owners[username.lower()] = user_id
    return owners


def records(text: TextIO, delimiter: str) -> Iterator[tuple[int, list[str] | None, str]]:
    """Yield (spreadsheet row, cells or None, parse error) for each non-blank data row."""
    reader = csv.reader(text, delimiter=delimiter)
    number = 0
    while True:
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            number += 1
            yield number, None, f"row cannot be read as CSV: {exc}"
            continue
        number += 1
        if number > 1 and cells:
            yield number, cells, ""


class ErrorReport:
    """The CSV of rejected rows (UTF-8 with BOM for spreadsheets), created at the first problem."""

    def __init__(self, file_name: str) -> None:
        stem = "".join(c if c.isalnum() or c in "-_" else "-" for c in Path(file_name).stem)
        stamp = timezone.now().strftime("%Y%m%d-%H%M%S")
        self.path = (
            Path(settings.ACCORD_IMPORT_DIR)
            / f"{stem[:60]}-errors-{stamp}-{uuid.uuid4().hex[:6]}.csv"
        )
        self._handle: TextIO | None = None
        self._writer: Any = None

    def add(self, problems: Sequence[tuple[int, str, str, str]]) -> None:
        if self._writer is None:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._handle = open(self.path, "w", encoding="utf-8-sig", newline="")
            self._writer = csv.writer(self._handle)
            self._writer.writerow(REPORT_COLUMNS)
        self._writer.writerows((r, c, escape_formula(v), why) for r, c, v, why in problems)

    def close(self) -> str | None:
        """Close the file; return its path, or None when nothing was rejected."""
        if self._handle is None:
            return None
        self._handle.close()
        return str(self.path)


@dataclass
class _Tally:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: int = 0
    chunk: list[ContactRow] = field(default_factory=list)
    first_rows: dict[int, int] = field(default_factory=dict)


class _ImportRun:
    """The state of one import while it streams through the file."""

    def __init__(self, access: WorkspaceAccess, plan: ImportPlan, file_name: str) -> None:
        self.cleaner = RowCleaner(access.workspace, plan, file_name)
        self.report = ErrorReport(file_name)
        self.email_column = next(i for i, f in plan.columns.items() if f == "email")
        self.file_name = file_name
        note = ImportNote(
            "contact.imported", f"Imported from {file_name}"[:300], {"file": file_name}
        )
        self.upserter = ContactUpserter(
            access.workspace.pk, note=note, actor_label=access.actor.label
        )
        self.tally = _Tally()

    def feed(self, number: int, cells: list[str] | None, error: str) -> None:
        """Clean one record and queue it, or report why it is rejected."""
        if cells is None:
            self._reject([(number, "", "", error)])
            return
        cleaned = self.cleaner.clean(number, cells)
        if isinstance(cleaned, list):
            self._reject(cleaned)
            return
        first = self.tally.first_rows.setdefault(hash(cleaned.email), number)
        if first != number:
            header = self.cleaner.headers[self.email_column]
            reason = f"duplicate of row {first} in this file"
            self._reject([(number, header, cells[self.email_column], reason)])
            return
        self.tally.chunk.append(cleaned)

    def _reject(self, problems: list[tuple[int, str, str, str]]) -> None:
        self.tally.rejected += 1
        self.report.add(problems)

    def chunks(
        self, text: TextIO, delimiter: str, size: int
    ) -> Iterator[tuple[list[ContactRow], int]]:
        """Yield (clean rows, bytes read so far) every ``size`` accepted rows, then the rest."""
        for number, cells, error in records(text, delimiter):
            self.feed(number, cells, error)
            if len(self.tally.chunk) >= size:
                yield self.tally.chunk, text.buffer.tell()
                self.tally.chunk = []
        yield self.tally.chunk, text.buffer.tell()

    def write(self, chunk: list[ContactRow]) -> None:
        """Upsert one chunk of rows in its own transaction."""
        if chunk:
            outcome = self.upserter.upsert(chunk)
            self.tally.created += len(outcome.created)
            self.tally.updated += outcome.updated
            self.tally.unchanged += outcome.unchanged

    def result(self, error_report: str | None = None) -> ImportResult:
        t = self.tally
        return ImportResult(
            self.file_name, t.created, t.updated, t.unchanged, t.rejected, error_report
        )


class _ReadAhead(Generic[_T]):
    """A thread that runs an iterator ahead of its consumer, through a bounded queue."""

    def __init__(self, items: Iterator[_T], depth: int) -> None:
        self.items = items
        self.queue: Queue[tuple[bool, Any]] = Queue(maxsize=depth)
        self.stop = threading.Event()

    def _put(self, entry: tuple[bool, Any]) -> bool:
        while not self.stop.is_set():
            try:
                self.queue.put(entry, timeout=0.1)
            except Full:
                continue
            return True
        return False

    def produce(self) -> None:
        try:
            for item in self.items:
                if not self._put((True, item)):
                    return
            self._put((False, None))
        except BaseException as exc:  # handed to the consumer, which re-raises it
            self._put((False, exc))

    def consume(self) -> Iterator[_T]:
        while True:
            more, item = self.queue.get()
            if not more:
                if item is not None:
                    raise item
                return
            yield item


def read_ahead(items: Iterator[_T], depth: int = 2) -> Generator[_T, None, None]:
    """Yield ``items`` while a thread computes up to ``depth`` next ones.

    The import cleans rows in that thread while the caller's thread writes the previous chunk:
    SQLite and the database drivers release the GIL, so two cores are used. The thread must
    not touch the database (Django connections belong to one thread).
    """
    ahead = _ReadAhead(items, depth)
    thread = threading.Thread(target=ahead.produce, name="import-reader", daemon=True)
    thread.start()
    try:
        yield from ahead.consume()
    finally:
        ahead.stop.set()
        thread.join()


def import_contacts(
    access: WorkspaceAccess,
    path: Path | str,
    *,
    mapping: Mapping[str, str] | None = None,
    file_name: str | None = None,
    progress: Progress | None = None,
    job: ImportJob | None = None,
    chunk_rows: int = CHUNK_ROWS,
) -> ImportResult:
    """Import a CSV file into the workspace (rules in this module's docstring); one audit row.

    ``progress(bytes_read, result_so_far)`` is called after each chunk. Raises ImportSetupError
    before writing anything when the file or the mapping cannot be used.
    """
    access.require(Perm.CONTACTS_IMPORT)
    path = Path(path)
    plan = plan_import(access.workspace, path, mapping)
    run = _ImportRun(access, plan, file_name or path.name)
    completed = False
    try:
        with (
            open_text(path, plan.layout.encoding) as text,
            sqlite_page_cache(),
            closing(read_ahead(run.chunks(text, plan.layout.delimiter, chunk_rows))) as chunks,
        ):
            for chunk, read in chunks:
                run.write(chunk)
                if progress:
                    progress(read, run.result())
        completed = True
    finally:
        result = run.result(run.report.close())
        after = {"file": result.file_name, **result.as_json(), "completed": completed}
        record_audit(
            access.actor, access.workspace, "contacts.import", job or access.workspace, None, after
        )
    return result


def _keep_upload(path: Path, file_name: str) -> Path:
    """Copy the upload to ACCORD_IMPORT_DIR/uploads, where the worker reads it (kept after)."""
    folder = Path(settings.ACCORD_IMPORT_DIR).resolve() / "uploads"
    if path.resolve().is_relative_to(folder):
        return path.resolve()
    safe = "".join(c if c.isalnum() or c in "-_." else "-" for c in Path(file_name).name)
    target = folder / f"{uuid.uuid4().hex}-{safe[-100:]}"
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(path, target)
    return target


@transaction.atomic
def start_import(
    access: WorkspaceAccess,
    path: Path | str,
    file_name: str,
    mapping: Mapping[str, str] | None = None,
) -> ImportJob:
    """Check the file and mapping, keep the upload and queue the import in the worker.

    ``mapping`` (column -> field) overrides the suggested one. The task is queued when the
    transaction commits. Raises PermissionDenied without CONTACTS_IMPORT, ImportSetupError
    when the file or the mapping cannot be used.
    """
    access.require(Perm.CONTACTS_IMPORT)
    path = Path(path)
    plan_import(access.workspace, path, mapping)
    kept = _keep_upload(path, file_name)
    job = ImportJob.objects.create(
        workspace=access.workspace,
        created_by=access.actor.user,
        file_name=file_name[:255],
        path=str(kept),
        mapping=dict(mapping or {}),
        total_bytes=kept.stat().st_size,
    )
    transaction.on_commit(partial(_enqueue, job.pk))
    return job


def _enqueue(job_id: int) -> None:
    # Imported here: tasks.py imports this module to reach run_import_job.
    from accord.contacts.tasks import run_import

    run_import(job_id)


def _save_progress(job_id: int, read: int, result: ImportResult) -> None:
    ImportJob.objects.filter(pk=job_id).update(
        processed_bytes=read,
        rows=result.rows,
        created=result.created,
        updated=result.updated,
        unchanged=result.unchanged,
        rejected=result.rejected,
    )


def run_import_job(job_id: int) -> ImportJob | None:
    """Run a queued import (the worker calls this); a job already started is left alone."""
    if not ImportJob.objects.filter(pk=job_id, status=ImportStatus.QUEUED).update(
        status=ImportStatus.RUNNING
    ):
        return None
    job = ImportJob.objects.select_related("workspace", "created_by").get(pk=job_id)
    actor = Actor.for_user(job.created_by) if job.created_by else Actor.system("import")
    # The role was checked by start_import; the worker acts with the permission it granted.
    access = WorkspaceAccess(job.workspace, actor, None)
    try:
        result = import_contacts(
            access,
            job.path,
            mapping=job.mapping,
            file_name=job.file_name,
            progress=partial(_save_progress, job.pk),
            job=job,
        )
    except Exception as exc:
        logger.exception("Import job %s failed", job_id)
        error = "; ".join(exc.messages) if isinstance(exc, ValidationError) else str(exc)
        job.status, job.error, job.finished_at = ImportStatus.FAILED, error[:2000], timezone.now()
        job.save(update_fields=["status", "error", "finished_at"])
        return job
    _save_progress(job.pk, job.total_bytes, result)
    job.refresh_from_db()
    job.status, job.finished_at = ImportStatus.DONE, timezone.now()
    job.error_report = result.error_report or ""
    job.save(update_fields=["status", "finished_at", "error_report"])
    return job
