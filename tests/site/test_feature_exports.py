"""The plan inbox, targets, import runs and calibration sessions through the table layer:
each export holds the rows its page lists for that user (with the page's filter and sort),
names its table and filters, and is audited. (Every persona's status is in the export matrix.)
"""

from __future__ import annotations

import csv
import datetime as dt
import io

from upswing.audit.models import AuditEvent


def export_rows(response) -> list[dict[str, str]]:
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment; filename=")
    return list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))


def test_the_inbox_exports_the_users_notifications_only(login_as):
    client = login_as("agent")
    rows = export_rows(client.get("/plans/inbox/?export=csv"))
    assert [r["Plan"] for r in rows] == ["Plan 9103"]
    assert rows[0]["Read"] == "unread"
    assert rows[0]["Subject"].startswith("Your performance plan")
    assert export_rows(client.get("/plans/inbox/?q=nothing-like-this&export=csv")) == []
    event = AuditEvent.objects.filter(action="table.export").latest("pk")
    assert "plan-inbox" in str(event.__dict__)
    assert export_rows(login_as("hr").get("/plans/inbox/?export=csv")) == []


def test_the_inbox_page_sorts_and_filters_in_the_url(login_as):
    client = login_as("agent")
    page = client.get("/plans/inbox/?sort=subject&q=zzz").content.decode()
    assert "No notification matches the filter." in page
    page = client.get("/plans/inbox/?sort=subject").content.decode()
    assert 'aria-sort="ascending"' in page
    assert "Your performance plan is ready" in page


def test_the_targets_exports_follow_the_page_and_its_author_column(login_as, org):
    from upswing.targets.actions import do_set_target

    manager = login_as("manager")
    do_set_target(
        actor=org.user("manager"), program=org.programs["P1"], team=None, metric="aht",
        sla_floor=None, kpi_target=300.0, source="=HYPERLINK(1)",
        effective_from=dt.date(2026, 1, 1),
    )  # fmt: skip
    page = manager.get("/programs/P1/targets/").content.decode()
    now = export_rows(manager.get("/programs/P1/targets/?export=csv"))
    every = export_rows(manager.get("/programs/P1/targets/?export=csv&table=targets-P1"))
    assert len(every) >= len(now) >= 1
    assert all(r["Metric"] in page for r in every)
    assert "Set by" in every[0]
    assert {r["Source"] for r in now} >= {"'=HYPERLINK(1)"}
    assert manager.get("/programs/P1/targets/?export=csv&table=targets-P9").status_code == 404


def test_import_runs_export_to_admins_as_their_page(login_as, org):
    from upswing.imports.models import ImportRun

    admin = org.user("admin")
    for name in ("claims.csv", "=cmd.csv"):
        ImportRun.objects.create(
            created_by=admin, kind="interactions", reader="canonical", file_name=name,
            stored_name=name, size_bytes=2048,
        )  # fmt: skip
    client = login_as("admin")
    rows = export_rows(client.get("/imports/?sort=file&export=csv"))
    assert [r["File"] for r in rows] == ["'=cmd.csv", "claims.csv"]
    assert rows[0]["Size"] == "2.0\xa0KB"
    assert export_rows(client.get("/imports/?q=claims&export=csv"))[0]["File"] == "claims.csv"
    assert login_as("manager").get("/imports/?export=csv").status_code == 403


def test_calibration_sessions_export_like_the_page(login_as):
    rows = export_rows(login_as("qa").get("/quality/programs/P1/calibrations/?export=csv"))
    assert [r["Session"] for r in rows] == ["October calibration 9801"]
    assert rows[0]["Status"] == "Scores revealed"
    assert set(rows[0]) == {"Session", "Scorecard", "Status", "Opened"}
    outsider = login_as("outsider")
    assert outsider.get("/quality/programs/P1/calibrations/?export=csv").status_code == 404
