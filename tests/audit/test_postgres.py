"""The audit trail on PostgreSQL, set up as docs/deploy.md says: two roles.

The owner role migrates; the application role (what the web app, worker and CLI connect as)
is not the owner. The application role cannot change, remove or truncate audit rows, nor
switch the triggers off by any setting; the owner still could, and `upswing audit verify`
catches it.
"""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.postgres
REPO_ROOT = Path(__file__).resolve().parents[2]
INSERT = (
    "INSERT INTO audit_auditevent (id, at, actor_label, role, action, object_type, object_id,"
    " changes, reason, request_id, seq, prev_hash, hash)"
    " VALUES ({id}, now(), 'cli', '', 'plan.reject', 'plans.plan', '1', '{{}}', '', '', {seq},"
    " '', '')"
)


def _url(base: str, user: str, db: str) -> str:
    host = base.split("://", 1)[1].split("@", 1)[-1].rsplit("/", 1)[0]
    return f"postgresql://{user}@{host}/{db}"


class Setup:
    def __init__(self, admin_url: str, home: Path) -> None:
        tag = secrets.token_hex(4)
        self.admin_url = admin_url
        self.db = f"upswing_audit_{tag}"
        self.owner = f"upswing_owner_{tag}"
        self.app = f"upswing_app_{tag}"
        self.owner_url = _url(admin_url, self.owner, self.db)
        self.app_url = _url(admin_url, self.app, self.db)
        self.superuser_url = _url(admin_url, admin_url.split("://")[1].split("@")[0], self.db)
        self.home = home

    def run(self, url: str, *args: str, check: bool = True) -> subprocess.CompletedProcess:
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "upswing.site.settings",  # production: no test hooks
            "DATABASE_URL": url,
            "UPSWING_HOME": str(self.home),
            "SECRET_KEY": "test-only-" + "k" * 50,
            "PYTHONPATH": os.pathsep.join(
                [str(REPO_ROOT / "src"), os.environ.get("PYTHONPATH", "")]
            ),
            "DJANGO_SUPERUSER_PASSWORD": "a-long-test-password",
        }
        return subprocess.run(
            [sys.executable, *args],
            cwd=REPO_ROOT,
            env=env,
            check=check,
            capture_output=True,
            text=True,
            timeout=180,
        )


@pytest.fixture(scope="module")
def roles(postgres_url, tmp_path_factory):
    psycopg = pytest.importorskip("psycopg")
    admin_url = "postgresql://" + postgres_url.split("://", 1)[1]
    s = Setup(admin_url, tmp_path_factory.mktemp("home"))
    with psycopg.connect(admin_url, autocommit=True) as admin:
        admin.execute(f"CREATE ROLE {s.owner} LOGIN")
        admin.execute(f"CREATE ROLE {s.app} LOGIN")
        admin.execute(f'CREATE DATABASE "{s.db}" OWNER {s.owner}')
    try:
        s.run(s.owner_url, "manage.py", "migrate", "--noinput", "-v", "0")
        s.run(
            s.owner_url,
            "-m",
            "upswing.cli",
            "audit",
            "grants",
            s.app,
            "--owner",
            s.owner,
            "--apply",
        )
        # The application at work, as the application role: a user, a token, its audit event.
        s.run(
            s.app_url,
            "manage.py",
            "createsuperuser",
            "--noinput",
            "--username",
            "ada",
            "--email",
            "ada@example.com",
        )
        for name in ("BI export", "Nightly sync"):
            s.run(
                s.app_url,
                "-m",
                "upswing.cli",
                "api-token",
                "create",
                "--user",
                "ada",
                "--name",
                name,
            )
        yield s
    finally:
        with psycopg.connect(admin_url, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{s.db}" WITH (FORCE)')
            admin.execute(f"DROP ROLE IF EXISTS {s.app}")
            admin.execute(f"DROP ROLE IF EXISTS {s.owner}")


def _rows(conn):
    return conn.execute("SELECT * FROM audit_auditevent ORDER BY seq").fetchall()


def test_the_application_role_writes_a_verified_chain(roles):
    out = roles.run(roles.app_url, "-m", "upswing.cli", "audit", "verify")
    assert out.stdout.startswith("OK  2 events, chain intact (head 2:"), out.stdout + out.stderr


@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE audit_auditevent SET action = 'plan.reject'",
        "DELETE FROM audit_auditevent",
        "TRUNCATE audit_auditevent",
        INSERT.format(id=1, seq=99) + " ON CONFLICT (id) DO UPDATE SET action = 'plan.reject'",
        INSERT.format(id=999, seq=1) + " ON CONFLICT (seq) DO UPDATE SET action = 'x'",
        "ALTER TABLE audit_auditevent DISABLE TRIGGER ALL",
        "DROP TRIGGER audit_auditevent_no_update_delete ON audit_auditevent",
        "DROP TABLE audit_auditevent",
        "SET session_replication_role = replica",
        "ALTER TABLE audit_auditevent RENAME TO audit_old",
    ],
)
def test_the_application_role_cannot_rewrite_the_trail(roles, sql):
    import psycopg

    with psycopg.connect(roles.app_url, autocommit=True) as conn:
        rows = _rows(conn)
        with pytest.raises(psycopg.Error, match=r"permission denied|must be|append-only"):
            conn.execute(sql)
        assert _rows(conn) == rows


def test_no_session_setting_lets_a_truncate_through(roles):
    # Found: `SET LOCAL upswing.audit_purge = 'on'` let TRUNCATE through, even as the owner.
    import psycopg

    for url in (roles.app_url, roles.owner_url):
        with psycopg.connect(url) as conn:
            rows = _rows(conn)
            conn.execute("SET LOCAL upswing.audit_purge = 'on'")
            with pytest.raises(psycopg.Error, match=r"permission denied|append-only"):
                conn.execute("TRUNCATE audit_auditevent")
            conn.rollback()
            assert _rows(conn) == rows


@pytest.mark.parametrize(
    ("sql", "expected"),
    [
        ("UPDATE audit_auditevent SET action = 'x' WHERE seq = 1", "event #1 was changed"),
        ("DELETE FROM audit_auditevent WHERE seq = 1", "event #1 is missing"),
        (
            "UPDATE audit_auditevent SET changes = '{\"a\": [1, 2]}' WHERE seq = 2",
            "event #2 was changed",
        ),
    ],
)
def test_the_owner_could_still_tamper_and_verify_catches_it(roles, sql, expected):
    import psycopg

    with psycopg.connect(roles.owner_url) as conn:
        conn.execute("ALTER TABLE audit_auditevent DISABLE TRIGGER USER")
        conn.execute(sql)
        conn.execute("ALTER TABLE audit_auditevent ENABLE TRIGGER USER")
        conn.commit()
        try:
            out = roles.run(roles.app_url, "-m", "upswing.cli", "audit", "verify", check=False)
            assert out.returncode == 1
            assert expected in out.stdout
        finally:
            _restore(roles)


def _restore(roles) -> None:
    """Put the two original events back as the superuser (the module's later tests need them)."""
    # Rebuilding from a copy is simplest: the fixture's events are re-created from scratch.
    import psycopg

    with psycopg.connect(roles.superuser_url, autocommit=True) as conn:
        conn.execute("ALTER TABLE audit_auditevent DISABLE TRIGGER USER")
        conn.execute("DELETE FROM audit_auditevent")
        conn.execute("ALTER TABLE audit_auditevent ENABLE TRIGGER USER")
    for name in (f"restored {secrets.token_hex(3)}", f"restored {secrets.token_hex(3)}"):
        roles.run(
            roles.app_url,
            "-m",
            "upswing.cli",
            "api-token",
            "create",
            "--user",
            "ada",
            "--name",
            name,
        )
