"""The scorecard pages show each value's change from the previous period, judged by the
metric's direction, and "too few to judge" on a small sample; the period picker is short."""

from __future__ import annotations

import datetime as dt
import re

from upswing.performance.models import ScorecardSnapshot

W40, W41 = dt.date(2026, 9, 28), dt.date(2026, 10, 5)


def _set(level: str, code: str, start: dt.date, metric: str, **values) -> None:
    rows = ScorecardSnapshot.objects.filter(
        level=level, entity_code=code, period_start=start, metric=metric, period_kind="week"
    )
    assert rows.update(**values) == 1


def _row(text: str, label: str) -> str:
    return re.search(rf"{label}</a>.*?</tr>", text, re.S)[0]


def test_the_team_scorecard_shows_changes_in_words_and_arrows(login_as):
    _set("team", "T1", W40, "aht", value=440.0)
    _set("team", "T1", W41, "aht", value=400.0)
    _set("team", "T1", W41, "fcr", n=3)
    text = login_as("lead").get("/teams/T1/?period=2026-W41&metric=aht").content.decode()
    aht = _row(text, "Average handle time")
    assert "down 40 s, better" in aht
    assert "↓" in aht
    assert "440 s" in aht  # the previous period's value
    assert "too few to judge" in _row(text, "First-contact resolution")


def test_the_agents_table_shows_each_agents_change(login_as):
    _set("agent", "A1", W40, "fcr", value=80.0)
    _set("agent", "A1", W41, "fcr", value=74.0)
    text = login_as("lead").get("/teams/T1/?period=2026-W41&metric=fcr").content.decode()
    children = text.split('id="children"')[1]
    alice = re.search(r"Alice Anders</a>.*?</tr>", children, re.S)[0]
    assert "down 6.0 pts, worse" in alice
    assert "80.0%" in alice
    peter = re.search(r"Peter Pike</a>.*?</tr>", children, re.S)[0]
    assert "no change" in peter


def test_the_first_period_has_no_previous_value(login_as):
    text = login_as("lead").get("/teams/T1/?period=2026-W37&metric=aht").content.decode()
    assert "no previous value" in _row(text, "Average handle time")


def test_the_period_picker_links_neighbours_instead_of_listing_every_period(login_as):
    text = login_as("lead").get("/teams/T1/?period=2026-W41&metric=aht").content.decode()
    assert "<option" not in text.split('class="period-form')[1].split("</form>")[0]
    assert 'href="?period=2026-W40&amp;metric=aht"' in text
    assert 'href="?period=2026-W42&amp;metric=aht"' in text
    assert 'type="week" value="2026-W41" min="2026-W37" max="2026-W46"' in text
