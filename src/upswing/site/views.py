"""The web shell: the start page at the root and the sign-in pages."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth import views as auth_views

from upswing.today.views import start_page


def home(request):
    """Each role starts on its open work (upswing.today): sessions to acknowledge, findings to
    coach, evaluations to do, plans to review, systemic issues, program reports."""
    return start_page(request)


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
