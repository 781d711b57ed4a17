"""Fixtures shared by the whole suite."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[1]
SHARED_DATA = REPO_ROOT.parent / "shared" / "data"


@pytest.fixture(scope="session")
def shared_data() -> Path:
    """The shared real-data folder beside the repo; tests skip when it is absent."""
    if not SHARED_DATA.is_dir():
        pytest.skip(f"shared data not found at {SHARED_DATA}")
    return SHARED_DATA


@pytest.fixture
def warehouse_url(tmp_path, settings) -> str:
    """A fresh DuckDB warehouse per test, used by every service that opens the warehouse."""
    url = f"duckdb://{tmp_path / 'warehouse.duckdb'}"
    settings.UPSWING_WAREHOUSE_URL = url
    return url


@pytest.fixture(scope="session")
def postgres_url() -> str:
    url = os.environ.get("UPSWING_TEST_POSTGRES_URL")
    if not url:
        pytest.skip(
            "UPSWING_TEST_POSTGRES_URL is not set (e.g. postgres://postgres@127.0.0.1/test)"
        )
    return url


@pytest.fixture(scope="session", autouse=True)
def _audit_table_recreated_by_flush():
    """Transactional tests are cleaned up without any way around the audit triggers."""
    from tests.audit_reset import patch_flush

    restore = patch_flush()
    yield
    restore()
