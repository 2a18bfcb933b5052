"""What visitors' browsers reach, without signing in: the snippet, collect, pixel, links, forms.

None of these set a cookie. Cross-site requests are expected, so CSRF does not apply: there is
no session to ride on, and abuse is held back by per-address rate limits and a honeypot.
"""

from __future__ import annotations

import gzip
import logging
from functools import cache
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.utils import translation
from django.views.decorators.clickjacking import xframe_options_exempt
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods

from accord.accounts.ratelimit import hit as rate_hit
from accord.environment import env_bool, env_int
from accord.tracking import actions, queries
from accord.tracking.forms import SubmissionForm
from accord.tracking.hits import InvalidHit, Visitor, clean_url, contact_uid, parse_beacon
from accord.tracking.hits import parse_pixel as read_pixel
from accord.tracking.models import LeadForm, TrackingSite
from accord.tracking.origins import frame_ancestors, origin_allowed, url_allowed

logger = logging.getLogger(__name__)

STATIC = Path(__file__).resolve().parent / "static" / "tracking"
# The smallest transparent GIF: 1×1, one palette entry, 43 bytes.
GIF = (
    b"GIF89a\x01\x00\x01\x00\x80\x00\x00\x00\x00\x00\xff\xff\xff!\xf9\x04\x01\x00\x00\x00\x00"
    b",\x00\x00\x00\x00\x01\x00\x01\x00\x00\x02\x02D\x01\x00;"
)
NO_CACHE = "no-cache, no-store, must-revalidate, max-age=0"


def visitor_of(request: HttpRequest) -> Visitor:
    """The address and user agent of the browser behind ``request``.

    Behind a reverse proxy (ACCORD_BEHIND_PROXY), the first X-Forwarded-For address is used.
    """
    address = request.META.get("REMOTE_ADDR", "")
    forwarded = request.headers.get("X-Forwarded-For", "")
    if forwarded and _behind_proxy():
        address = forwarded.split(",", 1)[0].strip()
    return Visitor(ip=address, user_agent=request.headers.get("User-Agent", "")[:500])


def _behind_proxy() -> bool:
    configured = getattr(settings, "ACCORD_BEHIND_PROXY", None)
    return env_bool("ACCORD_BEHIND_PROXY", False) if configured is None else bool(configured)


def _setting(name: str, default: int) -> int:
    """A limit from Django settings when set there (tests), else from ``ACCORD_*`` in the env."""
    configured = getattr(settings, name, None)
    return env_int(name, default) if configured is None else int(configured)


# --- Scripts -------------------------------------------------------------------------------


@cache
def _script(name: str) -> tuple[bytes, bytes]:
    raw = (STATIC / name).read_bytes()
    return raw, gzip.compress(raw, mtime=0)


def _serve_script(request: HttpRequest, name: str) -> HttpResponse:
    raw, packed = _script(name)
    gzipped = "gzip" in request.headers.get("Accept-Encoding", "")
    response = HttpResponse(packed if gzipped else raw, content_type="text/javascript")
    if gzipped:
        response["Content-Encoding"] = "gzip"
    response["Vary"] = "Accept-Encoding"
    response["Cache-Control"] = "public, max-age=3600"
    response["Cross-Origin-Resource-Policy"] = "cross-origin"
    return response


@require_GET
def snippet(request: HttpRequest) -> HttpResponse:
    """Serve the tracking snippet (t.js), gzipped when the browser accepts it."""
    return _serve_script(request, "t.js")


@require_GET
def form_embed(request: HttpRequest) -> HttpResponse:
    """Serve the script that embeds a lead form in an auto-sized iframe (f.js)."""
    return _serve_script(request, "f.js")


# --- Collect -------------------------------------------------------------------------------


def _cors(response: HttpResponse, origin: str) -> HttpResponse:
    response["Access-Control-Allow-Origin"] = origin
    response["Access-Control-Allow-Methods"] = "POST, OPTIONS"
    response["Access-Control-Allow-Headers"] = "Content-Type"
    response["Access-Control-Max-Age"] = "86400"
    return response


def _vary(response: HttpResponse) -> HttpResponse:
    response["Vary"] = "Origin"
    response["Cache-Control"] = "no-store"
    return response


def _refused(reason: str, site_key: str, status: int) -> HttpResponse:
    site = queries.site_by_key(site_key)
    if site is not None:
        actions.record_rejection(site.workspace, reason)
    return _vary(HttpResponse(status=status))


def _opted_out(request: HttpRequest) -> bool:
    return request.headers.get("DNT") == "1" or request.headers.get("Sec-GPC") == "1"


def _allowed(site: TrackingSite, origin: str, url: str) -> bool:
    domains = site.allowed_domains
    return (not origin or origin_allowed(origin, domains)) and url_allowed(url, domains)


@csrf_exempt
@require_http_methods(["POST", "OPTIONS"])
def collect(request: HttpRequest) -> HttpResponse:
    """Receive one snippet beacon; 202 once durable, with CORS only for allowed origins.

    400 bad input, 403 origin or page not allowed, 429 too many from this address, 204 when
    the browser asks not to be tracked (nothing stored).
    """
    origin = request.headers.get("Origin", "")
    if request.method == "OPTIONS":
        known = bool(origin) and queries.origin_known(origin)
        return _vary(_cors(HttpResponse(status=204), origin) if known else HttpResponse(status=403))
    visitor = visitor_of(request)
    limit = _setting("ACCORD_TRACKING_RATE_LIMIT", 120)
    if not rate_hit(f"track:{visitor.ip}", limit).allowed:
        return _vary(HttpResponse(status=429))
    try:
        site_key, beacon = parse_beacon(request.body)
    except InvalidHit as exc:
        return _refused(f"invalid:{exc.reason}", exc.site_key, 400)
    site = queries.site_by_key(site_key)
    if site is None:
        return _vary(HttpResponse(status=400))
    if not _allowed(site, origin, beacon.url):
        return _refused("origin", site_key, 403)
    if _opted_out(request):
        return _vary(_cors(HttpResponse(status=204), origin))
    result = actions.ingest_hit(site, beacon, visitor, source="snippet")
    status = 400 if result.rejected else 202
    return _vary(
        _cors(HttpResponse(status=status), origin) if origin else HttpResponse(status=status)
    )


# --- Pixel ---------------------------------------------------------------------------------


def _gif() -> HttpResponse:
    response = HttpResponse(GIF, content_type="image/gif")
    response["Cache-Control"] = NO_CACHE
    response["Pragma"] = "no-cache"
    response["Expires"] = "0"
    response["Cross-Origin-Resource-Policy"] = "cross-origin"
    return response


@require_GET
def pixel(request: HttpRequest) -> HttpResponse:
    """Log an email open (or another pixel kind) and always answer the 43-byte GIF.

    Bad input for a known site key is counted as refused; an unknown key is ignored.
    """
    try:
        site_key, pixel_hit = read_pixel(request.GET)
    except InvalidHit as exc:
        _refused(f"invalid:{exc.reason}", exc.site_key, 400)
        return _gif()
    site = queries.site_by_key(site_key)
    if site is not None:
        try:
            actions.ingest_hit(site, pixel_hit, visitor_of(request), source="pixel")
        except Exception:
            logger.exception("Could not store a pixel hit for site %s", site_key)
    return _gif()


# --- Links ---------------------------------------------------------------------------------


@require_GET
def follow_link(request: HttpRequest, code: str) -> HttpResponse:
    """Log a click on a tracked link and redirect (302) to its stored destination with UTMs."""
    link = queries.link_by_code(code)
    if link is None:
        raise Http404("No such link.")
    target = actions.follow_link(
        link,
        visitor_of(request),
        referrer=clean_url(request.headers.get("Referer")),
        contact_uid=contact_uid(request.GET.get("c")),
    )
    response = HttpResponseRedirect(target)
    response["Cache-Control"] = "no-store"
    response["Referrer-Policy"] = "no-referrer-when-downgrade"
    return response


# --- Lead forms ----------------------------------------------------------------------------


def _language(request: HttpRequest, form: LeadForm) -> str:
    asked = request.POST.get("lang") or request.GET.get("lang") or ""
    return asked if asked in {"fr", "en"} else form.language


def _page(
    request: HttpRequest, lead_form: LeadForm, template: str, status: int = 200, **context: object
) -> HttpResponse:
    context = {"lead_form": lead_form, "language": translation.get_language(), **context}
    return render(request, f"tracking/{template}", context, status=status)


def _done(request: HttpRequest, form: LeadForm, language: str) -> HttpResponse:
    if form.redirect_url:
        response = HttpResponseRedirect(form.redirect_url)
        response.status_code = 303
        return response
    return _page(request, form, "form_done.html", message=form.success_message(language))


def _submit(request: HttpRequest, form: LeadForm, language: str) -> HttpResponse:
    properties = queries.property_targets(form.workspace)
    visitor = visitor_of(request)
    limit = _setting("ACCORD_FORM_RATE_LIMIT", 10)
    bound = SubmissionForm(form, language, properties, data=request.POST)
    if not rate_hit(f"form:{visitor.ip}", limit, window=600).allowed:
        return _page(request, form, "form_public.html", 429, form=bound, limited=True)
    if bound.is_bot:
        actions.count_bot_submission(form)
        return _done(request, form, language)
    if not bound.is_valid():
        return _page(request, form, "form_public.html", 400, form=bound)
    try:
        actions.submit_lead_form(form, bound.to_submission(visitor))
    except ValidationError as exc:
        bound.add_action_errors(exc)
        return _page(request, form, "form_public.html", 400, form=bound)
    return _done(request, form, language)


@csrf_exempt
@xframe_options_exempt
@require_http_methods(["GET", "POST"])
def lead_form(request: HttpRequest, public_id: str) -> HttpResponse:
    """Show a lead form (frameable by the site's allowed domains) or take a submission.

    GET ``?lang=fr|en`` picks the language, ``?aid=`` the consented first-party id and ``?u=``
    the page that embeds the form. Errors re-render the form (400); too many submissions from
    one address answer 429; a filled honeypot looks accepted but stores nothing.
    """
    form = queries.form_by_public_id(public_id)
    if form is None:
        raise Http404("No such form.")
    language = _language(request, form)
    with translation.override(language):
        if request.method == "POST":
            response = _submit(request, form, language)
        else:
            initial = {
                "aid": request.GET.get("aid", "")[:64],
                "page": clean_url(request.GET.get("u")),
                "lang": language,
            }
            properties = queries.property_targets(form.workspace)
            bound = SubmissionForm(form, language, properties, initial=initial)
            response = _page(request, form, "form_public.html", form=bound)
    site = queries.site_for(form.workspace)
    response["Content-Security-Policy"] = frame_ancestors(site.allowed_domains if site else [])
    response["Content-Language"] = language
    return response
