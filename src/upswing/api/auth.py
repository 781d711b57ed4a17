"""How API callers sign in: a bearer token, or the browser's session with CSRF.

- `Authorization: Bearer <token>`: scripts and integrations. No CSRF (a token is not an
  ambient credential a browser sends by itself).
- The session cookie: the browser (and /api/docs). Unsafe methods need the CSRF token
  (`X-CSRFToken` header), as for the pages.

A request that sends an Authorization header is judged by that header alone; a request
without any valid credential gets 401, never a redirect to the sign-in page.
"""

from __future__ import annotations

from django.conf import settings
from ninja.security import APIKeyCookie, HttpBearer

from upswing.api.tokens import user_for_token


class BearerToken(HttpBearer):
    def authenticate(self, request, token: str):
        return user_for_token(token.strip())


class SessionWithCsrf(APIKeyCookie):
    """Django's session; CSRF checked (by ninja's APIKeyCookie) for signed-in users only,
    so an anonymous POST is a 401 like any anonymous call, not a CSRF 403."""

    param_name = settings.SESSION_COOKIE_NAME

    def __call__(self, request):
        if "Authorization" in request.headers:
            return None
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated or not user.is_active:
            return None
        return super().__call__(request)

    def authenticate(self, request, key):
        return request.user


API_AUTH = [BearerToken(), SessionWithCsrf()]
