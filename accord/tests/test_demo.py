from __future__ import annotations

from pathlib import Path

import pytest
from django.contrib.auth import authenticate
from pytest_django.fixtures import Settings

from accord.accounts.models import Membership
from accord.brand.models import StyleGuide
from accord.contacts.models import Contact
from accord.crisis.models import Alert
from accord.demo import DEMO_PASSWORD, WORKSPACE_SLUG, build_demo
from accord.listening.models import Mention
from accord.segments.models import Segment


@pytest.mark.django_db(transaction=True)
def test_the_demo_company_is_complete_and_rebuilding_it_duplicates_nothing(
    settings: Settings, tmp_path: Path
) -> None:
    settings.ACCORD_WAREHOUSE_DIR = str(tmp_path / "warehouse")  # workspace ids repeat across tests
    first = build_demo(contacts=60, seed=7, events=3000)
    second = build_demo(contacts=60, seed=7, events=3000)

    assert (first.workspace_slug, first.contacts, first.events) == (WORKSPACE_SLUG, 60, 3000)
    assert (second.contacts, second.events) == (60, 3000)
    assert Contact.objects.filter(workspace__slug=WORKSPACE_SLUG).count() == 60
    assert authenticate(username=first.username, password=DEMO_PASSWORD) is not None
    roles = set(Membership.objects.values_list("role", flat=True))
    assert roles == {
        "owner",
        "marketing",
        "communication",
        "brand_reviewer",
        "crisis_lead",
        "viewer",
    }
    assert StyleGuide.objects.filter(workspace__slug=WORKSPACE_SLUG).count() == 1
    mentions = Mention.objects.filter(workspace__slug=WORKSPACE_SLUG)
    assert set(mentions.values_list("channel", flat=True)) == {"press", "social", "review"}
    assert set(mentions.values_list("lang", flat=True)) >= {"fr", "en"}
    # The crisis episode raises one grouped alert, the launch spike is labelled a launch.
    alerts = Alert.objects.filter(workspace__slug=WORKSPACE_SLUG)
    assert sorted(alerts.values_list("kind", flat=True)) == ["crisis", "launch"]
    segments = Segment.objects.filter(workspace__slug=WORKSPACE_SLUG)
    assert segments.filter(kind="dynamic").count() == 3
    assert segments.filter(kind="persona").count() >= 2
    assert segments.get(name="Acheteurs de l'année").size > 0
