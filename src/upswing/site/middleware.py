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
