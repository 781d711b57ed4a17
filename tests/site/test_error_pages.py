"""Error pages: styled like every page, saying why, with a way back; the 500 page needs no
database and no request context."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser
from django.test import Client, RequestFactory

from upswing.site import errors, urls

pytestmark = pytest.mark.django_db

STYLED = '<link rel="stylesheet" href="/static/upswing/site.css">'


def _text(response) -> str:
    return response.content.decode()


def test_a_refusal_shows_its_reason_and_a_way_back(login_as):
    response = login_as("agent").get("/plans/new/", HTTP_REFERER="http://testserver/plans/")
    assert response.status_code == 403
    text = _text(response)
    assert "Only team leads and operations managers draft plans." in text
    assert STYLED in text
    assert '<a href="/">Back to your start page</a>' in text
    assert '<a href="http://testserver/plans/">Back to the previous page</a>' in text
    assert 'aria-label="Main"' in text  # the navigation is there to go elsewhere


def test_a_refusal_never_offers_a_way_back_to_another_site(login_as):
    response = login_as("agent").get("/plans/new/", HTTP_REFERER="https://evil.example/")
    assert response.status_code == 403
    assert "evil.example" not in _text(response)


def test_a_refusal_without_a_reason_says_the_role_does_not_allow_it():
    request = RequestFactory().get("/")
    request.user = AnonymousUser()
    response = errors.permission_denied(request, Exception(""))
    assert response.status_code == 403
    assert errors.FORBIDDEN_DEFAULT in _text(response)


def test_not_found_is_styled_and_the_same_for_missing_and_forbidden(login_as):
    client = login_as("agent")
    missing = client.get("/plans/99999/")
    nowhere = client.get("/no-such-page/")
    for response in (missing, nowhere):
        assert response.status_code == 404
        text = _text(response)
        assert "<h1>Not found</h1>" in text
        assert STYLED in text
        assert "nothing you have access to" in text


def test_a_failed_csrf_check_says_what_to_do(org):
    client = Client(enforce_csrf_checks=True)
    client.force_login(org.user("agent"))
    response = client.post("/logout/")
    assert response.status_code == 403
    text = _text(response)
    assert "Form expired" in text
    assert "reload the page and send it again" in text
    assert STYLED in text
    assert "CSRF token" not in text  # Django's own wording stays in the log


def test_a_bad_host_is_a_styled_bad_request(client):
    response = client.get("/", HTTP_HOST="evil.example", HTTP_REFERER="http://evil.example/")
    assert response.status_code == 400
    text = _text(response)
    assert errors.BAD_REQUEST_REASON in text
    assert "evil.example" not in text


def test_the_handlers_are_installed():
    assert urls.handler400 == "upswing.site.errors.bad_request"
    assert urls.handler403 == "upswing.site.errors.permission_denied"
    assert urls.handler404 == "upswing.site.errors.page_not_found"
    assert urls.handler500 == "upswing.site.errors.server_error"


@pytest.mark.django_db(False)
def test_the_server_error_page_needs_no_database_nor_context():
    # Without the db mark any query raises: the page must render all the same.
    request = RequestFactory().get("/somewhere/")
    response = errors.server_error(request)
    assert response.status_code == 500
    text = _text(response)
    assert "Something went wrong" in text
    assert STYLED in text
    assert '<a href="/">Back to your start page</a>' in text
    assert "Traceback" not in text
