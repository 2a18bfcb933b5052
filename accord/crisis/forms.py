"""Forms of the crisis pages: alert filters, planned activities, delivery settings."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accord.accounts.models import Workspace
from accord.crisis.models import ActivityKind, AlertKind, Severity
from accord.crisis.queries import AlertFilter
from accord.listening.models import ListeningQuery

PERIODS = {"7d": 7, "30d": 30, "90d": 90, "365d": 365}
PERIOD_CHOICES = [
    ("7d", _("Last 7 days")),
    ("30d", _("Last 30 days")),
    ("90d", _("Last 90 days")),
    ("365d", _("Last 12 months")),
    ("all", _("All time")),
]
STATUS_CHOICES = [
    ("", _("Any status")),
    ("open", _("Not acknowledged")),
    ("acknowledged", _("Acknowledged")),
]


class AlertFilterForm(forms.Form):
    """The filters of the alerts page; an invalid value falls back to "any"."""

    severity = forms.ChoiceField(
        label=_("Severity"), required=False, choices=[("", _("Any severity")), *Severity.choices]
    )
    status = forms.ChoiceField(label=_("Status"), required=False, choices=STATUS_CHOICES)
    kind = forms.ChoiceField(
        label=_("Kind"), required=False, choices=[("", _("Any kind")), *AlertKind.choices]
    )
    query = forms.ModelChoiceField(
        label=_("Query"),
        required=False,
        queryset=ListeningQuery.objects.none(),
        empty_label=_("All queries"),
    )
    period = forms.ChoiceField(label=_("Period"), required=False, choices=PERIOD_CHOICES)

    def __init__(self, workspace: Workspace, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["query"]
        assert isinstance(field, forms.ModelChoiceField)  # noqa: S101  (narrows the type)
        field.queryset = ListeningQuery.objects.filter(workspace=workspace).order_by("name")

    def period_days(self) -> int | None:
        """Return the chosen period in days (30 by default), None for all time."""
        period = self.cleaned_data.get("period") if self.is_valid() else ""
        if period == "all":
            return None
        return PERIODS.get(period or "30d", 30)

    def as_filter(self) -> AlertFilter:
        """Return the query filter; fields that did not validate are ignored."""
        data = self.cleaned_data if self.is_valid() else {}
        days = self.period_days()
        return AlertFilter(
            severity=data.get("severity", ""),
            status=data.get("status", ""),
            kind=data.get("kind", ""),
            query=data.get("query"),
            since=None if days is None else timezone.now() - timedelta(days=days),
        )


class PlannedActivityForm(forms.Form):
    """A launch, post, event or press release the team plans."""

    title = forms.CharField(label=_("Title"), max_length=200)
    kind = forms.ChoiceField(label=_("Kind"), choices=ActivityKind.choices)
    starts_at = forms.DateTimeField(
        label=_("Starts"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )
    ends_at = forms.DateTimeField(
        label=_("Ends"),
        required=False,
        help_text=_("Leave empty for a one-off: mentions are expected for two days after it."),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
    )
    campaign = forms.CharField(label=_("Campaign"), max_length=200, required=False)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        starts, ends = data.get("starts_at"), data.get("ends_at")
        if starts is not None and ends is not None and ends < starts:
            self.add_error("ends_at", _("The end comes before the start."))
        return data


class DeliverySettingsForm(forms.Form):
    """Who receives alerts by email, which webhook gets them, from which severity."""

    emails = forms.CharField(
        label=_("Email recipients"),
        required=False,
        help_text=_("One address per line."),
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    webhook_url = forms.URLField(
        label=_("Slack or Mattermost incoming webhook URL"),
        required=False,
        max_length=500,
        assume_scheme="https",
    )
    min_severity = forms.ChoiceField(
        label=_("Notify from severity"), choices=Severity.choices, initial=Severity.WARNING
    )

    def email_list(self) -> list[str]:
        """Return the addresses typed, one per line or comma-separated, blanks dropped."""
        raw = self.cleaned_data.get("emails", "")
        return [part.strip() for part in raw.replace(",", "\n").splitlines() if part.strip()]
