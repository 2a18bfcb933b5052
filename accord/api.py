"""The JSON API root: token auth, per-token rate limits and one error shape for every failure.

Every error answers ``{"error": {"code", "message", "fields"}}``.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import ObjectDoesNotExist, PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.security import HttpBearer

from accord.accounts import queries as account_queries
from accord.accounts.access import WorkspaceAccess
from accord.accounts.actions import touch_api_token
from accord.accounts.ratelimit import hit


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


api = NinjaAPI(
    title="Accord API",
    version="1",
    description="Contacts, companies, consent, timeline and imports. Authenticate with "
    "`Authorization: Bearer <token>` (create one with `accord tokens create`).",
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
            if part not in {"body", "query", "path", "payload"}
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
    return error_response(request, 401, "unauthenticated", "A valid API token is required.")


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
    return error_response(request, exc.status_code, "error", str(exc))


def access_of(request: HttpRequest) -> WorkspaceAccess:
    """The WorkspaceAccess that TokenAuth put on the request."""
    access = getattr(request, "auth", None)
    if not isinstance(access, WorkspaceAccess):
        raise PermissionDenied("No workspace access.")
    return access


# Domain routers register themselves here; each app owns its api.py.
from accord.contacts.api import router as contacts_router  # noqa: E402

api.add_router("/", contacts_router)
