"""Apply a signed-in person's preferred language before Django's LocaleMiddleware runs."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.utils import translation


class UserLanguageMiddleware:
    """Set the language cookie value from the user's preference, else leave the browser's.

    Note: reads ``request.session`` and, for a signed-in user, one query for the user row.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        from django.contrib.auth import get_user

        user = get_user(request)
        request._cached_user = user  # type: ignore[attr-defined]  # reused by AuthenticationMiddleware
        language = getattr(user, "language", "")
        if language:
            request.COOKIES["django_language"] = language
            translation.activate(language)
        return self.get_response(request)
