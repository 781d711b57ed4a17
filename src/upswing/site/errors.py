"""Error pages people can act on: what went wrong, why when it is theirs to know, and a way back.

Django calls these for 400, 403, 404 and 500 (`handler4xx` in site/urls.py) and for a failed
CSRF check (CSRF_FAILURE_VIEW). A refusal's reason — the message of the PermissionDenied an
action raised ("Only team leads and operations managers draft plans.") — is shown, never an
engine message or a server path. The 500 page is rendered without the request's context: it
must show when the database is what failed.
"""

from __future__ import annotations

from django.core.exceptions import DisallowedHost
from django.http import HttpResponse, HttpResponseServerError
from django.shortcuts import render
from django.template import loader
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.csrf import requires_csrf_token

FORBIDDEN_DEFAULT = "Your role does not allow this here."
CSRF_REASON = (
    "The form could not be accepted: it was open too long, you signed in or out in another "
    "tab, or it was not sent from this site. Go back, reload the page and send it again."
)
BAD_REQUEST_REASON = "The address or the form sent was not understood (it may be cut or altered)."


def _back_url(request) -> str:
    """The page the user came from, when it is on this site; else ""."""
    referer = request.META.get("HTTP_REFERER", "")
    if not referer:
        return ""
    try:
        host, here = request.get_host(), request.build_absolute_uri()
    except DisallowedHost:  # the very error a 400 page may be answering
        return ""
    safe = url_has_allowed_host_and_scheme(
        referer, allowed_hosts={host}, require_https=request.is_secure()
    )
    return referer if safe and referer != here else ""


def _page(request, status: int, title: str, reason: str) -> HttpResponse:
    context = {"title": title, "reason": reason, "back_url": _back_url(request), "status": status}
    return render(request, "site/error.html", context, status=status)


@requires_csrf_token
def bad_request(request, exception=None) -> HttpResponse:
    return _page(request, 400, "Bad request", BAD_REQUEST_REASON)


@requires_csrf_token
def permission_denied(request, exception=None) -> HttpResponse:
    """The refusal's own sentence when the code gave one (written for the user)."""
    reason = str(exception or "").strip() or FORBIDDEN_DEFAULT
    return _page(request, 403, "Not allowed", reason)


@requires_csrf_token
def page_not_found(request, exception=None) -> HttpResponse:
    # The same words for missing and forbidden: a 404 never tells which.
    return _page(request, 404, "Not found", "There is nothing here, or nothing you have access to.")


def server_error(request) -> HttpResponse:
    """No context processors, no session, no database: only the template and static files."""
    return HttpResponseServerError(loader.get_template("500.html").render({}))


def csrf_failure(request, reason: str = "") -> HttpResponse:
    return _page(request, 403, "Form expired", CSRF_REASON)
