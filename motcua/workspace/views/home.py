"""Sign-in, the landing page that fits the role, the site switcher."""

from __future__ import annotations

from django.contrib.auth import views as auth_views
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse, reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from motcua.accounts.policy import ENDED
from motcua.workspace.desk import SESSION_SITE, desk_for, staff_view


class LoginView(auth_views.LoginView):
    template_name = "workspace/login.html"
    redirect_authenticated_user = True

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        ended = self.request.session.pop(ENDED, None)
        if ended == "idle":
            context["session_ended"] = _("You were signed out after a while without activity.")
        elif ended:
            context["session_ended"] = _("Your session reached its longest time: sign in again.")
        return context


class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "workspace/password_change.html"
    success_url = reverse_lazy("workspace:password_done")


class PasswordChangeDoneView(auth_views.PasswordChangeDoneView):
    template_name = "workspace/password_done.html"


def landing_url(request: HttpRequest) -> str:
    """Where a person's day starts: the counter, the inbox or a dashboard."""
    desk = request.desk
    if desk.is_officer:
        return reverse("workspace:counter")
    if desk.is_agency:
        return reverse("workspace:inbox")
    if desk.heads_branch:
        return reverse("workspace:branch_dashboard")
    if not desk.sees_all:  # former staff: the dossiers they handled
        return reverse("workspace:dossiers")
    return reverse("workspace:center_dashboard")


@staff_view
def home(request: HttpRequest) -> HttpResponse:
    return redirect(landing_url(request))


@require_POST
@staff_view
def switch_site(request: HttpRequest) -> HttpResponse:
    """Sit at another of one's sites for the rest of the session."""
    wanted = request.POST.get("site", "")
    site = next((s for s in request.desk.sites if s.code == wanted), None)
    if site is not None:
        request.session[SESSION_SITE] = site.pk
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(target, {request.get_host()}):
        target = reverse("workspace:home")
    return redirect(target)


__all__ = ["desk_for"]
