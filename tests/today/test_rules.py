"""The start page's shapes (today.rules): the badge counts open work only, and says what."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from upswing.today.rules import Group, Section, Work


def _section(key: str, count: int, counted: bool) -> Section:
    return Section(key, key.title(), count, (), empty="", counted=counted)


@given(st.lists(st.tuples(st.integers(0, 500), st.booleans()), max_size=8))
def test_the_count_is_the_sum_of_the_open_work_sections(specs):
    sections = tuple(_section(f"s{i}", n, c) for i, (n, c) in enumerate(specs))
    work = Work([Group("team_lead", "Your teams", sections)])
    assert work.count == sum(n for n, counted in specs if counted)
    for i, (n, counted) in enumerate(specs):
        assert (f"s{i}: {n}" in work.summary) is (counted and n > 0)


def test_nothing_open_says_so():
    work = Work([Group("client_viewer", "Program reports", (_section("Reports", 3, False),))])
    assert work.count == 0
    assert work.summary == "nothing open"
