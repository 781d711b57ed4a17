"""Page benchmark: the program, team and agent pages over 2,000 agents x 26 weeks of scorecards.

A fresh UPSWING_HOME (SQLite) gets one client, 4 programs, 100 teams of 20 agents, and every
scorecard snapshot refresh would write for them: 13 metrics per agent, team and program, per
week (26) and per month (7), ~0.9M rows, bulk-inserted directly. A manager holds a grant on the
client, so their pages see all 2,000 agents. The app then runs under gunicorn (2 sync workers,
DEBUG off, the app's own settings) on loopback; the bench signs in through the login form and
loads each page with a bounded Python client:

- sequential: one request at a time (warm-up first), so the time is the server's, not a queue's;
  server time comes from gunicorn's access log (%(D)s, microseconds), the client's as a check;
- concurrent: 4 client threads over all pages for a bounded count and time, for throughput.

Goal: p95 server time < 100 ms per page. `python -m bench.pages` runs it alone (also
BENCH_ONLY=pages with bench.run); `python -m bench.pages build HOME` is the data step.
"""

from __future__ import annotations

import datetime as dt
import http.client
import os
import random
import re
import shutil
import socket
import statistics
import subprocess
import sys
import time
import urllib.parse
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "bench" / "out"
BIN = Path(sys.executable).parent

PROGRAMS, TEAMS_PER_PROGRAM, AGENTS_PER_TEAM, WEEKS = 4, 25, 20, 26
LAST_WEEK = dt.date(2026, 11, 9)  # Monday of 2026-W46
MANAGER, PASSWORD = "bench-manager", "bench-password-not-for-production"
GOAL_MS = 100.0
SEQUENTIAL_REQUESTS, SEQUENTIAL_SECONDS, WARMUP = 200, 20.0, 10
CONCURRENT_REQUESTS, CONCURRENT_SECONDS, CONCURRENT_THREADS = 400, 20.0, 4
PAGES = {
    "program": ("/programs/P01/", {}),
    "team": ("/teams/T001/", {}),
    "agent": ("/agents/A0001/", {}),
    "trend (htmx)": ("/teams/T001/?metric=csat", {"HX-Request": "true", "HX-Target": "trend"}),
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


# -- data (runs in its own process, with UPSWING_HOME set) ----------------------------------


def build(home: Path) -> dict:
    from upswing.boot import setup_django

    os.environ["UPSWING_HOME"] = str(home)
    setup_django()
    from django.core.management import call_command
    from django.db import transaction

    call_command("migrate", interactive=False, verbosity=0)
    started = time.perf_counter()
    with transaction.atomic():
        teams = _build_org()
        rows = _insert_snapshots(teams)
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
                code=f"T{number:03d}", name=f"Team {number:03d}", program=program
            )
            agents = []
            for _ in range(AGENTS_PER_TEAM):
                agent_number += 1
                agents.append(Agent(code=f"A{agent_number:04d}", name=f"Agent {agent_number:04d}"))
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


def _insert_snapshots(teams: dict[str, tuple[str, list[str]]]) -> int:
    from django.db import connection

    from upswing.metrics import CATALOG
    from upswing.performance.models import ScorecardSnapshot

    rng = random.Random(1)
    now = connection.ops.adapt_datetimefield_value(dt.datetime.now(dt.UTC))
    periods = _periods()

    def rows(level, entity, team_code, program_code):
        for kind, start in periods:
            for metric, (mean, spread, floor, target) in SHAPES.items():
                value = max(0.0, rng.gauss(mean, spread))
                n = 100 if level == "agent" else 2000
                half = spread / 4
                yield (
                    level, entity, team_code, program_code, kind, start.isoformat(), metric,
                    value, value * n, n, value - half, value + half, mean,
                    floor, target, _status(CATALOG[metric].better, value, floor, target), now,
                )  # fmt: skip

    columns = (
        "level, entity_code, team_code, program_code, period_kind, period_start, metric, value, "
        "numerator, n, ci_low, ci_high, baseline, sla_floor, kpi_target, status, refreshed_at"
    )
    sql = (
        f"INSERT INTO {ScorecardSnapshot._meta.db_table} ({columns}) "
        f"VALUES ({', '.join(['%s'] * 17)})"
    )
    count = 0
    with connection.cursor() as cursor:
        programs = sorted({program for program, _ in teams.values()})
        batches = [rows("program", p, "", p) for p in programs]
        for team, (program, agents) in teams.items():
            batches.append(rows("team", team, team, program))
            batches += [rows("agent", a, team, program) for a in agents]
        for batch in batches:
            values = list(batch)
            cursor.executemany(sql, values)
            count += len(values)
    return count


def _status(better, value: float, floor: float | None, target: float | None) -> str:
    from upswing.metrics import Better

    if better is Better.NEITHER or (floor is None and target is None):
        return "no_target"
    worse = (lambda a, b: a < b) if better is Better.HIGHER else (lambda a, b: a > b)
    if floor is not None and worse(value, floor):
        return "below_sla"
    if target is not None and worse(value, target):
        return "below_target"
    return "on_target"


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


def start_server(home: Path, port: int, access_log: Path) -> subprocess.Popen:
    command = [
        str(BIN / "gunicorn"),
        "upswing.site.wsgi:application",
        "--bind", f"127.0.0.1:{port}",
        "--workers", "2",
        "--access-logfile", str(access_log),
        "--access-logformat", "%(U)s|%({hx-target}i)s|%(s)s|%(D)s",
        "--error-logfile", str(home / "gunicorn.err"),
    ]  # fmt: skip
    server = subprocess.Popen(command, env=_server_env(home), cwd=ROOT)
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
    print(f"\n== pages: {agents:,} agents x {WEEKS} weeks, 13 metrics, gunicorn on loopback")
    home = OUT / "home-pages"
    shutil.rmtree(home, ignore_errors=True)
    home.mkdir(parents=True)
    done = subprocess.run(
        [sys.executable, "-m", "bench.pages", "build", str(home)],
        cwd=ROOT,
        env={**os.environ, "UPSWING_HOME": str(home)},
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        raise SystemExit(f"page data build failed:\n{done.stderr}")
    built = done.stdout.strip().splitlines()[-1]
    print(f"  {built}")
    port, access_log = _free_port(), home / "access.log"
    process = start_server(home, port, access_log)
    try:
        cookie = sign_in(port)
        results = {"pages": {}}
        for page in PAGES:
            before = len(server_times(access_log, page, 0))
            cpu_before = workers_cpu_seconds(process.pid)
            client = sequential(port, cookie, page)
            cpu_after = workers_cpu_seconds(process.pid)
            time.sleep(0.3)  # let the workers flush their access-log lines
            server = server_times(access_log, page, before + WARMUP)
            results["pages"][page] = {
                "requests": len(client),
                "server": _percentiles(server),
                "client": _percentiles(client),
                "cpu_ms": None
                if cpu_before is None or cpu_after is None
                else round(1000 * (cpu_after - cpu_before) / len(client), 1),
            }
        results["concurrent"] = concurrent(port, cookie)
    finally:
        process.terminate()
        process.wait(timeout=30)
    report_pages(results)
    shutil.rmtree(home, ignore_errors=True)
    return results


def report_pages(r: dict) -> None:
    print(
        f"  {'page':<14}{'requests':>9}{'p50 ms':>9}{'p95 ms':>9}{'max ms':>9}"
        f"{'client p95':>12}{'CPU ms/req':>12}"
    )
    for page, m in r["pages"].items():
        s = m["server"]
        cpu = "n/a" if m["cpu_ms"] is None else f"{m['cpu_ms']:.1f}"
        print(
            f"  {page:<14}{m['requests']:>9}{s['p50_ms']:>9.1f}{s['p95_ms']:>9.1f}"
            f"{s['max_ms']:>9.1f}{m['client']['p95_ms']:>12.1f}{cpu:>12}"
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
