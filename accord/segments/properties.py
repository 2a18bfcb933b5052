"""Custom-property filters: operators and values checked against the property's declared type."""

from __future__ import annotations

import operator
from datetime import date
from functools import reduce
from typing import Any

from django.db.models import Q

from accord.accounts.models import Workspace
from accord.contacts.models import Contact, PropertyDefinition, PropertyType
from accord.segments.rules import NEGATIONS, ORDER_OPS, TEXT_OPS, PropertyFilter, RuleError

SET_OPS = ("is_set", "is_not_set")
OPS_BY_TYPE: dict[str, tuple[str, ...]] = {
    PropertyType.TEXT: TEXT_OPS,
    PropertyType.CHOICE: TEXT_OPS,
    PropertyType.NUMBER: ("eq", "neq", *ORDER_OPS, "in", "not_in", *SET_OPS),
    PropertyType.BOOLEAN: ("eq", "neq", *SET_OPS),
    PropertyType.DATE: ("eq", "neq", *ORDER_OPS, *SET_OPS),
}
TEXT_LOOKUPS = {"eq": "iexact", "contains": "icontains", "starts_with": "istartswith"}


def check(leaf: PropertyFilter, definition: PropertyDefinition) -> None:
    """Raise RuleError when the operator or the value does not suit the property's type."""
    kind = definition.type
    allowed = OPS_BY_TYPE.get(kind, TEXT_OPS)
    if leaf.op not in allowed:
        raise RuleError(
            f"{leaf.path}.op",
            f"operator {leaf.op!r} does not apply to {kind} property {leaf.key!r}; "
            f"use one of {', '.join(allowed)}",
        )
    values = leaf.value if isinstance(leaf.value, list) else [leaf.value]
    for index, value in enumerate(values):
        path = f"{leaf.path}.value" + (f"[{index}]" if isinstance(leaf.value, list) else "")
        if value is not None and not _fits(kind, value):
            raise RuleError(path, f"{value!r} is not a {kind} (property {leaf.key!r})")


def _fits(kind: str, value: Any) -> bool:
    if kind == PropertyType.NUMBER:
        return isinstance(value, int | float) and not isinstance(value, bool)
    if kind == PropertyType.BOOLEAN:
        return isinstance(value, bool)
    if kind == PropertyType.DATE:
        try:
            date.fromisoformat(str(value))
        except ValueError:
            return False
        return isinstance(value, str) and len(value) == 10
    return isinstance(value, str)


def condition(leaf: PropertyFilter, definition: PropertyDefinition, workspace: Workspace) -> Q:
    """Q for a property filter; negative operators select everyone the positive one does not.

    Wrapped in ``pk IN (subquery)``: a JSON key comparison is NULL for a contact without the
    key, and NOT NULL is NULL in SQL, so negating the bare comparison would drop such contacts.
    """
    op = NEGATIONS.get(leaf.op, leaf.op)
    lookup = f"properties__{leaf.key}"
    if op == "is_set":
        test = Q(properties__has_key=leaf.key)
    elif definition.type in {PropertyType.TEXT, PropertyType.CHOICE}:
        test = _text(lookup, op, leaf.value)
    elif op == "in":
        test = Q(**{f"{lookup}__in": leaf.value})
    else:
        test = Q(**{lookup if op == "eq" else f"{lookup}__{op}": leaf.value})
    matching = Contact.objects.filter(Q(properties__has_key=leaf.key) & test, workspace=workspace)
    selected = Q(pk__in=matching.values("pk"))
    return ~selected if leaf.op in NEGATIONS else selected


def _text(lookup: str, op: str, value: Any) -> Q:
    if op == "in":
        return reduce(operator.or_, (Q(**{f"{lookup}__iexact": str(v)}) for v in value))
    return Q(**{f"{lookup}__{TEXT_LOOKUPS[op]}": str(value)})
