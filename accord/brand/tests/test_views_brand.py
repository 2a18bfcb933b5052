"""Brand pages: permissions per role, the live check partial, one-click fixes, the gate."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from accord.accounts.access import WorkspaceAccess
from accord.accounts.models import AuditEntry, User, Workspace
from accord.accounts.roles import Role
from accord.brand import actions
from accord.brand.actions import ContentDraft
from accord.brand.models import Content, ContentStatus, StyleGuide

ClientFor = Callable[[User], Client]
Member = Callable[[Role], User]
ALL_ROLES = list(Role)
LINT = {"channel": "social", "language": "en", "body": "An amazing, cheap light."}


@pytest.fixture
def content(workspace: Workspace, owner_access: WorkspaceAccess) -> Content:
    actions.save_style_guide(
        owner_access, {"banned": ["cheap"], "avoid": {"amazing": "hand-blown"}, "inclusive": False}
    )
    return actions.create_content(owner_access, ContentDraft("social", "Post", LINT["body"], "en"))


def _user(role: Role, owner: User, member: Member) -> User:
    return owner if role == Role.OWNER else member(role)


PAGES = ["brand:guide", "brand:dashboard", "brand:contents", "brand:content"]


@pytest.mark.parametrize("name", PAGES)
@pytest.mark.parametrize("role", ALL_ROLES)
def test_every_member_sees_the_brand_pages(
    content: Content, owner: User, member: Member, client_for: ClientFor, role: Role, name: str
) -> None:
    kwargs = {"content_id": content.pk} if name == "brand:content" else {}
    url = (
        reverse(name, args=["brand"], kwargs=kwargs)
        if not kwargs
        else reverse(name, kwargs={"slug": "brand", **kwargs})
    )

    response = client_for(_user(role, owner, member)).get(url)

    assert response.status_code == 200


@pytest.mark.parametrize("name", PAGES)
def test_an_outsider_gets_404(
    content: Content, outsider: User, client_for: ClientFor, name: str
) -> None:
    kwargs = {"content_id": content.pk} if name == "brand:content" else {}

    response = client_for(outsider).get(reverse(name, kwargs={"slug": "brand", **kwargs}))

    assert response.status_code == 404


@pytest.mark.parametrize(
    ("role", "status"),
    [
        (Role.OWNER, 200),
        (Role.MARKETING, 200),
        (Role.COMMUNICATION, 200),
        (Role.BRAND_REVIEWER, 403),
        (Role.CRISIS_LEAD, 403),
        (Role.VIEWER, 403),
    ],
)
def test_writing_a_content_needs_content_edit(
    workspace: Workspace,
    owner: User,
    member: Member,
    client_for: ClientFor,
    role: Role,
    status: int,
) -> None:
    response = client_for(_user(role, owner, member)).get(
        reverse("brand:content_new", args=["brand"])
    )

    assert response.status_code == status


@pytest.mark.parametrize(
    ("role", "status"),
    [
        (Role.OWNER, 302),
        (Role.MARKETING, 403),
        (Role.COMMUNICATION, 403),
        (Role.BRAND_REVIEWER, 302),
        (Role.CRISIS_LEAD, 403),
        (Role.VIEWER, 403),
    ],
)
def test_saving_the_guide_needs_brand_edit_guide(
    workspace: Workspace,
    owner: User,
    member: Member,
    client_for: ClientFor,
    role: Role,
    status: int,
) -> None:
    data = {"brand_name": "Maison Lumière", "banned": "cheap\npas cher", "inclusive": "on"}

    response = client_for(_user(role, owner, member)).post(
        reverse("brand:guide", args=["brand"]), data
    )

    assert response.status_code == status
    saved = StyleGuide.objects.filter(workspace=workspace).first()
    assert (saved.banned if saved else None) == (["cheap", "pas cher"] if status == 302 else None)


def test_live_check_returns_highlighted_spans(
    content: Content, owner: User, client_for: ClientFor
) -> None:
    response = client_for(owner).post(
        reverse("brand:lint", args=["brand"]), LINT, HTTP_ACCEPT_LANGUAGE="en"
    )

    html = response.content.decode()
    assert response.status_code == 200
    assert '<mark class="lint-warning"' in html
    assert ">amazing</mark>" in html
    assert (
        '<mark class="lint-error" title="&#x27;cheap&#x27; is banned from our copy.">cheap</mark>'
        in html
    )
    assert 'name="replacement" value="hand-blown"' in html


def test_one_click_fix_applies_the_replacement(
    content: Content, owner: User, client_for: ClientFor
) -> None:
    data = {**LINT, "start": 3, "end": 10, "match": "amazing", "replacement": "hand-blown"}

    response = client_for(owner).post(reverse("brand:fix", args=["brand"]), data)

    html = response.content.decode()
    assert response.status_code == 200
    assert 'hx-swap-oob="true"' in html
    assert ">An hand-blown, cheap light.</textarea>" in html
    assert ">amazing</mark>" not in html


def test_a_stale_fix_is_refused(content: Content, owner: User, client_for: ClientFor) -> None:
    data = {**LINT, "start": 0, "end": 7, "match": "amazing", "replacement": "hand-blown"}

    response = client_for(owner).post(reverse("brand:fix", args=["brand"]), data)

    assert response.status_code == 409


def test_submitting_a_content_with_errors_shows_why_and_keeps_it_a_draft(
    content: Content, owner: User, client_for: ClientFor
) -> None:
    client = client_for(owner)

    response = client.post(
        reverse("brand:submit", args=["brand", content.pk]), follow=True, HTTP_ACCEPT_LANGUAGE="en"
    )

    assert "Error alerts block this content" in response.content.decode()
    assert Content.objects.get(pk=content.pk).status == ContentStatus.DRAFT


def test_a_reviewer_overrides_from_the_content_page_and_the_reason_shows(
    content: Content, member: Member, client_for: ClientFor
) -> None:
    client = client_for(member(Role.BRAND_REVIEWER))

    response = client.post(
        reverse("brand:override", args=["brand", content.pk]),
        {"reason": "Quoted from a customer review."},
        follow=True,
    )

    assert "Quoted from a customer review." in response.content.decode()
    assert AuditEntry.objects.get(action="brand.content.overridden").after == {
        "override_reason": "Quoted from a customer review."
    }


def test_marketing_cannot_override_from_the_page(
    content: Content, member: Member, client_for: ClientFor
) -> None:
    response = client_for(member(Role.MARKETING)).post(
        reverse("brand:override", args=["brand", content.pk]), {"reason": "Trust me."}
    )

    assert response.status_code == 403
    assert Content.objects.get(pk=content.pk).override_at is None


def test_pages_are_translated_to_french(
    content: Content, owner: User, client_for: ClientFor
) -> None:
    client = client_for(owner)

    response = client.get(
        reverse("brand:content", args=["brand", content.pk]), HTTP_ACCEPT_LANGUAGE="fr"
    )

    assert "Soumettre pour validation" in response.content.decode()


def test_a_reviewer_uploads_a_vale_rule_file(
    workspace: Workspace, member: Member, client_for: ClientFor
) -> None:
    rule = (
        b"extends: substitution\nmessage: \"Use '%s' instead of '%s'.\"\nswap:\n  e-mail: email\n"
    )
    upload = SimpleUploadedFile("Terms.yml", rule, content_type="application/x-yaml")

    response = client_for(member(Role.BRAND_REVIEWER)).post(
        reverse("brand:guide", args=["brand"]), {"inclusive": "on", "rule_file": upload}
    )

    assert response.status_code == 302
    assert StyleGuide.objects.get(workspace=workspace).custom_rules == {
        "Custom.Terms": {
            "extends": "substitution",
            "message": "Use '%s' instead of '%s'.",
            "swap": {"e-mail": "email"},
        }
    }


def test_an_invalid_vale_rule_is_refused_with_the_reason(
    workspace: Workspace, owner: User, client_for: ClientFor
) -> None:
    data = {"custom_rules": "Custom.Bad:\n  extends: nope\n  message: x\n"}

    response = client_for(owner).post(
        reverse("brand:guide", args=["brand"]), data, HTTP_ACCEPT_LANGUAGE="en"
    )

    assert response.status_code == 200
    assert "&#x27;extends&#x27; must be one of" in response.content.decode()
    assert not StyleGuide.objects.filter(workspace=workspace).exists()
