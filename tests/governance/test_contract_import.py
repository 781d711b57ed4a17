"""The `contracts` import kind: a CSV per docs/import.md, its checks and its idempotency."""

from __future__ import annotations

import datetime as dt

import pytest

from factories import ProgramFactory
from upswing.audit.models import AuditEvent
from upswing.governance.models import Contract, ContractVersion, SlaLine
from upswing.ingest.service import ImportRejected, format_problems, import_file

HEADER = (
    "program_id,version,effective_from,metric,floor,target,window,source,vendor_id,vendor_name,"
    "corrective_after,review_after,rolling_months,monthly_fee,currency,"
    "credit_percent_per_point,credit_cap_percent\n"
)
GOOD = HEADER + (
    "P-IMP,1,2026-01-01,fcr,80,85,month,Schedule 2 §4.1,V1,Northwind,2,3,6,100000,USD,1.5,10\n"
    "P-IMP,1,2026-01-01,AHT,300,,month,Schedule 2 §4.2,V1,Northwind,2,3,6,100000,USD,,\n"
    "P-IMP,2,2026-07-01,fcr,78,85,,Amendment 1,V1,Northwind,2,4,6,100000,USD,,\n"
)


@pytest.fixture
def program(db, warehouse_url):
    return ProgramFactory(code="P-IMP", time_zone="Europe/Lisbon")


def run(tmp_path, text: str):
    path = tmp_path / "contracts.csv"
    path.write_text(text, "utf-8")
    return import_file("contracts", path)


def test_a_contract_file_stores_versions_and_lines(program, tmp_path):
    result = run(tmp_path, GOOD)
    assert (result.inserted, result.updated, result.unchanged) == (2, 0, 0)
    contract = Contract.objects.get(program=program)
    assert contract.vendor.name == "Northwind"
    v1, v2 = ContractVersion.objects.filter(contract=contract).order_by("effective_from")
    assert (v1.version, v1.effective_from, v1.monthly_fee, v1.currency) == (
        "1",
        dt.date(2026, 1, 1),
        100000,
        "USD",
    )
    assert v2.review_after == 4
    lines = SlaLine.objects.filter(version=v1).order_by("metric")
    assert [(x.metric, x.floor, x.target, x.window) for x in lines] == [
        ("aht", 300.0, None, "month"),
        ("fcr", 80.0, 85.0, "month"),
    ]
    assert (lines[1].credit_percent_per_point, lines[1].credit_cap_percent) == (1.5, 10.0)
    assert AuditEvent.objects.filter(action="contract_version.inserted").count() == 2


def test_the_same_file_again_changes_nothing_and_a_changed_floor_updates(program, tmp_path):
    run(tmp_path, GOOD)
    again = run(tmp_path, GOOD)
    assert (again.inserted, again.updated, again.unchanged) == (0, 0, 2)
    changed = run(
        tmp_path, GOOD.replace("P-IMP,1,2026-01-01,fcr,80,", "P-IMP,1,2026-01-01,fcr,82,")
    )
    assert (changed.updated, changed.unchanged) == (1, 1)
    assert SlaLine.objects.get(version__version="1", metric="fcr").floor == 82.0


@pytest.mark.parametrize(
    ("line", "column", "reason"),
    [
        ("P-NOPE,1,2026-01-01,fcr,80,,,,,,,,,,,,", "program_id", "unknown program"),
        ("P-IMP,1,2026-01-01,speed,80,,,,,,,,,,,,", "metric", "not a metric"),
        ("P-IMP,1,2026-01-01,volume,80,,,,,,,,,,,,", "metric", "no better direction"),
        ("P-IMP,1,2026-01-01,fcr,80,70,,,,,,,,,,,", "target", "worse than the floor"),
        ("P-IMP,1,2026-01-01,aht,300,400,,,,,,,,,,,", "target", "worse than the floor"),
        ("P-IMP,1,2026-01-01,fcr,80,,year,,,,,,,,,,", "window", ""),
        ("P-IMP,1,2026-01-01,fcr,80,,,,,,2,2,,,,,", "review_after", "more breaches"),
        ("P-IMP,1,2026-01-01,fcr,80,,,,,,1.5,,,,,,", "corrective_after", "whole number"),
        ("P-IMP,1,2026-01-01,fcr,80,,,,,,,,,,,1,", "credit_percent_per_point", "together"),
        ("P-IMP,1,2026-01-01,fcr,80,,,,,,,,,,,1,150", "credit_cap_percent", "at most 100"),
    ],
)
def test_a_bad_row_is_refused_with_line_column_and_reason(program, tmp_path, line, column, reason):
    with pytest.raises(ImportRejected) as caught:
        run(tmp_path, HEADER + line + "\n")
    text = "\n".join(format_problems(caught.value))
    assert column in text
    assert reason in text
    assert "line (2)" in text
    assert not ContractVersion.objects.exists()


def test_rows_of_one_version_must_agree_on_its_terms(program, tmp_path):
    text = GOOD.replace(
        "P-IMP,1,2026-01-01,AHT,300,,month,Schedule 2 §4.2,V1,Northwind,2,3,6,100000",
        "P-IMP,1,2026-01-01,AHT,300,,month,Schedule 2 §4.2,V1,Northwind,2,3,6,90000",
    )
    with pytest.raises(ImportRejected, match="disagree on monthly_fee"):
        run(tmp_path, text)
    assert not ContractVersion.objects.exists()


def test_an_import_limited_to_some_programs_reads_any_other_as_unknown(program, tmp_path):
    ProgramFactory(code="P-ELSE")
    path = tmp_path / "contracts.csv"
    path.write_text(GOOD + GOOD.splitlines()[1].replace("P-IMP", "P-ELSE") + "\n", "utf-8")
    with pytest.raises(ImportRejected) as caught:
        import_file("contracts", path, programs=frozenset({"P-IMP"}))
    assert any("unknown program" in p for p in format_problems(caught.value))
    assert not ContractVersion.objects.exists()
    assert import_file("contracts", tmp_path / "contracts.csv").inserted == 3


def test_only_a_records_file_is_limited_to_some_programs(program, tmp_path):
    path = tmp_path / "interactions.csv"
    path.write_text("source,interaction_id\n", "utf-8")
    with pytest.raises(ImportRejected, match="only a records file"):
        import_file("interactions", path, programs=frozenset({"P-IMP"}))
