"""Validation and normalisation of contact field values, shared by forms, API and import."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email

from accord.accounts.models import Workspace
from accord.contacts.models import Contact, PropertyDefinition, PropertyType

# Plain text columns of Contact that callers may set directly.
CONTACT_FIELDS = ("email", "first_name", "last_name", "phone", "language", "source")
MAX_LENGTHS = {"email": 254, "first_name": 100, "last_name": 100, "phone": 40, "source": 100}
LANGUAGE_ALIASES = {
    "fr": "fr",
    "fra": "fr",
    "fre": "fr",
    "french": "fr",
    "français": "fr",
    "francais": "fr",
    "fr-fr": "fr",
    "fr_fr": "fr",
    "fr-be": "fr",
    "fr-ca": "fr",
    "fr-ch": "fr",
    "en": "en",
    "eng": "en",
    "english": "en",
    "anglais": "en",
    "en-gb": "en",
    "en-us": "en",
    "en_gb": "en",
    "en_us": "en",
}
PHONE_CHARS = set("0123456789+-(). /")


def normalise_email(raw: str) -> str:
    """Trim and lower-case an address; raise ValidationError when it is not an email."""
    email = raw.strip().lower()
    if not email:
        raise ValidationError("Email is required.")
    if len(email) > MAX_LENGTHS["email"]:
        raise ValidationError("Email is longer than 254 characters.")
    try:
        validate_email(email)
    except ValidationError:
        raise ValidationError(f"{raw.strip()!r} is not a valid email address.") from None
    return email


def normalise_language(raw: str) -> str:
    """Map 'FR', 'français', 'en-GB'… to 'fr' or 'en'; blank stays blank."""
    value = raw.strip().lower()
    if not value:
        return ""
    if value not in LANGUAGE_ALIASES:
        raise ValidationError(f"Language {raw.strip()!r} is not French or English (use fr or en).")
    return LANGUAGE_ALIASES[value]


def normalise_phone(raw: str) -> str:
    """Keep a phone number as typed, trimmed; reject letters and absurd lengths."""
    value = " ".join(raw.split())
    if value and (set(value) - PHONE_CHARS or sum(c.isdigit() for c in value) < 4):
        raise ValidationError(f"{value!r} is not a phone number.")
    if len(value) > MAX_LENGTHS["phone"]:
        raise ValidationError("Phone is longer than 40 characters.")
    return value


def _text(name: str, raw: Any) -> str:
    value = " ".join(str(raw).split()) if raw is not None else ""
    if len(value) > MAX_LENGTHS[name]:
        raise ValidationError(f"{name} is longer than {MAX_LENGTHS[name]} characters.")
    return value


def parse_tags(raw: Any) -> list[str]:
    """Accept a list or a string separated by commas, semicolons or pipes."""
    if raw is None:
        return []
    items = (
        raw
        if isinstance(raw, list | tuple)
        else str(raw).replace(";", ",").replace("|", ",").split(",")
    )
    tags = []
    for item in items:
        tag = " ".join(str(item).split())
        if len(tag) > 64:
            raise ValidationError(f"Tag {tag[:20]!r}… is longer than 64 characters.")
        if tag and tag not in tags:
            tags.append(tag)
    return tags


def clean_field(name: str, raw: Any) -> Any:
    """Clean one standard field value; raise ValidationError with a reason."""
    if name == "email":
        return normalise_email(str(raw or ""))
    if name == "language":
        return normalise_language(str(raw or ""))
    if name == "phone":
        return normalise_phone(str(raw or ""))
    if name == "tags":
        return parse_tags(raw)
    if name == "company":
        return _text_company(raw)
    return _text(name, raw)


def _text_company(raw: Any) -> str:
    value = " ".join(str(raw).split()) if raw is not None else ""
    if len(value) > 200:
        raise ValidationError("Company name is longer than 200 characters.")
    return value


def clean_property(definition: PropertyDefinition, raw: Any) -> Any:
    """Convert a raw value to the declared type; blank gives None (the property is removed)."""
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return None
    kind = definition.type
    text = str(raw).strip()
    try:
        if kind == PropertyType.NUMBER:
            return (
                raw
                if isinstance(raw, int | float) and not isinstance(raw, bool)
                else float(text.replace(",", "."))
            )
        if kind == PropertyType.BOOLEAN:
            return _boolean(raw)
        if kind == PropertyType.DATE:
            return date.fromisoformat(text).isoformat()
    except ValueError:
        raise ValidationError(
            f"{text!r} is not a valid {kind} for property {definition.key!r}."
        ) from None
    if kind == PropertyType.CHOICE and text not in definition.choices:
        raise ValidationError(
            f"{text!r} is not one of {definition.choices} for property {definition.key!r}."
        )
    return text[:1000]


def _boolean(raw: Any) -> bool:
    if isinstance(raw, bool):
        return raw
    value = str(raw).strip().lower()
    if value in {"1", "true", "yes", "oui", "vrai", "y", "o"}:
        return True
    if value in {"0", "false", "no", "non", "faux", "n"}:
        return False
    raise ValueError(value)


def property_definitions(workspace: Workspace) -> dict[str, PropertyDefinition]:
    return {d.key: d for d in PropertyDefinition.objects.filter(workspace=workspace)}


def clean_properties(
    definitions: Mapping[str, PropertyDefinition], raw: Mapping[str, Any]
) -> dict[str, Any]:
    """Check each key is declared and convert its value; errors are keyed ``properties.KEY``."""
    cleaned: dict[str, Any] = {}
    errors: dict[str, list[str]] = {}
    for key, value in raw.items():
        definition = definitions.get(key)
        if definition is None:
            errors[f"properties.{key}"] = [f"Property {key!r} is not declared in this workspace."]
            continue
        try:
            cleaned[key] = clean_property(definition, value)
        except ValidationError as exc:
            errors[f"properties.{key}"] = exc.messages
    if errors:
        raise ValidationError(errors)
    return cleaned


def clean_contact_fields(
    workspace: Workspace, values: Mapping[str, Any], *, partial: bool
) -> dict[str, Any]:
    """Validate a mapping of contact fields; raise one ValidationError naming every bad field."""
    cleaned: dict[str, Any] = {}
    errors: dict[str, list[str]] = {}
    known = {*CONTACT_FIELDS, "tags", "company", "properties"}
    for name in values:
        if name not in known:
            errors[name] = [f"Unknown field {name!r}."]
    if not partial and "email" not in values:
        errors["email"] = ["Email is required."]
    for name in known - {"properties"}:
        if name in values:
            try:
                cleaned[name] = clean_field(name, values[name])
            except ValidationError as exc:
                errors[name] = exc.messages
    if values.get("properties"):
        try:
            cleaned["properties"] = clean_properties(
                property_definitions(workspace), values["properties"]
            )
        except ValidationError as exc:
            errors.update(exc.message_dict)
    if errors:
        raise ValidationError(errors)
    return cleaned


def contact_snapshot(contact: Contact) -> dict[str, Any]:
    """The audited view of a contact (tags and company by name; one query for tags)."""
    snapshot: dict[str, Any] = {name: getattr(contact, name) for name in CONTACT_FIELDS}
    snapshot["company"] = contact.company.name if contact.company_id and contact.company else ""
    snapshot["properties"] = dict(contact.properties)
    snapshot["tags"] = sorted(contact.tags.values_list("name", flat=True)) if contact.pk else []
    return snapshot
