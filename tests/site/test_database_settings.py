"""The operational database's connection settings, as the app's own settings make them."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]
SHOW = (
    "from upswing.boot import setup_django; setup_django(); "
    "from django.db import connection; c = connection.cursor(); "
    "c.execute('SHOW jit'); print(c.fetchone()[0]); "
    "c.execute('SHOW max_parallel_workers_per_gather'); print(c.fetchone()[0]); "
    "c.execute('SHOW application_name'); print(c.fetchone()[0])"
)


def _settings_of(database_url: str, tmp_path: Path) -> list[str]:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "upswing.site.settings",  # production: no test hooks
        "DATABASE_URL": database_url,
        "UPSWING_HOME": str(tmp_path),
        "SECRET_KEY": "test-only-" + "k" * 50,
        "PYTHONPATH": os.pathsep.join([str(REPO_ROOT / "src"), os.environ.get("PYTHONPATH", "")]),
    }
    done = subprocess.run(
        [sys.executable, "-c", SHOW],
        cwd=REPO_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    return done.stdout.split()


@pytest.mark.postgres
def test_postgresql_connections_plan_without_jit_or_parallel_workers(postgres_url, tmp_path):
    url = "postgresql://" + postgres_url.split("://", 1)[1]
    assert _settings_of(url, tmp_path)[:2] == ["off", "0"]


@pytest.mark.postgres
def test_options_given_in_the_url_are_kept_beside_it(postgres_url, tmp_path):
    url = "postgresql://" + postgres_url.split("://", 1)[1]
    with_options = f"{url}?options=-c%20application_name%3Dupswing-web"
    assert _settings_of(with_options, tmp_path) == ["off", "0", "upswing-web"]
