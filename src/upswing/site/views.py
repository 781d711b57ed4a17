"""The web shell: the landing redirect and the sign-in pages."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from upswing.org.access import landing_of

LANDING_URL_NAMES = {
    "agent": "performance:agent",
    "team": "performance:team",
    "program": "performance:program",
}


@login_required
@never_cache
@require_safe
def home(request):
    """Each role starts where its work is: an agent on their own page, a lead on their team,
    a manager on their program, a client viewer on their program report."""
    landing = landing_of(request.user)
    if landing is None:
        return render(request, "site/no_access.html")
    kind, code = landing
    return redirect(LANDING_URL_NAMES[kind], code=code)


class LoginView(auth_views.LoginView):
    template_name = "registration/login.html"
    redirect_authenticated_user = True

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["failure_limit"] = settings.AXES_FAILURE_LIMIT
        context["cooloff_minutes"] = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
        return context


class LogoutView(auth_views.LogoutView):
    """POST only (Django 5): a link or an image tag cannot sign anyone out."""

    def post(self, request, *args, **kwargs):
        response = super().post(request, *args, **kwargs)
        # Clear cached pages and storage of people's numbers from the browser (ASVS 14.3.1).
        response["Clear-Site-Data"] = '"cache", "storage"'
        return response
