"""Programs judged in forked processes: the same findings as one process, in the same order;
one process inside a transaction (a forked one would not see what it wrote)."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from tests.findings.test_diagnose_command import interactions, roster, write_csv

from upswing.findings import diagnosis, processes
from upswing.findings.diagnosis import DiagnosisScope, run_diagnosis
from upswing.ingest.service import import_file
from upswing.performance.models import Finding
from upswing.scorecards.refresh import refresh

AS_OF = dt.date(2026, 10, 25)


def _square_here(x: int) -> tuple[int, int]:
    return os.getpid(), x * x


def _broken(x: int) -> int:
    if x == 2:
        time.sleep(0.5)  # the first program fails last
    raise ValueError(f"program {x} cannot be judged")


def test_results_come_back_in_order_from_other_processes(settings):
    settings.UPSWING_DIAGNOSIS_PROCESSES = 2
    out = processes.map_programs(_square_here, [1, 2, 3, 4, 5])
    assert [square for _, square in out] == [1, 4, 9, 16, 25]
    assert os.getpid() not in {pid for pid, _ in out}


def test_one_process_when_the_setting_says_so(settings):
    settings.UPSWING_DIAGNOSIS_PROCESSES = 1
    assert {pid for pid, _ in processes.map_programs(_square_here, [1, 2, 3])} == {os.getpid()}


def test_never_more_processes_than_programs(settings):
    settings.UPSWING_DIAGNOSIS_PROCESSES = 0  # one per core
    assert processes.process_count(1) == 1
    assert processes.process_count(500) == (os.cpu_count() or 1)


def test_the_failure_raised_is_the_first_in_order_not_in_time(settings):
    settings.UPSWING_DIAGNOSIS_PROCESSES = 2
    with pytest.raises(ValueError, match="program 2 cannot be judged"):
        processes.map_programs(_broken, [2, 3])


@pytest.mark.django_db
def test_inside_a_transaction_the_programs_are_judged_here(settings):
    settings.UPSWING_DIAGNOSIS_PROCESSES = 2
    assert not processes.can_fork()
    assert {pid for pid, _ in processes.map_programs(_square_here, [1, 2])} == {os.getpid()}


_KILLED_PARENT = """
import os, sys, time, django
django.setup()
from django.conf import settings
from upswing.findings import processes
settings.UPSWING_DIAGNOSIS_PROCESSES = 2
def work(item):
    with open(sys.argv[1], "a") as out:
        out.write(f"{os.getpid()}\\n")
    time.sleep(120)
processes.map_programs(work, [1, 2])
"""


def _alive(pid: int) -> bool:
    """Running (a zombie waiting to be reaped has ended)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


@pytest.mark.skipif(
    not sys.platform.startswith("linux"), reason="the parent-death signal is Linux's"
)
def test_the_processes_end_when_their_parent_is_killed(tmp_path):
    pids = tmp_path / "pids"
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "upswing.site.settings_test"}
    parent = subprocess.Popen([sys.executable, "-c", _KILLED_PARENT, str(pids)], env=env)
    deadline = time.monotonic() + 60
    while (
        time.monotonic() < deadline and len(pids.read_text().split() if pids.exists() else []) < 2
    ):
        time.sleep(0.1)
    children = [int(pid) for pid in pids.read_text().split()]
    assert len(children) == 2
    parent.kill()  # as a task's time limit kills it
    parent.wait()
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline and any(_alive(pid) for pid in children):
        time.sleep(0.1)
    assert not any(_alive(pid) for pid in children)


def _second_program(rows: list[dict], fields: dict) -> list[dict]:
    """The same rows for program P2: other agents, teams and interaction ids."""
    out = []
    for row in rows:
        copy = dict(row, **fields)
        for key in ("agent_id", "team_id", "interaction_id"):
            if key in copy:
                copy[key] = f"Z{copy[key]}"
        out.append(copy)
    return out


@pytest.fixture
def two_programs(tmp_path, warehouse_url):
    people = roster()
    people += _second_program(people, {"program_id": "P2", "program_name": "Claims"})
    calls = interactions()
    calls += _second_program(calls, {})
    targets = [
        {
            "program_id": program,
            "metric": "fcr",
            "sla_floor": "80",
            "kpi_target": "85",
            "source": "MSA 4.2",
            "effective_from": "2026-01-01",
        }
        for program in ("P1", "P2")
    ]
    for kind, rows in (("roster", people), ("targets", targets), ("interactions", calls)):
        import_file(kind, write_csv(tmp_path / f"{kind}.csv", rows))
    refresh(full=True)


@pytest.mark.django_db(transaction=True)
def test_programs_in_forked_processes_find_what_one_process_finds(
    two_programs, settings, monkeypatch, tmp_path
):
    settings.UPSWING_DIAGNOSIS_PROCESSES = 1
    alone = run_diagnosis(DiagnosisScope(), as_of=AS_OF, store=False).to_dict()

    settings.UPSWING_DIAGNOSIS_PROCESSES = 2
    assert processes.can_fork()
    judged_in = tmp_path / "pids"
    judge = diagnosis.judge

    def recorded(reading):
        with judged_in.open("a") as out:
            out.write(f"{os.getpid()}\n")
        return judge(reading)

    monkeypatch.setattr(diagnosis, "judge", recorded)
    side_by_side = run_diagnosis(DiagnosisScope(), as_of=AS_OF, store=False).to_dict()

    assert side_by_side == alone
    assert {f["program_id"] for f in alone["findings"]} == {"P1", "P2"}
    pids = set(judged_in.read_text().split())
    assert len(pids) == 2
    assert str(os.getpid()) not in pids


@pytest.mark.django_db
def test_a_diagnosis_of_some_programs_replaces_their_findings_and_keeps_the_others(two_programs):
    run_diagnosis(DiagnosisScope(), as_of=AS_OF, store=True)
    kept = set(Finding.objects.filter(program_code="P1").values_list("id", flat=True))
    before = Finding.objects.filter(program_code="P2").count()
    assert kept
    assert before

    result = run_diagnosis(DiagnosisScope(programs=("P2",)), as_of=AS_OF, store=True)

    assert {f.program_id for f in result.findings} == {"P2"}
    assert result.stored == before
    assert set(Finding.objects.filter(program_code="P1").values_list("id", flat=True)) == kept
    assert Finding.objects.filter(program_code="P2").count() == before
    assert not set(Finding.objects.filter(program_code="P2").values_list("id", flat=True)) & kept
