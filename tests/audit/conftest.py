"""Helpers for the audit tests: a strict connection, as production has."""

from __future__ import annotations

import pytest
from django.db import connection

from upswing.audit.append_only import PURGE_FLAG


@pytest.fixture
def strict_audit(db):
    """Drop this connection's test-only purge flag for the test (its transaction restores it)."""
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute(f"DROP TABLE IF EXISTS temp.{PURGE_FLAG}")
    elif connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT set_config('upswing.audit_purge', 'off', true)")
