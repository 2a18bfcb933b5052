"""Segments pages: who sees what, the builder with its live preview, static list members."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from accord.accounts.access import WorkspaceAccess
from accord.accounts.models import User, Workspace
from accord.accounts.roles import Role
from accord.contacts.actions import add_tags
from accord.contacts.models import Contact
from accord.segments import actions, queries
from accord.segments.models import Segment

ClientFor = Callable[[User], Client]
Member = Callable[[Role], User]
VIP = {"type": "tag", "tag": "vip"}
EN: dict[str, Any] = {"HTTP_ACCEPT_LANGUAGE": "en"}


@pytest.fixture
def vip_segment(workspace: Workspace, owner_access: WorkspaceAccess) -> Segment:
    for i in range(3):
        contact = Contact.objects.create(workspace=workspace, email=f"v{i}@example.com")
        add_tags(owner_access, contact, ["vip"])
    segment = actions.create_segment(owner_access, name="VIP", kind="dynamic", rule=VIP)
    actions.refresh_segment(segment)
    return segment


def _user(role: Role, owner: User, member: Member) -> User:
    return owner if role == Role.OWNER else member(role)


@pytest.mark.django_db
@pytest.mark.parametrize("role", list(Role))
def test_every_member_sees_the_list_and_the_detail_page(
    vip_segment: Segment, owner: User, member: Member, client_for: ClientFor, role: Role
) -> None:
    client = client_for(_user(role, owner, member))

    listed = client.get(reverse("segments:list", args=["brand"]), **EN)
    detail = client.get(reverse("segments:detail", args=["brand", "vip"]), **EN)

    assert (listed.status_code, detail.status_code) == (200, 200)
    assert [s.slug for s in listed.context["segments"]] == ["vip"]
    assert detail.context["page"].paginator.count == 3
    assert [line.text for line in detail.context["words"]] == ["Has the tag “vip”"]
    assert b"plotly/plotly.min.js" in detail.content


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["segments:list", "segments:detail", "segments:new"])
def test_an_outsider_gets_404(
    vip_segment: Segment, outsider: User, client_for: ClientFor, name: str
) -> None:
    args = ["brand", "vip"] if name == "segments:detail" else ["brand"]

    assert client_for(outsider).get(reverse(name, args=args)).status_code == 404


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("role", "status"), [(Role.OWNER, 200), (Role.MARKETING, 200), (Role.VIEWER, 403)]
)
def test_only_segment_editors_open_the_builder(
    workspace: Workspace,
    owner: User,
    member: Member,
    client_for: ClientFor,
    role: Role,
    status: int,
) -> None:
    client = client_for(_user(role, owner, member))

    assert client.get(reverse("segments:new", args=["brand"])).status_code == status


def _builder(client: Client, rule: Any, **edit: str) -> Any:
    data = {"rule": json.dumps(rule), **edit}
    return client.post(reverse("segments:builder", args=["brand"]), data, **EN)


@pytest.mark.django_db
def test_the_builder_adds_a_filter_and_previews_the_rule(
    vip_segment: Segment, owner: User, client_for: ClientFor
) -> None:
    response = _builder(client_for(owner), {"all": [VIP]}, edit="add_group", path="$")

    state = response.context["state"]
    assert json.loads(state.text) == {
        "all": [VIP, {"any": [{"type": "field", "field": "email", "op": "contains", "value": "@"}]}]
    }
    assert [(row.path, row.kind) for row in state.rows] == [
        ("$", "all"),
        ("$.all[0]", "leaf"),
        ("$.all[1]", "any"),
        ("$.all[1].any[0]", "leaf"),
    ]
    assert state.count == 3
    assert b"3 contacts match now" in response.content


@pytest.mark.django_db
def test_the_builder_sets_a_typed_value_from_its_control(
    workspace: Workspace, owner: User, client_for: ClientFor
) -> None:
    rule = {"all": [{"type": "event", "kind": "click", "did": True}]}
    client = client_for(owner)

    window = _builder(
        client, rule, edit="window", path="$.all[0].window", **{"v:$.all[0].window": "last_days"}
    )
    days = _builder(
        client,
        json.loads(window.context["state"].text),
        edit="set",
        path="$.all[0].window.last_days",
        **{"v:$.all[0].window.last_days": "7"},
    )
    did_not = _builder(
        client,
        json.loads(days.context["state"].text),
        edit="set",
        path="$.all[0].did",
        **{"v:$.all[0].did": "false"},
    )

    assert json.loads(did_not.context["state"].text) == {
        "all": [{"type": "event", "kind": "click", "did": False, "window": {"last_days": 7}}]
    }


@pytest.mark.django_db
def test_the_builder_shows_a_rule_error_next_to_its_node(
    workspace: Workspace, owner: User, client_for: ClientFor
) -> None:
    rule = {"all": [VIP, {"type": "field", "field": "email", "op": "contains", "value": "@"}]}

    response = _builder(
        client_for(owner), rule, edit="set", path="$.all[1].op", **{"v:$.all[1].op": "eqq"}
    )

    rows = {row.path: row.error for row in response.context["state"].rows}
    assert rows["$.all[1]"].startswith("unknown operator 'eqq'; expected one of eq, neq")
    assert rows["$"] == rows["$.all[0]"] == ""
    assert response.context["state"].count is None
    html = response.content.decode()
    assert (
        html.index('data-path="$.all[1]"')
        < html.index("unknown operator")
        < html.index("Rule as JSON")
    )


@pytest.mark.django_db
def test_a_viewer_cannot_use_the_builder(
    workspace: Workspace, member: Member, client_for: ClientFor
) -> None:
    assert _builder(client_for(member(Role.VIEWER)), {"all": [VIP]}).status_code == 403


@pytest.mark.django_db
def test_creating_a_segment_from_the_page(
    vip_segment: Segment,
    owner: User,
    client_for: ClientFor,
    django_capture_on_commit_callbacks: Any,
) -> None:
    rule = {"not": VIP}
    data = {"name": "Not VIP", "description": "", "rule": json.dumps(rule), "kind": "dynamic"}

    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(owner).post(reverse("segments:new", args=["brand"]), data)

    assert response.status_code == 302
    assert response["Location"] == reverse("segments:detail", args=["brand", "not-vip"])
    assert Segment.objects.get(slug="not-vip").rule == rule


@pytest.mark.django_db
def test_the_builder_shows_every_bad_node_at_once(
    workspace: Workspace, owner: User, client_for: ClientFor
) -> None:
    bad_op = {"type": "field", "field": "email", "op": "eqq", "value": "@"}
    bad_value = {"type": "revenue", "op": "gte", "value": "lots"}
    rule = {"all": [bad_op, VIP, bad_value]}

    response = _builder(client_for(owner), rule, edit="")

    rows = {row.path: (row.error_path, row.error) for row in response.context["state"].rows}
    assert rows["$.all[0]"][0] == "$.all[0].op"
    assert rows["$.all[2]"] == ("$.all[2].value", "expected a number")
    assert rows["$.all[1]"] == ("", "")
    html = response.content.decode()
    assert html.count('role="alert"') == 2


@pytest.mark.django_db
def test_an_invalid_rule_keeps_the_page_with_the_error(
    workspace: Workspace, owner: User, client_for: ClientFor
) -> None:
    rule = {"all": [{"type": "revenue", "op": "gte", "value": "lots"}]}
    data = {"name": "Rich", "rule": json.dumps(rule), "kind": "dynamic"}

    response = client_for(owner).post(reverse("segments:new", args=["brand"]), data, **EN)

    assert response.status_code == 200
    assert response.context["form"].errors["rule"] == ["$.all[0].value: expected a number"]
    assert Segment.objects.count() == 0


@pytest.mark.django_db
def test_static_members_are_added_by_id_and_csv_then_removed(
    workspace: Workspace, owner: User, owner_access: WorkspaceAccess, client_for: ClientFor
) -> None:
    ada, bob = (
        Contact.objects.create(workspace=workspace, email=e)
        for e in ("ada@example.com", "bob@example.com")
    )
    segment = actions.create_segment(owner_access, name="Press", kind="static")
    client = client_for(owner)
    add = reverse("segments:members_add", args=["brand", "press"])

    first = client.post(add, {"contact_ids": f"{ada.pk}"}, follow=True, **EN)
    upload = SimpleUploadedFile("list.csv", b"email\nBOB@example.com\nzed@example.com\n")
    response = client.post(add, {"file": upload}, follow=True, **EN)
    after_add = queries.member_ids(segment)
    client.post(
        reverse("segments:members_remove", args=["brand", "press"]), {"contact_ids": ada.pk}
    )

    assert after_add == [ada.pk, bob.pk]
    assert [str(m) for m in first.context["messages"]] == ["1 contact added."]
    assert [str(m) for m in response.context["messages"]] == [
        "1 added, 0 already in the list, 1 unknown emails.",
        "Unknown emails: zed@example.com",
    ]
    assert queries.member_ids(segment) == [bob.pk]


@pytest.mark.django_db
def test_a_viewer_adds_no_member(
    workspace: Workspace, member: Member, owner_access: WorkspaceAccess, client_for: ClientFor
) -> None:
    ada = Contact.objects.create(workspace=workspace, email="ada@example.com")
    segment = actions.create_segment(owner_access, name="Press", kind="static")

    response = client_for(member(Role.VIEWER)).post(
        reverse("segments:members_add", args=["brand", "press"]), {"contact_ids": ada.pk}
    )

    assert response.status_code == 403
    assert queries.member_ids(segment) == []


@pytest.mark.django_db
def test_deleting_from_the_page(vip_segment: Segment, owner: User, client_for: ClientFor) -> None:
    url = reverse("segments:delete", args=["brand", "vip"])
    client = client_for(owner)

    assert client.get(url).status_code == 200
    assert client.post(url).status_code == 302
    assert Segment.objects.count() == 0


@pytest.mark.django_db
def test_the_builder_renders_every_filter_type(
    workspace: Workspace, owner: User, client_for: ClientFor
) -> None:
    from accord.segments.builder import DEFAULT_LEAVES

    leaves = [dict(leaf) for leaf in DEFAULT_LEAVES.values()]
    leaves[4] = {**leaves[4], "window": {"from": "2025-01-01", "to": "2025-01-31"}}
    leaves[4]["properties"] = [{"key": "plan", "op": "in", "value": ["a", "b"]}]
    rule = {"all": [{"not": leaves[0]}, *leaves[1:]]}

    response = _builder(client_for(owner), rule)

    assert response.status_code == 200
    rows = response.context["state"].rows
    assert [row.type for row in rows if row.kind == "leaf"] == list(DEFAULT_LEAVES)
    html = response.content.decode()
    assert 'name="v:$.all[4].window.from" value="2025-01-01" aria-label="From" type="date"' in html
    assert 'name="v:$.all[4].min" value="1" aria-label="At least" type="number"' in html
    assert 'name="v:$.all[4].properties[0].value" value="a, b"' in html


@pytest.mark.django_db
def test_the_new_page_starts_with_one_filter_and_its_json(
    workspace: Workspace, owner: User, client_for: ClientFor
) -> None:
    response = client_for(owner).get(reverse("segments:new", args=["brand"]), **EN)

    html = response.content.decode()
    assert 'name="v:$.all[0].value" value="@" aria-label="Value" type="text"' in html
    assert json.loads(response.context["state"].text) == {
        "all": [{"type": "field", "field": "email", "op": "contains", "value": "@"}]
    }
    assert 'name="kind" value="dynamic"' in html
