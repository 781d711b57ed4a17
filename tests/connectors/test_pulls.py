"""Pull connectors against a helpdesk on loopback: every page in order, the cursor stored
after each imported page, a pull cut off resumed from there, 429 honoured with Retry-After,
and refused credentials a clear error with nothing written."""

from __future__ import annotations

import json

import pytest

from connectors.conftest import Reply
from upswing.connectors.base import ConnectorError
from upswing.connectors.service import pull
from upswing.jobs.models import ConnectorCursor

TICKETS = "/api/v2/incremental/tickets/cursor.json"
RATINGS = "/api/v2/satisfaction_ratings"


def _cursor(name: str) -> dict:
    row = ConnectorCursor.objects.filter(connector=name).first()
    return json.loads(row.cursor) if row and row.cursor else {}


def _no_sleep(waits: list[float]):
    return waits.append


def test_zendesk_pull_reads_every_page_and_keeps_the_last_cursor(zendesk, warehouse_rows):
    outcome = pull("zendesk", sleep=_no_sleep([]))
    # 7 tickets over 3 pages: one unassigned and one deleted left out.
    assert warehouse_rows("interactions", "zendesk") == 5
    # Ratings: good and bad of assigned tickets; offered/unoffered are not answers.
    assert warehouse_rows("surveys", "zendesk") == 3
    assert (outcome.pages, outcome.fetched) == (5, 12)
    tickets = [q for path, q in zendesk.requests if path == TICKETS]
    assert tickets[0] == {"start_time": "1790812800"}  # ZENDESK_START_DATE, 2026-10-01 UTC
    assert [q.get("cursor") for q in tickets[1:]] == [
        "MTc4MDAwMDEwMi4wfHwxMDJ8", "MTc4MDAwMDEwNS4wfHwxMDV8"
    ]  # fmt: skip
    assert _cursor("zendesk")["tickets"] == {"cursor": "MTc4MDAwMDEwNy4wfHwxMDd8"}
    # The next pull asks only for what came after.
    pull("zendesk", sleep=_no_sleep([]))
    assert [q for p, q in zendesk.requests if p == TICKETS][-1] == {
        "cursor": "MTc4MDAwMDEwNy4wfHwxMDd8"
    }
    assert warehouse_rows("interactions", "zendesk") == 5


def test_a_pull_cut_off_resumes_after_the_last_imported_page(zendesk, warehouse_rows, settings):
    settings.UPSWING_CONNECTOR_RETRIES = 1
    route = zendesk.route

    def broken_page_three(path, query):
        if query.get("cursor") == "MTc4MDAwMDEwNS4wfHwxMDV8":
            return Reply(500, {"error": "boom"})
        return route(path, query)

    zendesk.route = broken_page_three
    with pytest.raises(ConnectorError, match="answered HTTP 500 2 times"):
        pull("zendesk", sleep=_no_sleep([]))
    assert warehouse_rows("interactions", "zendesk") == 4  # pages 1 and 2, whole
    assert _cursor("zendesk")["tickets"] == {"cursor": "MTc4MDAwMDEwNS4wfHwxMDV8"}

    zendesk.route = route
    zendesk.requests.clear()
    pull("zendesk", sleep=_no_sleep([]))
    first = next(q for p, q in zendesk.requests if p == TICKETS)
    assert first == {"cursor": "MTc4MDAwMDEwNS4wfHwxMDV8"}  # not page 1 again
    assert warehouse_rows("interactions", "zendesk") == 5


def test_a_429_is_waited_out_as_its_retry_after_says(zendesk, warehouse_rows):
    zendesk.script = [Reply(429, {"error": "APIRateLimitExceeded"}, {"Retry-After": "7"})]
    waits: list[float] = []
    outcome = pull("zendesk", sleep=_no_sleep(waits))
    assert waits == [7.0]
    assert outcome.waits == [7.0]
    assert warehouse_rows("interactions", "zendesk") == 5


def test_a_retry_after_past_the_allowed_wait_stops_the_pull(zendesk, warehouse_rows, settings):
    settings.UPSWING_CONNECTOR_MAX_WAIT = 60
    zendesk.script = [Reply(429, {}, {"Retry-After": "3600"})]
    with pytest.raises(ConnectorError, match="asks to wait 3600 s"):
        pull("zendesk", sleep=_no_sleep([]))
    assert warehouse_rows("interactions", "zendesk") == 0


def test_a_bad_token_is_a_clear_error_and_nothing_is_written(zendesk, warehouse_rows, settings):
    settings.ZENDESK_API_TOKEN = "wrong"
    with pytest.raises(ConnectorError) as refused:
        pull("zendesk", sleep=_no_sleep([]))
    message = str(refused.value)
    assert "Zendesk refused the credentials (HTTP 401)" in message
    assert "ZENDESK_API_TOKEN" in message
    assert "wrong" not in message
    assert warehouse_rows("interactions", "zendesk") == 0
    assert _cursor("zendesk") == {}


def test_an_unconfigured_connector_says_what_to_set(db, settings):
    settings.ZENDESK_URL = ""
    with pytest.raises(ConnectorError, match="set ZENDESK_URL, ZENDESK_EMAIL"):
        pull("zendesk")


def test_freshdesk_follows_link_headers_and_resumes_from_the_latest_update(
    freshdesk, warehouse_rows
):
    pull("freshdesk", sleep=_no_sleep([]))
    assert warehouse_rows("interactions", "freshdesk") == 3  # the unassigned one left out
    first, second = freshdesk.requests
    assert first[1]["updated_since"] == "2026-10-01T00:00:00Z"
    assert (first[1]["order_by"], first[1]["order_type"]) == ("updated_at", "asc")
    assert second[1] == {"page": "2", "per_page": "100"}
    assert _cursor("freshdesk") == {"tickets": {"updated_since": "2026-10-06T10:00:00Z"}}
    freshdesk.requests.clear()
    pull("freshdesk", sleep=_no_sleep([]))
    assert freshdesk.requests[0][1]["updated_since"] == "2026-10-06T10:00:00Z"
    assert warehouse_rows("interactions", "freshdesk") == 3  # read again, changed nothing


def test_a_freshdesk_ticket_keeps_its_channel_and_resolution(freshdesk, warehouse_rows):
    from django.conf import settings

    from upswing.warehouse.connection import open_warehouse

    pull("freshdesk", sleep=_no_sleep([]))
    with open_warehouse(settings.UPSWING_WAREHOUSE_URL) as wh:
        rows = wh.ibis.table("interactions").to_pyarrow().to_pylist()
    by_id = {r["interaction_id"]: r for r in rows}
    assert (by_id["1"]["channel"], by_id["1"]["resolved"]) == ("voice", True)
    assert (by_id["2"]["channel"], by_id["2"]["resolved"]) == ("chat", False)
    assert by_id["1"]["agent_id"] == "43000001"


def test_every_connector_is_scheduled_and_pulled_through_the_queue():
    from upswing.connectors import service, tasks
    from upswing.jobs.registry import scheduled_jobs

    assert set(tasks.CONNECTOR_NAMES) == set(service.CONNECTORS)
    assert {f"pull_{name}" for name in service.CONNECTORS} <= set(scheduled_jobs())
