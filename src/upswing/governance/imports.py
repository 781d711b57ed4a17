"""The `contracts` import kind's writer: one row per SLA schedule line; the rows of one
program's version carry the version's terms (allowance, fee, vendor) and must agree on them.

A version is replaced whole by a re-import (its lines are the file's lines); other versions
are kept. Re-importing the same file changes nothing."""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal

from django.db import transaction

from upswing.audit.actions import record_events
from upswing.governance.models import Contract, ContractVersion, SlaLine, Vendor
from upswing.governance.queries import line_terms
from upswing.governance.rules.contracts import (
    Allowance,
    ContractTerms,
    TermsError,
    check_terms,
)
from upswing.ingest.service import ImportRejected
from upswing.org.models import Program
from upswing.warehouse.store import UpsertCounts

VERSION_FIELDS = (
    "effective_from",
    "vendor_id",
    "vendor_name",
    "service_line",
    "corrective_after",
    "review_after",
    "rolling_months",
    "monthly_fee",
    "currency",
)
LINE_FIELDS = (
    "floor",
    "target",
    "level",
    "source",
    "credit_percent_per_point",
    "credit_points_per_step",
    "credit_cap_percent",
)


def _rejected(message: str) -> ImportRejected:
    return ImportRejected("contracts", f"contracts: {message}; nothing was imported")


def _group(rows: list[dict]) -> dict[tuple[str, str], list[dict]]:
    groups: dict[tuple[str, str], list[dict]] = defaultdict(list)
    for row in rows:
        groups[(row["program_id"], row["version"])].append(row)
    for (program, version), lines in groups.items():
        for name in VERSION_FIELDS:
            if len({str(r[name]) for r in lines}) > 1:
                raise _rejected(
                    f"program {program} version {version}: the rows disagree on {name} "
                    "(a version's terms are the same on each of its lines)"
                )
    return groups


def _version_values(first: dict) -> dict:
    fee = first["monthly_fee"]
    return {
        "effective_from": first["effective_from"],
        "corrective_after": int(first["corrective_after"] or 2),
        "review_after": int(first["review_after"] or 3),
        "rolling_months": int(first["rolling_months"] or 6),
        "monthly_fee": None if fee is None else Decimal(str(fee)).quantize(Decimal("0.01")),
        "currency": (first["currency"] or "").upper(),
    }


def _line_values(row: dict) -> dict:
    return (
        {"metric": row["metric"], "window": row["window"] or "month"}
        | {
            name: (row[name] if row[name] is not None else ("" if name == "source" else None))
            for name in LINE_FIELDS
        }
        | {"level": row["level"] or "program"}
    )


def _check(program: str, version: str, values: dict, lines: list[dict]) -> None:
    try:
        check_terms(
            ContractTerms(
                version,
                values["effective_from"],
                tuple(line_terms(SlaLine(**line)) for line in lines),
                Allowance(
                    values["corrective_after"], values["review_after"], values["rolling_months"]
                ),
            )
        )
    except TermsError as exc:
        raise _rejected(f"program {program} version {version}: {exc}") from None


def _contract(program: Program, first: dict) -> Contract:
    vendor_code = first["vendor_id"] or f"{program.client.code}-vendor"
    vendor, _ = Vendor.objects.get_or_create(
        code=vendor_code, defaults={"name": first["vendor_name"] or vendor_code}
    )
    contract, _ = Contract.objects.get_or_create(
        program=program, defaults={"vendor": vendor, "service_line": first["service_line"] or ""}
    )
    if first["vendor_id"] and contract.vendor_id != vendor.id:
        contract.vendor = vendor
    if first["service_line"]:
        contract.service_line = first["service_line"]
    contract.save()
    return contract


@transaction.atomic
def do_import_contracts(rows: list[dict], source: str) -> UpsertCounts:
    programs = {
        p.code: p
        for p in Program.objects.select_related("client").filter(
            code__in={r["program_id"] for r in rows}
        )
    }
    counts = {"inserted": 0, "updated": 0, "unchanged": 0}
    audit = []
    for (code, version), group in _group(rows).items():
        values = _version_values(group[0])
        lines = [_line_values(r) for r in group]
        _check(code, version, values, lines)
        outcome, row = _store(_contract(programs[code], group[0]), version, values, lines)
        counts[outcome] += 1
        if outcome != "unchanged":
            audit.append({"action": f"contract_version.{outcome}", "obj": row})
    record_events(actor="import", events=audit, reason=f"contracts import from {source}")
    return UpsertCounts(**counts)


def _store(contract: Contract, version: str, values: dict, lines: list[dict]):
    row = ContractVersion.objects.filter(contract=contract, version=version).first()
    wanted = sorted(repr(sorted(x.items())) for x in lines)
    if row is None:
        row = ContractVersion.objects.create(contract=contract, version=version, **values)
        SlaLine.objects.bulk_create(SlaLine(version=row, **x) for x in lines)
        return "inserted", row
    have = sorted(
        repr(sorted(x.items())) for x in row.lines.values("metric", "window", *LINE_FIELDS)
    )
    same_terms = all(getattr(row, k) == v for k, v in values.items())
    if same_terms and have == wanted:
        return "unchanged", row
    ContractVersion.objects.filter(pk=row.pk).update(**values)
    row.lines.all().delete()
    SlaLine.objects.bulk_create(SlaLine(version=row, **x) for x in lines)
    return "updated", row
