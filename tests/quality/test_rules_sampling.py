"""Sampling rules: the quota per agent and week, flagged contacts first, a random minimum,
reproducible draws and no interaction queued twice."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from upswing.quality.rules.sampling import Candidate, SampleReason, SamplingPolicy, draw_sample

MON = dt.date(2026, 10, 12)


def _calls(agent="A1", n=10, week=0, **flags):
    return [
        Candidate(
            "crm",
            f"{agent}-{week}-{i}",
            agent,
            MON + dt.timedelta(weeks=week, days=i % 5),
            handle_seconds=100.0 + i,
            **{k: (v(i) if callable(v) else v) for k, v in flags.items()},
        )
        for i in range(n)
    ]


def test_flagged_contacts_come_first_and_one_is_random():
    rows = _calls(csat=lambda i: 1.0 if i == 7 else None, escalated=lambda i: i in (2, 3, 4))
    chosen = draw_sample(rows, SamplingPolicy(per_agent_per_week=4, random_per_agent=1))
    reasons = sorted(c.reason for c in chosen)
    assert len(chosen) == 4
    assert reasons.count(SampleReason.RANDOM) == 1
    assert {c.interaction_id for c in chosen if c.reason == SampleReason.LOW_CSAT} == {"A1-0-7"}
    assert reasons.count(SampleReason.ESCALATED) == 2


def test_long_handle_is_above_the_weeks_quantile():
    rows = _calls(n=20)
    policy = SamplingPolicy(per_agent_per_week=3, random_per_agent=0, long_handle_quantile=0.9)
    chosen = draw_sample(rows, policy)
    long = [c for c in chosen if c.reason == SampleReason.LONG_HANDLE]
    assert {c.interaction_id for c in long} == {"A1-0-18", "A1-0-19"}


def test_the_draw_is_reproducible_and_depends_on_the_seed():
    rows = _calls(n=30)
    a = draw_sample(rows, SamplingPolicy(seed="s1"))
    assert a == draw_sample(list(reversed(rows)), SamplingPolicy(seed="s1"))
    assert {c.interaction_id for c in a} != {
        c.interaction_id for c in draw_sample(rows, SamplingPolicy(seed="s2"))
    }


def test_already_queued_interactions_count_against_the_quota():
    rows = _calls(n=10)
    queued = frozenset({("crm", "A1-0-0"), ("crm", "A1-0-1"), ("crm", "A1-0-2")})
    chosen = draw_sample(rows, SamplingPolicy(per_agent_per_week=4), exclude=queued)
    assert len(chosen) == 1
    assert not {("crm", c.interaction_id) for c in chosen} & queued


def test_a_bad_policy_is_refused():
    with pytest.raises(ValueError, match="quota"):
        SamplingPolicy(per_agent_per_week=0)
    with pytest.raises(ValueError, match="random draw"):
        SamplingPolicy(per_agent_per_week=2, random_per_agent=3)


@given(
    st.integers(1, 6),
    st.integers(0, 3),
    st.lists(st.tuples(st.sampled_from(["A1", "A2", "A3"]), st.integers(0, 2)), max_size=40),
)
def test_no_agent_week_exceeds_the_quota(quota, random_min, keys):
    policy = SamplingPolicy(per_agent_per_week=quota, random_per_agent=min(random_min, quota))
    rows = [
        Candidate("crm", f"i{n}", agent, MON + dt.timedelta(weeks=week), escalated=n % 3 == 0)
        for n, (agent, week) in enumerate(keys)
    ]
    chosen = draw_sample(rows, policy)
    per: dict = {}
    for c in chosen:
        per[(c.agent_id, c.week_start)] = per.get((c.agent_id, c.week_start), 0) + 1
    assert all(v <= quota for v in per.values())
    assert len({c.interaction_id for c in chosen}) == len(chosen)
    available: dict = {}
    for r in rows:
        key = (r.agent_id, r.local_date - dt.timedelta(days=r.local_date.weekday()))
        available[key] = available.get(key, 0) + 1
    assert all(per.get(k, 0) == min(quota, n) for k, n in available.items())
