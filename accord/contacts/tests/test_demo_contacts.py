"""Demo contacts of Maison Lumière: deterministic, idempotent, plausible and fictional."""

from __future__ import annotations

from collections import Counter

from accord.accounts.models import User, Workspace
from accord.contacts import demo
from accord.contacts.demo import ascii_slug, build_demo_contacts
from accord.contacts.models import (
    Company,
    Consent,
    Contact,
    ContactTag,
    PropertyDefinition,
    TimelineEntry,
)
from accord.demo import build_demo


def emails(workspace: Workspace) -> list[str]:
    return sorted(Contact.objects.filter(workspace=workspace).values_list("email", flat=True))


def counts(workspace: Workspace) -> tuple[int, ...]:
    return (
        Contact.objects.filter(workspace=workspace).count(),
        TimelineEntry.objects.filter(workspace=workspace).count(),
        Consent.objects.filter(contact__workspace=workspace).count(),
        ContactTag.objects.filter(contact__workspace=workspace).count(),
        Company.objects.filter(workspace=workspace).count(),
    )


def test_running_the_demo_twice_with_the_same_seed_duplicates_nothing(
    workspace: Workspace, owner: User
) -> None:
    assert build_demo_contacts(workspace, [owner], contacts=400, seed=7) == 400
    first = counts(workspace)

    build_demo_contacts(workspace, [owner], contacts=400, seed=7)

    assert counts(workspace) == first
    assert first[0] == 400
    assert first[4] == 300


def test_the_same_seed_gives_the_same_contacts_and_more_extend_fewer(
    workspace: Workspace, other_workspace: Workspace, owner: User
) -> None:
    build_demo_contacts(workspace, [owner], contacts=250, seed=3)
    build_demo_contacts(workspace, [owner], contacts=400, seed=3)

    build_demo_contacts(other_workspace, [owner], contacts=400, seed=3)

    assert len(emails(workspace)) == 400
    assert emails(workspace) == emails(other_workspace)


def test_another_seed_gives_other_contacts(
    workspace: Workspace, other_workspace: Workspace, owner: User
) -> None:
    build_demo_contacts(workspace, [owner], contacts=100, seed=1)
    build_demo_contacts(other_workspace, [owner], contacts=100, seed=2)

    assert emails(workspace) != emails(other_workspace)


def test_the_demo_audience_is_bilingual_with_consents_tags_and_properties(
    workspace: Workspace, owner: User
) -> None:
    build_demo_contacts(workspace, [owner], contacts=2000, seed=42)

    contacts = Contact.objects.filter(workspace=workspace)
    languages = Counter(contacts.values_list("language", flat=True))
    assert 0.55 < languages["fr"] / 2000 < 0.75
    assert 0.2 < languages["en"] / 2000 < 0.35
    granted = Counter(
        Consent.objects.filter(contact__workspace=workspace, granted=True).values_list(
            "purpose", flat=True
        )
    )
    assert 0.5 < granted["email_marketing"] / 2000 < 0.65
    assert 0.1 < granted["sms"] / 2000 < 0.2
    assert 0.45 < granted["tracking"] / 2000 < 0.55
    assert Consent.objects.filter(contact__workspace=workspace).exclude(proof="").count() > 0
    assert set(
        PropertyDefinition.objects.filter(workspace=workspace).values_list("key", flat=True)
    ) == {"interest", "lifetime_value", "birthday", "vip"}
    tags = set(ContactTag.objects.values_list("tag__name", flat=True))
    assert {"newsletter", "client", "vip", "presse", "b2b", "prospect"} <= tags
    assert contacts.exclude(company=None).count() > 300
    assert set(contacts.values_list("owner_id", flat=True)) == {None, owner.pk}


def test_demo_addresses_use_reserved_or_fictional_domains(
    workspace: Workspace, owner: User
) -> None:
    build_demo_contacts(workspace, [owner], contacts=1000, seed=42)

    domains = {email.rsplit("@", 1)[1] for email in emails(workspace)}
    fictional = {
        d
        for d in domains
        if d.endswith((".example", ".example.com"))
        or d
        in {
            "exemple.fr",
            "example.com",
            "example.org",
        }
    }
    assert domains == fictional
    phones = Contact.objects.exclude(phone="").values_list("phone", flat=True)
    assert all(p.startswith(("+33 6 39 98 ", "+44 7700 900")) for p in phones)


def test_name_lists_share_no_name_between_first_and_last_names() -> None:
    first = {ascii_slug(n) for n in (*demo.FR_FIRST, *demo.EN_FIRST)}
    fr_last = {ascii_slug(n) for n in demo.FR_LAST}
    en_last = {ascii_slug(n) for n in demo.EN_LAST}

    assert first.isdisjoint(fr_last | en_last)
    assert fr_last.isdisjoint(en_last)
    assert not any(ch in name for name in first | fr_last | en_last for ch in "._")


def test_people_do_not_repeat_past_the_size_of_a_name_space() -> None:
    space = demo.NameSpace.build("en", seed=5)
    size = len(space.first) * len(space.last)

    locals_ = [space.person(k)[2] for k in range(size + 50)]

    assert len(set(locals_)) == size + 50


def test_build_demo_creates_the_maison_lumiere_workspace_with_its_contacts(db: None) -> None:
    company = build_demo(contacts=120, seed=42, events=0)  # the CRM only: no warehouse files

    assert (company.workspace_name, company.contacts) == ("Maison Lumière", 120)
    assert Contact.objects.filter(workspace__slug=company.workspace_slug).count() == 120
