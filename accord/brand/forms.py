"""Forms of the brand pages: the style guide, the content editor, fixes and overrides."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml
from django import forms
from django.utils.translation import gettext_lazy as _

from accord.brand.actions import ContentDraft
from accord.brand.guide import custom_rule
from accord.brand.models import Channel, Language, StyleGuide
from accord.brand.rules import RuleError

_LINES = {"rows": 5}
_RULE_NAME = re.compile(r"[^A-Za-z0-9_]")


def _pairs(text: str) -> dict[str, list[str]]:
    """Parse ``key: a, b`` lines into {key: [a, b]}, ignoring blank or key-less lines."""
    found: dict[str, list[str]] = {}
    for line in text.splitlines():
        key, _sep, rest = line.partition(":")
        if key.strip() and rest.strip():
            found[key.strip()] = [item.strip() for item in rest.split(",") if item.strip()]
    return found


def _checked_rule(name: str, data: Any) -> Any:
    """Return ``data`` when it builds a Vale rule, else raise a ValidationError saying why."""
    try:
        custom_rule(name, data)
    except RuleError as error:
        raise forms.ValidationError(str(error)) from error
    return data


def _optional_number(value: Any) -> float | int | None:
    return None if value in (None, "") else value


class StyleGuideForm(forms.Form):
    """The whole guide on one form; vocabulary is written one ``term: words`` line each."""

    tone_fr = forms.CharField(
        label=_("Tone (French)"), required=False, widget=forms.Textarea(attrs=_LINES)
    )
    tone_en = forms.CharField(
        label=_("Tone (English)"), required=False, widget=forms.Textarea(attrs=_LINES)
    )
    brand_name = forms.CharField(
        label=_("Brand name, exactly as written"), required=False, max_length=100
    )
    preferred = forms.CharField(
        label=_("Preferred terms"),
        help_text=_("One per line: preferred term: words it replaces, comma-separated."),
        required=False,
        widget=forms.Textarea(attrs=_LINES),
    )
    banned = forms.CharField(
        label=_("Banned words"),
        help_text=_("One per line."),
        required=False,
        widget=forms.Textarea(attrs=_LINES),
    )
    avoid = forms.CharField(
        label=_("Words to avoid"),
        help_text=_("One per line: word: suggestion."),
        required=False,
        widget=forms.Textarea(attrs=_LINES),
    )
    inclusive = forms.BooleanField(label=_("Flag non-inclusive terms"), required=False)
    fr_min_ease = forms.FloatField(
        label=_("French: minimum Kandel–Moles reading ease"), required=False
    )
    en_min_ease = forms.FloatField(label=_("English: minimum Flesch reading ease"), required=False)
    en_max_grade = forms.FloatField(
        label=_("English: maximum Flesch–Kincaid grade"), required=False
    )

    custom_rules = forms.CharField(
        label=_("Vale rules (YAML)"),
        help_text=_("A map of rule names to Vale rule definitions, run with the guide."),
        required=False,
        widget=forms.Textarea(attrs={"rows": 8, "spellcheck": "false"}),
    )
    rule_file = forms.FileField(
        label=_("Add a Vale rule file (.yml)"), required=False, max_length=100
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for channel in Channel:
            key = channel.value
            self.fields[f"{key}_max_length"] = forms.IntegerField(
                label=_("Maximum length"), required=False, min_value=1
            )
            self.fields[f"{key}_max_hashtags"] = forms.IntegerField(
                label=_("Maximum hashtags"), required=False, min_value=0
            )
            self.fields[f"{key}_emoji"] = forms.BooleanField(
                label=_("Emoji allowed"), required=False
            )
            self.fields[f"{key}_links"] = forms.BooleanField(
                label=_("Links allowed"), required=False
            )
            self.fields[f"{key}_legal_notice"] = forms.CharField(
                label=_("Required legal notice"), required=False
            )

    def clean_custom_rules(self) -> dict[str, Any]:
        """Parse the YAML map and check that every rule builds."""
        text = self.cleaned_data["custom_rules"]
        try:
            rules = yaml.safe_load(text) if text.strip() else {}
        except yaml.YAMLError as error:
            raise forms.ValidationError(_("Invalid YAML: %(error)s") % {"error": error}) from error
        if not isinstance(rules, dict):
            raise forms.ValidationError(_("Write a map of rule names to rule definitions."))
        return {str(name): _checked_rule(str(name), data) for name, data in rules.items()}

    def clean(self) -> dict[str, Any]:
        """Add an uploaded rule file to the rules, named ``Custom.<file name>``."""
        data = super().clean() or {}
        upload = data.get("rule_file")
        if upload is not None and isinstance(data.get("custom_rules"), dict):
            name = "Custom." + (_RULE_NAME.sub("", Path(upload.name).stem) or "Rule")
            try:
                parsed = yaml.safe_load(upload.read().decode("utf-8"))
            except (yaml.YAMLError, UnicodeDecodeError) as error:
                self.add_error("rule_file", _("Invalid YAML: %(error)s") % {"error": error})
                return data
            try:
                data["custom_rules"][name] = _checked_rule(name, parsed)
            except forms.ValidationError as error:
                self.add_error("rule_file", error)
        return data

    def channel_rows(self) -> list[tuple[str, list[forms.BoundField]]]:
        """Return each channel's label and its bound fields, for the template."""
        names = ("max_length", "max_hashtags", "emoji", "links", "legal_notice")
        return [(str(ch.label), [self[f"{ch.value}_{name}"] for name in names]) for ch in Channel]

    @staticmethod
    def initial_for(guide: StyleGuide) -> dict[str, Any]:
        """Return the form's initial values for ``guide``."""
        initial: dict[str, Any] = {
            "tone_fr": guide.tone_fr,
            "tone_en": guide.tone_en,
            "brand_name": guide.brand_name,
            "preferred": "\n".join(f"{k}: {', '.join(v)}" for k, v in guide.preferred.items()),
            "banned": "\n".join(guide.banned),
            "avoid": "\n".join(f"{k}: {v}" for k, v in guide.avoid.items()),
            "inclusive": guide.inclusive,
            "custom_rules": yaml.safe_dump(guide.custom_rules, allow_unicode=True, sort_keys=False)
            if guide.custom_rules
            else "",
            **{
                key: guide.readability.get(key)
                for key in ("fr_min_ease", "en_min_ease", "en_max_grade")
            },
        }
        for channel in Channel:
            rules = guide.channels.get(channel.value, {})
            for name in ("max_length", "max_hashtags", "legal_notice"):
                initial[f"{channel.value}_{name}"] = rules.get(name)
            for name in ("emoji", "links"):
                initial[f"{channel.value}_{name}"] = rules.get(name, True)
        return initial

    def values(self) -> dict[str, Any]:
        """Return the cleaned guide as ``save_style_guide`` takes it."""
        data = self.cleaned_data
        readability = {
            key: data[key]
            for key in ("fr_min_ease", "en_min_ease", "en_max_grade")
            if data[key] is not None
        }
        return {
            "tone_fr": data["tone_fr"],
            "tone_en": data["tone_en"],
            "brand_name": data["brand_name"].strip(),
            "preferred": _pairs(data["preferred"]),
            "banned": [line.strip() for line in data["banned"].splitlines() if line.strip()],
            "avoid": {key: ", ".join(items) for key, items in _pairs(data["avoid"]).items()},
            "inclusive": data["inclusive"],
            "channels": {channel.value: self._channel(channel.value) for channel in Channel},
            "readability": readability,
            "custom_rules": data["custom_rules"],
        }

    def _channel(self, key: str) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "max_length": _optional_number(data[f"{key}_max_length"]),
            "max_hashtags": _optional_number(data[f"{key}_max_hashtags"]),
            "emoji": data[f"{key}_emoji"],
            "links": data[f"{key}_links"],
            "legal_notice": data[f"{key}_legal_notice"].strip(),
        }


class LintForm(forms.Form):
    """What the live check needs: the text and what it is for."""

    channel = forms.ChoiceField(label=_("Channel"), choices=Channel.choices)
    language = forms.ChoiceField(label=_("Language"), choices=Language.choices)
    sponsored = forms.BooleanField(label=_("Sponsored content"), required=False)
    body = forms.CharField(
        label=_("Text"), required=False, strip=False, widget=forms.Textarea(attrs={"rows": 12})
    )

    def clean_body(self) -> str:
        """Normalise line ends so alert offsets match what the browser sends back."""
        return str(self.cleaned_data["body"]).replace("\r\n", "\n")


class ContentForm(LintForm):
    """A content as its writer edits it."""

    title = forms.CharField(label=_("Title"), max_length=200)
    campaign = forms.CharField(label=_("Campaign"), max_length=100, required=False)

    field_order = ["title", "channel", "language", "campaign", "sponsored", "body"]

    def draft(self) -> ContentDraft:
        """Return the cleaned content."""
        data = self.cleaned_data
        return ContentDraft(
            channel=data["channel"],
            title=data["title"],
            body=data["body"],
            language=data["language"],
            sponsored=data["sponsored"],
            campaign=data["campaign"].strip(),
        )


class FixForm(LintForm):
    """A one-click fix: replace ``match`` at ``start``–``end`` by ``replacement``."""

    start = forms.IntegerField(min_value=0)
    end = forms.IntegerField(min_value=0)
    match = forms.CharField(required=False, strip=False)
    replacement = forms.CharField(required=False, strip=False)


class OverrideForm(forms.Form):
    """A brand reviewer's reason to let a content through despite error alerts."""

    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 3}))
