"""A helpdesk on loopback: a threaded http.server serving the fixture pages, scriptable to
refuse credentials, rate-limit or fail a page, and recording every request."""

from __future__ import annotations

import base64
import json
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest

FIXTURES = Path(__file__).with_name("fixtures")
ROSTER = (
    "agent_id,name,team_id,program_id,program_name,client_name,time_zone\n"
    "377922500012,Zed One,TZ,PZ,Helpdesk,Zeta,UTC\n"
    "377922500013,Zed Two,TZ,PZ,Helpdesk,Zeta,UTC\n"
    "43000001,Fred One,TF,PF,Desk,Freda,UTC\n"
    "43000002,Fred Two,TF,PF,Desk,Freda,UTC\n"
)


@dataclass
class Reply:
    status: int = 200
    body: object = None
    headers: dict = field(default_factory=dict)


@dataclass
class Helpdesk:
    """`route(path, query) -> Reply`; `script` replies first (429s, 500s) when it has any."""

    route: Callable[[str, dict], Reply]
    auth: str  # the expected Authorization header
    requests: list[tuple[str, dict]] = field(default_factory=list)
    script: list[Reply] = field(default_factory=list)
    url: str = ""

    def handle(self, handler: BaseHTTPRequestHandler) -> Reply:
        parts = urlsplit(handler.path)
        query = {k: v[0] for k, v in parse_qs(parts.query).items()}
        self.requests.append((parts.path, query))
        if handler.headers.get("Authorization") != self.auth:
            return Reply(401, {"error": "Couldn't authenticate you"})
        if self.script:
            return self.script.pop(0)
        return self.route(parts.path, query)


def _serve(desk: Helpdesk):
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):
            reply = desk.handle(self)
            payload = json.dumps(reply.body).encode()
            self.send_response(reply.status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(payload)))
            for name, value in reply.headers.items():
                self.send_header(name, value.replace("{base}", desk.url))
            self.end_headers()
            self.wfile.write(payload)

        def log_message(self, *_args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    desk.url = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    return server, thread


def fixture(name: str):
    return json.loads((FIXTURES / name).read_text())


def basic(user: str, password: str) -> str:
    return "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()


def _zendesk_route(path: str, query: dict) -> Reply:
    if path == "/api/v2/incremental/tickets/cursor.json":
        pages = [fixture(f"zendesk_tickets_page{n}.json") for n in (1, 2, 3)]
        if "cursor" not in query:
            return Reply(body=pages[0])
        after = [p["after_cursor"] for p in pages]
        following = after.index(query["cursor"]) + 1
        if following == len(pages):  # nothing new since: an empty page, end of stream
            return Reply(body={**pages[-1], "tickets": [], "end_of_stream": True})
        return Reply(body=pages[following])
    if path == "/api/v2/satisfaction_ratings":
        first = fixture("zendesk_ratings_page1.json")
        if query.get("page[after]") == first["meta"]["after_cursor"]:
            return Reply(body=fixture("zendesk_ratings_page2.json"))
        return Reply(body=first)
    return Reply(404, {"error": "InvalidEndpoint"})


def _freshdesk_route(path: str, query: dict) -> Reply:
    if path != "/api/v2/tickets":
        return Reply(404, {"code": "invalid_url"})
    if query.get("page") == "2":
        return Reply(body=fixture("freshdesk_tickets_page2.json"))
    link = '<{base}/api/v2/tickets?page=2&per_page=100>; rel="next"'
    return Reply(body=fixture("freshdesk_tickets_page1.json"), headers={"Link": link})


@pytest.fixture
def zendesk(settings):
    desk = Helpdesk(_zendesk_route, basic("ops@example.com/token", "zd-token"))
    server, thread = _serve(desk)
    settings.ZENDESK_URL, settings.ZENDESK_EMAIL = desk.url, "ops@example.com"
    settings.ZENDESK_API_TOKEN = "zd-token"
    settings.ZENDESK_START_DATE = "2026-10-01"
    yield desk
    server.shutdown()
    server.server_close()
    thread.join()


@pytest.fixture
def freshdesk(settings):
    desk = Helpdesk(_freshdesk_route, basic("fd-key", "X"))
    server, thread = _serve(desk)
    settings.FRESHDESK_URL, settings.FRESHDESK_API_KEY = desk.url, "fd-key"
    settings.FRESHDESK_START_DATE = "2026-10-01"
    yield desk
    server.shutdown()
    server.server_close()
    thread.join()


@pytest.fixture
def roster(db, warehouse_url, tmp_path):
    from upswing.ingest.service import import_file

    path = tmp_path / "roster.csv"
    path.write_text(ROSTER)
    import_file("roster", path, source="hr")
    return warehouse_url


@pytest.fixture
def warehouse_rows(roster):
    from django.conf import settings

    from upswing.warehouse.connection import open_warehouse

    def count(table: str, source: str) -> int:
        with open_warehouse(settings.UPSWING_WAREHOUSE_URL) as wh:
            t = wh.ibis.table(table)
            return t.filter(t.source == source).count().to_pyarrow().as_py()

    return count
