"""Find and compare, in Chromium: search a person from the navigation, sort a table, export
it as CSV and XLSX, and check that each file opens and holds the rows the page shows."""

from __future__ import annotations

import csv
import io
import re

import pytest

pytestmark = pytest.mark.browser

expect = pytest.importorskip("playwright.sync_api", reason="playwright is not installed").expect


def _page_rows(table) -> list[str]:
    return [name.strip() for name in table.locator("tbody th a").all_inner_texts()]


def _download(page, link) -> bytes:
    with page.expect_download() as info:
        link.click()
    download = info.value
    assert re.match(r"^agents-of-T1-\w+_.*csort-name.*\.(csv|xlsx)$", download.suggested_filename)
    with open(download.path(), "rb") as handle:
        return handle.read()


def test_a_lead_searches_sorts_and_exports(journey):
    from openpyxl import load_workbook

    page = journey.page
    journey.sign_in("lead")

    # Search from the navigation: suggestions come over htmx, only people the lead may see.
    box = page.get_by_label("Search people and teams")
    box.fill("Carl")
    expect(page.locator("#search-suggest")).to_contain_text("Nothing you can open matches")
    box.fill("alice")
    suggestion = page.locator("#search-suggest").get_by_role("link", name="Alice Anders")
    expect(suggestion).to_be_visible()
    suggestion.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Alice Anders")
    expect(page).to_have_url(re.compile(r"/agents/A1/$"))

    # The team's agents: sort by name (twice: the other way), kept in the URL.
    page.goto(journey.url("/teams/T1/"))
    agents = page.locator("#children table")
    before = _page_rows(agents)
    assert len(before) >= 2
    agents.get_by_role("link", name=re.compile("^Agent")).click()
    expect(page).to_have_url(re.compile(r"csort=name"))
    agents = page.locator("#children table")
    expect(agents.locator("th[aria-sort=ascending]")).to_have_count(1)
    agents.get_by_role("link", name=re.compile("^Agent")).click()
    expect(page).to_have_url(re.compile(r"csort=-name"))
    agents = page.locator("#children table")
    shown = _page_rows(agents)
    assert shown == sorted(before, key=str.casefold, reverse=True)
    values = [v.strip() for v in agents.locator("tbody tr td:nth-child(2)").all_inner_texts()]
    journey.screenshot("tables-sorted-agents")

    # Both files open and hold exactly the rows of the page, in the page's order.
    tools = page.locator("#children .table-export")
    raw = _download(page, tools.get_by_role("link", name="CSV"))
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    assert rows[0][0] == "Agent"
    assert [r[0].split(" (")[0] for r in rows[1:]] == shown
    assert [r[1] for r in rows[1:]] == values
    book = load_workbook(io.BytesIO(_download(page, tools.get_by_role("link", name="XLSX"))))
    sheet = [list(r) for r in book.active.iter_rows(values_only=True)]
    assert sheet[0][0] == "Agent"
    assert [str(r[0]).split(" (")[0] for r in sheet[1:]] == shown
    assert [str(r[1]) for r in sheet[1:]] == values
