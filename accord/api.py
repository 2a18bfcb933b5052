"""The JSON API root: token auth, per-token rate limits, cursor pages and one error shape.

Every error answers ``{"error": {"code", "message", "fields"}}``, including unknown paths,
wrong methods, unparsable bodies, oversized bodies and unexpected server errors.
"""

import base64
import binascii
import json
import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from functools import wraps
from typing import Any, Generic, TypeVar

from django.conf import settings
from django.core.exceptions import (
    ObjectDoesNotExist,
    PermissionDenied,
    RequestDataTooBig,
    SuspiciousOperation,
    ValidationError,
)
from django.db import models
from django.db.models import Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.http.response import HttpResponseBase
from django.urls import URLPattern, URLResolver, re_path
from django.views.decorators.csrf import csrf_exempt
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.security import HttpBearer

from accord.accounts import queries as account_queries
from accord.accounts.access import WorkspaceAccess
from accord.accounts.actions import touch_api_token
from accord.accounts.ratelimit import hit

logger = logging.getLogger(__name__)

M = TypeVar("M", bound=models.Model)

HTTP_ERROR_CODES = {
    400: "bad_request",
    401: "unauthenticated",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    413: "too_large",
    429: "rate_limited",
}


class RateLimited(Exception):
    def __init__(self, reset_in: int) -> None:
        super().__init__("rate limited")
        self.reset_in = reset_in


class TokenAuth(HttpBearer):
    """Bearer token → WorkspaceAccess (stored on ``request.auth``), rate-limited per token."""

    def authenticate(self, request: HttpRequest, token: str) -> WorkspaceAccess | None:
        access = account_queries.access_for_token(token)
        if access is None or access.actor.token is None:
            return None
        limit = hit(f"api:{access.actor.token.pk}", settings.ACCORD_API_RATE_LIMIT)
        if not limit.allowed:
            raise RateLimited(limit.reset_in)
        touch_api_token(access.actor.token)
        return access


class AccordAPI(NinjaAPI):
    """A NinjaAPI whose unknown paths and wrong methods also answer in the error shape."""

    def _get_urls(self) -> list[URLResolver | URLPattern]:
        urls = super()._get_urls()
        for url in urls:
            if isinstance(url, URLPattern):
                url.callback = _shaped_not_allowed(url.callback)
        return [*urls, re_path(r"^.*$", csrf_exempt(self._unknown_path))]

    def _unknown_path(self, request: HttpRequest) -> HttpResponse:
        return error_response(request, 404, "not_found", f"No API endpoint at {request.path}.")


def _shaped_not_allowed(view: Callable[..., HttpResponseBase]) -> Callable[..., HttpResponseBase]:
    """Wrap a ninja path view so that its 405 answer keeps the Allow header and the error shape."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        response = view(request, *args, **kwargs)
        if not isinstance(response, HttpResponseNotAllowed):
            return response
        shaped = error_response(
            request, 405, "method_not_allowed", f"{request.method} is not allowed here."
        )
        shaped["Allow"] = response["Allow"]
        return shaped

    return wrapper


api = AccordAPI(
    title="Accord API",
    version="1",
    description="Contacts, companies, consent, timeline and imports. Authenticate with "
    "`Authorization: Bearer <token>` (create one with `accord tokens create`). Lists are "
    "cursor-paginated: pass the `next_cursor` of one page as `cursor` to get the next. "
    'Every error answers `{"error": {"code", "message", "fields"}}`, where `fields` maps a '
    "field name (e.g. `email`, `properties.size`, `cursor`) to its messages.",
    auth=TokenAuth(),
    urls_namespace="api",
    openapi_url="/openapi.json",
    docs_url="/docs",
)


def error_response(
    request: HttpRequest, status: int, code: str, message: str, fields: dict[str, Any] | None = None
) -> HttpResponse:
    """Answer with Accord's single error shape."""
    return api.create_response(
        request,
        {"error": {"code": code, "message": message, "fields": fields or {}}},
        status=status,
    )


def _ninja_fields(errors: list[dict[str, Any]]) -> dict[str, list[str]]:
    fields: dict[str, list[str]] = {}
    for err in errors:
        loc = [
            str(part)
            for part in err.get("loc", [])
            if part not in {"body", "query", "path", "payload", "filters", "form", "file"}
        ]
        fields.setdefault(".".join(loc) or "body", []).append(str(err.get("msg", "invalid")))
    return fields


@api.exception_handler(NinjaValidationError)
def on_schema_error(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
    return error_response(
        request, 422, "invalid", "The request is invalid.", _ninja_fields(exc.errors)
    )


@api.exception_handler(ValidationError)
def on_validation_error(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    fields = exc.message_dict if hasattr(exc, "error_dict") else {"__all__": exc.messages}
    return error_response(request, 422, "invalid", "The request is invalid.", fields)


@api.exception_handler(AuthenticationError)
def on_auth_error(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    response = error_response(request, 401, "unauthenticated", "A valid API token is required.")
    response["WWW-Authenticate"] = "Bearer"
    return response


@api.exception_handler(PermissionDenied)
def on_permission_denied(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
    return error_response(request, 403, "forbidden", str(exc) or "Your role does not allow this.")


@api.exception_handler(ObjectDoesNotExist)
def on_missing(request: HttpRequest, exc: ObjectDoesNotExist) -> HttpResponse:
    return error_response(request, 404, "not_found", "Not found.")


@api.exception_handler(Http404)
def on_404(request: HttpRequest, exc: Http404) -> HttpResponse:
    return error_response(request, 404, "not_found", str(exc) or "Not found.")


@api.exception_handler(RateLimited)
def on_rate_limited(request: HttpRequest, exc: RateLimited) -> HttpResponse:
    response = error_response(request, 429, "rate_limited", "Too many requests for this token.")
    response["Retry-After"] = str(exc.reset_in)
    return response


@api.exception_handler(HttpError)
def on_http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    code = HTTP_ERROR_CODES.get(exc.status_code, "error")
    return error_response(request, exc.status_code, code, str(exc))


@api.exception_handler(RequestDataTooBig)
def on_too_big(request: HttpRequest, exc: RequestDataTooBig) -> HttpResponse:
    limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    message = f"The request body is larger than {limit} bytes."
    return error_response(request, 413, "too_large", message)


@api.exception_handler(SuspiciousOperation)
def on_suspicious(request: HttpRequest, exc: SuspiciousOperation) -> HttpResponse:
    return error_response(request, 400, "bad_request", "The request could not be read.")


@api.exception_handler(Exception)
def on_unexpected(request: HttpRequest, exc: Exception) -> HttpResponse:
    logger.error("Unexpected API error on %s %s", request.method, request.path, exc_info=exc)
    return error_response(request, 500, "server_error", "Something went wrong on our side.")


def access_of(request: HttpRequest) -> WorkspaceAccess:
    """The WorkspaceAccess that TokenAuth put on the request."""
    access = getattr(request, "auth", None)
    if not isinstance(access, WorkspaceAccess):
        raise PermissionDenied("No workspace access.")
    return access


@dataclass(frozen=True)
class Page(Generic[M]):
    """One page of a keyset-paginated list; ``next_cursor`` is None on the last page."""

    items: list[M]
    next_cursor: str | None


INVALID_CURSOR = "Invalid cursor: pass the next_cursor of a previous page unchanged."


def paginate(qs: QuerySet[M], cursor: str | None, limit: int, key: str = "-created_at") -> Page[M]:
    """Return up to ``limit`` rows after ``cursor``, ordered by ``key`` then by id.

    The cursor holds the last row's (key, id), so rows inserted between two calls neither
    repeat nor shift later pages. A cursor that does not decode raises ValidationError on
    ``cursor``. ``key`` is one datetime or text field, "-" for descending order.
    """
    field = key.lstrip("-")
    newer = "lt" if key.startswith("-") else "gt"
    qs = qs.order_by(key, key.replace(field, "pk"))
    if cursor:
        value, pk = _decode_cursor(cursor, field, qs.model)
        qs = qs.filter(Q(**{f"{field}__{newer}": value}) | Q(**{field: value, f"pk__{newer}": pk}))
    rows = list(qs[: limit + 1])
    if len(rows) <= limit:
        return Page(rows, None)
    last = rows[limit - 1]
    return Page(rows[:limit], _encode_cursor(field, getattr(last, field), last.pk))


def _encode_cursor(field: str, value: Any, pk: Any) -> str:
    text = value.isoformat() if isinstance(value, datetime) else str(value)
    raw = json.dumps([field, text, pk], separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _decode_cursor(cursor: str, field: str, model: type[models.Model]) -> tuple[Any, int]:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        name, text, pk = json.loads(raw)
        if name != field or not isinstance(text, str) or type(pk) is not int:
            raise ValueError("not a cursor of this list")
        value: Any = text
        if isinstance(model._meta.get_field(field), models.DateTimeField):
            value = datetime.fromisoformat(text)
            if value.tzinfo is None:
                raise ValueError("naive datetime")
    except (binascii.Error, ValueError, TypeError):
        raise ValidationError({"cursor": [INVALID_CURSOR]}) from None
    return value, pk


# Domain routers register themselves here; each app owns its api.py.
from accord.contacts.api import router as contacts_router  # noqa: E402

api.add_router("/", contacts_router)

from accord.warehouse.api import router as warehouse_router  # noqa: E402

api.add_router("/", warehouse_router)

from accord.segments.api import router as segments_router  # noqa: E402

api.add_router("/", segments_router)

from accord.segments.insight_api import router as segment_insights_router  # noqa: E402

api.add_router("/", segment_insights_router)

from accord.listening.api import router as listening_router  # noqa: E402

api.add_router("/", listening_router)

from accord.crisis.api import router as crisis_router  # noqa: E402

api.add_router("/", crisis_router)
