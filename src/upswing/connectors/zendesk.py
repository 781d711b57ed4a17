"""Zendesk Support: tickets from the incremental cursor export, CSAT from satisfaction ratings.

- Tickets: `GET /api/v2/incremental/tickets/cursor.json`, first with `start_time` (Unix
  seconds: ZENDESK_START_DATE, else 30 days back), then with the `after_cursor` of the last
  page, until `end_of_stream`; the last cursor is kept, so the next pull starts where this
  one ended. Deleted and unassigned tickets are left out, as in an uploaded export.
- Ratings: `GET /api/v2/satisfaction_ratings` with cursor pagination (`page[size]`,
  `meta.has_more`, `meta.after_cursor`) and `start_time`; only scored ratings ("good",
  "bad") of assigned tickets become surveys. A finished pass remembers where it began, and
  the next pass asks again from there (ratings are few), so a changed score is re-read.

Pages go through upswing.ingest.adapters.zendesk unchanged (as `{"tickets": [...]}` and
`{"satisfaction_ratings": [...]}` files). Authentication: ZENDESK_EMAIL + `/token` and
ZENDESK_API_TOKEN (an API token, HTTP basic auth, as Zendesk documents).
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator

from upswing.connectors.base import HttpClient
from upswing.connectors.streams import Page, Stream, start_epoch

NAME = "zendesk"
VENDOR = "Zendesk"
PAGE_SIZE = 100
CREDENTIALS = "ZENDESK_URL, ZENDESK_EMAIL and ZENDESK_API_TOKEN"


def is_configured(settings) -> bool:
    return bool(settings.ZENDESK_URL and settings.ZENDESK_EMAIL and settings.ZENDESK_API_TOKEN)


def client(settings, **kwargs) -> HttpClient:
    return HttpClient(
        VENDOR, (f"{settings.ZENDESK_EMAIL}/token", settings.ZENDESK_API_TOKEN), CREDENTIALS,
        **kwargs,
    )  # fmt: skip


def streams(settings) -> list[Stream]:
    base = settings.ZENDESK_URL.rstrip("/")
    first = start_epoch(settings.ZENDESK_START_DATE)
    return [
        Stream("tickets", "interactions", lambda http, state: _tickets(http, base, state, first)),
        Stream("ratings", "surveys", lambda http, state: _ratings(http, base, state, first)),
    ]


def _tickets(http: HttpClient, base: str, state: dict, first: int) -> Iterator[Page]:
    url = f"{base}/api/v2/incremental/tickets/cursor.json"
    cursor = state.get("cursor")
    number = 0
    while True:
        params = {"cursor": cursor} if cursor else {"start_time": state.get("start_time", first)}
        body = http.get_json(url, params)
        number += 1
        tickets = [
            t for t in body.get("tickets") or []
            if t.get("assignee_id") is not None and t.get("status") != "deleted"
        ]  # fmt: skip
        cursor = body.get("after_cursor") or cursor
        yield Page(
            label=f"tickets page {number}",
            content=json.dumps({"tickets": tickets}).encode() if tickets else None,
            suffix=".json",
            state={"cursor": cursor},
            fetched=len(body.get("tickets") or []),
        )
        if body.get("end_of_stream", True) or not body.get("after_cursor"):
            return


def _ratings(http: HttpClient, base: str, state: dict, first: int) -> Iterator[Page]:
    url = f"{base}/api/v2/satisfaction_ratings"
    began = state.get("pass_start", state.get("start_time", first))
    after = state.get("after")
    now = int(dt.datetime.now(dt.UTC).timestamp())
    pass_start = state.get("next_start", now)
    number = 0
    while True:
        params = {"page[size]": PAGE_SIZE, "start_time": began}
        if after:
            params["page[after]"] = after
        body = http.get_json(url, params)
        number += 1
        ratings = [
            r for r in body.get("satisfaction_ratings") or []
            if r.get("score") in ("good", "bad") and r.get("assignee_id") is not None
        ]  # fmt: skip
        meta = body.get("meta") or {}
        more = bool(meta.get("has_more")) and bool(meta.get("after_cursor"))
        after = meta.get("after_cursor") if more else None
        # Mid-pass: resume from `after` of the same pass; at its end: the next pass starts
        # where this one started (minus nothing: re-reading a rating is harmless).
        next_state = (
            {"pass_start": began, "after": after, "next_start": pass_start}
            if more
            else {"start_time": pass_start}
        )
        yield Page(
            label=f"satisfaction ratings page {number}",
            content=json.dumps({"satisfaction_ratings": ratings}).encode() if ratings else None,
            suffix=".json",
            state=next_state,
            fetched=len(body.get("satisfaction_ratings") or []),
        )
        if not more:
            return
