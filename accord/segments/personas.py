"""Personas: groups of contacts who behave alike, found by clustering, named in plain words.

Features, one row per contact with at least one event of their own (``email_sent`` is ours,
not theirs, so it does not count), computed set-based by one Ibis aggregation over the
warehouse grouped by ``resolved_contact_id`` (bots left out, anonymous events stitched):

- recency: days since the last event; frequency: distinct UTC days with an event;
  monetary: the sum of purchase values;
- channel engagement: the share of the contact's events on each of the workspace's busiest
  channels (social traffic split by utm_source, see ``channels.touchpoint``);
- interests: the share of the contact's page views in each of the busiest URL sections (the
  first path segment: ``/blog/…`` → ``blog``).

Recency, frequency and monetary enter as ``log(1 + x)``; every column is standardised.

Number of personas: k-means for every k from 2 to 8 on a random sample of at most
``SAMPLE_SIZE`` contacts, keeping the k with the highest silhouette score (ties: the smaller
k); the chosen k is then fitted on every contact. Names come from the centroid's standardised
deviations: words for recency, frequency and monetary value (beyond ±``THRESHOLD`` standard
deviations), the channel that sets the persona apart most, and its top interest when that
stands out. Personas are saved as segments of kind "persona"; refreshing updates the persona
with the same name, and empties (retires) those no longer found.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import numpy as np
import pyarrow as pa
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from huey.contrib.djhuey import db_task
from ibis.expr.types import Table

from accord.accounts.access import WorkspaceAccess
from accord.accounts.actions import record_audit
from accord.accounts.models import User, Workspace
from accord.accounts.roles import Perm
from accord.segments.actions import create_segment, save_members
from accord.segments.channels import channel_label, touchpoint
from accord.segments.models import Segment, SegmentKind
from accord.warehouse import backend
from accord.warehouse.queries import analytics_tables

K_RANGE = range(2, 9)
SAMPLE_SIZE = 4000
MIN_CONTACTS = 20
MAX_CHANNELS = 8
MAX_INTERESTS = 8
THRESHOLD = 0.5
INTEREST_THRESHOLD = 0.8
SEED = 7
RFM = ("recency_days", "active_days", "monetary")
SECTION = r"^(?:[a-zA-Z][a-zA-Z0-9+.-]*://[^/]+)?/([^/?#]+)"
CHANNEL_PHRASES = {
    "search": ("par la recherche", "through search"),
    "direct": ("en accès direct", "directly"),
    "social": ("par les réseaux sociaux", "on social media"),
    "paid": ("par la publicité", "through paid ads"),
    "email": ("par e-mail", "by email"),
    "referral": ("par des sites référents", "through referring sites"),
    "press": ("par la presse", "through the press"),
}


class PersonaError(Exception):
    """Personas cannot be computed (too few active contacts); the message says why."""


@dataclass(frozen=True)
class ContactFeatures:
    """Per-contact behaviour: ``contact_ids[i]`` is described by row ``i`` of every array.

    ``channel_shares[:, j]`` is the share of events on ``channels[j]``; ``interest_shares[:, j]``
    the share of page views in section ``interests[j]`` (0 for a contact without page views).
    """

    contact_ids: np.ndarray
    recency_days: np.ndarray
    active_days: np.ndarray
    monetary: np.ndarray
    channel_shares: np.ndarray
    interest_shares: np.ndarray
    channels: tuple[str, ...]
    interests: tuple[str, ...]

    def __len__(self) -> int:
        return len(self.contact_ids)

    def matrix(self) -> np.ndarray:
        """The clustering input, before standardisation (columns as in ``columns()``)."""
        rfm = np.log1p(np.column_stack([self.recency_days, self.active_days, self.monetary]))
        return np.column_stack([rfm, self.channel_shares, self.interest_shares])

    def columns(self) -> tuple[str, ...]:
        return (
            *RFM,
            *(f"channel:{name}" for name in self.channels),
            *(f"interest:{name}" for name in self.interests),
        )


@dataclass(frozen=True)
class Clustering:
    """The chosen k, its silhouette, every candidate's score, labels and centroids (in z)."""

    k: int
    silhouette: float
    candidates: Mapping[int, float]
    labels: np.ndarray
    centroids: np.ndarray
    sample_size: int


@dataclass(frozen=True)
class PersonaProfile:
    """A persona found by one run, ready to be saved: names, descriptions, figures, members."""

    key: str
    name_fr: str
    name_en: str
    description_fr: str
    description_en: str
    figures: Mapping[str, Any]
    contact_ids: frozenset[int]


@dataclass(frozen=True)
class Persona:
    """A saved persona (a segment of kind "persona") as the personas page shows it."""

    segment_id: int
    slug: str
    size: int
    name_fr: str
    name_en: str
    description_fr: str
    description_en: str
    figures: Mapping[str, Any]
    method: Mapping[str, Any]
    refreshed_at: datetime | None

    def name(self, language: str) -> str:
        return self.name_fr if language == "fr" else self.name_en

    def description(self, language: str) -> str:
        return self.description_fr if language == "fr" else self.description_en


# --- Features (warehouse) -------------------------------------------------------------------


def _activity(visits: Table) -> Table:
    own = visits.filter(visits.resolved_contact_id.notnull() & (visits.kind != "email_sent"))
    return own.mutate(
        touchpoint=touchpoint(own), section=own.url.re_extract(SECTION, 1).nullif("").lower()
    )


def _top(table: Table, column: str, limit: int) -> tuple[str, ...]:
    present = table.filter(table[column].notnull())
    counts = present.group_by(column).aggregate(n=present.count())
    rows = backend.to_rows(counts.order_by([counts.n.desc(), counts[column]]).limit(limit))
    return tuple(str(row[column]) for row in rows)


def features_expr(activity: Table, channels: Sequence[str], interests: Sequence[str]) -> Table:
    """One row per contact: last event, active days, purchase value, per-channel/section counts."""
    views = activity.kind == "page_view"
    counts = {f"channel_{i}": (activity.touchpoint == c).sum() for i, c in enumerate(channels)}
    counts |= {
        f"interest_{i}": (views & (activity.section == s)).sum() for i, s in enumerate(interests)
    }
    return activity.group_by("resolved_contact_id").aggregate(
        last_ts=activity.ts.max(),
        active_days=activity.ts.date().nunique(),
        monetary=activity.value.sum(where=activity.kind == "purchase").fill_null(0.0),
        events=activity.count(),
        page_views=views.sum(),
        **counts,
    )


def contact_features(workspace: Workspace, *, now: datetime | None = None) -> ContactFeatures:
    """Read every active contact's features from the warehouse (three queries).

    Two small ones find the busiest channels and URL sections, one aggregation computes the
    rows. Contacts erased or deleted since their events were stored are left out (one SQL
    query). Events still in the ingestion inbox are not counted.
    """
    now = now or timezone.now()
    with analytics_tables(workspace) as tables:
        activity = _activity(tables.visits)
        channels = _top(activity, "touchpoint", MAX_CHANNELS)
        interests = _top(activity.filter(activity.kind == "page_view"), "section", MAX_INTERESTS)
        table = features_expr(activity, channels, interests).to_pyarrow()
    existing = set(workspace.contacts.filter(erased_at__isnull=True).values_list("pk", flat=True))
    return _features_from_arrow(table, channels, interests, existing, now)


def _features_from_arrow(
    table: pa.Table,
    channels: tuple[str, ...],
    interests: tuple[str, ...],
    existing: set[int],
    now: datetime,
) -> ContactFeatures:
    ids = table.column("resolved_contact_id").to_numpy(zero_copy_only=False).astype(np.int64)
    keep = np.isin(ids, np.fromiter(existing, dtype=np.int64, count=len(existing)))
    order = np.argsort(ids[keep], kind="stable")

    def column(name: str) -> np.ndarray:
        values = table.column(name).to_numpy(zero_copy_only=False).astype(np.float64)
        selected: np.ndarray = values[keep][order]
        return selected

    last = table.column("last_ts").cast(pa.timestamp("us", tz="UTC")).cast(pa.int64())
    now_us = int(now.timestamp() * 1_000_000)
    recency = (now_us - last.to_numpy(zero_copy_only=False)) / 86_400_000_000
    events = column("events")
    views = column("page_views")
    return ContactFeatures(
        contact_ids=ids[keep][order],
        recency_days=np.maximum(recency[keep][order], 0.0),
        active_days=column("active_days"),
        monetary=column("monetary"),
        channel_shares=_shares([column(f"channel_{i}") for i in range(len(channels))], events),
        interest_shares=_shares([column(f"interest_{i}") for i in range(len(interests))], views),
        channels=channels,
        interests=interests,
    )


def _shares(counts: list[np.ndarray], totals: np.ndarray) -> np.ndarray:
    if not counts:
        return np.zeros((len(totals), 0))
    stacked = np.column_stack(counts)
    safe = np.where(totals > 0, totals, 1.0)
    shares: np.ndarray = stacked / safe[:, None]
    return shares


# --- Clustering ---------------------------------------------------------------------------


def cluster(features: ContactFeatures, *, seed: int = SEED) -> Clustering:
    """Standardise, pick k in 2..8 by silhouette on a sample, fit it on every contact.

    Raises PersonaError when fewer than MIN_CONTACTS contacts, or fewer than 2 distinct
    behaviours, leave nothing to cluster.
    """
    # Imported here: scikit-learn takes over half a second to load, and every web and worker
    # process imports this module (its task and views), while only a refresh clusters.
    from sklearn.cluster import KMeans
    from sklearn.metrics import silhouette_score
    from sklearn.preprocessing import StandardScaler

    if len(features) < MIN_CONTACTS:
        raise PersonaError(
            f"Personas need at least {MIN_CONTACTS} contacts with activity in the warehouse; "
            f"found {len(features)}."
        )
    scaled = StandardScaler().fit_transform(features.matrix())
    rng = np.random.default_rng(seed)
    sample = scaled[rng.permutation(len(scaled))[:SAMPLE_SIZE]]
    distinct = len(np.unique(sample, axis=0))
    ks = [k for k in K_RANGE if k <= distinct]
    if not ks:
        raise PersonaError(
            f"The {len(features)} active contacts show only {distinct} distinct behaviour(s); "
            "personas need at least 2."
        )
    fits = {k: KMeans(n_clusters=k, n_init=4, random_state=seed).fit(sample) for k in ks}
    scores = {
        k: float(silhouette_score(sample, fit.labels_))
        for k, fit in fits.items()
        if len(set(fit.labels_)) > 1
    }
    best = max(scores, key=lambda k: (round(scores[k], 6), -k))
    final = KMeans(n_clusters=best, init=fits[best].cluster_centers_, n_init=1).fit(scaled)
    return Clustering(
        k=best,
        silhouette=scores[best],
        candidates=scores,
        labels=final.labels_,
        centroids=final.cluster_centers_,
        sample_size=len(sample),
    )


# --- Naming -------------------------------------------------------------------------------


def rfm_words(recency: float, frequency: float, monetary: float) -> tuple[str, str]:
    """The persona's noun (French, English) from its standardised recency/frequency/monetary.

    Recency counts days since the last event: a negative deviation means more recent.
    """
    recent, dormant = recency < -THRESHOLD, recency > THRESHOLD
    frequent, rare = frequency > THRESHOLD, frequency < -THRESHOLD
    spender = monetary > THRESHOLD
    rules: tuple[tuple[bool, tuple[str, str]], ...] = (
        (dormant and spender, ("Clients à reconquérir", "Lapsed customers")),
        (dormant, ("Endormis", "Dormant")),
        (spender and frequent, ("Fidèles", "Loyal")),
        (spender, ("Gros acheteurs", "Big spenders")),
        (frequent, ("Habitués", "Regulars")),
        (recent and rare, ("Nouveaux venus", "Newcomers")),
        (recent, ("Actifs récents", "Recently active")),
        (rare, ("Occasionnels", "Occasional")),
    )
    return next((words for matched, words in rules if matched), ("Contacts moyens", "Average"))


def channel_phrase(channel: str) -> tuple[str, str]:
    """How a sentence says "through <channel>" in French and English."""
    if channel in CHANNEL_PHRASES:
        return CHANNEL_PHRASES[channel]
    name = channel[:1].upper() + channel[1:]
    return f"par {name}", f"on {name}"


def _standout(z: np.ndarray, shares: np.ndarray) -> int | None:
    """The column setting the group apart most (largest positive z), else its largest share."""
    if not len(z):
        return None
    if float(z.max()) > 0:
        return int(z.argmax())
    return int(shares.argmax()) if float(shares.max()) > 0 else None


@dataclass(frozen=True)
class _Group:
    """One cluster's centroid deviations and raw figures."""

    z: np.ndarray
    members: np.ndarray
    features: ContactFeatures


def _figures(group: _Group, channel: int | None, interest: int | None) -> dict[str, Any]:
    f, rows = group.features, group.members
    channel_shares = f.channel_shares[rows].mean(axis=0) if f.channels else np.zeros(0)
    interest_shares = f.interest_shares[rows].mean(axis=0) if f.interests else np.zeros(0)
    return {
        "size": int(len(rows)),
        "median_recency_days": round(float(np.median(f.recency_days[rows])), 1),
        "mean_active_days": round(float(f.active_days[rows].mean()), 1),
        "mean_monetary": round(float(f.monetary[rows].mean()), 2),
        "buyers_share": round(float((f.monetary[rows] > 0).mean()), 3),
        "channel": f.channels[channel] if channel is not None else None,
        "channel_share": round(float(channel_shares[channel]), 3) if channel is not None else 0,
        "interest": f.interests[interest] if interest is not None else None,
        "interest_share": round(float(interest_shares[interest]), 3) if interest is not None else 0,
        "deviations": {
            name: round(float(value), 2) for name, value in zip(f.columns(), group.z, strict=True)
        },
    }


def _pick(group: _Group) -> tuple[int | None, int | None]:
    f, rows, z = group.features, group.members, group.z
    n_channels = len(f.channels)
    channel = _standout(z[3 : 3 + n_channels], f.channel_shares[rows].mean(axis=0))
    interest_z = z[3 + n_channels :]
    interest = _standout(interest_z, f.interest_shares[rows].mean(axis=0))
    return channel, interest


def name_group(group: _Group) -> tuple[str, str, dict[str, Any]]:
    """The persona's French and English names and its figures."""
    channel, interest = _pick(group)
    figures = _figures(group, channel, interest)
    noun_fr, noun_en = rfm_words(float(group.z[0]), float(group.z[1]), float(group.z[2]))
    if figures["mean_monetary"] <= 0 and noun_en in {"Loyal", "Big spenders"}:
        noun_fr, noun_en = ("Habitués", "Regulars")
    name_fr, name_en = noun_fr, noun_en
    if figures["channel"]:
        via_fr, via_en = channel_phrase(figures["channel"])
        name_fr, name_en = (
            f"{name_fr}, surtout joints {via_fr}",
            f"{name_en}, mostly reached {via_en}",
        )
    n_channels = len(group.features.channels)
    if interest is not None and group.z[3 + n_channels + interest] > INTEREST_THRESHOLD:
        section = figures["interest"]
        name_fr, name_en = f"{name_fr}, attirés par /{section}", f"{name_en}, drawn to /{section}"
    return name_fr, name_en, figures


def _compare(z: float, more: tuple[str, str], less: tuple[str, str]) -> tuple[str, str] | None:
    if z > THRESHOLD:
        return more
    if z < -THRESHOLD:
        return less
    return None


def describe(figures: Mapping[str, Any]) -> tuple[str, str]:
    """Plain French and English sentences: what the persona's members do, and how they differ."""
    dev = figures["deviations"]
    traits = [
        _compare(
            -dev["recency_days"], ("plus récents", "more recent"), ("moins récents", "less recent")
        ),
        _compare(
            dev["active_days"],
            ("plus assidus", "more frequent"),
            ("moins assidus", "less frequent"),
        ),
        _compare(
            dev["monetary"],
            ("plus dépensiers", "bigger spenders"),
            ("moins dépensiers", "smaller spenders"),
        ),
    ]
    found = [t for t in traits if t is not None]
    recency, active = figures["median_recency_days"], figures["mean_active_days"]
    fr = [
        f"{figures['size']} contacts, actifs pour la dernière fois il y a "
        f"{_days(recency, 'fr')} (médiane), {_days(active, 'fr')} d'activité en moyenne, "
        f"{_number(figures['mean_monetary'])} dépensés en moyenne "
        f"({_percent(figures['buyers_share'])} % ont acheté)."
    ]
    en = [
        f"{figures['size']} contacts, last active {_days(recency, 'en')} ago (median), "
        f"{_days(active, 'en', 'active ')} on average, "
        f"{_number(figures['mean_monetary'], 'en')} spent on average "
        f"({_percent(figures['buyers_share'], 'en')}% bought)."
    ]
    if found:
        fr.append("Par rapport à l'ensemble : " + ", ".join(t[0] for t in found) + ".")
        en.append("Compared with everyone: " + ", ".join(t[1] for t in found) + ".")
    if figures["channel"]:
        channel, share = figures["channel"], figures["channel_share"]
        fr.append(
            f"Canal qui les distingue : {channel_label(channel, 'fr')} "
            f"({_percent(share)} % de leur activité)."
        )
        en.append(
            f"Channel that sets them apart: {channel_label(channel, 'en')} "
            f"({_percent(share, 'en')}% of their activity)."
        )
    if figures["interest"]:
        share = figures["interest_share"]
        fr.append(f"{_percent(share)} % de leurs pages vues sont dans /{figures['interest']}.")
        en.append(f"{_percent(share, 'en')}% of their page views are in /{figures['interest']}.")
    return " ".join(fr), " ".join(en)


def _number(value: float, language: str = "fr") -> str:
    text = f"{value:,.0f}" if abs(value) >= 100 else f"{value:,.1f}".removesuffix(".0")
    return text.replace(",", "\u202f").replace(".", ",") if language == "fr" else text


def _days(value: float, language: str, adjective: str = "") -> str:
    """ "1 day", "2.5 days", "1,5 jour", "3 jours" (French keeps the singular below 2)."""
    if language == "fr":
        return f"{_number(value)} {'jour' if value < 2 else 'jours'}"
    return f"{_number(value, 'en')} {adjective}{'day' if value == 1 else 'days'}"


def _percent(share: float, language: str = "fr") -> str:
    return _number(round(100 * share, 1), language)


def build_profiles(features: ContactFeatures, clustering: Clustering) -> list[PersonaProfile]:
    """Name and describe each cluster; the largest first. Equal names get " (2)", " (3)"…"""
    profiles: list[PersonaProfile] = []
    seen: dict[str, int] = {}
    for label in sorted(set(clustering.labels.tolist())):
        members = np.flatnonzero(clustering.labels == label)
        group = _Group(clustering.centroids[label], members, features)
        name_fr, name_en, figures = name_group(group)
        seen[name_en] = seen.get(name_en, 0) + 1
        if seen[name_en] > 1:
            name_fr, name_en = f"{name_fr} ({seen[name_en]})", f"{name_en} ({seen[name_en]})"
        description_fr, description_en = describe(figures)
        profiles.append(
            PersonaProfile(
                key=slugify(name_en)[:150],
                name_fr=name_fr,
                name_en=name_en,
                description_fr=description_fr,
                description_en=description_en,
                figures=figures,
                contact_ids=frozenset(int(i) for i in features.contact_ids[members]),
            )
        )
    return sorted(profiles, key=lambda p: (-len(p.contact_ids), p.key))


def method_of(clustering: Clustering, features: ContactFeatures) -> dict[str, Any]:
    """What the page states about how the personas were found."""
    return {
        "algorithm": "k-means",
        "criterion": "silhouette",
        "k": clustering.k,
        "silhouette": round(clustering.silhouette, 3),
        "candidates": {str(k): round(v, 3) for k, v in sorted(clustering.candidates.items())},
        "sample_size": clustering.sample_size,
        "contacts": len(features),
        "features": list(features.columns()),
    }


# --- Saving, reading ----------------------------------------------------------------------


def find_personas(
    workspace: Workspace, *, now: datetime | None = None
) -> tuple[list[PersonaProfile], dict[str, Any]]:
    """Compute the workspace's personas without saving them; also return the method used.

    Raises PersonaError when there is too little activity to cluster.
    """
    features = contact_features(workspace, now=now)
    clustering = cluster(features)
    return build_profiles(features, clustering), method_of(clustering, features)


def refresh_personas(access: WorkspaceAccess, *, now: datetime | None = None) -> list[Persona]:
    """Recompute the personas and save each as a segment of kind "persona" with its members.

    A persona keeps its segment (and size history) when a refresh finds it again under the
    same English name; personas no longer found are emptied and marked retired. Needs
    ``segments.edit``. The warehouse is read before the transaction opens.
    """
    access.require(Perm.SEGMENTS_EDIT)
    now = now or timezone.now()
    profiles, method = find_personas(access.workspace, now=now)
    with transaction.atomic():
        _save_profiles(access, profiles, method, now)
        record_audit(
            access.actor,
            access.workspace,
            "segments.refresh_personas",
            access.workspace,
            after={"k": method["k"], "personas": [p.name_en for p in profiles]},
        )
    return list_personas(access.workspace)


def _save_profiles(
    access: WorkspaceAccess,
    profiles: Sequence[PersonaProfile],
    method: Mapping[str, Any],
    now: datetime,
) -> None:
    existing = {
        segment.persona.get("key", ""): segment
        for segment in Segment.objects.select_for_update().filter(
            workspace=access.workspace, kind=SegmentKind.PERSONA
        )
    }
    french = access.workspace.language == "fr"
    for profile in profiles:
        payload = _payload(profile, method, now)
        name = profile.name_fr if french else profile.name_en
        description = profile.description_fr if french else profile.description_en
        segment = existing.pop(profile.key, None)
        if segment is None:
            segment = create_segment(
                access,
                name=name,
                kind=SegmentKind.PERSONA,
                description=description,
                persona=payload,
            )
        else:
            segment.name, segment.description, segment.persona = name, description, payload
            segment.save(update_fields=["name", "description", "persona", "updated_at"])
        save_members(segment, profile.contact_ids, now=now)
    for retired in existing.values():
        retired.persona = {**retired.persona, "retired": True}
        retired.save(update_fields=["persona", "updated_at"])
        save_members(retired, frozenset(), now=now)


def _payload(profile: PersonaProfile, method: Mapping[str, Any], now: datetime) -> dict[str, Any]:
    return {
        "key": profile.key,
        "name_fr": profile.name_fr,
        "name_en": profile.name_en,
        "description_fr": profile.description_fr,
        "description_en": profile.description_en,
        "features": dict(profile.figures),
        "method": dict(method),
        "refreshed_at": now.isoformat(),
        "retired": False,
    }


def list_personas(workspace: Workspace) -> list[Persona]:
    """The workspace's current (not retired) personas, largest first (one query)."""
    segments = Segment.objects.filter(workspace=workspace, kind=SegmentKind.PERSONA).order_by(
        "-size", "name"
    )
    return [_persona(s) for s in segments if not s.persona.get("retired")]


def _persona(segment: Segment) -> Persona:
    data: Mapping[str, Any] = segment.persona or {}
    refreshed = data.get("refreshed_at")
    return Persona(
        segment_id=segment.pk,
        slug=segment.slug,
        size=segment.size,
        name_fr=data.get("name_fr", segment.name),
        name_en=data.get("name_en", segment.name),
        description_fr=data.get("description_fr", segment.description),
        description_en=data.get("description_en", segment.description),
        figures=data.get("features", {}),
        method=data.get("method", {}),
        refreshed_at=datetime.fromisoformat(refreshed) if refreshed else None,
    )


# --- Worker, CLI, demo --------------------------------------------------------------------


@db_task()  # type: ignore[untyped-decorator]
def refresh_personas_task(workspace_id: int, user_id: int | None = None) -> None:
    """Refresh a workspace's personas in the worker, as ``user_id`` (else as the system).

    A user who lost their membership or role since the click refreshes nothing.
    """
    from accord.accounts import queries as account_queries

    workspace = Workspace.objects.get(pk=workspace_id)
    access: WorkspaceAccess | None = WorkspaceAccess.system(workspace, "personas")
    if user_id is not None:
        user = User.objects.get(pk=user_id)
        access = account_queries.access_for_user(user, workspace.slug)
    if access is None or not access.can(Perm.SEGMENTS_EDIT):
        return
    try:
        refresh_personas(access)
    except PersonaError:
        return


def build_demo_personas(workspace: Workspace, owner: User) -> list[Persona]:
    """Compute the demo company's personas as its owner (after its events exist)."""
    from accord.accounts.access import Actor
    from accord.accounts.queries import access_for_user

    access = access_for_user(owner, workspace.slug) or WorkspaceAccess(
        workspace, Actor.for_user(owner), None
    )
    return refresh_personas(access)
