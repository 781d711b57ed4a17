"""Single sign-on's two URLs in the permission matrix: not found while SSO is off (the
suite's settings); tests/sso/test_oidc.py signs in through a local provider."""

from __future__ import annotations


def _off(_persona: str, _code: str) -> int:
    return 404


ROUTES = {
    "oidc_authentication_init": ([("/oidc/authenticate/", "")], _off),
    "oidc_authentication_callback": ([("/oidc/callback/", "")], _off),
}
