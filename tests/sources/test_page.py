"""The warehouse sources page: who may see it, its "read now" button (CSRF, the queued job,
the audit trail) and what it says of each source and its last read."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.test import Client
from django_tasks_db.models import DBTaskResult
from tests.scorecards.refresh_data import load, roster

from factories import PERSONAS, build_persona_org
from upswing.audit.models import AuditEvent
from upswing.sources.models import WarehouseSource
from upswing.sources.service import add_source, read_sources

from .conftest import DEFINITION, call, put_calls

pytestmark = pytest.mark.django_db

PAGE = "/sources/"
T0 = dt.datetime(2026, 3, 5, 12, 0, tzinfo=dt.UTC)
AT = dt.datetime(2026, 3, 2, 18, 0, tzinfo=dt.UTC)


@pytest.fixture
def org(db):
    return build_persona_org(snapshots=False)


@pytest.fixture
def admin(client, org):
    client.force_login(org.user("admin"))
    return client


@pytest.fixture
def database_queue(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def _declared(name: str = "crm_calls", **fields) -> WarehouseSource:
    return WarehouseSource.objects.create(name=name, definition=DEFINITION, **fields)


def test_only_those_who_run_imports_see_the_page(
    org, database_queue, django_capture_on_commit_callbacks
):
    _declared()
    seen = {}
    for persona in PERSONAS:
        client = Client()
        if persona != "anonymous":
            client.force_login(org.user(persona))
        for method in (client.get, client.post):
            with django_capture_on_commit_callbacks(execute=True):
                response = method(PAGE)
            seen[persona, method.__name__] = response.status_code
            if persona not in {"anonymous", "admin"}:
                assert "Not allowed" in response.content.decode(), persona
                assert "crm_calls" not in response.content.decode(), persona
    assert seen.pop(("anonymous", "get")) == seen.pop(("anonymous", "post")) == 302
    assert (seen.pop(("admin", "get")), seen.pop(("admin", "post"))) == (200, 302)
    assert set(seen.values()) == {403}
    assert DBTaskResult.objects.count() == 1  # the admin's read only
    [event] = AuditEvent.objects.filter(action="source.read_request")
    assert event.actor == org.user("admin")


def test_the_navigation_and_the_imports_page_lead_to_it_for_admins_only(org, admin):
    assert f'href="{PAGE}"' in admin.get("/imports/").content.decode()
    assert f'href="{PAGE}"' in admin.get("/").content.decode()
    manager = Client()
    manager.force_login(org.user("manager"))
    assert f'href="{PAGE}"' not in manager.get("/").content.decode()


def test_read_now_needs_the_csrf_token(org, database_queue, django_capture_on_commit_callbacks):
    _declared()
    client = Client(enforce_csrf_checks=True)
    client.force_login(org.user("admin"))
    assert client.post(PAGE).status_code == 403
    assert not DBTaskResult.objects.exists()
    page = client.get(PAGE).content.decode()
    token = client.cookies["csrftoken"].value
    assert 'name="csrfmiddlewaretoken"' in page
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(PAGE, {"csrfmiddlewaretoken": token}).status_code == 302
    assert DBTaskResult.objects.count() == 1


def test_read_now_queues_the_sources_job_and_says_so(
    org, admin, database_queue, django_capture_on_commit_callbacks
):
    _declared()
    with django_capture_on_commit_callbacks(execute=True):
        queued = admin.post(PAGE)
    assert queued["Location"] == PAGE
    response = admin.get(PAGE)
    [job] = DBTaskResult.objects.all()
    assert job.task_path == "upswing.jobs.tasks.read_sources"
    assert job.status == "READY"
    assert "A read of every source is queued" in response.content.decode()
    assert "Warehouse sources read" in response.content.decode()  # in the job list below
    event = AuditEvent.objects.get(action="source.read_request")
    assert event.actor == org.user("admin")
    assert "A read of every source is queued" not in admin.get(PAGE).content.decode()  # once


def test_with_no_source_the_page_says_how_to_add_one_and_reads_nothing(admin, database_queue):
    page = admin.get(PAGE).content.decode()
    assert "No sources yet." in page
    assert "upswing sources add crm_calls --file crm_calls.toml" in page
    assert "Read now" not in page
    response = admin.post(PAGE, follow=True)
    assert "There is no source to read" in response.content.decode()
    assert not DBTaskResult.objects.exists()


def test_the_page_shows_each_sources_table_watermark_and_last_read(admin, tmp_path, warehouse_url):
    load(tmp_path, "roster", roster())
    put_calls(warehouse_url, [
        call("G1", "A1", "P1", AT, T0),
        call("G2", "A2", "P1", AT, T0),
        call("B1", "NOBODY", "P1", AT, T0),
        call("B2", "NOBODY", "P1", AT, T0),
        call("B3", "A2", "P1", AT, T0, outcome="maybe"),
    ])  # fmt: skip
    add_source("crm_calls", DEFINITION)
    _declared("crm_later")  # declared, never read
    WarehouseSource.objects.create(name="crm_broken", definition="[table]\nname = 1\n")

    page = admin.get(PAGE).content.decode()
    unread = page.split('<th scope="row">crm_calls</th>')[1].split("</tr>")[0]
    assert '<span class="muted">not read yet</span>' in unread
    assert '<span class="muted">never</span>' in unread
    read_sources(["crm_calls"])
    page = admin.get(PAGE).content.decode()

    assert "<code>crm_calls</code>" in page  # the table
    assert "Interactions" in page
    assert "<code>updated_at</code>: 2026-03-05" in page  # the watermark read up to
    row = page.split('<th scope="row">crm_calls</th>')[1].split("</tr>")[0]
    assert '<td class="num">2</td>' in row  # merged
    assert '<td class="num">3</td>' in row  # left out
    problems = re.findall(r"<li>([^<]*)</li>", page)  # grouped, in words, with the rows
    assert [re.sub(r"\(\d+(, \d+)*\)", "(…)", line) for line in problems] == [
        "crm_calls: agent_id: unknown agent: not in the roster (import the roster first):"
        " 2 rows (…); first value &#x27;NOBODY&#x27;",
        "crm_calls: resolved: not a yes/no value (true/false, yes/no, y/n, 1/0): 1 row (…);"
        " first value &#x27;maybe&#x27;",
    ]
    assert "Traceback" not in page
    broken = page.split('<th scope="row">crm_broken</th>')[1].split("</tr>")[0]
    assert "The definition cannot be read:" in broken


def test_a_source_that_could_not_be_read_says_why_in_words(admin):
    _declared(
        read_at=T0,
        last_read={"source": "crm_calls", "error": "the table crm_calls is not in the warehouse"},
    )
    row = admin.get(PAGE).content.decode().split('<th scope="row">crm_calls</th>')[1]
    assert "Not read: the table crm_calls is not in the warehouse" in row.split("</tr>")[0]
