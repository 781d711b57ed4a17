"""Single sign-on against a small OpenID Connect provider on loopback: discovery, a signed
id_token, userinfo with groups mapped to role grants; local accounts keep working."""

from __future__ import annotations

import json
import secrets
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa
from django.contrib.auth import get_user_model

from factories import ClientFactory, UserFactory
from upswing.audit.models import AuditEvent
from upswing.org.models import RoleGrant
from upswing.sso import discovery

CLIENT_ID, CLIENT_SECRET = "upswing", "s3cret-for-tests"


class Provider:
    """Discovery, JWKS, token and userinfo endpoints; `authorize` stands in for the login."""

    def __init__(self) -> None:
        self.key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        self.signing_key = self.key  # a test may sign with another key
        self.codes: dict[str, dict] = {}
        self.tokens: dict[str, dict] = {}
        provider = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def _json(self, data, status=200):
                body = json.dumps(data).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def do_GET(self):
                path = urlsplit(self.path).path
                if path == "/.well-known/openid-configuration":
                    return self._json(provider.discovery())
                if path == "/jwks":
                    jwk = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(provider.key.public_key()))
                    return self._json(
                        {"keys": [{**jwk, "kid": "k1", "alg": "RS256", "use": "sig"}]}
                    )
                if path == "/userinfo":
                    token = self.headers.get("Authorization", "").removeprefix("Bearer ")
                    if token not in provider.tokens:
                        return self._json({"error": "invalid_token"}, 401)
                    return self._json(provider.tokens[token])
                return self._json({"error": "not_found"}, 404)

            def do_POST(self):
                length = int(self.headers.get("Content-Length", 0))
                form = {k: v[0] for k, v in parse_qs(self.rfile.read(length).decode()).items()}
                grant = provider.codes.pop(form.get("code", ""), None)
                if grant is None or form.get("client_secret") != CLIENT_SECRET:
                    return self._json({"error": "invalid_grant"}, 400)
                access = secrets.token_urlsafe(16)
                provider.tokens[access] = grant["userinfo"]
                now = int(time.time())
                claims = {
                    "iss": provider.issuer,
                    "sub": grant["userinfo"]["sub"],
                    "aud": CLIENT_ID,
                    "iat": now,
                    "exp": now + 300,
                    "nonce": grant["nonce"],
                    "email": grant["userinfo"]["email"],
                }
                id_token = jwt.encode(claims, provider.signing_key, "RS256", headers={"kid": "k1"})
                return self._json(
                    {"access_token": access, "id_token": id_token, "token_type": "Bearer"}
                )

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.issuer = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def discovery(self) -> dict:
        return {
            "issuer": self.issuer,
            "authorization_endpoint": f"{self.issuer}/authorize",
            "token_endpoint": f"{self.issuer}/token",
            "userinfo_endpoint": f"{self.issuer}/userinfo",
            "jwks_uri": f"{self.issuer}/jwks",
        }

    def login(self, redirect: str, *, email: str, groups: list[str]) -> dict:
        """What the provider's login page does: a code for the user, back to the callback."""
        query = {k: v[0] for k, v in parse_qs(urlsplit(redirect).query).items()}
        code = secrets.token_urlsafe(8)
        self.codes[code] = {
            "nonce": query["nonce"],
            "userinfo": {
                "sub": email,
                "email": email,
                "groups": groups,
                "given_name": "Hana",
                "family_name": "Ito",
            },
        }
        return {"code": code, "state": query["state"]}


@pytest.fixture
def provider(settings, monkeypatch):
    monkeypatch.setenv("NO_PROXY", "127.0.0.1,localhost")
    monkeypatch.setenv("no_proxy", "127.0.0.1,localhost")
    p = Provider()
    settings.UPSWING_OIDC_ISSUER = p.issuer
    settings.OIDC_RP_CLIENT_ID, settings.OIDC_RP_CLIENT_SECRET = CLIENT_ID, CLIENT_SECRET
    settings.AUTHENTICATION_BACKENDS = [
        *settings.AUTHENTICATION_BACKENDS,
        "upswing.sso.backend.GroupGrantsBackend",
    ]
    settings.UPSWING_OIDC_GROUP_GRANTS = json.dumps(
        {"hr-atlas": [{"role": "hr", "client": "C1"}], "all-staff": []}
    )
    discovery.forget()
    yield p
    p.server.shutdown()
    p.server.server_close()
    discovery.forget()


def _sign_in(client, provider, **who):
    start = client.get("/oidc/authenticate/")
    assert start.status_code == 302
    assert start["Location"].startswith(f"{provider.issuer}/authorize?")
    return client.get("/oidc/callback/", provider.login(start["Location"], **who))


@pytest.mark.django_db
def test_groups_become_grants_and_follow_the_provider(client, provider):
    atlas = ClientFactory(code="C1")
    done = _sign_in(client, provider, email="hana@example.com", groups=["hr-atlas"])
    assert done.status_code == 302
    user = get_user_model().objects.get(email="hana@example.com")
    assert client.session["_auth_user_id"] == str(user.pk)
    grant = RoleGrant.objects.get(user=user)
    assert (grant.role, grant.client) == ("hr", atlas)
    assert AuditEvent.objects.get(action="role.grant").actor_label == "sso"
    # Left the group at the provider: the grant goes at the next sign-in; a hand-made stays.
    client.logout()
    RoleGrant.objects.create(user=user, role="team_lead", client=atlas)
    _sign_in(client, provider, email="hana@example.com", groups=["all-staff"])
    assert list(RoleGrant.objects.filter(user=user).values_list("role", flat=True)) == ["team_lead"]
    assert AuditEvent.objects.filter(action="role.revoke", actor_label="sso").count() == 1


@pytest.mark.django_db
def test_an_id_token_signed_by_another_key_signs_no_one_in(client, provider):
    provider.signing_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    done = _sign_in(client, provider, email="mallory@example.com", groups=["hr-atlas"])
    assert done.status_code == 400  # Django's answer to a SuspiciousOperation
    assert "_auth_user_id" not in client.session
    assert not get_user_model().objects.filter(email="mallory@example.com").exists()


@pytest.mark.django_db
def test_local_accounts_still_sign_in(client, provider):
    UserFactory(username="walter", password="a-long-local-password")
    response = client.post("/login/", {"username": "walter", "password": "a-long-local-password"})
    assert response.status_code == 302
    assert "_auth_user_id" in client.session


@pytest.mark.django_db
def test_sso_urls_are_not_found_while_it_is_off(client, settings):
    settings.UPSWING_OIDC_ISSUER = ""
    assert client.get("/oidc/authenticate/").status_code == 404
    assert client.get("/oidc/callback/").status_code == 404
