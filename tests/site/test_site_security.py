"""Sign-in, throttling, sign-out, security headers and the production settings overlay."""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client

from factories import PASSWORD, UserFactory


@pytest.fixture
def walter(db):
    return UserFactory(username="walter")


def _sign_in(client: Client, username: str, password: str, ip: str = "10.0.0.1"):
    return client.post("/login/", {"username": username, "password": password}, REMOTE_ADDR=ip)


def test_sign_in_with_the_right_password_goes_home(client, walter):
    response = _sign_in(client, "walter", PASSWORD)
    assert response.status_code == 302
    assert response["Location"] == "/"
    assert client.session.get("_auth_user_id") == str(walter.pk)


def test_a_wrong_password_gives_the_same_answer_as_an_unknown_user(client, walter):
    wrong = _sign_in(client, "walter", "not it")
    unknown = _sign_in(client, "nobody-here", "not it")
    assert wrong.status_code == unknown.status_code == 200
    assert b"did not match" in wrong.content
    assert b"did not match" in unknown.content


def test_five_failures_lock_the_username_from_that_address_for_a_while(client, walter):
    codes = [_sign_in(client, "walter", "wrong").status_code for _ in range(5)]
    assert codes == [200, 200, 200, 200, 429]
    locked = _sign_in(client, "walter", PASSWORD)
    assert locked.status_code == 429
    assert b"Sign-in paused" in locked.content
    assert "_auth_user_id" not in client.session
    # The same user from another address (a colleague's desk) is not locked out.
    other_desk = _sign_in(Client(), "walter", PASSWORD, ip="10.0.0.2")
    assert other_desk.status_code == 302


def test_the_lock_lifts_after_the_cool_off(client, walter, time_machine):
    time_machine.move_to("2026-11-02 09:00:00+00:00", tick=False)
    for _ in range(5):
        _sign_in(client, "walter", "wrong")
    assert _sign_in(client, "walter", PASSWORD).status_code == 429
    time_machine.move_to("2026-11-02 09:16:00+00:00", tick=False)
    assert _sign_in(client, "walter", PASSWORD).status_code == 302


def test_a_success_resets_the_failure_count(client, walter):
    for _ in range(4):
        _sign_in(client, "walter", "wrong")
    assert _sign_in(client, "walter", PASSWORD).status_code == 302
    client.logout()
    codes = [_sign_in(client, "walter", "wrong").status_code for _ in range(4)]
    assert codes == [200, 200, 200, 200]


def test_throttling_settings_are_as_documented():
    assert settings.AXES_FAILURE_LIMIT == 5
    assert settings.AXES_COOLOFF_TIME.total_seconds() == 15 * 60
    assert settings.AXES_LOCKOUT_PARAMETERS == [["username", "ip_address"]]
    assert settings.AXES_RESET_ON_SUCCESS is True


def test_passwords_are_hashed_with_argon2_outside_tests(tmp_path):
    """The test settings swap in MD5 for speed; the real settings put Argon2 first."""
    code = (
        "import django; django.setup(); from django.conf import settings; "
        "print(settings.PASSWORD_HASHERS[0])"
    )
    out = _run_python(code, "upswing.site.settings", home=tmp_path)
    assert out.strip() == "django.contrib.auth.hashers.Argon2PasswordHasher"


def test_sign_out_is_post_only_and_needs_the_csrf_token(walter):
    client = Client(enforce_csrf_checks=True)
    client.force_login(walter)
    assert client.get("/logout/").status_code == 405
    assert client.post("/logout/").status_code == 403  # no CSRF token
    assert "_auth_user_id" in client.session
    assert b'action="/logout/"' in client.get("/").content  # the page with the form sets the token
    token = client.cookies[settings.CSRF_COOKIE_NAME].value
    response = client.post("/logout/", {"csrfmiddlewaretoken": token})
    assert response.status_code == 302
    assert response["Location"] == "/login/"
    assert response["Clear-Site-Data"] == '"cache", "storage"'
    assert "_auth_user_id" not in client.session


def test_sign_in_form_needs_the_csrf_token(walter):
    client = Client(enforce_csrf_checks=True)
    response = client.post("/login/", {"username": "walter", "password": PASSWORD})
    assert response.status_code == 403


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/login/", "/", "/programs/NOPE/"])
def test_security_headers_on_every_response(client, path):
    response = client.get(path)
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    csp = response["Content-Security-Policy"]
    assert "default-src 'self'" in csp
    assert "script-src 'self'" in csp
    assert "unsafe-inline" not in csp.split("script-src")[1]
    assert "frame-ancestors 'none'" in csp


def test_pages_load_nothing_from_another_site(client, walter):
    client.force_login(walter)
    text = client.get("/").content.decode() + client.get("/login/", follow=True).content.decode()
    assert "http://" not in text
    assert "https://" not in text
    assert 'src="//' not in text


def test_session_cookies_are_http_only_and_secure_when_not_debugging():
    assert settings.SESSION_COOKIE_HTTPONLY is True
    assert settings.DEBUG is False
    assert settings.SESSION_COOKIE_SECURE is True
    assert settings.CSRF_COOKIE_SECURE is True


def test_production_overlay_passes_the_deploy_checks(tmp_path):
    code = (
        "import django; django.setup(); from django.core.management import call_command; "
        "call_command('check', deploy=True, fail_level='WARNING')"
    )
    out = _run_python(code, "upswing.site.settings_prod", home=tmp_path)
    assert "no issues" in out


def test_the_dev_settings_fail_the_deploy_checks(tmp_path):
    """The deploy check is a real gate: the plain settings do not pass it."""
    code = (
        "import django; django.setup(); from django.core.management import call_command; "
        "call_command('check', deploy=True, fail_level='WARNING')"
    )
    with pytest.raises(subprocess.CalledProcessError) as failed:
        _run_python(code, "upswing.site.settings", home=tmp_path)
    assert "security.W004" in failed.value.stderr


def _run_python(code: str, settings_module: str, home: Path) -> str:
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DEBUG", "SECRET_KEY_FILE", "SECURE_COOKIES"}
    }
    env.update(
        DJANGO_SETTINGS_MODULE=settings_module,
        SECRET_KEY=secrets.token_urlsafe(64),
        UPSWING_HOME=str(home),
        PYTHONWARNINGS="error",
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        env=env,
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    )
    return result.stdout + result.stderr
