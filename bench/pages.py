"""Page benchmark: the program, team and agent pages over BENCH_PAGE_AGENTS agents x 26 weeks.

A fresh UPSWING_HOME gets one client, 4 programs (BENCH_PAGE_PROGRAMS), teams of 20 agents
(2,000 agents by default: 100 teams; 20,000: 1,000), and every scorecard snapshot refresh would
write for them: 13 metrics per agent, team and program, per week (26) and per month (7), ~0.9M
rows per 2,000 agents, bulk-written directly (COPY on PostgreSQL). The operational database is
SQLite under the home, or with BENCH_PAGE_DATABASE=postgres://USER@HOST:PORT/DB a throwaway
database created on that server and dropped at the end. A manager holds a grant on the client,
so their pages see every agent. The app then runs under gunicorn (2 sync workers, DEBUG off,
the app's own settings) on loopback; the bench signs in through the login form and loads each
page with a bounded Python client:

- sequential: one request at a time (warm-up first), so the time is the server's, not a queue's;
  server time comes from gunicorn's access log (%(D)s, microseconds), the client's as a check;
  CPU per request of the workers and, on PostgreSQL, of the database's backends;
- concurrent: 4 client threads over all pages for a bounded count and time, for throughput.

Goal: p95 server time < 100 ms per page. `python -m bench.pages` runs it alone (also
BENCH_ONLY=pages with bench.run); `python -m bench.pages build HOME` is the data step.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import http.client
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import time
import urllib.parse
import uuid
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pyarrow as pa

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "bench" / "out"
BIN = Path(sys.executable).parent

AGENTS = int(os.environ.get("BENCH_PAGE_AGENTS", "2000"))
PROGRAMS = int(os.environ.get("BENCH_PAGE_PROGRAMS", "4"))
AGENTS_PER_TEAM, WEEKS = 20, 26
TEAMS_PER_PROGRAM = max(1, AGENTS // (PROGRAMS * AGENTS_PER_TEAM))
# "" keeps the operational database in SQLite under the bench's home; a PostgreSQL URL names a
# server on which the bench creates a throwaway database (dropped at the end).
DATABASE_SERVER = os.environ.get("BENCH_PAGE_DATABASE", "")
LAST_WEEK = dt.date(2026, 11, 9)  # Monday of 2026-W46
MANAGER, PASSWORD = "bench-manager", "bench-password-not-for-production"
GOAL_MS = 100.0
SEQUENTIAL_REQUESTS, SEQUENTIAL_SECONDS, WARMUP = 200, 20.0, 10
CONCURRENT_REQUESTS, CONCURRENT_SECONDS, CONCURRENT_THREADS = 400, 20.0, 4


def team_code(number: int) -> str:
    return f"T{number:0{max(3, len(str(PROGRAMS * TEAMS_PER_PROGRAM)))}d}"


def agent_code(number: int) -> str:
    return f"A{number:0{max(4, len(str(PROGRAMS * TEAMS_PER_PROGRAM * AGENTS_PER_TEAM)))}d}"


PAGES = {
    "program": ("/programs/P01/", {}),
    "team": (f"/teams/{team_code(1)}/", {}),
    "agent": (f"/agents/{agent_code(1)}/", {}),
    "trend (htmx)": (
        f"/teams/{team_code(1)}/?metric=csat",
        {"HX-Request": "true", "HX-Target": "trend"},
    ),
}
# metric -> (mean, spread, SLA floor, KPI target); direction comes from the catalog.
SHAPES = {
    "volume": (120, 30, None, None),
    "aht": (420, 60, 600, 420),
    "fcr": (74, 8, 70, 80),
    "csat": (82, 6, 75, 85),
    "csat_score": (4.1, 0.3, 3.8, 4.2),
    "nps": (30, 15, 10, 40),
    "ces": (5.2, 0.5, 4.5, 5.5),
    "qa": (86, 6, 80, 90),
    "escalation": (6, 2, 10, 5),
    "reopen": (5, 2, 9, 4),
    "wait": (35, 10, 60, 30),
    "service_level": (80, 6, 70, 80),
    "abandonment": (5, 2, 8, 4),
}


# -- data (runs in its own process, with UPSWING_HOME and DATABASE_URL set) ---------------


def build(home: Path) -> dict:
    from upswing.boot import setup_django

    os.environ["UPSWING_HOME"] = str(home)
    setup_django()
    from django.core.management import call_command
    from django.db import connection, transaction

    call_command("migrate", interactive=False, verbosity=0)
    started = time.perf_counter()
    with transaction.atomic():
        teams = _build_org()
        rows = _insert_snapshots(teams)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")  # what autovacuum does after a refresh's bulk write
    return {"seconds": time.perf_counter() - started, "snapshots": rows}


def _build_org() -> dict[str, tuple[str, list[str]]]:
    """Client, programs, teams, agents and memberships; the manager. team -> (program, agents)."""
    from django.contrib.auth import get_user_model

    from upswing.org.models import Agent, Client, Membership, Program, Role, RoleGrant, Team

    client = Client.objects.create(code="C1", name="Bench client")
    teams: dict[str, tuple[str, list[str]]] = {}
    agent_number = 0
    for p in range(1, PROGRAMS + 1):
        program = Program.objects.create(code=f"P{p:02d}", name=f"Program {p:02d}", client=client)
        for t in range(TEAMS_PER_PROGRAM):
            number = (p - 1) * TEAMS_PER_PROGRAM + t + 1
            team = Team.objects.create(
                code=team_code(number), name=f"Team {number}", program=program
            )
            agents = []
            for _ in range(AGENTS_PER_TEAM):
                agent_number += 1
                code = agent_code(agent_number)
                agents.append(Agent(code=code, name=f"Agent {code[1:]}"))
            Agent.objects.bulk_create(agents)
            Membership.objects.bulk_create(
                Membership(agent=a, team=team, start_date=dt.date(2025, 1, 1)) for a in agents
            )
            teams[team.code] = (program.code, [a.code for a in agents])
    manager = get_user_model().objects.create_user(MANAGER, password=PASSWORD)
    RoleGrant.objects.create(user=manager, role=Role.OPERATIONS_MANAGER, client=client)
    return teams


def _periods() -> list[tuple[str, dt.date]]:
    weeks = [LAST_WEEK - dt.timedelta(weeks=w) for w in range(WEEKS)]
    months = sorted(
        {w.replace(day=1) for w in weeks} | {(w + dt.timedelta(6)).replace(day=1) for w in weeks}
    )
    return [("week", w) for w in weeks] + [("month", m) for m in months]


_COLUMNS = (
    "level", "entity_code", "team_code", "program_code", "period_kind", "period_start", "metric",
    "value", "numerator", "n", "ci_low", "ci_high", "baseline", "sla_floor", "kpi_target",
    "status", "refreshed_at", "part", "partial",
)  # fmt: skip


def _insert_snapshots(teams: dict[str, tuple[str, list[str]]]) -> int:
    """Every snapshot a refresh would write, one team (and its agents) at a time; PostgreSQL
    takes them by COPY, SQLite by one prepared INSERT run."""
    from django.db import connection

    from upswing.performance.models import ScorecardSnapshot

    rng = np.random.default_rng(1)
    now = str(connection.ops.adapt_datetimefield_value(dt.datetime.now(dt.UTC)))
    table = ScorecardSnapshot._meta.db_table
    programs = sorted({program for program, _ in teams.values()})
    batches = [_rows(rng, "program", [(p, "", p)], now) for p in programs]
    count = 0
    with connection.cursor() as cursor:
        write = _copy_writer(cursor, table) if connection.vendor == "postgresql" else None
        for batch in _team_batches(rng, teams, now, batches):
            count += batch.num_rows
            if write is not None:
                write(batch)
            else:
                sql = (
                    f"INSERT INTO {table} ({', '.join(_COLUMNS)}) "
                    f"VALUES ({', '.join(['%s'] * len(_COLUMNS))})"
                )
                cursor.executemany(sql, list(zip(*batch.to_pydict().values(), strict=True)))
    return count


def _team_batches(rng, teams, now, first):
    yield from first
    for team, (program, agents) in teams.items():
        entities = [(team, team, program)] + [(a, team, program) for a in agents]
        yield _rows(rng, "team", entities[:1], now)
        yield _rows(rng, "agent", entities[1:], now)


def _copy_writer(cursor, table: str):
    import pyarrow.csv as pacsv

    def write(batch) -> None:
        sink = pa.BufferOutputStream()
        pacsv.write_csv(
            batch, sink, pacsv.WriteOptions(include_header=False, quoting_style="all_valid")
        )
        sql = f"COPY {table} ({', '.join(_COLUMNS)}) FROM STDIN (FORMAT csv)"
        with cursor.cursor.copy(sql) as copy:
            copy.write(sink.getvalue().to_pybytes())

    return write


def _rows(rng, level: str, entities: list[tuple[str, str, str]], now):
    """One row per entity x period x metric, values drawn around each metric's shape."""
    from upswing.metrics import CATALOG

    periods = _periods()
    metrics = list(SHAPES)
    size = len(entities) * len(periods) * len(metrics)
    entity = np.repeat(np.arange(len(entities)), len(periods) * len(metrics))
    period = np.tile(np.repeat(np.arange(len(periods)), len(metrics)), len(entities))
    metric = np.tile(np.arange(len(metrics)), len(entities) * len(periods))
    shape = [SHAPES[m] for m in metrics]
    mean = np.array([s[0] for s in shape], float)[metric]
    spread = np.array([s[1] for s in shape], float)[metric]
    floor = np.array([np.nan if s[2] is None else s[2] for s in shape], float)[metric]
    target = np.array([np.nan if s[3] is None else s[3] for s in shape], float)[metric]
    value = np.maximum(0.0, rng.normal(mean, spread))
    n = np.full(size, 100 if level == "agent" else 2000)
    better = np.array([CATALOG[m].better.value for m in metrics])[metric]
    codes = [np.array([e[i] for e in entities])[entity] for i in range(3)]
    kinds = np.array([k for k, _ in periods])[period]
    starts = np.array([s.isoformat() for _, s in periods])[period]
    columns = [
        np.full(size, level), *codes, kinds, starts, np.array(metrics)[metric],
        value, value * n, n, value - spread / 4, value + spread / 4, mean,
        pa.array(floor, from_pandas=True), pa.array(target, from_pandas=True),
        _statuses(better, value, floor, target), np.full(size, now),
        np.full(size, ""), np.zeros(size, bool),
    ]  # fmt: skip
    return pa.table(dict(zip(_COLUMNS, columns, strict=True)))


def _statuses(better, value, floor, target) -> np.ndarray:
    from upswing.metrics import Better

    higher = better == Better.HIGHER.value
    lower = better == Better.LOWER.value

    def worse(bound):
        known = ~np.isnan(bound)
        return known & ((higher & (value < bound)) | (lower & (value > bound)))

    no_target = ~(higher | lower) | (np.isnan(floor) & np.isnan(target))
    return np.select(
        [no_target, worse(floor), worse(target)],
        ["no_target", "below_sla", "below_target"],
        "on_target",
    )


# -- server and client ------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _server_env(home: Path) -> dict:
    return {
        **os.environ,
        "UPSWING_HOME": str(home),
        "SECRET_KEY_FILE": str(home / "secret_key"),
        "DJANGO_SETTINGS_MODULE": "upswing.site.settings",
        "DEBUG": "0",
        # Plain HTTP on loopback: the cookies cannot be Secure-only here.
        "SECURE_COOKIES": "0",
        "LOG_LEVEL": "ERROR",
    }


def start_server(home: Path, port: int, access_log: Path, env: dict) -> subprocess.Popen:
    command = [
        str(BIN / "gunicorn"),
        "upswing.site.wsgi:application",
        "--bind", f"127.0.0.1:{port}",
        "--workers", "2",
        "--access-logfile", str(access_log),
        "--access-logformat", "%(U)s|%({hx-target}i)s|%(s)s|%(D)s",
        "--error-logfile", str(home / "gunicorn.err"),
    ]  # fmt: skip
    server = subprocess.Popen(command, env={**_server_env(home), **env}, cwd=ROOT)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            status, _, _ = request(port, "GET", "/login/")
            if status == 200:
                return server
        except OSError:
            time.sleep(0.2)
    server.terminate()
    raise SystemExit(f"gunicorn did not answer on 127.0.0.1:{port}: see {home / 'gunicorn.err'}")


def request(port: int, method: str, path: str, headers=None, body=None):
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        connection.request(method, path, body=body, headers=headers or {})
        response = connection.getresponse()
        return response.status, response.headers, response.read()
    finally:
        connection.close()


def sign_in(port: int) -> str:
    """Log in through the form like a browser; returns the Cookie header to send."""
    _, headers, _ = request(port, "GET", "/login/")
    csrf = _cookie(headers, "csrftoken")
    form = urllib.parse.urlencode(
        {"username": MANAGER, "password": PASSWORD, "csrfmiddlewaretoken": csrf}
    )
    status, headers, _ = request(
        port,
        "POST",
        "/login/",
        {"Content-Type": "application/x-www-form-urlencoded", "Cookie": f"csrftoken={csrf}"},
        form,
    )
    session = _cookie(headers, "sessionid")
    if status != 302 or not session:
        raise SystemExit(f"sign-in as {MANAGER} failed ({status})")
    return f"csrftoken={csrf}; sessionid={session}"


def _cookie(headers, name: str) -> str:
    for value in headers.get_all("Set-Cookie") or []:
        if value.startswith(f"{name}="):
            return value.split(";", 1)[0].split("=", 1)[1]
    return ""


def _get(port: int, cookie: str, page: str) -> float:
    path, extra = PAGES[page]
    started = time.perf_counter()
    status, _, body = request(port, "GET", path, {"Cookie": cookie, **extra})
    elapsed = time.perf_counter() - started
    if status != 200 or b"trend" not in body:
        raise SystemExit(f"{page} page: HTTP {status}, not the page")
    return elapsed


def sequential(port: int, cookie: str, page: str) -> list[float]:
    for _ in range(WARMUP):
        _get(port, cookie, page)
    times, deadline = [], time.monotonic() + SEQUENTIAL_SECONDS
    while len(times) < SEQUENTIAL_REQUESTS and time.monotonic() < deadline:
        times.append(_get(port, cookie, page))
    return times


def concurrent(port: int, cookie: str) -> dict:
    deadline = time.monotonic() + CONCURRENT_SECONDS
    names = list(PAGES)

    def one(i: int) -> float | None:
        if time.monotonic() > deadline:
            return None
        return _get(port, cookie, names[i % len(names)])

    started = time.perf_counter()
    with ThreadPoolExecutor(CONCURRENT_THREADS) as pool:
        times = [t for t in pool.map(one, range(CONCURRENT_REQUESTS)) if t is not None]
    seconds = time.perf_counter() - started
    return {"requests": len(times), "per_second": len(times) / seconds, **_percentiles(times)}


def _percentiles(seconds: list[float]) -> dict:
    ms = sorted(1000 * s for s in seconds)
    cuts = statistics.quantiles(ms, n=100, method="inclusive")
    return {"p50_ms": round(cuts[49], 1), "p95_ms": round(cuts[94], 1), "max_ms": round(ms[-1], 1)}


_LOG_LINE = re.compile(r"^(?P<path>[^|]*)\|(?P<target>[^|]*)\|(?P<status>\d+)\|(?P<us>\d+)$")


def server_times(access_log: Path, page: str, skip: int) -> list[float]:
    """Server-side seconds for the page's requests in the log, after the first `skip`."""
    path, extra = PAGES[page]
    path = path.split("?", 1)[0]
    target = extra.get("HX-Target", "-")
    found = []
    for line in access_log.read_text().splitlines():
        m = _LOG_LINE.match(line.strip())
        if m and m["path"] == path and m["target"] == target and m["status"] == "200":
            found.append(int(m["us"]) / 1e6)
    return found[skip:]


def workers_cpu_seconds(master: int) -> float | None:
    """User + system CPU of the gunicorn workers so far (Linux /proc; None elsewhere).

    Wall time on a busy machine includes waiting for a core; CPU time per request does not.
    """
    try:
        children = Path(f"/proc/{master}/task/{master}/children").read_text().split()
        ticks = 0
        for pid in children:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            ticks += int(fields[11]) + int(fields[12])  # utime, stime
    except (OSError, IndexError, ValueError):
        return None
    return ticks / os.sysconf("SC_CLK_TCK")


# -- the measurement --------------------------------------------------------------------------


def measure_pages() -> dict:
    agents = PROGRAMS * TEAMS_PER_PROGRAM * AGENTS_PER_TEAM
    engine = "PostgreSQL" if DATABASE_SERVER else "SQLite"
    print(
        f"\n== pages: {agents:,} agents ({PROGRAMS} programs of {TEAMS_PER_PROGRAM:,} teams) x "
        f"{WEEKS} weeks, 13 metrics, {engine}, gunicorn on loopback"
    )
    home = OUT / "home-pages"
    shutil.rmtree(home, ignore_errors=True)
    home.mkdir(parents=True)
    with operational_database() as database:
        env = {**os.environ, "UPSWING_HOME": str(home), **database.env}
        done = subprocess.run(
            [sys.executable, "-m", "bench.pages", "build", str(home)],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            check=False,
        )
        if done.returncode != 0:
            raise SystemExit(f"page data build failed:\n{done.stderr}")
        built = done.stdout.strip().splitlines()[-1]
        print(f"  {built}")
        results = serve_and_measure(home, database)
    results.update(agents=agents, teams=PROGRAMS * TEAMS_PER_PROGRAM, engine=engine)
    report_pages(results)
    shutil.rmtree(home, ignore_errors=True)
    return results


def serve_and_measure(home: Path, database: _Database) -> dict:
    port, access_log = _free_port(), home / "access.log"
    process = start_server(home, port, access_log, database.env)
    try:
        cookie = sign_in(port)
        results = {"pages": {}}
        for page in PAGES:
            before = len(server_times(access_log, page, 0))
            cpu_before = workers_cpu_seconds(process.pid)
            db_before = database.cpu_seconds()
            client = sequential(port, cookie, page)
            cpu_after = workers_cpu_seconds(process.pid)
            db_after = database.cpu_seconds()
            time.sleep(0.3)  # let the workers flush their access-log lines
            server = server_times(access_log, page, before + WARMUP)
            results["pages"][page] = {
                "requests": len(client),
                "server": _percentiles(server),
                "client": _percentiles(client),
                "cpu_ms": _per_request(cpu_before, cpu_after, len(client)),
                "db_cpu_ms": _per_request(db_before, db_after, len(client)),
            }
        results["concurrent"] = concurrent(port, cookie)
    finally:
        process.terminate()
        process.wait(timeout=30)
    return results


def _per_request(before: float | None, after: float | None, requests: int) -> float | None:
    if before is None or after is None:
        return None
    return round(1000 * (after - before) / requests, 1)


@dataclass
class _Database:
    """The operational database the bench's server uses: SQLite (env empty) or a throwaway
    PostgreSQL database (its URL in env, connections kept between requests)."""

    env: dict
    name: str = ""
    server: str = ""

    def cpu_seconds(self) -> float | None:
        """CPU of the PostgreSQL backends serving the bench's database (None for SQLite,
        whose work is inside the workers' own CPU time)."""
        if not self.name:
            return None
        import psycopg

        with psycopg.connect(self.server, autocommit=True) as con:
            pids = con.execute(
                "SELECT pid FROM pg_stat_activity WHERE datname = %s", (self.name,)
            ).fetchall()
        return sum(_process_cpu(pid) for (pid,) in pids)


def _process_cpu(pid: int) -> float:
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


@contextlib.contextmanager
def operational_database():
    if not DATABASE_SERVER:
        yield _Database({})
        return
    import psycopg

    name = f"upswing_bench_pages_{uuid.uuid4().hex[:8]}"
    url = urllib.parse.urlsplit(DATABASE_SERVER)._replace(path=f"/{name}").geturl()
    with psycopg.connect(DATABASE_SERVER, autocommit=True) as con:
        con.execute(f'CREATE DATABASE "{name}"')
    try:
        # Connections kept between requests, as a deployment on PostgreSQL would keep them,
        # and for the whole run, so that their backends' CPU can be read (DB CPU ms).
        env = {"DATABASE_URL": url, "DATABASE_CONN_MAX_AGE": "600"}
        yield _Database(env, name, DATABASE_SERVER)
    finally:
        with psycopg.connect(DATABASE_SERVER, autocommit=True) as con:
            con.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def report_pages(r: dict) -> None:
    print(
        f"  {'page':<14}{'requests':>9}{'p50 ms':>9}{'p95 ms':>9}{'max ms':>9}"
        f"{'client p95':>12}{'CPU ms/req':>12}{'DB CPU ms':>11}"
    )
    for page, m in r["pages"].items():
        s = m["server"]
        cpu = "n/a" if m["cpu_ms"] is None else f"{m['cpu_ms']:.1f}"
        db = "in CPU" if m["db_cpu_ms"] is None else f"{m['db_cpu_ms']:.1f}"
        print(
            f"  {page:<14}{m['requests']:>9}{s['p50_ms']:>9.1f}{s['p95_ms']:>9.1f}"
            f"{s['max_ms']:>9.1f}{m['client']['p95_ms']:>12.1f}{cpu:>12}{db:>11}"
        )
    c = r["concurrent"]
    print(
        f"  {CONCURRENT_THREADS} clients, all pages: {c['requests']} requests, "
        f"{c['per_second']:.0f} req/s, p50 {c['p50_ms']:.1f} ms, p95 {c['p95_ms']:.1f} ms"
    )
    worst = max(m["server"]["p95_ms"] for m in r["pages"].values())
    verdict = "met" if worst < GOAL_MS else "NOT met"
    print(
        f"  slowest page p95 {worst:.1f} ms server time  (goal p95 < {GOAL_MS:.0f} ms: {verdict})"
    )
    print(f"  load average at the end: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")


if __name__ == "__main__":
    if sys.argv[1:2] == ["build"]:
        import json

        print(json.dumps(build(Path(sys.argv[2]))))
    else:
        OUT.mkdir(parents=True, exist_ok=True)
        measure_pages()
