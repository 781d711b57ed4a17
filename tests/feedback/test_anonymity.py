"""Anonymity across every channel: the page, its CSV, the API and the CLI show nothing of a
group below its threshold whatever the filters; and nothing — logs, audit rows, admin pages —
links an anonymous answer to the person who gave it."""

from __future__ import annotations

import datetime as dt
import io
import json
import logging
import uuid

import pytest
from click.testing import CliRunner
from django.db import transaction
from django.test import override_settings
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook

from factories import UserFactory
from upswing.audit.models import AuditEvent
from upswing.cli import main
from upswing.feedback import actions
from upswing.feedback.models import AnonymousSheet, Cycle, Nomination, Subject

from .pdf import pdf_text
from .records import CLOSED_ON, template

GROUPS = ("peer", "direct_report", "other")
FILTERS = [[], ["peer"], ["other", "all"], ["direct_report", "pool"], ["pool", "all"]]


def export_text(response) -> str:
    """A table export (CSV or XLSX) as text, one line per row."""
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    if "csv" in response["Content-Type"]:
        return response.content.decode("utf-8-sig")
    book = load_workbook(io.BytesIO(response.content), read_only=True)
    rows = book.active.iter_rows(values_only=True)
    return "\n".join(",".join("" if v is None else str(v) for v in row) for row in rows)


def _channels(client, subject, filters, *, pdf: bool = False) -> dict[str, str]:
    """What each channel shows for one subject and one filter, as text."""
    query = "".join(f"&group={g}" for g in filters).lstrip("&")
    base = f"/feedback/cycles/{subject.cycle_id}/results/{subject.agent.code}/"
    api = f"/api/feedback/cycles/{subject.cycle_id}/results/{subject.agent.code}"
    cli_args = ["feedback", "results", "--cycle", str(subject.cycle_id)]
    for g in filters:
        cli_args += ["--group", g]
    out = {
        "page": client.get(f"{base}?{query}").content.decode(),
        "csv": client.get(f"{base}csv/?{query}").content.decode(),
        "api": client.get(f"{api}?{query}").content.decode(),
    }
    for fmt in ("csv", "xlsx"):  # the page's table exports (upswing.tables)
        out[f"table-{fmt}"] = export_text(client.get(f"{base}?{query}&export={fmt}"))
    if pdf:
        out["pdf"] = pdf_text(client.get(f"{base}pdf/?{query}").content)
    for fmt in ("json", "csv"):
        result = CliRunner().invoke(main, [*cli_args, "--format", fmt])
        assert result.exit_code == 0, result.output
        out[f"cli-{fmt}"] = result.stdout
    return out


@settings(
    max_examples=12,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    sizes=st.tuples(*[st.integers(0, 8) for _ in GROUPS]),
    raters=st.integers(3, 5),
    extra=st.integers(0, 3),
)
def test_no_filter_or_channel_shows_a_small_group(org, login_as, sizes, raters, extra):
    """Each sheet carries a unique rating-free token in its comment; a token of a group (or a
    pool) below the comment threshold must appear in no channel, and no channel's numbers may
    count a group below the raters' threshold."""
    comments = raters + extra
    client = login_as("lead")
    with (
        override_settings(
            UPSWING_FEEDBACK_MIN_RATERS=raters, UPSWING_FEEDBACK_MIN_COMMENTERS=comments
        ),
        transaction.atomic(),
    ):
        cycle = Cycle.objects.create(
            name="Generated", team=cycle_team(org), template=template(),
            questions=template().questions, state="closed", due_on=CLOSED_ON, closed_on=CLOSED_ON,
        )  # fmt: skip
        subject = Subject.objects.create(cycle=cycle, agent=org.agents["A1"])
        tokens = {}
        for group, size in zip(GROUPS, sizes, strict=True):
            tokens[group] = [f"tok{uuid.uuid4().hex[:10]}" for _ in range(size)]
            for i, token in enumerate(tokens[group]):
                AnonymousSheet.objects.create(
                    subject=subject, group=group, answers={"listens": 1 + i % 5, "keep": token}
                )
        small = [g for g, n in zip(GROUPS, sizes, strict=True) if 0 < n < comments]
        pool_small = sum(len(tokens[g]) for g in small) < comments
        hidden = [t for g in small for t in tokens[g]] if pool_small else []
        for filters in FILTERS:
            for channel, text in _channels(client, subject, filters).items():
                leaked = [t for t in hidden if t in text]
                assert not leaked, f"{channel} {filters} shows {leaked}"
            api = client.get(
                f"/api/feedback/cycles/{cycle.pk}/results/A1?"
                + "&".join(f"group={g}" for g in filters)
            ).json()
            for cell in api["questions"][0]["groups"]:
                if cell["group"] in GROUPS and 0 < sizes[GROUPS.index(cell["group"])] < raters:
                    assert cell["shown"] is False
                    assert cell["n"] is None
                if cell["shown"] and cell["privacy"] == "anonymous":
                    assert cell["n"] >= raters
        transaction.set_rollback(True)


def cycle_team(org):
    return org.teams["T1"]


def test_nothing_links_an_anonymous_answer_to_its_author(org, client, caplog):
    """Five peers answer through the page with every logger at DEBUG; then logs, audit rows,
    the admin and every results channel are searched for a link between a sheet and a rater."""
    caplog.set_level(logging.DEBUG)
    cycle = actions.do_create_cycle(
        name="Scan 360", team=org.teams["T1"], template=template(),
        due_on=timezone.localdate() + dt.timedelta(days=7),
        agents=[org.agents["A1"]], actor=org.user("lead"),
    )  # fmt: skip
    subject = cycle.subjects.get()
    raters = [
        UserFactory(username=f"scan-rater-{i}", email=f"scan{i}@example.com", password=None,
                    first_name="Scanned", last_name=f"Rater{i}")
        for i in range(7)
    ]  # fmt: skip
    for rater in raters:
        actions.do_nominate_rater(subject, rater=rater, group="peer", actor=org.user("lead"))
    cycle = actions.do_open_cycle(cycle, actor=org.user("lead"), expected_version=cycle.version)
    seen_ids: list[set[str]] = []
    for i, rater in enumerate(raters):
        nomination = Nomination.objects.get(subject=subject, rater=rater)
        client.force_login(rater)
        response = client.post(
            f"/feedback/requests/{nomination.pk}/",
            {"listens": str(1 + i % 5), "keep": f"Comment number {i}"},
        )
        assert response.status_code == 302
        ids = AnonymousSheet.objects.filter(subject=subject).values_list("id", flat=True)
        seen_ids.append({str(s) for s in ids})
    # Every submission rewrote the sheets with new random ids: no id survives from the first.
    assert not seen_ids[0] & seen_ids[-1]
    sheet_ids = [
        str(s) for s in AnonymousSheet.objects.filter(subject=subject).values_list("id", flat=True)
    ]
    actions.do_close_cycle(cycle, actor=org.user("lead"), expected_version=cycle.version)

    logs = "\n".join(r.getMessage() for r in caplog.records)
    audit = json.dumps(list(AuditEvent.objects.values()), default=str)
    for sheet_id in sheet_ids:
        for variant in (sheet_id, sheet_id.replace("-", "")):
            assert variant not in logs
            assert variant not in audit
    assert not AuditEvent.objects.filter(object_type="feedback.anonymoussheet").exists()
    for event in AuditEvent.objects.filter(action="feedback.answer", object_id=str(subject.pk)):
        assert "Comment number" not in json.dumps(event.changes)

    client.force_login(org.user("admin"))
    admin_pages = [
        "/admin/",
        "/admin/feedback/cycle/",
        "/admin/feedback/nomination/",
        "/admin/feedback/completion/",
        f"/admin/feedback/cycle/{cycle.pk}/change/",
    ]
    for path in admin_pages:
        text = client.get(path).content.decode()
        assert "Comment number" not in text, path
        assert not any(sheet_id in text for sheet_id in sheet_ids), path
    assert client.get("/admin/feedback/anonymoussheet/").status_code == 404
    assert client.get("/admin/feedback/anonymousnote/").status_code == 404

    # Results: the comments are out (7 peers) but no channel names or orders them by rater.
    client.force_login(org.user("lead"))
    channels = _channels(client, subject, [], pdf=True)
    for channel, text in channels.items():
        assert "Comment number" in text, channel
        for rater in raters:
            for identity in (rater.username, rater.email, rater.last_name):
                assert identity not in text, (channel, identity)


@pytest.mark.parametrize("value", ["2", "1"])
def test_a_threshold_below_the_floor_stops_the_site(value, org, settings):
    from django.core.exceptions import ImproperlyConfigured

    from upswing.feedback.access import site_thresholds

    settings.UPSWING_FEEDBACK_MIN_RATERS = int(value)
    with pytest.raises(ImproperlyConfigured, match="below the hard floor of 3"):
        site_thresholds()
