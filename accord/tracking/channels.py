"""Where a visit comes from (search, social, email, paid, referral, direct) and who is a bot."""

from __future__ import annotations

import re
from collections.abc import Mapping
from urllib.parse import urlsplit

from accord.warehouse.events import is_bot_agent

SEARCH_HOSTS = re.compile(
    r"(^|\.)(google|bing|duckduckgo|qwant|ecosia|yahoo|yandex|baidu|startpage|lilo|"
    r"search\.brave|kagi|ask|naver|seznam)\.[a-z.]+$"
)
SOCIAL_HOSTS = re.compile(
    r"(^|\.)(facebook\.com|fb\.me|instagram\.com|t\.co|twitter\.com|x\.com|linkedin\.com|"
    r"lnkd\.in|youtube\.com|youtu\.be|tiktok\.com|pinterest\.[a-z.]+|reddit\.com|"
    r"threads\.net|bsky\.app|mastodon\.social|snapchat\.com|whatsapp\.com|telegram\.org)$"
)
WEBMAIL_HOSTS = re.compile(
    r"(^|\.)(mail\.google\.com|outlook\.live\.com|outlook\.office\.com|mail\.yahoo\.com|"
    r"webmail\.[a-z0-9.-]+|mail\.proton\.me|mail\.orange\.fr|mail\.free\.fr)$"
)
PAID_MEDIUMS = frozenset(
    {"cpc", "ppc", "cpm", "cpv", "paid", "paidsearch", "paid_search", "paid-social",
     "paid_social", "paidsocial", "display", "banner", "ad", "ads", "retargeting"}
)  # fmt: skip
SOCIAL_MEDIUMS = frozenset({"social", "social-network", "social_network", "sm", "social-media"})
EMAIL_MEDIUMS = frozenset({"email", "e-mail", "e_mail", "newsletter", "mail"})
CLICK_IDS = ("gclid", "gbraid", "wbraid", "fbclid", "msclkid", "ttclid", "li_fat_id")


def is_bot(user_agent: str) -> bool:
    """Tell whether a user agent is a crawler, a monitor, a script or a headless browser.

    An empty user agent counts as a bot: every real browser sends one.
    """
    return not user_agent.strip() or is_bot_agent(user_agent)


def host_of(url: str) -> str:
    """The lower-cased host of ``url`` without port or ``www.``; '' for a malformed URL."""
    try:
        host = (urlsplit(url).hostname or "").lower()
    except ValueError:
        return ""
    return host.removeprefix("www.")


def channel_for(utms: Mapping[str, str], referrer: str, own_host: str, *, click_id: bool) -> str:
    """Classify a visit by its UTM tags first, an ad click id next, then its referrer's host.

    A referrer on the visited site itself (``own_host``) counts as direct.
    """
    tagged = _channel_from_utms(utms)
    if tagged:
        return tagged
    if click_id:
        return "paid"
    host = host_of(referrer)
    if not host or host == host_of(f"//{own_host}"):
        return "direct"
    if SEARCH_HOSTS.search(host):
        return "search"
    if SOCIAL_HOSTS.search(host):
        return "social"
    if WEBMAIL_HOSTS.search(host):
        return "email"
    return "referral"


def _channel_from_utms(utms: Mapping[str, str]) -> str:
    medium = utms.get("utm_medium", "").strip().lower()
    source = utms.get("utm_source", "").strip().lower()
    if medium in PAID_MEDIUMS:
        return "paid"
    if medium in EMAIL_MEDIUMS or source in EMAIL_MEDIUMS:
        return "email"
    if medium in SOCIAL_MEDIUMS or (source and SOCIAL_HOSTS.search(f"{source}.com")):
        return "social"
    if medium == "organic":
        return "search"
    if medium or source:
        return "referral"
    return ""
