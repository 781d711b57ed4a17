"""The identity provider's endpoints, read from its discovery document (cached per process).

`UPSWING_OIDC_ISSUER` names the provider; `{issuer}/.well-known/openid-configuration`
gives the authorization, token, userinfo and JWKS endpoints, so only the issuer, the client
id and its secret are configured.
"""

from __future__ import annotations

import functools

import requests
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

# mozilla-django-oidc's setting name -> the discovery document's key
ENDPOINTS = {
    "OIDC_OP_AUTHORIZATION_ENDPOINT": "authorization_endpoint",
    "OIDC_OP_TOKEN_ENDPOINT": "token_endpoint",  # nosec B105
    "OIDC_OP_USER_ENDPOINT": "userinfo_endpoint",
    "OIDC_OP_JWKS_ENDPOINT": "jwks_uri",
}


@functools.cache
def _document(issuer: str) -> dict:
    url = issuer.rstrip("/") + "/.well-known/openid-configuration"
    response = requests.get(url, timeout=10)
    response.raise_for_status()
    document = response.json()
    if document.get("issuer", "").rstrip("/") != issuer.rstrip("/"):
        raise ImproperlyConfigured(f"the discovery document at {url} names another issuer")
    return document


def endpoint(name: str) -> str:
    issuer = getattr(settings, "UPSWING_OIDC_ISSUER", "")
    if not issuer:
        raise ImproperlyConfigured("single sign-on is off: UPSWING_OIDC_ISSUER is not set")
    return _document(issuer)[ENDPOINTS[name]]


def forget() -> None:
    _document.cache_clear()
