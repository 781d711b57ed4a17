"""Drives an Upswing home from outside, for the tests that run real worker processes:
`python harness.py COMMAND ARGS…` with UPSWING_HOME (and the settings) in the environment;
prints JSON. The worker tests cannot share pytest's test database with other processes."""

from __future__ import annotations

import json
import sys
from pathlib import Path


def _setup_django() -> None:
    from upswing.boot import setup_django

    setup_django()


def setup(folder: str, interactions: str) -> dict:
    from django.contrib.auth import get_user_model
    from django.core.management import call_command

    from upswing.demo.bench import generate_bench_interactions
    from upswing.ingest.service import import_file
    from upswing.org.models import Role, RoleGrant

    call_command("migrate", interactive=False, verbosity=0)
    user = get_user_model().objects.create(username="root", is_staff=True, is_superuser=True)
    RoleGrant.objects.create(user=user, role=Role.ADMIN)
    files = generate_bench_interactions(
        Path(folder), agents=60, weeks=8, interactions=int(interactions)
    )
    import_file("roster", files.roster, source="bench")
    return {"interactions": str(files.interactions), "rows": files.interaction_rows}


def init() -> dict:
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=0)
    return {}


def upload(kind: str, file: str) -> dict:
    from django.contrib.auth import get_user_model
    from django.core.files.uploadedfile import SimpleUploadedFile

    from upswing.imports import jobs
    from upswing.imports.actions import do_start_import

    user = get_user_model().objects.get(username="root")
    content = Path(file).read_bytes()
    run = do_start_import(
        actor=user, upload=SimpleUploadedFile(Path(file).name, content), kind=kind,
        reader="canonical", source="bench",
    )  # fmt: skip
    return {"run": run.pk, "task": str(jobs.launch(run.pk).id)}


def enqueue(name: str) -> dict:
    from upswing.jobs import tasks

    if name == "refresh":
        return {"task": str(tasks.refresh_scorecards.enqueue(full=True).id)}
    raise SystemExit(f"unknown task {name}")


def sample(name: str, *args: str) -> dict:
    """Queue one of tests/jobs/sample_tasks.py's tasks (numbers as arguments)."""
    from jobs import sample_tasks

    return {"task": str(getattr(sample_tasks, name).enqueue(*map(float, args)).id)}


def state() -> dict:
    from django.conf import settings
    from django_tasks_db.models import DBTaskResult

    from upswing.imports.models import ImportRun
    from upswing.jobs.recovery import failure_message
    from upswing.performance.models import ScorecardSnapshot
    from upswing.warehouse.connection import open_warehouse
    from upswing.warehouse.lock import patience

    with patience(60), open_warehouse(settings.UPSWING_WAREHOUSE_URL) as wh:
        rows = wh.ibis.table("interactions").count().to_pyarrow().as_py()
    return {
        "tasks": {
            str(t.id): {"status": t.status, "workers": t.worker_ids, "message": failure_message(t)}
            for t in DBTaskResult.objects.all()
        },
        "runs": {
            str(r.pk): {
                "status": r.status,
                "stage": r.stage,
                "error": r.error_summary,
                "refresh": r.refresh_summary,
            }
            for r in ImportRun.objects.all()
        },
        "interactions": rows,
        "snapshots": ScorecardSnapshot.objects.count(),
    }


def stage() -> dict:
    """Cheap progress read (no warehouse): each run's stage and each task's status."""
    from django_tasks_db.models import DBTaskResult

    from upswing.imports.models import ImportRun

    return {
        "runs": {str(r.pk): [r.status, r.stage] for r in ImportRun.objects.all()},
        "tasks": {str(t.id): t.status for t in DBTaskResult.objects.all()},
    }


if __name__ == "__main__":
    _setup_django()
    command, *args = sys.argv[1:]
    commands = {"setup": setup, "upload": upload, "enqueue": enqueue, "state": state,
                "sample": sample, "init": init, "stage": stage}  # fmt: skip
    print(json.dumps(commands[command](*args)))
