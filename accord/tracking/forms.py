"""Forms of the tracking pages and the public lead form; they parse, the actions validate."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, cast

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from accord.contacts.models import ConsentPurpose
from accord.tracking.actions import PROPERTY_PREFIX, LeadFormSpec, LeadSubmission, LinkSpec
from accord.tracking.hits import Visitor
from accord.tracking.models import LeadForm

if TYPE_CHECKING:
    from django_stubs_ext import StrPromise

HONEYPOT = "website"
FIELD_LABELS: dict[str, StrPromise] = {
    "email": _("Email"),
    "first_name": _("First name"),
    "last_name": _("Last name"),
    "phone": _("Phone"),
    "company": _("Company"),
}
LANGUAGES = [("fr", _("French")), ("en", _("English"))]


def field_name(target: str) -> str:
    """The HTML name of a form field for a contact target (``properties.city`` → ``prop_city``)."""
    return (
        "prop_" + target.removeprefix(PROPERTY_PREFIX)
        if target.startswith("properties.")
        else target
    )


class SiteForm(forms.Form):
    """The domains allowed to send events and to frame forms, one per line."""

    allowed_domains = forms.CharField(
        label=_("Allowed domains"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_(
            "One per line, e.g. example.org (also allows www.example.org) or *.example.org "
            "for every sub-domain."
        ),
    )

    def domains(self) -> list[str]:
        """The lines typed, stripped (validated by the action)."""
        raw = str(self.cleaned_data.get("allowed_domains") or "")
        return [line.strip() for line in raw.replace(",", "\n").splitlines() if line.strip()]


class LinkForm(forms.Form):
    """A new tracked link: the destination, a campaign label and the UTMs to append."""

    destination = forms.CharField(
        label=_("Destination"),
        max_length=2000,
        widget=forms.URLInput(attrs={"placeholder": "https://"}),
    )
    campaign = forms.CharField(label=_("Campaign label"), max_length=200, required=False)
    utm_source = forms.CharField(label=_("UTM source"), max_length=100, required=False)
    utm_medium = forms.CharField(label=_("UTM medium"), max_length=100, required=False)
    utm_campaign = forms.CharField(label=_("UTM campaign"), max_length=100, required=False)
    utm_content = forms.CharField(label=_("UTM content"), max_length=100, required=False)
    utm_term = forms.CharField(label=_("UTM term"), max_length=100, required=False)

    def to_spec(self) -> LinkSpec:
        return LinkSpec(**{name: str(self.cleaned_data.get(name) or "") for name in self.fields})


class LeadFormForm(forms.Form):
    """A lead form's settings: fields to ask for, consent wording and what follows a submission."""

    name = forms.CharField(label=_("Name"), max_length=100)
    language = forms.ChoiceField(label=_("Default language"), choices=LANGUAGES)
    # Not named "fields": templates would see Form.fields instead of this field.
    targets = forms.MultipleChoiceField(
        label=_("Fields to ask for"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("The email field is always asked for."),
    )
    consent_purpose = forms.ChoiceField(label=_("Consent purpose"), choices=ConsentPurpose.choices)
    consent_required = forms.BooleanField(label=_("Consent is required to submit"), required=False)
    consent_text_fr = forms.CharField(
        label=_("Consent text (French)"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    consent_text_en = forms.CharField(
        label=_("Consent text (English)"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    success_message_fr = forms.CharField(
        label=_("Thank-you message (French)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    success_message_en = forms.CharField(
        label=_("Thank-you message (English)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    redirect_url = forms.CharField(
        label=_("Redirect to (instead of the message)"),
        max_length=2000,
        required=False,
        widget=forms.URLInput(attrs={"placeholder": "https://"}),
    )

    def __init__(self, *args: Any, properties: Mapping[str, str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices: list[tuple[str, str | StrPromise]] = [*FIELD_LABELS.items(), *properties.items()]
        cast(forms.MultipleChoiceField, self.fields["targets"]).choices = choices

    @classmethod
    def initial_for(cls, form: LeadForm) -> dict[str, Any]:
        """The settings of an existing form, as initial data."""
        initial = {name: getattr(form, name) for name in cls.base_fields if name != "targets"}
        return {**initial, "targets": list(form.fields)}

    def add_action_errors(self, exc: ValidationError) -> None:
        """Show the errors the action raised next to their fields."""
        for name, errors in exc.message_dict.items():
            name = "targets" if name == "fields" else name
            self.add_error(name if name in self.fields else None, errors)

    def to_spec(self) -> LeadFormSpec:
        data = self.cleaned_data
        chosen = [str(target) for target in data.get("targets") or []]
        text = {name: str(data.get(name) or "").strip() for name in self.fields}
        return LeadFormSpec(
            name=text["name"],
            fields=("email", *(t for t in chosen if t != "email")),
            language=text["language"],
            consent_purpose=text["consent_purpose"],
            consent_required=bool(data.get("consent_required")),
            consent_text_fr=text["consent_text_fr"],
            consent_text_en=text["consent_text_en"],
            success_message_fr=text["success_message_fr"],
            success_message_en=text["success_message_en"],
            redirect_url=text["redirect_url"],
        )


class SubmissionForm(forms.Form):
    """The public form a visitor fills in; built from a LeadForm's fields and consent wording."""

    aid = forms.CharField(required=False, max_length=64, widget=forms.HiddenInput)
    page = forms.CharField(required=False, max_length=2000, widget=forms.HiddenInput)
    lang = forms.CharField(required=False, max_length=2, widget=forms.HiddenInput)

    def __init__(
        self,
        lead_form: LeadForm,
        language: str,
        properties: Mapping[str, str],
        *args: Any,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.lead_form = lead_form
        self.language = language
        for target in lead_form.fields:
            self.fields[field_name(target)] = _field_for(target, properties)
        consent = lead_form.consent_text(language)
        if consent:
            self.fields["consent"] = forms.BooleanField(
                label=consent, required=lead_form.consent_required
            )
        self.fields[HONEYPOT] = forms.CharField(required=False, max_length=200)

    @property
    def is_bot(self) -> bool:
        """Tell whether the hidden honeypot field was filled (only robots fill it)."""
        return bool(str(self.data.get(HONEYPOT, "")).strip())

    @property
    def visible_fields_in_order(self) -> list[forms.BoundField]:
        """The fields a person sees: contact fields then consent (no hidden or honeypot)."""
        hidden = {"aid", "page", "lang", HONEYPOT}
        return [self[name] for name in self.fields if name not in hidden]

    def to_submission(self, visitor: Visitor) -> LeadSubmission:
        data = self.cleaned_data
        values = {t: str(data.get(field_name(t)) or "") for t in self.lead_form.fields}
        return LeadSubmission(
            values=values,
            consent=bool(data.get("consent")),
            language=self.language,
            visitor=visitor,
            first_party_id=str(data.get("aid") or ""),
            page_url=str(data.get("page") or ""),
        )

    def add_action_errors(self, exc: ValidationError) -> None:
        """Show the contact fields the action refused next to their inputs."""
        for target, messages in exc.message_dict.items():
            name = field_name(target)
            self.add_error(name if name in self.fields else None, messages)


def _field_for(target: str, properties: Mapping[str, str]) -> forms.Field:
    if target == "email":
        return forms.EmailField(
            label=FIELD_LABELS["email"],
            max_length=254,
            widget=forms.EmailInput(attrs={"autocomplete": "email"}),
        )
    label: str | StrPromise = FIELD_LABELS.get(target) or properties.get(target) or target
    autocomplete = {
        "first_name": "given-name",
        "last_name": "family-name",
        "phone": "tel",
        "company": "organization",
    }.get(target, "off")
    return forms.CharField(
        label=label,
        required=False,
        max_length=200,
        widget=forms.TextInput(attrs={"autocomplete": autocomplete}),
    )
