"""Decorators that resolve the workspace in the URL and enforce the member's role on pages."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, Concatenate, ParamSpec

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse

from accord.accounts import queries as account_queries
from accord.accounts.access import WorkspaceAccess
from accord.accounts.models import User
from accord.accounts.roles import Perm

P = ParamSpec("P")
View = Callable[Concatenate[HttpRequest, WorkspaceAccess, P], HttpResponse]


def workspace_view(perm: Perm) -> Callable[[View[P]], Callable[..., HttpResponse]]:
    """Pass the view the caller's WorkspaceAccess for URL kwarg ``slug``.

    A non-member gets 404 (the workspace's existence is not revealed); a member whose role
    lacks ``perm`` gets 403.
    """

    def decorate(view: View[P]) -> Callable[..., HttpResponse]:
        @login_required
        @wraps(view)
        def wrapper(request: HttpRequest, slug: str, *args: Any, **kwargs: Any) -> HttpResponse:
            if not isinstance(request.user, User):
                raise PermissionDenied("Sign in first.")
            access = account_queries.access_for_user(request.user, slug)
            if access is None:
                raise Http404("No such workspace.")
            if not access.can(perm):
                raise PermissionDenied(perm.value)
            request.session["workspace"] = slug
            return view(request, access, *args, **kwargs)

        return wrapper

    return decorate
