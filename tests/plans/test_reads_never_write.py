"""Drafting and the live lint read the stored diagnosis; they never run or store one."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from upswing.findings.rules import RULES_VERSION
from upswing.performance.models import Finding
from upswing.plans.draft import DIAGNOSIS_MAX_AGE_DAYS, latest_findings

AS_OF = dt.date(2026, 11, 1)


def _finding(as_of: dt.date, metric: str = "fcr") -> Finding:
    return Finding.objects.create(
        as_of=as_of,
        rules_version=RULES_VERSION,
        program_code="P1",
        team_code="T1",
        agent_code="A1",
        metric=metric,
        kind="sustained_gap",
        cause="individual",
        recommendation="pip",
        periods=["2026-W41", "2026-W42", "2026-W43"],
        created_at=timezone.now(),
    )


@pytest.mark.django_db
def test_without_a_stored_diagnosis_there_is_nothing_and_nothing_is_stored():
    assert latest_findings("A1", AS_OF) == []
    assert not Finding.objects.exists()


@pytest.mark.django_db
def test_a_diagnosis_older_than_a_week_is_not_used_nor_replaced():
    _finding(AS_OF - dt.timedelta(days=DIAGNOSIS_MAX_AGE_DAYS + 1))
    assert latest_findings("A1", AS_OF) == []
    assert Finding.objects.count() == 1


@pytest.mark.django_db
def test_the_latest_recent_diagnosis_is_read():
    _finding(AS_OF - dt.timedelta(days=DIAGNOSIS_MAX_AGE_DAYS + 3))
    recent = [_finding(AS_OF - dt.timedelta(days=2), m) for m in ("fcr", "aht")]
    assert latest_findings("A1", AS_OF) == sorted(recent, key=lambda f: f.metric)
    assert Finding.objects.count() == 3
