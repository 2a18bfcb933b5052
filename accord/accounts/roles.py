"""Roles and the permissions each grants; the single place that decides who may do what."""

from __future__ import annotations

from enum import StrEnum

from django.utils.translation import gettext_lazy as _


class Role(StrEnum):
    OWNER = "owner"
    MARKETING = "marketing"
    COMMUNICATION = "communication"
    BRAND_REVIEWER = "brand_reviewer"
    CRISIS_LEAD = "crisis_lead"
    VIEWER = "viewer"


ROLE_LABELS = {
    Role.OWNER: _("Owner"),
    Role.MARKETING: _("Marketing"),
    Role.COMMUNICATION: _("Communication"),
    Role.BRAND_REVIEWER: _("Brand reviewer"),
    Role.CRISIS_LEAD: _("Crisis lead"),
    Role.VIEWER: _("Viewer"),
}

ROLE_CHOICES = [(role.value, ROLE_LABELS[role]) for role in Role]


class Perm(StrEnum):
    CONTACTS_VIEW = "contacts.view"
    CONTACTS_EDIT = "contacts.edit"
    CONTACTS_IMPORT = "contacts.import"
    CONTACTS_EXPORT = "contacts.export"
    CONTACTS_ERASE = "contacts.erase"
    AUDIT_VIEW = "audit.view"
    WORKSPACE_MANAGE = "workspace.manage"
    EVENTS_WRITE = "events.write"
    ANALYTICS_VIEW = "analytics.view"
    BRAND_VIEW = "brand.view"
    BRAND_EDIT_GUIDE = "brand.edit_guide"
    CONTENT_EDIT = "content.edit"
    CONTENT_APPROVE = "content.approve"
    SEGMENTS_EDIT = "segments.edit"
    LISTENING_VIEW = "listening.view"
    LISTENING_MANAGE = "listening.manage"  # queries and sources
    MENTIONS_TRIAGE = "mentions.triage"  # tag, assign, reply, mark spam
    CRISIS_VIEW = "crisis.view"
    CRISIS_ACK = "crisis.ack"  # acknowledge an alert
    CRISIS_MANAGE = "crisis.manage"  # alert delivery settings, planned launches


_EDITORS = {Perm.CONTACTS_VIEW, Perm.CONTACTS_EDIT}
_WRITERS = {Perm.BRAND_VIEW, Perm.CONTENT_EDIT}
_WATCHERS = {Perm.LISTENING_VIEW, Perm.CRISIS_VIEW}
_RESPONDERS = _WATCHERS | {Perm.MENTIONS_TRIAGE, Perm.CRISIS_ACK}

ROLE_PERMISSIONS: dict[Role, frozenset[Perm]] = {
    Role.OWNER: frozenset(Perm),
    Role.MARKETING: frozenset(
        _EDITORS
        | {Perm.CONTACTS_IMPORT, Perm.CONTACTS_EXPORT, Perm.EVENTS_WRITE, Perm.ANALYTICS_VIEW}
        | _WRITERS
        | {Perm.SEGMENTS_EDIT, Perm.MENTIONS_TRIAGE}
        | _WATCHERS
    ),
    Role.COMMUNICATION: frozenset(
        _EDITORS
        | {Perm.ANALYTICS_VIEW}
        | _WRITERS
        | _RESPONDERS
        | {Perm.LISTENING_MANAGE, Perm.CRISIS_MANAGE}
    ),
    Role.BRAND_REVIEWER: frozenset(
        {Perm.CONTACTS_VIEW, Perm.ANALYTICS_VIEW, Perm.BRAND_VIEW}
        | {Perm.BRAND_EDIT_GUIDE, Perm.CONTENT_APPROVE}
        | _WATCHERS
    ),
    Role.CRISIS_LEAD: frozenset(
        {Perm.CONTACTS_VIEW, Perm.ANALYTICS_VIEW, Perm.BRAND_VIEW}
        | _RESPONDERS
        | {Perm.LISTENING_MANAGE, Perm.CRISIS_MANAGE}
    ),
    Role.VIEWER: frozenset({Perm.CONTACTS_VIEW, Perm.ANALYTICS_VIEW, Perm.BRAND_VIEW} | _WATCHERS),
}


def role_has(role: str, perm: Perm) -> bool:
    """Tell whether ``role`` grants ``perm``; an unknown role grants nothing."""
    try:
        return perm in ROLE_PERMISSIONS[Role(role)]
    except ValueError:
        return False
