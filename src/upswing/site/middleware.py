"""Response headers Django 5.2 does not set by itself."""

from __future__ import annotations

import os

from django.conf import settings
from whitenoise.middleware import WhiteNoiseMiddleware


class ContentSecurityPolicyMiddleware:
    """Adds the Content-Security-Policy from settings to every response that lacks one.

    Pages load scripts and styles only from our static files; nothing inline, no CDN.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        policy = getattr(settings, "CONTENT_SECURITY_POLICY", "")
        # Django's technical error pages (DEBUG only) are styled inline; let them render.
        debug_page = settings.DEBUG and response.status_code >= 500
        if policy and not debug_page and "Content-Security-Policy" not in response:
            response["Content-Security-Policy"] = policy
        return response


class StaticFilesMiddleware(WhiteNoiseMiddleware):
    """WhiteNoise, quiet when `collectstatic` has not been run (files then come from the apps).

    A self-hosted install works straight after `upswing init`; STATIC_ROOT only matters once
    someone collects the files for a separate web server.
    """

    def add_files(self, root, prefix=None):
        if str(root) == str(settings.STATIC_ROOT) and not os.path.isdir(root):
            return
        super().add_files(root, prefix=prefix)


class ControlCharactersMiddleware:
    """A query parameter holding a NUL or another control character is a bad request (400).

    No id, filter or search term contains one; passed on, a NUL reaches the database or the
    warehouse, where PostgreSQL refuses it with an error (a 500). Tabs and line breaks are
    allowed (a pasted search term may carry them). Form fields are checked by Django's own
    `ProhibitNullCharactersValidator`.
    """

    BAD = frozenset(chr(c) for c in [*range(0, 9), 11, 12, *range(14, 32), 127])

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        for key, values in request.GET.lists():
            for text in (key, *values):
                if self.BAD.intersection(text):
                    return self._refuse(request, key)
        return self.get_response(request)

    def _refuse(self, request, key: str):
        from django.shortcuts import render

        name = "".join(ch if ch not in self.BAD else "?" for ch in key)[:50]
        message = f"The parameter “{name}” holds a control character (such as NUL): remove it."
        if request.path.startswith("/api/"):
            from django.http import JsonResponse

            return JsonResponse({"detail": message}, status=400)
        return render(request, "site/bad_request.html", {"message": message}, status=400)
