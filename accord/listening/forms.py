"""Forms of the listening pages: they parse input; values are checked in the actions."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from datetime import datetime, timedelta
from typing import Any, cast

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accord.accounts.models import User
from accord.listening.actions import LANGUAGES, QueryValues, SourceValues
from accord.listening.models import Channel, ListeningQuery, Sentiment, Source, SourceKind
from accord.listening.queries import MentionFilter

PERIODS = {"7d": 7, "30d": 30, "90d": 90, "365d": 365}
LANG_CHOICES = [("fr", _("French")), ("en", _("English"))]
MAX_UPLOAD_BYTES = 20 * 1024 * 1024
BRAND = "-"  # the "about" filter's value for the brand itself (a competitor is named)


def _choice(form: forms.Form, name: str) -> forms.ChoiceField:
    return cast(forms.ChoiceField, form.fields[name])


class MentionFilterForm(forms.Form):
    """The mentions page's filters; an invalid value is ignored rather than reported."""

    q = forms.CharField(label=_("Search"), required=False, max_length=200)
    period = forms.ChoiceField(
        label=_("Period"),
        required=False,
        choices=[
            ("30d", _("Last 30 days")),
            ("7d", _("Last 7 days")),
            ("90d", _("Last 90 days")),
            ("365d", _("Last 12 months")),
            ("all", _("All time")),
        ],
    )
    source = forms.ChoiceField(label=_("Source"), required=False)
    query = forms.ChoiceField(label=_("Query"), required=False)
    channel = forms.ChoiceField(
        label=_("Channel"), required=False, choices=[("", _("All channels")), *Channel.choices]
    )
    lang = forms.ChoiceField(
        label=_("Language"), required=False, choices=[("", _("All languages")), *LANG_CHOICES]
    )
    sentiment = forms.ChoiceField(
        label=_("Sentiment"), required=False, choices=[("", _("Any sentiment")), *Sentiment.choices]
    )
    tag = forms.ChoiceField(label=_("Tag"), required=False)
    about = forms.ChoiceField(label=_("About"), required=False)
    spam = forms.ChoiceField(
        label=_("Spam"),
        required=False,
        choices=[
            ("hide", _("Hide spam and duplicates")),
            ("show", _("Show everything")),
            ("only", _("Spam only")),
        ],
    )

    def __init__(
        self,
        data: Mapping[str, Any],
        sources: Iterable[Source],
        queries: Iterable[ListeningQuery],
        tags: Iterable[str],
        competitors: Iterable[str] = (),
    ) -> None:
        super().__init__(data)
        _choice(self, "about").choices = [
            ("", _("Brand and competitors")),
            (BRAND, _("Our brand")),
            *((name, name) for name in competitors),
        ]
        _choice(self, "source").choices = [
            ("", _("All sources")),
            *((str(s.pk), s.name) for s in sources),
        ]
        _choice(self, "query").choices = [
            ("", _("All queries")),
            *((q.slug, q.name) for q in queries),
        ]
        _choice(self, "tag").choices = [("", _("All tags")), *((t, t) for t in tags)]

    def to_filter(self, now: datetime) -> MentionFilter:
        """The filter of the valid fields (default period: the last 30 days)."""
        self.is_valid()
        data = {name: self.cleaned_data.get(name) or "" for name in self.fields}
        days = PERIODS.get(data["period"] or "30d")
        return MentionFilter(
            source=int(data["source"]) if data["source"] else None,
            lang=data["lang"],
            sentiment=data["sentiment"],
            channel=data["channel"],
            query=data["query"],
            q=data["q"].strip(),
            tag=data["tag"],
            subject=None if not data["about"] else "" if data["about"] == BRAND else data["about"],
            spam=data["spam"] or "hide",
            start=now - timedelta(days=days) if days else None,
        )


def _lines(text: str) -> list[str]:
    """Entries separated by new lines or commas."""
    return [part.strip() for part in re.split(r"[\n,]", text) if part.strip()]


class QueryForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=100)
    keywords = forms.CharField(
        label=_("Keywords"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("One per line or separated by commas. Case and accents do not matter."),
    )
    exclusions = forms.CharField(
        label=_("Exclusions"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("A text holding one of these is not a mention."),
    )
    languages = forms.MultipleChoiceField(
        label=_("Languages"),
        required=False,
        choices=LANG_CHOICES,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("None ticked: every language."),
    )
    competitors = forms.CharField(
        label=_("Competitors"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("One per line: the name, a colon, then its keywords separated by commas."),
    )
    is_active = forms.BooleanField(label=_("Active"), required=False, initial=True)

    @staticmethod
    def initial_for(query: ListeningQuery) -> dict[str, Any]:
        return {
            "name": query.name,
            "keywords": "\n".join(query.keywords),
            "exclusions": "\n".join(query.exclusions),
            "languages": query.languages,
            "competitors": "\n".join(
                f"{c['name']}: {', '.join(c['keywords'])}" for c in query.competitors
            ),
            "is_active": query.is_active,
        }

    def values(self) -> QueryValues:
        data = self.cleaned_data
        competitors = []
        for line in data["competitors"].splitlines():
            if line.strip():
                name, _sep, words = line.partition(":")
                competitors.append({"name": name.strip(), "keywords": _lines(words)})
        return QueryValues(
            name=data["name"],
            keywords=_lines(data["keywords"]),
            exclusions=_lines(data["exclusions"]),
            languages=[lang for lang in data["languages"] if lang in LANGUAGES],
            competitors=competitors,
            is_active=data["is_active"],
        )


# The settings each kind of source asks for, in form order.
CONFIG_FIELDS: dict[str, tuple[str, ...]] = {
    SourceKind.RSS: ("url",),
    SourceKind.MASTODON: ("instance", "hashtag", "access_token", "search"),
    SourceKind.BLUESKY: ("q", "base_url", "handle", "app_password", "pds_url"),
    SourceKind.REVIEWS: ("platform",),
    SourceKind.WEBHOOK: ("channel",),
    SourceKind.MANUAL: ("channel",),
}


class SourceForm(forms.Form):
    """A source's settings; only the fields of its kind (CONFIG_FIELDS) are shown and read."""

    name = forms.CharField(label=_("Name"), max_length=200)
    url = forms.CharField(label=_("Feed address"), required=False, max_length=2048)
    instance = forms.CharField(
        label=_("Mastodon instance"), required=False, help_text="https://mastodon.social"
    )
    hashtag = forms.CharField(label=_("Hashtag"), required=False, max_length=100)
    access_token = forms.CharField(
        label=_("Access token"),
        required=False,
        max_length=200,
        widget=forms.PasswordInput(render_value=True),
        help_text=_("Needed to search and to reply (scopes read, write:statuses)."),
    )
    search = forms.CharField(label=_("Search words"), required=False, max_length=200)
    q = forms.CharField(label=_("Search words"), required=False, max_length=200)
    base_url = forms.CharField(
        label=_("AppView address"), required=False, help_text="https://public.api.bsky.app"
    )
    handle = forms.CharField(
        label=_("Bluesky handle"),
        required=False,
        max_length=253,
        help_text=_("To reply: the brand's account, e.g. maison-lumiere.bsky.social."),
    )
    app_password = forms.CharField(
        label=_("App password"),
        required=False,
        max_length=100,
        widget=forms.PasswordInput(render_value=True),
        help_text=_("Created in Bluesky's settings, under Privacy and security → App passwords."),
    )
    pds_url = forms.CharField(
        label=_("PDS address"), required=False, help_text="https://bsky.social"
    )
    platform = forms.ChoiceField(
        label=_("Platform"),
        required=False,
        choices=[
            ("google", "Google Business Profile"),
            ("tripadvisor", "TripAdvisor"),
            ("other", _("Other")),
        ],
    )
    channel = forms.ChoiceField(label=_("Channel"), required=False, choices=Channel.choices)
    query = forms.ChoiceField(
        label=_("Query"),
        required=False,
        help_text=_(
            "Fetched sources: match only this query. Others: the query of items naming none."
        ),
    )
    fetch_every_minutes = forms.IntegerField(
        label=_("Fetch every (minutes)"), min_value=1, max_value=7 * 24 * 60, initial=15
    )
    is_active = forms.BooleanField(label=_("Active"), required=False, initial=True)

    def __init__(
        self, *args: Any, kind: str, queries: Iterable[ListeningQuery], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.kind = kind
        self._queries = {str(q.pk): q for q in queries}
        _choice(self, "query").choices = [
            ("", _("Any query")),
            *((pk, q.name) for pk, q in self._queries.items()),
        ]
        shown = {"name", "query", "fetch_every_minutes", "is_active", *CONFIG_FIELDS[kind]}
        for name in list(self.fields):
            if name not in shown:
                del self.fields[name]

    @staticmethod
    def initial_for(source: Source) -> dict[str, Any]:
        return {
            **source.config,
            "name": source.name,
            "query": str(source.query_id or ""),
            "fetch_every_minutes": source.fetch_every_minutes,
            "is_active": source.is_active,
        }

    def values(self) -> SourceValues:
        data = self.cleaned_data
        return SourceValues(
            name=data["name"],
            config={name: data.get(name) or "" for name in CONFIG_FIELDS[self.kind]},
            fetch_every_minutes=data["fetch_every_minutes"],
            query=self._queries.get(data.get("query") or ""),
            is_active=data["is_active"],
        )


class ReviewImportForm(forms.Form):
    file = forms.FileField(label=_("CSV export"))

    def clean_file(self) -> str:
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(_("The file is larger than 20 MB."))
        try:
            return str(upload.read().decode("utf-8-sig"))
        except UnicodeDecodeError:
            raise forms.ValidationError(_("The file is not UTF-8 text.")) from None


class ManualMentionForm(forms.Form):
    text = forms.CharField(
        label=_("Text"), widget=forms.Textarea(attrs={"rows": 4}), max_length=20_000
    )
    title = forms.CharField(label=_("Title"), required=False, max_length=500)
    url = forms.URLField(label=_("Address"), required=False, max_length=2048, assume_scheme="https")
    author = forms.CharField(label=_("Author"), required=False, max_length=200)
    published_at = forms.DateTimeField(
        label=_("Published at"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )
    channel = forms.ChoiceField(label=_("Channel"), choices=Channel.choices)
    rating = forms.FloatField(label=_("Rating (1 to 5)"), required=False, min_value=1, max_value=5)

    def entry(self) -> dict[str, Any]:
        """The entry as the manual-entry parser reads it (times in ISO 8601)."""
        data = {k: v for k, v in self.cleaned_data.items() if v not in (None, "")}
        moment = data["published_at"]
        if timezone.is_naive(moment):
            moment = timezone.make_aware(moment)
        data["published_at"] = moment.isoformat()
        return data


class TagForm(forms.Form):
    tag = forms.CharField(label=_("Tag"), max_length=40)


class AssignForm(forms.Form):
    user = forms.ChoiceField(label=_("Assign to"), required=False)

    def __init__(self, data: Mapping[str, Any] | None, members: Iterable[User]) -> None:
        super().__init__(data)
        self._members = {str(user.pk): user for user in members}
        _choice(self, "user").choices = [
            ("", _("Nobody")),
            *(
                (pk, user.get_full_name() or user.get_username())
                for pk, user in self._members.items()
            ),
        ]

    def assignee(self) -> User | None:
        return self._members.get(self.cleaned_data.get("user") or "")


class ReplyForm(forms.Form):
    text = forms.CharField(
        label=_("Reply"), max_length=500, widget=forms.Textarea(attrs={"rows": 2})
    )
