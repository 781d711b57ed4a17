"""The append-only triggers on PostgreSQL, installed by a real `manage.py migrate`."""

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
    "INSERT INTO audit_auditevent (at, actor_label, role, action, object_type, object_id,"
    " changes, reason, request_id)"
    " VALUES (now(), 'cli', '', 'plan.approve', 'plans.plan', '1', '{}', '', '')"
)


@pytest.fixture(scope="module")
def migrated_database(postgres_url, tmp_path_factory):
    psycopg = pytest.importorskip("psycopg")
    name = f"upswing_audit_{secrets.token_hex(4)}"
    admin_url = "postgresql://" + postgres_url.split("://", 1)[1]
    url = admin_url.rsplit("/", 1)[0] + "/" + name
    with psycopg.connect(admin_url, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        env = {
            **os.environ,
            # The production settings: no purge flag on the connection.
            "DJANGO_SETTINGS_MODULE": "upswing.site.settings",
            "DATABASE_URL": url,
            "UPSWING_HOME": str(tmp_path_factory.mktemp("home")),
            "SECRET_KEY": "test-only-" + "k" * 50,
        }
        subprocess.run(
            [sys.executable, "manage.py", "migrate", "--noinput", "-v", "0"],
            cwd=REPO_ROOT,
            env=env,
            check=True,
            capture_output=True,
            timeout=120,
        )
        yield url
    finally:
        with psycopg.connect(admin_url, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE audit_auditevent SET action = 'plan.reject'",
        "DELETE FROM audit_auditevent",
        "TRUNCATE audit_auditevent",
    ],
)
def test_raw_sql_cannot_change_or_remove_audit_rows(migrated_database, sql):
    import psycopg

    with psycopg.connect(migrated_database, autocommit=True) as conn:
        conn.execute(INSERT)
        rows = conn.execute("SELECT * FROM audit_auditevent ORDER BY id").fetchall()
        with pytest.raises(psycopg.Error, match="append-only"):
            conn.execute(sql)
        assert conn.execute("SELECT * FROM audit_auditevent ORDER BY id").fetchall() == rows


def test_only_a_connection_flagged_for_the_test_flush_may_truncate(migrated_database):
    import psycopg

    with psycopg.connect(migrated_database, autocommit=True) as conn:
        conn.execute(INSERT)
        conn.execute("SELECT set_config('upswing.audit_purge', 'on', false)")
        with pytest.raises(psycopg.Error, match="append-only"):
            conn.execute("DELETE FROM audit_auditevent")  # row by row: still refused
        conn.execute("TRUNCATE audit_auditevent")
        assert conn.execute("SELECT count(*) FROM audit_auditevent").fetchone() == (0,)
