"""The listening demo: a year of mentions through record_mentions, with its two episodes."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.urls import reverse

from accord.accounts.models import User, Workspace
from accord.listening.demo import build_demo_listening
from accord.listening.models import Mention
from accord.listening.queries import counted_mentions, reputation_index, share_of_voice
from accord.listening.tests.conftest import NOW
from accord.warehouse.models import InboxEvent


def test_the_demo_feeds_mentions_reputation_and_the_warehouse(
    workspace: Workspace, owner: User
) -> None:
    demo = build_demo_listening(workspace, [owner], seed=42, now=NOW)

    mentions = Mention.objects.filter(workspace=workspace)
    assert demo.mentions == mentions.count()
    assert demo.launch_at == NOW.replace(hour=9, minute=0) - timedelta(days=25)
    assert demo.crisis_end - demo.crisis_start == timedelta(hours=6)
    assert set(mentions.values_list("channel", flat=True)) == {"press", "social", "review"}
    assert set(mentions.values_list("lang", flat=True)) >= {"fr", "en"}
    assert mentions.filter(is_spam=True, spam_reason__startswith="links:").exists()
    assert mentions.filter(spam_reason="repeated:marc").count() == 2
    assert mentions.filter(duplicate_of__isnull=False, channel="press").exists()
    assert InboxEvent.objects.filter(workspace=workspace).count() == demo.mentions

    crisis = counted_mentions(workspace).filter(
        published_at__gte=demo.crisis_start, published_at__lt=demo.crisis_end
    )
    assert crisis.count() >= 60
    assert crisis.filter(sentiment="negative").count() > crisis.count() / 2
    launch_day = counted_mentions(workspace).filter(
        published_at__gte=demo.launch_at, published_at__lt=demo.launch_at + timedelta(hours=16)
    )
    assert launch_day.filter(sentiment="positive").count() > launch_day.count() / 2

    index = reputation_index(workspace, NOW - timedelta(days=30), NOW)
    assert [c.key for c in index.components] == ["social", "reviews", "press"]
    assert [e.name for e in share_of_voice(workspace, NOW - timedelta(days=365), NOW).entries] == [
        "Brand",
        "Lampes Dupont",
        "Nordlys",
    ]


def test_running_the_demo_again_adds_nothing(workspace: Workspace, owner: User) -> None:
    build_demo_listening(workspace, [owner], seed=42, now=NOW)

    again = build_demo_listening(workspace, [owner], seed=42, now=NOW)

    assert again.mentions == 0


def test_the_demo_pages_render_in_french_and_english(
    workspace: Workspace, owner: User, client_for: Any
) -> None:
    build_demo_listening(workspace, [owner], seed=42)
    client = client_for(owner)
    names = ["mentions", "reputation", "queries", "sources", "export"]

    for language in ("fr", "en"):
        for name in names:
            response = client.get(
                reverse(f"listening:{name}", args=["brand"]), headers={"Accept-Language": language}
            )
            assert response.status_code == 200, (name, language)

    page = client.get(reverse("listening:mentions", args=["brand"]), {"period": "365d"})
    assert page.context["page"].paginator.count > 1000
    reputation = client.get(reverse("listening:reputation", args=["brand"]))
    assert reputation.context["index"].value is not None
    assert reputation.context["has_trend"] is True
