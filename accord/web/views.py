"""Pages that belong to no domain: sign-in, home, language, audit log, health."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from accord.accounts import actions as account_actions
from accord.accounts import queries as account_queries
from accord.accounts.access import WorkspaceAccess
from accord.accounts.models import User
from accord.accounts.ratelimit import hit
from accord.accounts.roles import Perm
from accord.web.guards import workspace_view
from accord.web.health import health


class LoginView(auth_views.LoginView):
    """Django's sign-in, limited to ACCORD_LOGIN_RATE_LIMIT POSTs a minute per address."""

    template_name = "web/login.html"
    redirect_authenticated_user = True

    def post(self, request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
        address = request.META.get("REMOTE_ADDR", "unknown")
        if not hit(f"login:{address}", settings.ACCORD_LOGIN_RATE_LIMIT).allowed:
            form = self.get_form()
            form.add_error(None, _("Too many sign-in attempts. Wait a minute and try again."))
            return self.render_to_response(self.get_context_data(form=form), status=429)
        return super().post(request, *args, **kwargs)


def home(request: HttpRequest) -> HttpResponse:
    """Send a signed-in person to their last (or first) workspace's contacts."""
    if not isinstance(request.user, User):
        return redirect("web:login")
    memberships = list(account_queries.memberships_of(request.user))
    if not memberships:
        return render(request, "web/no_workspace.html")
    slug = request.session.get("workspace")
    if slug not in {m.workspace.slug for m in memberships}:
        slug = memberships[0].workspace.slug
    return redirect("contacts:list", slug=slug)


@require_POST
def set_language(request: HttpRequest) -> HttpResponse:
    """Switch the interface language, remembered on the user and in a cookie."""
    language = request.POST.get("language", "")
    if language not in dict(settings.LANGUAGES):
        language = settings.LANGUAGE_CODE
    if isinstance(request.user, User):
        account_actions.set_user_language(request.user, language)
    target = request.POST.get("next", "/")
    if not url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        target = "/"
    response = HttpResponseRedirect(target)
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME, language, max_age=365 * 24 * 3600, samesite="Lax"
    )
    translation.activate(language)
    return response


@workspace_view(Perm.AUDIT_VIEW)
def audit(request: HttpRequest, access: WorkspaceAccess) -> HttpResponse:
    """The workspace's audit log, 50 entries a page (owners only)."""
    page = Paginator(account_queries.audit_log(access.workspace), 50).get_page(
        request.GET.get("page")
    )
    return render(request, "web/audit.html", {"page": page, "workspace": access.workspace})


@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """Database, worker and disk status; 503 when any is down."""
    report = health()
    return JsonResponse(report, status=200 if report["status"] == "ok" else 503)


def switch_workspace(request: HttpRequest) -> HttpResponse:
    """Go to the chosen workspace (the switcher's target); unknown slugs fall back home."""
    slug = request.GET.get("workspace", "")
    if isinstance(request.user, User) and account_queries.access_for_user(request.user, slug):
        request.session["workspace"] = slug
        return redirect(reverse("contacts:list", kwargs={"slug": slug}))
    messages.error(request, _("You are not a member of that workspace."))
    return redirect("web:home")
