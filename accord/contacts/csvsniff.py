"""Recognise an uploaded CSV file: its encoding, its delimiter, its header and what each column is.

Encoding: a UTF-8 (or UTF-16) byte-order mark decides; otherwise the first MiB is decoded as
strict UTF-8 and, failing that, the file is read as Windows-1252, a superset of Latin-1 for every
printable character. Bytes that do not decode further into the file are read as Windows-1252
(Latin-1 for its five undefined bytes) instead of stopping the import.

Headers are compared case-, accent-, space- and punctuation-insensitively, in English and French.
"""

from __future__ import annotations

import codecs
import csv
import io
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

SAMPLE_BYTES = 1 << 20
SNIFF_CHARS = 32_768
DELIMITERS = ",;\t|"
DECODE_FALLBACK = "accord-cp1252"
IGNORE = "ignore"

STANDARD_FIELDS = (
    "email",
    "first_name",
    "last_name",
    "phone",
    "language",
    "company",
    "tags",
    "source",
    "owner",
)
CONSENT_FIELDS = ("consent.email_marketing", "consent.sms", "consent.tracking")

_ALIASES: dict[str, tuple[str, ...]] = {
    "email": (
        "email",
        "e-mail",
        "mail",
        "courriel",
        "adresse e-mail",
        "adresse email",
        "adresse mail",
        "adresse courriel",
        "adresse electronique",
        "email address",
        "e-mail address",
    ),
    "first_name": ("first name", "firstname", "given name", "prénom", "prenom"),
    "last_name": ("last name", "lastname", "surname", "family name", "nom", "nom de famille"),
    "phone": (
        "phone",
        "phone number",
        "telephone",
        "téléphone",
        "tel",
        "tél",
        "mobile",
        "portable",
        "numéro de téléphone",
    ),
    "language": ("language", "langue", "lang"),
    "tags": ("tags", "tag", "étiquettes", "étiquette", "labels"),
    "company": (
        "company",
        "company name",
        "société",
        "entreprise",
        "organisation",
        "organization",
    ),
    "source": ("source", "origine", "lead source"),
    "owner": ("owner", "contact owner", "propriétaire", "responsable"),
    "consent.email_marketing": (
        "email consent",
        "consent email",
        "consent email marketing",
        "consentement email",
        "consentement e-mail",
        "consentement courriel",
        "optin",
        "opt-in",
        "email opt-in",
        "newsletter opt-in",
    ),
    "consent.sms": ("sms consent", "consent sms", "consentement sms"),
    "consent.tracking": (
        "tracking consent",
        "consent tracking",
        "consentement suivi",
        "consentement tracking",
    ),
    IGNORE: ("created at", "updated at", "id", "uid"),
}


def header_key(text: str) -> str:
    """Reduce a header to lower-case letters and digits without accents: 'Prénom ' -> 'prenom'."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(ch for ch in decomposed if ch.isalnum())


HEADER_ALIASES: dict[str, str] = {
    header_key(alias): field for field, aliases in _ALIASES.items() for alias in aliases
}
HEADER_ALIASES.update({header_key(f): f for f in (*STANDARD_FIELDS, *CONSENT_FIELDS)})
HEADER_ALIASES.update({header_key(f.replace(".", "_")): f for f in CONSENT_FIELDS})


# A spreadsheet runs a cell starting with one of these as a formula (CSV injection); files
# Accord writes for people prefix such cells with an apostrophe, which the import removes.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_ESCAPED_STARTS = tuple(f"'{start}" for start in FORMULA_STARTS)


def escape_formula(value: str) -> str:
    """Prefix a cell a spreadsheet would run as a formula with an apostrophe."""
    return f"'{value}" if value.startswith(FORMULA_STARTS) else value


def unescape_formula(value: str) -> str:
    """Undo escape_formula: "'+33 6…" -> "+33 6…"; other values are returned as they are."""
    return value[1:] if value.startswith(_ESCAPED_STARTS) else value


class CsvFormatError(ValueError):
    """The file cannot be read as a CSV file with a header row."""


@dataclass(frozen=True)
class CsvLayout:
    """How to read one file: its encoding, its delimiter and its header row."""

    encoding: str
    delimiter: str
    headers: tuple[str, ...]


def _fallback_table() -> tuple[str, ...]:
    table = []
    for byte in range(256):
        try:
            table.append(bytes([byte]).decode("cp1252"))
        except UnicodeDecodeError:
            table.append(chr(byte))
    return tuple(table)


_CP1252 = _fallback_table()


def _decode_fallback(exc: UnicodeError) -> tuple[str, int]:
    """Decode the bytes a codec rejected as Windows-1252 (Latin-1 where it has no character)."""
    if not isinstance(exc, UnicodeDecodeError):
        raise exc
    bad = exc.object[exc.start : exc.end]
    return "".join(_CP1252[b] for b in bad), exc.end


codecs.register_error(DECODE_FALLBACK, _decode_fallback)


def detect_encoding(head: bytes) -> str:
    """Name the codec for a file beginning with ``head``: BOM, else UTF-8 if valid, else cp1252."""
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    try:
        codecs.getincrementaldecoder("utf-8")().decode(head, final=False)
    except UnicodeDecodeError:
        return "cp1252"
    return "utf-8"


def detect_delimiter(sample: str) -> str:
    """Guess the delimiter with csv.Sniffer, checked against the header line, else by counting."""
    header_line = sample.split("\n", 1)[0]
    cut = sample.rfind("\n")
    try:
        sniffed = csv.Sniffer().sniff(sample[:cut] if cut > 0 else sample, DELIMITERS).delimiter
    except csv.Error:
        sniffed = ""
    if sniffed and sniffed in header_line:
        return sniffed
    counts = {d: header_line.count(d) for d in DELIMITERS}
    best = max(DELIMITERS, key=lambda d: counts[d])
    return best if counts[best] else ","


def open_text(path: Path, encoding: str) -> TextIO:
    """Open ``path`` for the csv module; undecodable bytes fall back to Windows-1252."""
    return open(path, encoding=encoding, errors=DECODE_FALLBACK, newline="")


def read_layout(path: Path) -> CsvLayout:
    """Detect encoding, delimiter and headers, reading at most the first MiB of the file."""
    try:
        with open(path, "rb") as handle:
            head = handle.read(SAMPLE_BYTES)
    except OSError as exc:
        raise CsvFormatError(f"Cannot read {path}: {exc.strerror or exc}.") from None
    encoding = detect_encoding(head)
    text = head.decode(encoding, errors=DECODE_FALLBACK).lstrip("\ufeff")
    delimiter = detect_delimiter(text[:SNIFF_CHARS])
    try:
        headers = next(csv.reader(io.StringIO(text), delimiter=delimiter), [])
    except csv.Error as exc:
        raise CsvFormatError(f"The header row cannot be read: {exc}.") from None
    headers = [h.strip() for h in headers]
    if not any(headers):
        raise CsvFormatError("The file is empty or its first row (the header) is blank.")
    return CsvLayout(encoding=encoding, delimiter=delimiter, headers=tuple(headers))


def field_for_header(header: str, properties: Mapping[str, str]) -> str:
    """Name the field a header means ('ignore' when unknown); ``properties`` maps key/label keys.

    A header written ``properties.KEY`` (as the export writes it) maps to that property.
    """
    if header.lower().startswith("properties."):
        key = header_key(header[len("properties.") :])
        return f"properties.{properties[key]}" if key in properties else IGNORE
    key = header_key(header)
    if key in HEADER_ALIASES:
        return HEADER_ALIASES[key]
    if key in properties:
        return f"properties.{properties[key]}"
    return IGNORE


def property_keys(definitions: Iterable[tuple[str, str]]) -> dict[str, str]:
    """Index declared properties (key, label) by the header_key of their key and of their label."""
    index: dict[str, str] = {}
    for key, label in definitions:
        index.setdefault(header_key(label), key)
        index[header_key(key)] = key
    return index


def suggest_mapping(headers: Iterable[str], properties: Mapping[str, str]) -> dict[str, str]:
    """Map each header to a field; a field already taken by an earlier column gives 'ignore'."""
    mapping: dict[str, str] = {}
    taken: set[str] = set()
    for header in headers:
        if not header or header in mapping:
            continue
        field = field_for_header(header, properties)
        if field != IGNORE and field in taken:
            field = IGNORE
        taken.add(field)
        mapping[header] = field
    return mapping
