"""Imports page helpers: an admin client, a throwaway UPSWING_HOME and inline jobs."""

from __future__ import annotations

import pytest

from factories import RoleGrantFactory, UserFactory
from upswing.imports import jobs
from upswing.org.models import Role


@pytest.fixture
def home(tmp_path, settings, warehouse_url):
    settings.UPSWING_HOME = tmp_path / "home"
    settings.UPSWING_HOME.mkdir()
    return settings.UPSWING_HOME


@pytest.fixture
def inline_jobs(monkeypatch):
    """Run each import in the request's thread, right after commit (tests see one DB)."""
    started = []

    def launch(run_id):
        started.append(run_id)
        jobs.run_import_job(run_id)

    monkeypatch.setattr(jobs, "launch", launch)
    return started


@pytest.fixture
def admin_user(db):
    user = UserFactory(username="root", is_staff=True, is_superuser=True)
    RoleGrantFactory(user=user, role=Role.ADMIN)
    return user


@pytest.fixture
def admin_client(client, admin_user, home):
    client.force_login(admin_user)
    return client
