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
from ninja.throttling import SimpleRateThrottle

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


class PerUserThrottle(SimpleRateThrottle):
    """At most `UPSWING_API_RATE` calls per user over its window (429 with Retry-After
    beyond), whether they come with a token or the session. Checked after authentication,
    so unauthenticated calls are simply 401."""

    scope = "user"

    def __init__(self):
        super().__init__(rate=settings.UPSWING_API_RATE)

    def allow_request(self, request) -> bool:
        self.rate = settings.UPSWING_API_RATE  # read per call: settings may change
        self.num_requests, self.duration = self.parse_rate(self.rate)
        return super().allow_request(request)

    def get_cache_key(self, request) -> str | None:
        user = getattr(request, "auth", None)
        if user is None or not getattr(user, "pk", None):
            return None
        return self.cache_format % {"scope": self.scope, "ident": user.pk}
