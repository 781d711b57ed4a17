"""Vendors side by side on the page: raw and channel-adjusted values read from the warehouse's
answered calls, the sentence that agrees with them, the dispute rate per evaluation and the
calibration agreement (Krippendorff's alpha) instead of a count of sessions."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import pytest
import time_machine
from tests.governance.conftest import contract_row
from tests.quality_records import _calibration, _evaluation, _template

from factories import AgentFactory, ProgramFactory, TeamFactory
from upswing.governance.compare import qa_rates, vendor_comparison
from upswing.governance.imports import do_import_contracts
from upswing.quality.models import CalibrationSession, Dispute
from upswing.quality.queries import calibration_results
from upswing.warehouse.connection import connect, ensure_tables
from upswing.warehouse.schema import TABLES

NOW = dt.datetime(2026, 11, 15, 15, tzinfo=dt.UTC)  # compared months: 2026-08 to 2026-10
DAY = dt.date(2026, 10, 14)
MARKS = {"greet": 1, "verify": 1, "explain": 3}


def calls(program: str, channel: str, count: int, resolved: int) -> list[dict]:
    return [
        {
            "source": "crm", "interaction_id": f"{program}-{channel}-{i}", "agent_id": "A1",
            "program_id": program, "local_date": DAY, "channel": channel, "answered": True,
            "resolved": i < resolved, "reopened": False, "escalated": False,
            "handle_seconds": 300.0, "wait_seconds": 10.0,
            "started_at": dt.datetime.combine(DAY, dt.time(12), tzinfo=dt.UTC),
        }
        for i in range(count)
    ]  # fmt: skip


def load(url: str, rows: list[dict]) -> None:
    import pyarrow as pa

    con = connect(url)
    ensure_tables(con)
    schema = TABLES["interactions"].to_pyarrow()
    con.insert("interactions", pa.Table.from_pylist(rows, schema=schema))
    con.disconnect()


@pytest.fixture
def two_vendors(world, warehouse_url):
    south = ProgramFactory(code="P-SOUTH", name="Care South", client=world.program.client)
    do_import_contracts(
        [
            contract_row(
                "P-SOUTH", "1", dt.date(2026, 1, 1), "fcr", 75.0,
                vendor_id="V2", vendor_name="Southwind BPO",
            )
        ],
        "test",
    )  # fmt: skip
    # The worked example of test_mix, divided by ten: Northwind (P-NY) takes mostly phone
    # calls, Southwind mostly chats; Southwind resolves more in each channel.
    load(
        warehouse_url,
        calls("P-NY", "phone", 80, 64) + calls("P-NY", "chat", 20, 10)
        + calls("P-SOUTH", "phone", 20, 17) + calls("P-SOUTH", "chat", 80, 44),
    )  # fmt: skip
    world.south = south
    return world


def test_the_page_shows_raw_and_channel_adjusted_values_and_a_sentence_that_agrees(
    client, two_vendors
):
    client.force_login(two_vendors.users["lead"])
    with time_machine.travel(NOW, tick=False):
        page = client.get("/governance/vendors/").content.decode()
    assert "2026-08 to 2026-10" in page
    for text in ("74.0%", "61.0%", "65.0%", "70.0%"):
        assert text in page
    assert (
        "First-contact resolution: raw, Northwind Contact is better (74.0% against 61.0%); on the"
        " pooled channel mix, Southwind BPO is better (70.0% against 65.0%)"
    ) in page.replace("&#x27;", "'")
    assert "Not adjusted for customer mix" not in page


def test_without_imported_contacts_the_page_says_it_is_not_adjusted(client, world, settings):
    settings.UPSWING_WAREHOUSE_URL = "duckdb:///nonexistent/warehouse.duckdb"
    client.force_login(world.users["lead"])
    with time_machine.travel(NOW, tick=False):
        page = client.get("/governance/vendors/").content.decode()
    assert "No contacts are imported: the values are not adjusted for mix." in page


def test_only_programs_in_scope_are_compared(two_vendors):
    from upswing.governance.access import visible_governed_programs

    with time_machine.travel(NOW, tick=False):
        data = vendor_comparison(visible_governed_programs(two_vendors.users["vendor"]))
    [group] = data["groups"]
    assert [v["vendor"] for v in group["vendors"]] == ["Northwind Contact"]


def _shim(program, users):
    team = TeamFactory(program=program)
    return SimpleNamespace(
        user=lambda persona: users[persona],
        agents={"A1": AgentFactory(code="A1-GOV")},
        teams={"T1": team},
    )


def test_dispute_rate_is_the_share_of_evaluations_disputed_and_too_few_below_the_qa_sample(world):
    users = {"qa": world.users["lead"]}
    shim = _shim(world.program, users)
    version = _template(9901, world.program, users["qa"])
    evaluations = [
        _evaluation(9910 + i, version, shim, "A1", "T1", users["qa"], MARKS) for i in range(5)
    ]
    for e in evaluations:
        e.interaction_day = DAY
        e.save(update_fields=["interaction_day"])
    Dispute.objects.create(evaluation=evaluations[0], criterion="greet", reason="r")
    Dispute.objects.create(evaluation=evaluations[0], criterion="verify", reason="r")
    first, last = dt.date(2026, 8, 1), dt.date(2026, 10, 31)
    assert qa_rates(world.program, first, last)["dispute_rate"] == "too few to judge"
    extra = _evaluation(9920, version, shim, "A1", "T1", users["qa"], MARKS)
    extra.interaction_day = DAY
    extra.save(update_fields=["interaction_day"])
    rates = qa_rates(world.program, first, last)
    assert (rates["evaluations"], rates["disputes"]) == (6, 2)
    # two criteria disputed on one evaluation: one evaluation of six
    assert rates["dispute_rate"] == "16.7% (1 of 6 evaluations disputed)"
    assert rates["calibration"] == "too few to judge"


def test_calibration_agreement_is_the_sessions_alpha_not_their_count(world):
    users = {
        "lead": world.users["lead"],
        "viewer": world.users["viewer"],
        "vendor": world.users["vendor"],
    }
    shim = _shim(world.program, users)
    version = _template(9902, world.program, users["lead"])
    session = _calibration(9930, version, shim, ["lead", "viewer", "vendor"], revealed=True)
    CalibrationSession.objects.filter(pk=session.pk).update(
        revealed_at=dt.datetime(2026, 10, 20, 12, tzinfo=dt.UTC)
    )
    _calibration(9931, version, shim, ["lead", "viewer"], revealed=False)  # still blind
    alpha = calibration_results(session).overall.alpha
    assert alpha is not None
    rates = qa_rates(world.program, dt.date(2026, 8, 1), dt.date(2026, 10, 31))
    assert rates["calibration_alpha"] == pytest.approx(alpha)
    assert rates["calibration"].startswith(f"α {alpha:.2f}, ")
    assert rates["calibration"].endswith("(1 session)")
    outside = qa_rates(world.program, dt.date(2026, 11, 1), dt.date(2026, 11, 30))
    assert outside["calibration"] == "too few to judge"
