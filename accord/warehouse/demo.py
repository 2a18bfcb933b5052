"""Twelve months of Maison Lumière's events, written straight to the Parquet store.

Maison Lumière is a French design house with a shop, a blog and an exhibition space. Traffic
follows a weekly rhythm (busy weekends), the French year (quiet August, busy December) and named
campaigns with UTM tags (``soldes-hiver``, ``salon-maison-objet``, ``expo-lumiere``…); visits
come from search, paid search, Instagram/Facebook/LinkedIn, email, direct, referrals and the
press, and some end in a purchase in EUR. Part of the contacts first browse anonymously, then
sign up: their earlier events are stitched to them through identity links.

Visitors have habits (``PROFILES``, by visitor id modulo 4): shop regulars who come by email or
directly and buy, Instagram-led blog readers, searchers comparing products, and a culture
audience from the press and design sites visiting the exhibition. Each visit keeps to its
visitor's habits with probability ``AFFINITY``, so that personas have something to find.

Everything derives from the seed and the last day (``end``); each day is generated as numpy
vectors and written as one file, so memory stays bounded by one day of events (100M events
make about 274k a day).
"""

from __future__ import annotations

import shutil
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
from django.utils import timezone

from accord.accounts.models import Workspace
from accord.warehouse import rollups, store
from accord.warehouse.actions import stitch_identities
from accord.warehouse.config import warehouse_config

DAYS = 365
SITE = "https://maison-lumiere.example"
US = 1_000_000
CHANNELS = ("search", "direct", "social", "paid", "email", "referral", "press")
CHANNEL_MIX = np.array([0.30, 0.24, 0.16, 0.10, 0.08, 0.08, 0.04])
CONVERSION = np.array([0.015, 0.018, 0.006, 0.02, 0.03, 0.012, 0.008])
WEEKDAY = np.array([0.9, 0.95, 1.0, 1.0, 1.05, 1.25, 1.15])  # Monday first
MONTH = np.array([1.1, 1.0, 1.0, 1.0, 1.0, 1.0, 0.9, 0.75, 1.0, 1.05, 1.1, 1.3])
HOURS = np.array([1, 1, 1, 1, 1, 2, 4, 6, 8, 9, 9, 10, 12, 12, 10, 9, 9, 10, 11, 13, 14, 12, 8, 4])
SOCIAL_SOURCES = ("instagram", "facebook", "linkedin")
SEARCH_REFERRERS = ("https://www.google.fr/", "https://www.bing.com/", "https://www.qwant.com/")
REFERRERS = ("https://www.dezeen.com/", "https://www.admagazine.fr/", "https://www.houzz.fr/")
PRESS = ("https://www.lemonde.fr/", "https://madame.lefigaro.fr/", "https://www.ideat.fr/")
PAGES = (
    "/",
    "/boutique",
    "/boutique/lampe-arc",
    "/boutique/suspension-opaline",
    "/boutique/applique-laiton",
    "/blog/eclairer-un-salon",
    "/blog/atelier-verre-souffle",
    "/exposition",
    "/a-propos",
)
MEDIUM = {"paid": "cpc", "social": "social", "email": "email", "press": "press"}


@dataclass(frozen=True)
class Profile:
    """A visitor's habits: the channels that bring them, the pages they read, how they buy."""

    channels: tuple[str, ...]
    pages: tuple[str, ...]
    conversion: float
    opens: float  # the share of emails they open


PROFILES = (
    Profile(
        ("email", "direct"),
        ("/boutique", "/boutique/lampe-arc", "/boutique/suspension-opaline"),
        2.5,
        0.65,
    ),
    Profile(("social",), ("/blog/eclairer-un-salon", "/blog/atelier-verre-souffle"), 0.4, 0.25),
    Profile(
        ("search", "paid"),
        ("/boutique/lampe-arc", "/boutique/applique-laiton", "/boutique/suspension-opaline"),
        1.0,
        0.3,
    ),
    Profile(("press", "referral"), ("/exposition", "/a-propos"), 0.6, 0.35),
)
AFFINITY = 0.75
# Each channel's profile, and each profile's pages as indices into PAGES (cycled to 3 columns).
FAVOURITE = np.array([next(i for i, p in enumerate(PROFILES) if c in p.channels) for c in CHANNELS])
PROFILE_PAGES = np.array(
    [[PAGES.index(p.pages[i % len(p.pages)]) for i in range(3)] for p in PROFILES]
)
PROFILE_CONVERSION = np.array([p.conversion for p in PROFILES])
PROFILE_OPENS = np.array([p.opens for p in PROFILES])


@dataclass(frozen=True)
class Campaign:
    """A named campaign: its dates (month, day), the channels it drives, its effect."""

    name: str
    start: tuple[int, int]
    end: tuple[int, int]
    channels: tuple[str, ...]
    traffic: float
    conversion: float
    landing: str

    def active(self, day: date) -> bool:
        return self.start <= (day.month, day.day) <= self.end


CAMPAIGNS = (
    Campaign("soldes-hiver", (1, 8), (2, 4), ("paid", "email", "social"), 1.35, 1.8, "/boutique"),
    Campaign("salon-maison-objet", (1, 15), (1, 20), ("social", "press"), 1.15, 1.1, "/a-propos"),
    Campaign(
        "printemps-design", (3, 20), (4, 15), ("social", "email"), 1.1, 1.2, "/boutique/lampe-arc"
    ),
    Campaign("soldes-ete", (6, 25), (7, 22), ("paid", "email"), 1.3, 1.7, "/boutique"),
    Campaign("salon-maison-objet", (9, 4), (9, 9), ("social", "press"), 1.15, 1.1, "/a-propos"),
    Campaign(
        "expo-lumiere", (10, 10), (11, 30), ("social", "press", "email"), 1.25, 1.2, "/exposition"
    ),
    Campaign("noel-atelier", (12, 1), (12, 24), ("paid", "email", "social"), 1.5, 1.6, "/boutique"),
)


@dataclass(frozen=True)
class Population:
    """Who visits: ``visitors`` ids, of which the first ``len(contacts)`` are contacts.

    Contact ``i`` is anonymous before ``known_from[i]`` (a day index), identified from then on.
    """

    visitors: int
    contacts: np.ndarray
    known_from: np.ndarray


def demo_contact_ids(workspace: Workspace) -> list[int]:
    """The workspace's contact ids in ascending order (what ``build_demo_events`` expects)."""
    from accord.contacts.queries import ContactFilter, search_contacts

    return sorted(search_contacts(workspace, ContactFilter()).values_list("id", flat=True))


def build_demo_events(
    workspace: Workspace,
    contacts: Sequence[int],
    seed: int,
    events: int = 1_000_000,
    *,
    end: date | None = None,
    days: int = DAYS,
    replace: bool = False,
) -> int:
    """Write ``events`` demo events over the ``days`` days ending ``end`` (default: yesterday).

    Returns the number of events the workspace's store holds afterwards. When it already holds
    some and ``replace`` is false, nothing is written (the demo is built once per workspace).
    Also records the identity links of the contacts who first browsed anonymously.
    """
    config = warehouse_config()
    last = end or timezone.now().astimezone(UTC).date() - timedelta(days=1)
    first = last - timedelta(days=days - 1)
    with store.workspace_lock(config.root, workspace.pk):
        existing = store.part_files(config.events_root, workspace.pk)
        if existing and not replace:
            return _row_count(existing)
        shutil.rmtree(store.workspace_dir(config.events_root, workspace.pk), ignore_errors=True)
        population = _population(seed, events, np.asarray(contacts, dtype=np.int64), days)
        budgets = _daily_budgets(seed, events, first, days)
        for index, budget in enumerate(budgets):
            day = first + timedelta(days=index)
            rng = np.random.default_rng([seed, index])
            table = _day_events(rng, population, index, day, int(budget))
            store.write_part(config.events_root, workspace.pk, day, table, durable=False)
        rollups.refresh(config.root, config.events_root, workspace.pk, durable=False)
    _record_links(workspace, population, first)
    return int(budgets.sum())


def _row_count(files: Sequence[object]) -> int:
    return sum(pq.ParquetFile(str(f)).metadata.num_rows for f in files)


def _population(seed: int, events: int, contacts: np.ndarray, days: int) -> Population:
    rng = np.random.default_rng([seed, 1_000_000])
    visitors = max(events // 6, len(contacts) + 100, 1)
    known_from = np.zeros(len(contacts), dtype=np.int64)
    browsed_first = rng.random(len(contacts)) < 0.6
    known_from[browsed_first] = rng.integers(days // 12, days, size=int(browsed_first.sum()))
    return Population(visitors, contacts, known_from)


def _daily_budgets(seed: int, events: int, first: date, count: int) -> np.ndarray:
    days = [first + timedelta(days=i) for i in range(count)]
    weights = np.array(
        [
            WEEKDAY[d.weekday()]
            * MONTH[d.month - 1]
            * (0.85 + 0.3 * i / count)
            * np.prod([c.traffic for c in CAMPAIGNS if c.active(d)] or [1.0])
            for i, d in enumerate(days)
        ]
    )
    rng = np.random.default_rng([seed, 2_000_000])
    budgets: np.ndarray = rng.multinomial(events, weights / weights.sum())
    return budgets


def _day_events(
    rng: np.random.Generator, population: Population, index: int, day: date, budget: int
) -> pa.Table:
    midnight = int(datetime.combine(day, time(), tzinfo=UTC).timestamp()) * US
    signups = _signups(population, index, midnight, rng, budget)
    left = budget - len(signups)
    email = _emails(rng, population, index, day, midnight, min(left, budget // 5))
    web = _visits(rng, population, index, day, midnight, left - len(email))
    table = pa.concat_tables([signups, email, web])
    # A visit late in the evening may run past midnight: keep every event inside its day's file
    # (the store's partition is the UTC day of ``ts``; analytics group on it).
    last = midnight + 86_400 * US - 1
    clipped = np.minimum(table.column("ts").cast(pa.int64()).to_numpy(), last)
    table = table.set_column(
        table.schema.get_field_index("ts"), "ts", pa.array(clipped, store.UTC_TS)
    ).sort_by("ts")
    ids = _uuids(rng, len(table))
    return table.set_column(0, "event_id", ids)


def _frame(
    n: int,
    ts: np.ndarray,
    kind: pa.Array,
    visitor: np.ndarray | None,
    contact: np.ndarray | None,
    **columns: pa.Array,
) -> pa.Table:
    """Assemble an EVENT_SCHEMA table; absent columns are nulls."""
    data: dict[str, pa.Array] = {
        name: pa.nulls(n, store.EVENT_SCHEMA.field(name).type) for name in store.EVENT_COLUMNS
    }
    data["event_id"] = pa.array([""] * n, pa.string())
    data["ts"] = pa.array(ts, store.UTC_TS)
    data["received_at"] = pa.array(ts + 2 * US, store.UTC_TS)
    data["kind"] = kind
    data["bot"] = pa.array(np.zeros(n, dtype=bool))
    data["source"] = pa.array(["demo"] * n, pa.string())
    data["properties"] = pa.array(["{}"] * n, pa.string())
    if visitor is not None:
        data["anonymous_id"] = _labels("v-", visitor)
    if contact is not None:
        data["contact_id"] = pa.array(contact, pa.int64(), mask=contact < 0)
    data.update(columns)
    return pa.table(data, schema=store.EVENT_SCHEMA)


def _labels(prefix: str, numbers: np.ndarray) -> pa.Array:
    return pc.binary_join_element_wise(prefix, pc.cast(pa.array(numbers), pa.string()), "")


def _pick(vocabulary: Sequence[str | None], indices: np.ndarray) -> pa.Array:
    """Look words up by index; -1 picks the last word (numpy's convention, which take lacks)."""
    wrapped = np.where(indices < 0, len(vocabulary) - 1, indices)
    return pc.take(pa.array(list(vocabulary), pa.string()), pa.array(wrapped))


def _contact_of(population: Population, visitor: np.ndarray, index: int) -> np.ndarray:
    """The contact id each visitor is on day ``index``, or -1 while anonymous or unknown."""
    contact = np.full(len(visitor), -1, dtype=np.int64)
    known = visitor < len(population.contacts)
    slots = visitor[known]
    identified = population.known_from[slots] <= index
    contact[np.flatnonzero(known)[identified]] = population.contacts[slots[identified]]
    return contact


def _signups(
    population: Population, index: int, midnight: int, rng: np.random.Generator, cap: int
) -> pa.Table:
    """A form_submit (newsletter sign-up) for each contact identified on day ``index``.

    At most ``cap``: with a tiny event budget some sign-ups go unrecorded.
    """
    visitor = np.flatnonzero(population.known_from == index).astype(np.int64)[:cap]
    if index == 0:
        visitor = visitor[:0]  # contacts known from the start never signed up in the window
    n = len(visitor)
    ts = midnight + rng.integers(8 * 3600, 22 * 3600, size=n) * US
    return _frame(
        n,
        ts,
        pa.array(["form_submit"] * n, pa.string()),
        visitor,
        population.contacts[visitor],
        channel=pa.array(["direct"] * n, pa.string()),
        url=pa.array([f"{SITE}/newsletter"] * n, pa.string()),
        properties=pa.array(['{"form":"newsletter"}'] * n, pa.string()),
    )


def _emails(
    rng: np.random.Generator,
    population: Population,
    index: int,
    day: date,
    midnight: int,
    cap: int,
) -> pa.Table:
    """Tuesday newsletters (and campaign mailings) to identified contacts: sent, opened, clicked."""
    campaign = next((c for c in CAMPAIGNS if c.active(day) and "email" in c.channels), None)
    if day.weekday() != 1 and campaign is None or cap <= 0:
        return _frame(0, np.zeros(0, np.int64), pa.array([], pa.string()), None, None)
    eligible = np.flatnonzero(population.known_from <= index)
    sent = rng.choice(eligible, size=min(len(eligible) // 2, cap // 2), replace=False)
    opened = sent[rng.random(len(sent)) < PROFILE_OPENS[sent % len(PROFILES)]]
    clicked = opened[rng.random(len(opened)) < 0.25]
    visitor = np.concatenate([sent, opened, clicked]).astype(np.int64)
    kinds = np.repeat([0, 1, 2], [len(sent), len(opened), len(clicked)])
    send_at = midnight + 9 * 3600 * US
    ts = send_at + np.where(kinds == 0, 0, rng.integers(60, 12 * 3600, size=len(visitor)) * US)
    name = campaign.name if campaign else "newsletter"
    n = len(visitor)
    return _frame(
        n,
        ts,
        _pick(("email_sent", "email_opened", "email_clicked"), kinds),
        None,
        population.contacts[visitor],
        channel=pa.array(["email"] * n, pa.string()),
        utm_source=pa.array(["newsletter"] * n, pa.string()),
        utm_medium=pa.array(["email"] * n, pa.string()),
        utm_campaign=pa.array([name] * n, pa.string()),
    )


@dataclass(frozen=True)
class Visits:
    """One day's web sessions: per-visit arrays, and per-event ``visit`` and ``step`` indices."""

    channel: np.ndarray
    length: np.ndarray
    visitor: np.ndarray
    tagged: np.ndarray
    bot: np.ndarray
    visit: np.ndarray
    step: np.ndarray


def _visits(
    rng: np.random.Generator,
    population: Population,
    index: int,
    day: date,
    midnight: int,
    budget: int,
) -> pa.Table:
    """Web sessions filling ``budget`` events exactly: page views, clicks, sometimes a purchase."""
    active = [c for c in CAMPAIGNS if c.active(day)]
    channel, length = _visit_shapes(rng, active, budget)
    visit = np.repeat(np.arange(len(length)), length)
    visits = Visits(
        channel=channel,
        length=length,
        visitor=_visitors(rng, population, index, channel),
        tagged=_campaigns(rng, channel, active),
        bot=rng.random(len(length)) < 0.02,
        visit=visit,
        step=np.arange(len(visit)) - np.repeat(np.cumsum(length) - length, length),
    )
    # Crawlers get visitor ids of their own (never contacts) and never buy.
    visits.visitor[visits.bot] = population.visitors + np.arange(int(visits.bot.sum()))
    start = midnight + rng.choice(24, size=len(length), p=HOURS / HOURS.sum()) * 3600 * US
    start += rng.integers(0, 3600, size=len(length)) * US
    gaps = rng.exponential(70.0, size=len(visit)).astype(np.int64) * US
    ts = start[visit] + _within_visit(gaps, length)
    kind = _kinds(rng, visits, population, active)
    return _web_frame(rng, visits, population, index, active, kind, ts)


def _visit_shapes(
    rng: np.random.Generator, active: list[Campaign], budget: int
) -> tuple[np.ndarray, np.ndarray]:
    """Each visit's channel and number of events, the lengths summing to ``budget`` exactly."""
    mix = CHANNEL_MIX.copy()
    for campaign in active:
        for name in campaign.channels:
            mix[CHANNELS.index(name)] *= 1.8
    count = budget // 2 + 10
    channel = rng.choice(len(CHANNELS), size=count, p=mix / mix.sum())
    length = rng.geometric(0.45, size=count)
    while length.sum() < budget:
        length[rng.integers(0, count)] += 1
    ends = np.cumsum(length)
    count = int(np.searchsorted(ends, budget) + 1) if budget else 0
    channel, length = channel[:count], length[:count].copy()
    if count:
        length[-1] -= int(ends[count - 1] - budget)
    return channel, length


def _within_visit(gaps: np.ndarray, length: np.ndarray) -> np.ndarray:
    """Offsets of each event from its visit's start: a running sum of gaps restarted per visit."""
    running = np.cumsum(gaps)
    first = np.cumsum(length) - length
    offsets: np.ndarray = running - np.repeat(running[first], length)
    return offsets


def _visitors(
    rng: np.random.Generator, population: Population, index: int, channel: np.ndarray
) -> np.ndarray:
    """Skewed toward low ids (loyal visitors come back); email visits come from contacts.

    With probability ``AFFINITY`` a visit goes to a visitor whose profile favours its channel
    (the nearest id of that profile).
    """
    visitor = (population.visitors * rng.random(len(channel)) ** 2.5).astype(np.int64)
    keeps = rng.random(len(channel)) < AFFINITY
    snapped = visitor - visitor % len(PROFILES) + FAVOURITE[channel]
    visitor = np.where(keeps & (snapped < population.visitors), snapped, visitor)
    by_email = channel == CHANNELS.index("email")
    eligible = np.flatnonzero(population.known_from <= index)
    if len(eligible):
        visitor[by_email] = rng.choice(eligible, size=int(by_email.sum()))
        regulars = eligible[eligible % len(PROFILES) == FAVOURITE[CHANNELS.index("email")]]
        loyal = by_email & keeps
        if len(regulars):
            visitor[loyal] = rng.choice(regulars, size=int(loyal.sum()))
    return visitor


def _campaigns(rng: np.random.Generator, channel: np.ndarray, active: list[Campaign]) -> np.ndarray:
    """Index into ``active`` of the campaign each visit is tagged with, -1 for none."""
    tagged = np.full(len(channel), -1, dtype=np.int64)
    for position, campaign in enumerate(active):
        drives = np.isin(channel, [CHANNELS.index(c) for c in campaign.channels])
        tagged[drives & (tagged < 0) & (rng.random(len(channel)) < 0.7)] = position
    return tagged


def _kinds(
    rng: np.random.Generator, visits: Visits, population: Population, active: list[Campaign]
) -> np.ndarray:
    """0 page_view, 1 click, 2 purchase (the last event of a converting visit)."""
    lifts = np.array([c.conversion for c in active] + [1.0])
    loyal = np.where(visits.visitor < len(population.contacts), 1.5, 1.0)
    habits = PROFILE_CONVERSION[visits.visitor % len(PROFILES)]
    chance = CONVERSION[visits.channel] * lifts[visits.tagged] * loyal * habits
    converts = (rng.random(len(chance)) < chance) & (visits.length > 1) & ~visits.bot
    kind = np.where(rng.random(len(visits.visit)) < 0.15, 1, 0)
    kind[visits.step == 0] = 0
    last = visits.step == visits.length[visits.visit] - 1
    kind[last & converts[visits.visit]] = 2
    return kind


def _web_frame(
    rng: np.random.Generator,
    visits: Visits,
    population: Population,
    index: int,
    active: list[Campaign],
    kind: np.ndarray,
    ts: np.ndarray,
) -> pa.Table:
    n = len(visits.visit)
    per_visit = pa.array(visits.visit)
    source, medium, referrer = _origins(rng, visits.channel)
    purchase = kind == 2
    value = np.round(np.clip(rng.lognormal(np.log(120), 0.7, size=n), 15, 4000), 2)
    landing = [f"{SITE}{c.landing}" for c in active] + [None]
    visitor = visits.visitor[visits.visit]
    usual = PROFILE_PAGES[visitor % len(PROFILES), rng.integers(0, PROFILE_PAGES.shape[1], size=n)]
    pages = np.where(rng.random(n) < AFFINITY, usual, rng.integers(0, len(PAGES), size=n))
    page = pc.binary_join_element_wise(SITE, _pick(PAGES, pages), "")
    first = pa.array(visits.step == 0)
    tagged_landing = _pick(landing, visits.tagged[visits.visit])
    return _frame(
        n,
        ts,
        _pick(("page_view", "click", "purchase"), kind),
        visitor,
        _contact_of(population, visitor, index),
        session_id=_labels(f"s{index}-", visits.visit),
        channel=_pick(CHANNELS, visits.channel[visits.visit]),
        utm_source=pc.take(source, per_visit),
        utm_medium=pc.take(medium, per_visit),
        utm_campaign=_pick([c.name for c in active] + [None], visits.tagged[visits.visit]),
        url=pc.if_else(pc.and_(first, pc.is_valid(tagged_landing)), tagged_landing, page),
        referrer=pc.if_else(first, pc.take(referrer, per_visit), None),
        value=pa.array(value, pa.float64(), mask=~purchase),
        currency=pc.if_else(pa.array(purchase), "EUR", None),
        bot=pa.array(visits.bot[visits.visit]),
    )


def _origins(rng: np.random.Generator, channel: np.ndarray) -> tuple[pa.Array, pa.Array, pa.Array]:
    """utm_source, utm_medium and referrer of each visit, from its channel."""
    n = len(channel)
    social = rng.choice(len(SOCIAL_SOURCES), size=n, p=[0.55, 0.3, 0.15])
    three = rng.integers(0, 3, size=n)
    names = np.array(CHANNELS)[channel]
    source = np.select(
        [names == "paid", names == "social", names == "email"],
        ["google", np.array(SOCIAL_SOURCES)[social], "newsletter"],
        "",
    )
    medium = np.array([MEDIUM.get(str(name), "") for name in CHANNELS])[channel]
    referrer = np.select(
        [names == "search", names == "referral", names == "press", names == "social"],
        [
            np.array(SEARCH_REFERRERS)[three],
            np.array(REFERRERS)[three],
            np.array(PRESS)[three],
            np.char.add("https://www.", np.char.add(np.array(SOCIAL_SOURCES)[social], ".com/")),
        ],
        "",
    )
    return (_nullable(source), _nullable(medium), _nullable(referrer))


def _nullable(values: np.ndarray) -> pa.Array:
    array = pa.array(values.astype(str), pa.string())
    return pc.if_else(pc.equal(array, ""), None, array)


def _uuids(rng: np.random.Generator, n: int) -> pa.Array:
    """``n`` random version-4 UUID strings, built as bytes without a Python loop."""
    raw = rng.integers(0, 256, size=(n, 16), dtype=np.uint8)
    raw[:, 6] = (raw[:, 6] & 0x0F) | 0x40
    raw[:, 8] = (raw[:, 8] & 0x3F) | 0x80
    digits = np.frombuffer(b"0123456789abcdef", dtype=np.uint8)
    hexed = np.stack([digits[raw >> 4], digits[raw & 0x0F]], axis=2).reshape(n, 32)
    text = np.full((n, 36), ord("-"), dtype=np.uint8)
    positions = [i for i in range(36) if i not in (8, 13, 18, 23)]
    text[:, positions] = hexed
    offsets = np.arange(0, 36 * (n + 1), 36, dtype=np.int32)
    return pa.StringArray.from_buffers(n, pa.py_buffer(offsets), pa.py_buffer(text.tobytes()))


def _record_links(workspace: Workspace, population: Population, first: date) -> None:
    """Link each contact who browsed anonymously first to their visitor id."""
    late = np.flatnonzero(population.known_from > 0)
    links = {f"v-{slot}": int(population.contacts[slot]) for slot in late}
    at = datetime.combine(first, time(), tzinfo=UTC)
    stitch_identities(workspace, links, source="demo", now=at)
