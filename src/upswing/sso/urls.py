"""Single sign-on: the redirect to the provider and its callback (404 while SSO is off)."""

from django.urls import path

from upswing.sso.views import AuthenticateView, CallbackView

urlpatterns = [
    path("callback/", CallbackView.as_view(), name="oidc_authentication_callback"),
    path("authenticate/", AuthenticateView.as_view(), name="oidc_authentication_init"),
]
