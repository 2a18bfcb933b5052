"""The domains a site allows: how they are written, which origins match, how frames are allowed.

A domain is a host name, optionally with a port (``localhost:8000``) and optionally starting
with ``*.`` to allow every sub-domain (``*.example.org`` also allows ``example.org``).
``example.org`` and ``www.example.org`` allow each other.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from urllib.parse import urlsplit

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

DOMAIN = re.compile(r"^(\*\.)?([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)*[a-z0-9-]{1,63}(:\d{1,5})?$")
MAX_DOMAINS = 50


def normalise_domain(raw: str) -> str:
    """Turn 'https://www.Example.org/page' into 'www.example.org'; raise ValidationError if bad."""
    value = raw.strip().lower()
    if "://" in value:
        value = urlsplit(value).netloc
    value = value.split("/", 1)[0].rstrip(".")
    if not DOMAIN.match(value):
        raise ValidationError(_("%(value)s is not a domain name.") % {"value": raw.strip()})
    return value


def normalise_domains(raw: Iterable[str]) -> list[str]:
    """Normalise, de-duplicate and sort a list of domains; raise one error naming every bad one."""
    domains: set[str] = set()
    errors: list[str] = []
    for item in raw:
        if not item.strip():
            continue
        try:
            domains.add(normalise_domain(item))
        except ValidationError as exc:
            errors.extend(exc.messages)
    if len(domains) > MAX_DOMAINS:
        errors.append(_("List at most %(n)d domains.") % {"n": MAX_DOMAINS})
    if errors:
        raise ValidationError(errors)
    return sorted(domains)


def host_allowed(netloc: str, domains: Sequence[str]) -> bool:
    """Tell whether a ``host[:port]`` matches one of the allowed domains."""
    host = netloc.lower()
    for domain in domains:
        if domain.startswith("*."):
            if host == domain[2:] or host.endswith(domain[1:]):
                return True
        elif host.removeprefix("www.") == domain.removeprefix("www."):
            return True
    return False


def origin_allowed(origin: str, domains: Sequence[str]) -> bool:
    """Tell whether a browser ``Origin`` header (``https://host[:port]``) is allowed."""
    try:
        parts = urlsplit(origin)
    except ValueError:
        return False
    return parts.scheme in {"http", "https"} and host_allowed(parts.netloc, domains)


def url_allowed(url: str, domains: Sequence[str]) -> bool:
    """Tell whether the page ``url`` an event was sent from is on an allowed domain."""
    return origin_allowed(url, domains)


def frame_ancestors(domains: Sequence[str]) -> str:
    """The CSP header value that lets the allowed domains (and Accord itself) frame a page."""
    sources = ["'self'"]
    for domain in domains:
        bare = domain.removeprefix("www.")
        hosts = [bare] if bare.startswith("*.") else [bare, f"www.{bare}"]
        sources.extend(f"{scheme}://{host}" for host in hosts for scheme in ("https", "http"))
    return "frame-ancestors " + " ".join(sources)
