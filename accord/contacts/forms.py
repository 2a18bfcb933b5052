"""Forms of the contacts pages: they parse input; validation of values stays in the actions."""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, cast

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from accord.accounts.models import Workspace
from accord.contacts.models import ConsentPurpose, Contact, PropertyDefinition, PropertyType
from accord.contacts.queries import ContactFilter

LANGUAGE_CHOICES = [("", _("Unknown")), ("fr", _("French")), ("en", _("English"))]
STANDARD_FIELDS = ("email", "first_name", "last_name", "phone", "language", "company", "source")
PROPERTY_PREFIX = "prop_"
UPLOAD_TOKEN = re.compile(r"^[0-9a-f]{32}$")
MAX_UPLOAD_BYTES = 200 * 1024 * 1024


class ContactFilterForm(forms.Form):
    """The list's search box and filters; invalid choices are ignored rather than reported."""

    q = forms.CharField(label=_("Search"), required=False, max_length=200)
    tag = forms.ChoiceField(label=_("Tag"), required=False)
    consent = forms.ChoiceField(
        label=_("Consent"),
        required=False,
        choices=[("", pgettext_lazy("consent filter", "Any")), *ConsentPurpose.choices],
    )
    company = forms.CharField(label=_("Company"), required=False, max_length=200)
    language = forms.ChoiceField(
        label=_("Language"),
        required=False,
        choices=[("", _("All languages")), ("fr", _("French")), ("en", _("English"))],
    )

    def __init__(self, data: Mapping[str, Any], tags: Iterable[str]) -> None:
        super().__init__(data)
        tag_field = cast(forms.ChoiceField, self.fields["tag"])
        tag_field.choices = [("", _("All tags")), *((name, name) for name in tags)]

    def to_filter(self) -> ContactFilter:
        """Return the filter for the valid fields; a bad value leaves its field unfiltered."""
        self.is_valid()
        values = {name: self.cleaned_data.get(name) or "" for name in self.fields}
        return ContactFilter(**{k: str(v).strip() for k, v in values.items()})


class ContactForm(forms.Form):
    """Standard fields, tags and one field per declared custom property.

    The action does the real validation; its ValidationError is shown with ``add_errors``.
    """

    email = forms.CharField(label=_("Email"), max_length=254)
    first_name = forms.CharField(label=_("First name"), required=False, max_length=100)
    last_name = forms.CharField(label=_("Last name"), required=False, max_length=100)
    phone = forms.CharField(label=_("Phone"), required=False, max_length=40)
    language = forms.ChoiceField(label=_("Language"), required=False, choices=LANGUAGE_CHOICES)
    company = forms.CharField(label=_("Company"), required=False, max_length=200)
    source = forms.CharField(label=_("Source"), required=False, max_length=100)
    tags = forms.CharField(
        label=_("Tags"),
        required=False,
        help_text=_("Separate tags with commas."),
    )

    def __init__(
        self,
        data: Mapping[str, Any] | None = None,
        *,
        definitions: Sequence[PropertyDefinition] = (),
        initial: Mapping[str, Any] | None = None,
    ) -> None:
        super().__init__(data, initial=dict(initial) if initial else None)
        self.fields["email"].widget.attrs.update(type="email", autocomplete="off")
        self.fields["phone"].widget.attrs.update(type="tel")
        for definition in definitions:
            self.fields[PROPERTY_PREFIX + definition.key] = property_field(definition)

    @classmethod
    def for_contact(
        cls, contact: Contact, tags: Sequence[str], definitions: Sequence[PropertyDefinition]
    ) -> ContactForm:
        """Return a form prefilled with the contact's values."""
        initial: dict[str, Any] = {name: getattr(contact, name) for name in STANDARD_FIELDS}
        initial["company"] = contact.company.name if contact.company else ""
        initial["tags"] = ", ".join(tags)
        for key, value in contact.properties.items():
            initial[PROPERTY_PREFIX + key] = _initial_property(value)
        return cls(definitions=definitions, initial=initial)

    def values(self) -> dict[str, Any]:
        """Return the cleaned input in the shape create_contact/update_contact take."""
        values: dict[str, Any] = {name: self.cleaned_data[name] for name in STANDARD_FIELDS}
        values["tags"] = self.cleaned_data["tags"]
        properties = {
            name.removeprefix(PROPERTY_PREFIX): value
            for name, value in self.cleaned_data.items()
            if name.startswith(PROPERTY_PREFIX)
        }
        if properties:
            values["properties"] = properties
        return values

    def add_errors(self, error: ValidationError) -> None:
        """Show an action's ValidationError next to its fields (``properties.key`` included)."""
        if not hasattr(error, "error_dict"):
            self.add_error(None, error)
            return
        for name, messages in error.message_dict.items():
            field = name.replace("properties.", PROPERTY_PREFIX, 1)
            self.add_error(field if field in self.fields else None, messages)

    def property_fields(self) -> list[forms.BoundField]:
        """The bound fields of custom properties, in declaration order."""
        return [self[name] for name in self.fields if name.startswith(PROPERTY_PREFIX)]

    def standard_fields(self) -> list[forms.BoundField]:
        """The bound fields of the standard columns and tags."""
        return [self[name] for name in self.fields if not name.startswith(PROPERTY_PREFIX)]


def _initial_property(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def property_field(definition: PropertyDefinition) -> forms.Field:
    """Build the input for one custom property; an empty value removes the property."""
    label = definition.label or definition.key
    if definition.type == PropertyType.BOOLEAN:
        choices = [("", "—"), ("true", _("Yes")), ("false", _("No"))]
        return forms.ChoiceField(label=label, required=False, choices=choices)
    if definition.type == PropertyType.CHOICE:
        options = [("", "—"), *((str(c), str(c)) for c in definition.choices)]
        return forms.ChoiceField(label=label, required=False, choices=options)
    field = forms.CharField(label=label, required=False, max_length=1000)
    if definition.type == PropertyType.DATE:
        field.widget.attrs["type"] = "date"
    elif definition.type == PropertyType.NUMBER:
        field.widget.attrs["inputmode"] = "decimal"
    return field


class MergeForm(forms.Form):
    """Pick the duplicate by its email; ``confirm`` is set by the confirmation step."""

    email = forms.CharField(
        label=_("Email of the duplicate"),
        max_length=254,
        widget=forms.TextInput(attrs={"type": "email", "autocomplete": "off"}),
    )
    confirm = forms.BooleanField(required=False, widget=forms.HiddenInput)


class UploadForm(forms.Form):
    """The CSV file to import; it is staged on disk until the mapping is confirmed."""

    file = forms.FileField(
        label=_("CSV file"),
        help_text=_(
            "UTF-8, Windows-1252 or Latin-1; comma, semicolon or tab separated. "
            "The first line holds the column names."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,text/csv,text/plain"}),
    )

    def clean_file(self) -> UploadedFile[Any]:
        upload: UploadedFile[Any] = self.cleaned_data["file"]
        if not upload.size:
            raise ValidationError(_("The file is empty."))
        if upload.size > MAX_UPLOAD_BYTES:
            raise ValidationError(_("The file is larger than 200 MB."))
        return upload


@dataclass(frozen=True)
class StagedUpload:
    """An uploaded CSV waiting for its column mapping; ``token`` names it in URLs."""

    token: str
    path: Path
    file_name: str

    def discard(self) -> None:
        """Delete the staged file (once imported, or when it cannot be read)."""
        self.path.unlink(missing_ok=True)


def staging_dir(workspace: Workspace) -> Path:
    return Path(settings.ACCORD_IMPORT_DIR) / "staged" / str(workspace.pk)


def stage_upload(workspace: Workspace, upload: UploadedFile[Any]) -> StagedUpload:
    """Write the upload under the workspace's staging folder in chunks (no size in memory)."""
    token = uuid.uuid4().hex
    path = staging_dir(workspace) / f"{token}.csv"
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("wb") as handle:
        for chunk in upload.chunks():
            handle.write(chunk)
    return StagedUpload(token, path, Path(upload.name or "import.csv").name)


def staged_upload(workspace: Workspace, token: str, file_name: str) -> StagedUpload | None:
    """Find a staged file by token; None for a malformed token or a missing file."""
    if not UPLOAD_TOKEN.match(token):
        return None
    path = staging_dir(workspace) / f"{token}.csv"
    return StagedUpload(token, path, file_name or "import.csv") if path.exists() else None


class MappingForm(forms.Form):
    """One select per CSV column, named ``col_<index>``, prefilled from the suggestion."""

    def __init__(
        self,
        data: Mapping[str, Any] | None,
        *,
        headers: Sequence[str],
        choices: Sequence[tuple[str, Any]],
        suggested: Mapping[str, str],
    ) -> None:
        super().__init__(data)
        self.headers = list(headers)
        for index, header in enumerate(self.headers):
            self.fields[f"col_{index}"] = forms.ChoiceField(
                label=header or _("Column %(n)s") % {"n": index + 1},
                choices=choices,
                initial=suggested.get(header, "ignore"),
            )

    def mapping(self) -> dict[str, str]:
        """Return ``{column: field or "ignore"}`` from the valid input."""
        return {h: self.cleaned_data[f"col_{i}"] for i, h in enumerate(self.headers)}

    def columns(self, rows: Sequence[Sequence[str]] = ()) -> list[ColumnChoice]:
        """Each column's select with the column's non-blank values in ``rows`` (at most 3)."""
        choices = []
        for i in range(len(self.headers)):
            samples = [row[i] for row in rows if i < len(row) and row[i].strip()]
            choices.append(ColumnChoice(self[f"col_{i}"], samples[:3]))
        return choices


@dataclass(frozen=True)
class ColumnChoice:
    """One column of the uploaded file on the mapping page."""

    field: forms.BoundField
    samples: list[str]
