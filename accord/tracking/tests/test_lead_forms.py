"""Lead-capture forms: submissions, consent proof, stitching, bots, limits, errors, languages."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import pytest
from django.test import Client
from pytest_django.fixtures import DjangoCaptureOnCommitCallbacks, Settings

from accord.accounts.access import WorkspaceAccess
from accord.accounts.models import AuditEntry, User, Workspace
from accord.accounts.roles import Role
from accord.contacts.actions import create_contact, define_property
from accord.contacts.models import Consent, Contact, TimelineEntry
from accord.tracking.actions import (
    LeadFormSpec,
    create_lead_form,
    proof_ip_hash,
    scrub_submissions,
    update_lead_form,
)
from accord.tracking.models import FormSubmission, LeadForm, TrackingSite
from accord.tracking.queries import submissions_of
from accord.tracking.tests.conftest import BROWSER, Beacon, stored
from accord.warehouse.queries import contact_journey

if TYPE_CHECKING:
    from django.test.client import _MonkeyPatchedWSGIResponse as Response

IP = "203.0.113.7"
CONSENT_FR = "J'accepte de recevoir la lettre d'information."
CONSENT_EN = "I agree to receive the newsletter."


@pytest.fixture
def lead_form(owner_access: WorkspaceAccess, site: TrackingSite) -> LeadForm:
    define_property(owner_access, "city", "City")
    return create_lead_form(
        owner_access,
        LeadFormSpec(
            name="Newsletter",
            fields=("email", "first_name", "phone", "properties.city"),
            language="fr",
            consent_text_fr=CONSENT_FR,
            consent_text_en=CONSENT_EN,
            success_message_fr="Merci, à bientôt !",
            success_message_en="Thanks, see you soon!",
        ),
    )


Submit = Callable[..., "Response"]


@pytest.fixture
def submit(
    client: Client,
    lead_form: LeadForm,
    django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks,
) -> Submit:
    """POST the public form as a browser would, running the after-commit work."""

    def post(ip: str = IP, **data: Any) -> Response:
        fields = {"lang": "fr", **data}
        with django_capture_on_commit_callbacks(execute=True):
            return client.post(
                f"/f/{lead_form.public_id}", fields, HTTP_USER_AGENT=BROWSER, REMOTE_ADDR=ip
            )

    return post


def test_a_submission_creates_the_contact_records_consent_proof_and_the_timeline(
    submit: Submit, lead_form: LeadForm, workspace: Workspace
) -> None:
    response = submit(email="Zoe@Example.com", first_name="Zoé", prop_city="Lyon", consent="on")

    assert response.status_code == 200
    assert "Merci, à bientôt !" in response.content.decode()
    contact = Contact.objects.get()
    assert (contact.email, contact.first_name, contact.properties) == (
        "zoe@example.com",
        "Zoé",
        {"city": "Lyon"},
    )
    assert (contact.source, contact.language) == ("form:Newsletter", "fr")
    consent = Consent.objects.get(contact=contact)
    assert (consent.purpose, consent.granted, consent.source) == (
        "email_marketing",
        True,
        "form:Newsletter",
    )
    proof = json.loads(consent.proof)
    assert proof["text"] == CONSENT_FR
    assert (proof["form"], proof["form_version"], proof["language"]) == (
        lead_form.public_id,
        1,
        "fr",
    )
    assert proof["ip_hash"] == proof_ip_hash(IP)
    assert proof["user_agent"] == BROWSER
    assert proof["at"] == consent.at.isoformat()
    assert IP not in consent.proof
    submission = FormSubmission.objects.get()
    assert (submission.contact, submission.consent_given, submission.consent_text) == (
        contact,
        True,
        CONSENT_FR,
    )
    entry = TimelineEntry.objects.get(contact=contact, kind="form.submitted")
    assert (entry.app, entry.actor_label) == ("tracking", "form:Newsletter")
    lead_form.refresh_from_db()
    assert lead_form.submissions == 1


def test_the_visitors_earlier_anonymous_visits_join_the_contacts_journey(
    submit: Submit, beacon: Beacon, workspace: Workspace
) -> None:
    beacon(ip=IP, u="https://shop.example/pricing")
    beacon(ip="198.51.100.1", u="https://shop.example/someone-else")

    submit(email="zoe@example.com")

    contact = Contact.objects.get()
    journey = contact_journey(workspace, contact.pk)
    assert [(step.kind, step.url, step.stitched) for step in journey] == [
        ("page_view", "https://shop.example/pricing", True),
        ("form_submit", "", False),
    ]


def test_a_consented_first_party_id_from_the_embed_is_stitched_too(
    client: Client,
    lead_form: LeadForm,
    submit: Submit,
    beacon: Beacon,
    workspace: Workspace,
) -> None:
    first_party = "0b5e7c1e-4f7e-4a4e-9d55-1b8d3f0a9c21"
    beacon(ip="198.51.100.9", a=first_party, u="https://shop.example/from-another-network")

    page = client.get(f"/f/{lead_form.public_id}", {"aid": first_party})
    submit(email="zoe@example.com", aid=first_party, page="https://shop.example/contact")

    assert f'value="{first_party}"' in page.content.decode()
    contact = Contact.objects.get()
    steps = [(s.kind, s.url) for s in contact_journey(workspace, contact.pk)]
    assert steps == [
        ("page_view", "https://shop.example/from-another-network"),
        ("form_submit", "https://shop.example/contact"),
    ]
    assert FormSubmission.objects.get().anonymous_ids[1] == first_party


def test_erasing_a_contacts_submissions_keeps_only_what_was_agreed(submit: Submit) -> None:
    submit(email="zoe@example.com", consent="on")
    contact = Contact.objects.get()

    scrubbed = scrub_submissions(contact)

    (submission,) = submissions_of(contact)
    assert scrubbed == 1
    assert (submission.ip_hash, submission.user_agent, submission.anonymous_ids) == ("", "", [])
    assert (submission.consent_text, submission.form_version) == (CONSENT_FR, 1)


def test_an_existing_contact_is_updated_by_email_whatever_its_case(
    submit: Submit, owner_access: WorkspaceAccess
) -> None:
    existing = create_contact(
        owner_access,
        {"email": "zoe@example.com", "phone": "+33 1 23 45 67 89", "properties": {"city": "Paris"}},
    )

    response = submit(email="ZOE@Example.COM", first_name="Zoé")

    assert response.status_code == 200
    assert Contact.objects.count() == 1
    existing.refresh_from_db()
    assert (existing.first_name, existing.phone, existing.properties) == (
        "Zoé",
        "+33 1 23 45 67 89",
        {"city": "Paris"},
    )
    assert Consent.objects.count() == 0


def test_a_filled_honeypot_looks_accepted_but_stores_nothing(
    submit: Submit, lead_form: LeadForm, workspace: Workspace
) -> None:
    response = submit(email="bot@example.com", consent="on", website="http://spam.example")

    assert response.status_code == 200
    assert "Merci, à bientôt !" in response.content.decode()
    assert Contact.objects.count() == 0
    assert FormSubmission.objects.count() == 0
    assert stored(workspace) == []
    lead_form.refresh_from_db()
    assert (lead_form.submissions, lead_form.bot_submissions) == (0, 1)


def test_too_many_submissions_from_one_address_get_a_429_page(
    submit: Submit, settings: Settings
) -> None:
    settings.ACCORD_FORM_RATE_LIMIT = 2

    statuses = [submit(email=f"p{n}@example.com").status_code for n in range(3)]
    other_address = submit(ip="198.51.100.1", email="p9@example.com")

    assert statuses == [200, 200, 429]
    assert other_address.status_code == 200
    assert sorted(Contact.objects.values_list("email", flat=True)) == [
        "p0@example.com",
        "p1@example.com",
        "p9@example.com",
    ]


def test_too_many_submissions_are_explained_in_the_visitors_language(
    submit: Submit, settings: Settings
) -> None:
    settings.ACCORD_FORM_RATE_LIMIT = 0

    response = submit(lang="en", email="p@example.com")

    assert response.status_code == 429
    assert "Too many submissions" in response.content.decode()


def test_a_bad_email_is_shown_next_to_its_field_and_nothing_is_stored(submit: Submit) -> None:
    french = submit(email="not-an-email", first_name="Zoé").content.decode()
    english = submit(lang="en", email="not-an-email").content.decode()

    assert 'id="id_email_error"' in french
    assert "Saisissez une adresse de courriel valide." in french
    assert 'aria-invalid="true"' in french
    assert 'value="Zoé"' in french
    assert "Enter a valid email address." in english
    assert Contact.objects.count() == 0


def test_a_missing_email_is_required(submit: Submit) -> None:
    response = submit(lang="en", first_name="Zoé")

    assert response.status_code == 400
    assert "This field is required." in response.content.decode()
    assert Contact.objects.count() == 0


def test_a_value_the_crm_refuses_is_shown_next_to_its_field(submit: Submit) -> None:
    response = submit(email="zoe@example.com", phone="call me maybe")

    assert response.status_code == 400
    assert 'id="id_phone_error"' in response.content.decode()
    assert Contact.objects.count() == 0
    assert FormSubmission.objects.count() == 0


def test_a_required_consent_must_be_ticked(
    submit: Submit, lead_form: LeadForm, owner_access: WorkspaceAccess
) -> None:
    spec = LeadFormSpec(
        name="Newsletter", fields=("email",), consent_required=True, consent_text_fr=CONSENT_FR
    )
    update_lead_form(owner_access, lead_form, spec)

    response = submit(email="zoe@example.com")

    assert response.status_code == 400
    assert 'id="id_consent_error"' in response.content.decode()
    assert Contact.objects.count() == 0


def test_the_form_renders_in_french_and_in_english(client: Client, lead_form: LeadForm) -> None:
    default = client.get(f"/f/{lead_form.public_id}")
    english = client.get(f"/f/{lead_form.public_id}", {"lang": "en"})

    assert '<html lang="fr">' in default.content.decode()
    assert CONSENT_FR.replace("'", "&#x27;") in default.content.decode()
    assert default["Content-Language"] == "fr"
    assert '<html lang="en">' in english.content.decode()
    assert CONSENT_EN in english.content.decode()
    assert "First name" in english.content.decode()
    assert english["Content-Language"] == "en"


def test_the_success_message_follows_the_language(submit: Submit) -> None:
    response = submit(lang="en", email="zoe@example.com")

    assert "Thanks, see you soon!" in response.content.decode()


def test_only_the_allowed_domains_may_frame_the_form_and_no_cookie_is_set(
    client: Client, lead_form: LeadForm, owner: User, client_for: Callable[[User], Client]
) -> None:
    response = client.get(f"/f/{lead_form.public_id}")

    assert "X-Frame-Options" not in response
    assert response["Content-Security-Policy"] == (
        "frame-ancestors 'self' https://shop.example http://shop.example "
        "https://www.shop.example http://www.shop.example"
    )
    assert "Set-Cookie" not in response
    assert client_for(owner).get("/w/brand/tracking/")["X-Frame-Options"] == "DENY"


def test_a_redirect_url_sends_the_browser_there_after_a_submission(
    submit: Submit, lead_form: LeadForm, owner_access: WorkspaceAccess
) -> None:
    spec = LeadFormSpec(name="Newsletter", redirect_url="https://shop.example/merci")
    update_lead_form(owner_access, lead_form, spec)

    response = submit(email="zoe@example.com")

    assert response.status_code == 303
    assert response["Location"] == "https://shop.example/merci"


@pytest.mark.django_db
def test_an_unknown_form_is_404(client: Client) -> None:
    assert client.get("/f/nope").status_code == 404


def test_changing_a_form_bumps_its_version_and_is_audited(
    lead_form: LeadForm, owner_access: WorkspaceAccess
) -> None:
    spec = LeadFormSpec(name="Newsletter", fields=("email",), consent_text_fr="Oui.")

    update_lead_form(owner_access, lead_form, spec)

    lead_form.refresh_from_db()
    assert lead_form.version == 2
    entry = AuditEntry.objects.get(action="tracking.form.update")
    assert entry.after == {
        "fields": ["email"],
        "consent_text_fr": "Oui.",
        "consent_text_en": "",
        "success_message_fr": "",
        "success_message_en": "",
    }


def test_an_editor_creates_a_form_from_its_page(
    member: Callable[[Role], User], client_for: Callable[[User], Client], workspace: Workspace
) -> None:
    client = client_for(member(Role.MARKETING))

    response = client.post(
        "/w/brand/tracking/forms/new/",
        {
            "name": "Contact us",
            "language": "en",
            "targets": ["first_name", "company"],
            "consent_purpose": "email_marketing",
            "consent_text_en": "Yes, email me.",
        },
    )

    form = LeadForm.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/w/brand/tracking/forms/{form.pk}/"
    assert (form.name, form.language, form.fields) == (
        "Contact us",
        "en",
        ["email", "first_name", "company"],
    )
    page = client.get(response["Location"]).content.decode()
    assert f'data-form="{form.public_id}"' in page


def test_a_form_page_shows_a_refused_setting_next_to_its_field(
    owner: User, workspace: Workspace, client_for: Callable[[User], Client]
) -> None:
    response = client_for(owner).post(
        "/w/brand/tracking/forms/new/",
        {
            "name": "Contact us",
            "language": "en",
            "consent_purpose": "email_marketing",
            "redirect_url": "javascript:alert(1)",
        },
    )

    assert response.status_code == 400
    assert 'id="id_redirect_url_error"' in response.content.decode()
    assert LeadForm.objects.count() == 0


@pytest.mark.parametrize("role", [Role.VIEWER, Role.BRAND_REVIEWER, Role.CRISIS_LEAD])
def test_a_role_without_contacts_edit_cannot_create_a_form(
    role: Role, member: Callable[[Role], User], client_for: Callable[[User], Client]
) -> None:
    client = client_for(member(role))

    page = client.get("/w/brand/tracking/forms/new/")
    post = client.post(
        "/w/brand/tracking/forms/new/",
        {"name": "Sneaky", "language": "en", "consent_purpose": "email_marketing"},
    )

    assert (page.status_code, post.status_code) == (403, 403)
    assert LeadForm.objects.count() == 0
