"""The sign-in redirect to the provider (its endpoint from discovery) and the callback;
both are "not found" while single sign-on is off."""

from __future__ import annotations

from django.conf import settings
from django.http import Http404
from mozilla_django_oidc.views import OIDCAuthenticationCallbackView, OIDCAuthenticationRequestView

from upswing.sso.discovery import ENDPOINTS, endpoint


def _require_sso() -> None:
    if not getattr(settings, "UPSWING_OIDC_ISSUER", ""):
        raise Http404("Single sign-on is not set up here.")


class AuthenticateView(OIDCAuthenticationRequestView):
    @staticmethod
    def get_settings(attr, *args):
        if attr in ENDPOINTS:
            return endpoint(attr)
        return OIDCAuthenticationRequestView.get_settings(attr, *args)

    def dispatch(self, request, *args, **kwargs):
        _require_sso()
        return super().dispatch(request, *args, **kwargs)

    def __init__(self, *args, **kwargs):
        # The parent reads the endpoints here; while SSO is off there are none to read.
        if getattr(settings, "UPSWING_OIDC_ISSUER", ""):
            super().__init__(*args, **kwargs)
        else:
            super(OIDCAuthenticationRequestView, self).__init__(*args, **kwargs)


class CallbackView(OIDCAuthenticationCallbackView):
    def dispatch(self, request, *args, **kwargs):
        _require_sso()
        return super().dispatch(request, *args, **kwargs)
