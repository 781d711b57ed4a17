"""Freshdesk: tickets updated since the stored time, oldest first, page by page.

`GET /api/v2/tickets?updated_since=…&order_by=updated_at&order_type=asc&per_page=100`,
following the `Link: <…>; rel="next"` header. After each page the stream remembers the
latest `updated_at` it imported, so a pull cut off anywhere resumes there (a ticket updated
at that very second is read twice, which the import's upsert makes harmless); a page number
is never stored (Freshdesk caps them). Authentication: FRESHDESK_API_KEY as the user name of
HTTP basic auth with the password "X", as Freshdesk documents.

Each page is written in the shape of Freshdesk's "Export tickets" CSV and read by
upswing.ingest.adapters.freshdesk: Ticket ID = id, Agent = responder_id (the roster's
agent_id is the Freshdesk agent id), Created time = created_at (UTC), Source and Status as
the labels of Freshdesk's numeric codes, Type = type. The API's ticket list carries no time
tracked, so handle time is not measured from a pull.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator

from upswing.connectors.base import HttpClient
from upswing.connectors.streams import Page, Stream, start_iso

NAME = "freshdesk"
VENDOR = "Freshdesk"
PAGE_SIZE = 100
CREDENTIALS = "FRESHDESK_URL and FRESHDESK_API_KEY"
# Freshdesk API v2 ticket properties (numeric codes).
SOURCES = {1: "Email", 2: "Portal", 3: "Phone", 7: "Chat", 9: "Feedback Widget",
           10: "Outbound Email"}  # fmt: skip
STATUSES = {2: "Open", 3: "Pending", 4: "Resolved", 5: "Closed"}
HEADER = ["Ticket ID", "Agent", "Created time", "Source", "Status", "Type", "Last update time"]


def is_configured(settings) -> bool:
    return bool(settings.FRESHDESK_URL and settings.FRESHDESK_API_KEY)


def client(settings, **kwargs) -> HttpClient:
    return HttpClient(VENDOR, (settings.FRESHDESK_API_KEY, "X"), CREDENTIALS, **kwargs)


def streams(settings) -> list[Stream]:
    base = settings.FRESHDESK_URL.rstrip("/")
    first = start_iso(settings.FRESHDESK_START_DATE)
    return [
        Stream("tickets", "interactions", lambda http, state: _tickets(http, base, state, first))
    ]


def _tickets(http: HttpClient, base: str, state: dict, first: str) -> Iterator[Page]:
    since = state.get("updated_since", first)
    url: str | None = f"{base}/api/v2/tickets"
    params: dict | None = {
        "updated_since": since, "order_by": "updated_at", "order_type": "asc",
        "per_page": PAGE_SIZE,
    }  # fmt: skip
    number = 0
    while url:
        response = http.get(url, params)
        body = response.json() if response.content else []
        if not isinstance(body, list):
            from upswing.connectors.base import ConnectorError

            raise ConnectorError("Freshdesk's ticket list was not a JSON array.")
        number += 1
        latest = max((t.get("updated_at") or "" for t in body), default="")
        since = max(since, latest)
        assigned = [t for t in body if t.get("responder_id") is not None]
        yield Page(
            label=f"tickets page {number}",
            content=_as_export(assigned) if assigned else None,
            suffix=".csv",
            state={"updated_since": since},
            fetched=len(body),
        )
        url = response.links.get("next", {}).get("url")
        params = None  # the next link carries the query


def _as_export(tickets: list[dict]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(HEADER)
    for t in tickets:
        writer.writerow([
            t.get("id"), t.get("responder_id"), t.get("created_at") or "",
            SOURCES.get(t.get("source"), "Other"), STATUSES.get(t.get("status"), "Open"),
            t.get("type") or "", t.get("updated_at") or "",
        ])  # fmt: skip
    return out.getvalue().encode("utf-8")
