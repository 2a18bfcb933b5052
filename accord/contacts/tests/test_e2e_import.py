"""End to end in headless Chromium: sign in, import a CSV, open a contact, read its timeline.

Saves docs/screenshots/{import,contacts-list,contact}.png for the README. Needs Debian's
chromium at /usr/bin/chromium (never downloaded by Playwright); skipped without it.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from accord.accounts.access import WorkspaceAccess
from accord.accounts.models import User, Workspace
from accord.conftest import PASSWORD
from accord.contacts.actions import append_timeline, set_consent
from accord.contacts.models import Contact, PropertyDefinition

# Playwright's sync API runs an event loop in this thread; Django's ORM calls made here by
# the test itself are still plain synchronous calls.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

pytestmark = pytest.mark.e2e

CHROMIUM = Path("/usr/bin/chromium")
SCREENSHOTS = Path(__file__).resolve().parents[3] / "docs" / "screenshots"
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
CSV = """Prénom;Nom;Courriel;Société;Langue;Étiquettes;Consentement email;Plan;Notes
Camille;Laurent;camille.laurent@atelier-lumen.fr;Atelier Lumen;fr;vip, presse;oui;Or;Salon 2025
Hugo;Martin;hugo.martin@galerie-nord.fr;Galerie Nord;fr;galerie;oui;Argent;
Inès;Moreau;ines.moreau@studio-oblique.fr;Studio Oblique;fr;presse;non;;Appel en mars
Sarah;Collins;sarah.collins@brightway.co.uk;Brightway;en;vip, export;yes;Gold;
Théo;Bernard;theo.bernard@maison-claire.fr;Maison Claire;fr;architecte;oui;Argent;
Léa;Petit;lea.petit@lumiere-et-fils.fr;Lumière et Fils;fr;;;;
Jean;Dupont;jean.dupont@;Dupont SA;fr;;oui;;adresse incomplète
Olivia;Brown;olivia.brown@northlight.com;Northlight;en;export;yes;Bronze;
Nathan;Roux;nathan.roux@atelier-lumen.fr;Atelier Lumen;fr;vip;oui;Or;
Chloé;Fournier;chloe.fournier@ville-de-lyon.fr;Ville de Lyon;fr;institution;non;;
Mateo;Garcia;mateo.garcia@casa-luz.es;Casa Luz;en;export;;Argent;
Emma;Girard;emma.girard@musee-lumiere.fr;Musée Lumière;fr;institution, presse;oui;Or;
"""


@pytest.fixture
def browser() -> Iterator[Any]:
    if not CHROMIUM.exists():
        pytest.skip("Debian's chromium is not installed at /usr/bin/chromium")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    context = browser.new_context(locale="en-GB", viewport={"width": 1440, "height": 900})
    context.set_default_timeout(15_000)
    yield context.new_page()
    context.close()


@pytest.fixture(autouse=True)
def immediate_huey(monkeypatch: pytest.MonkeyPatch, settings: Any, tmp_path: Path) -> None:
    """Run the import in the live server's thread; keep uploads in this test's folder."""
    from huey.contrib.djhuey import HUEY

    monkeypatch.setattr(HUEY, "immediate", True)
    settings.ACCORD_IMPORT_DIR = tmp_path / "imports"


def shoot(page: Any, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / name), full_page=True)


def add_history(owner_access: WorkspaceAccess, email: str) -> Contact:
    """What other apps would have added to the contact's timeline since the import."""
    contact = Contact.objects.get(email=email)
    set_consent(owner_access, contact, "sms", True, source="phone call", proof="Call of 14 May")
    append_timeline(contact, "email.opened", "Opened “Autumn collection”", app="mailing")
    append_timeline(contact, "page.viewed", "Visited /collections/autumn", app="tracking")
    return contact


def test_a_csv_import_from_upload_to_the_contacts_timeline(
    live_server: Any,
    page: Any,
    tmp_path: Path,
    workspace: Workspace,
    owner: User,
    owner_access: WorkspaceAccess,
) -> None:
    PropertyDefinition.objects.create(workspace=workspace, key="plan", label="Plan")
    csv_file = tmp_path / "salon-2025.csv"
    csv_file.write_text(CSV, encoding="utf-8")

    page.goto(f"{live_server.url}/login/")
    page.get_by_label("Username").fill(owner.username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/w/brand/contacts/")

    page.get_by_role("navigation", name="Main navigation").get_by_role(
        "link", name="Import"
    ).click()
    page.get_by_label("CSV file").set_input_files(str(csv_file))
    page.get_by_role("button", name="Upload and preview").click()
    page.wait_for_url("**/import/preview/**")
    assert page.get_by_label("Field for column “Courriel”").input_value() == "email"
    assert page.get_by_label("Field for column “Plan”").input_value() == "properties.plan"
    assert page.get_by_label("Field for column “Notes”").input_value() == "ignore"
    page.get_by_label("Field for column “Langue”").select_option("language")
    shoot(page, "import.png")

    page.get_by_role("button", name="Start the import").click()
    page.wait_for_url("**/import/jobs/**")
    page.locator("#import-progress .badge.status-done").wait_for()
    assert page.locator('[data-counter="created"]').inner_text() == "11"
    assert page.locator('[data-counter="rejected"]').inner_text() == "1"
    assert page.get_by_role("link", name="Download the rejected row (1)").is_visible()

    page.get_by_role("link", name="See the contacts").click()
    page.wait_for_url("**/w/brand/contacts/")
    assert page.get_by_role("status").first.inner_text().startswith("11 contacts")
    page.get_by_label("Tag").select_option("vip")
    page.wait_for_url("**tag=vip**")
    assert page.locator("table.contacts tbody tr").count() == 3
    page.goto(f"{live_server.url}/w/brand/contacts/")
    shoot(page, "contacts-list.png")

    add_history(owner_access, "camille.laurent@atelier-lumen.fr")
    page.get_by_role("link", name="Camille Laurent").click()
    page.get_by_role("heading", name="Camille Laurent").wait_for()
    timeline = page.locator(".timeline")
    assert timeline.get_by_text("Imported from a CSV file").is_visible()
    assert timeline.get_by_text("salon-2025.csv", exact=True).is_visible()
    assert timeline.get_by_text("Consent granted").count() == 2
    assert timeline.get_by_text("Opened “Autumn collection”").is_visible()
    assert page.locator(".consents").get_by_text("Email marketing").is_visible()
    assert page.get_by_text("Or", exact=True).is_visible()
    shoot(page, "contact.png")
