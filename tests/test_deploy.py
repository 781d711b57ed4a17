"""The production files (deploy/): the compose file names only settings the app reads, runs
only commands the CLI has, and passes passwords as secret files the settings understand."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from upswing.cli import main
from upswing.env import with_password

REPO = Path(__file__).resolve().parents[1]
COMPOSE = yaml.safe_load((REPO / "deploy" / "compose.yaml").read_text(encoding="utf-8"))
LISTED = set(re.findall(r"^#?\s*([A-Z][A-Z0-9_]+)=", (REPO / ".env.example").read_text(), re.M))
# Read by Django or by the images themselves, not by Upswing's settings.
NOT_OURS = {"DJANGO_SETTINGS_MODULE", "PYTHONUNBUFFERED"}


def _upswing_services() -> dict[str, dict]:
    return {
        name: s for name, s in COMPOSE["services"].items() if s.get("image") == "upswing:latest"
    }


def test_the_web_worker_and_init_services_run_from_the_upswing_image():
    assert set(_upswing_services()) == {"init", "web", "worker"}


@pytest.mark.parametrize("service", ["init", "web", "worker"])
def test_every_variable_a_service_sets_is_a_setting_of_the_app(service):
    names = set(_upswing_services()[service]["environment"])
    unknown = {n.removesuffix("_FILE") for n in names} - LISTED - NOT_OURS
    assert not unknown, f"not read by Upswing (or missing from .env.example): {sorted(unknown)}"


@pytest.mark.parametrize("service", ["init", "worker"])
def test_every_upswing_command_in_the_compose_file_exists(service):
    command = _upswing_services()[service]["command"]
    assert command[0] == "upswing"
    result = CliRunner().invoke(main, [*command[1:], "--help"])
    assert result.exit_code == 0, result.output


def test_the_secret_files_a_service_reads_are_declared():
    declared = set(COMPOSE["secrets"])
    for service in _upswing_services().values():
        for name, value in service["environment"].items():
            if name.endswith("_FILE"):
                assert value.removeprefix("/run/secrets/") in set(service["secrets"]) & declared


def test_the_warehouse_database_is_created_beside_the_operational_one():
    sql = (REPO / "deploy" / "initdb" / "10-warehouse.sql").read_text(encoding="utf-8")
    warehouse = _upswing_services()["web"]["environment"]["UPSWING_WAREHOUSE_URL"]
    assert f"CREATE DATABASE {warehouse.rsplit('/', 1)[1]}" in sql


@pytest.mark.parametrize(
    ("url", "password", "expected"),
    [
        ("postgres://app@db:5432/up", "s3cr:t/@", "postgres://app:s3cr%3At%2F%40@db:5432/up"),
        ("postgres://app:given@db/up", "other", "postgres://app:given@db/up"),  # the URL's own
        ("postgres://db/up", "pw", "postgres://db/up"),  # no user to give it to
        ("postgres://app@db/up", "", "postgres://app@db/up"),
        ("", "pw", ""),
    ],
)
def test_a_password_from_a_secret_file_joins_a_url_without_one(url, password, expected):
    assert with_password(url, password) == expected
