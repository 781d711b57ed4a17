"""The scheduled e-mail of the monthly program report to the client's viewers and governance
leads: once the month has ended in the program's time zone, each recipient gets it once,
with the PDF attached. Program level only, like the report."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from dataclasses import dataclass

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from upswing.governance import report as documents
from upswing.governance.models import Contract, ReportDelivery
from upswing.org.models import Role, RoleGrant
from upswing.periods import month_of

CLIENT_ROLES = (Role.CLIENT_VIEWER, Role.CLIENT_GOVERNANCE_LEAD)


@dataclass(frozen=True, slots=True)
class MailingReport:
    programs: int
    sent: int


def recipients(program) -> list:
    """The client's viewers and governance leads on the program or its client, with an e-mail."""
    grants = (
        RoleGrant.objects.filter(role__in=CLIENT_ROLES)
        .filter(Q(program=program) | Q(client_id=program.client_id))
        .select_related("user")
    )
    users = {g.user.pk: g.user for g in grants if g.user.is_active and g.user.email}
    return sorted(users.values(), key=lambda u: u.pk)


def last_month(program, now: dt.datetime):
    local = now.astimezone(zoneinfo.ZoneInfo(program.time_zone)).date()
    return month_of(local).previous()


def send_monthly_reports(*, now: dt.datetime | None = None) -> MailingReport:
    now = now or timezone.now()
    sent = programs = 0
    for contract in Contract.objects.select_related("program__client"):
        program = contract.program
        month = last_month(program, now)
        due = [
            u
            for u in recipients(program)
            if not ReportDelivery.objects.filter(
                program=program, month=month.label, recipient=u
            ).exists()
        ]
        if not due:
            continue
        programs += 1
        data = documents.monthly_report(program, month)
        pdf = documents.render_pdf(data)
        for user in due:
            sent += _send(program, month, user, data, pdf, now)
    return MailingReport(programs, sent)


def _send(program, month, user, data: dict, pdf: bytes, now) -> int:
    try:
        with transaction.atomic():
            ReportDelivery.objects.create(
                program=program, month=month.label, recipient=user, sent_at=now
            )
    except IntegrityError:
        return 0  # another run sent it first
    message = EmailMessage(
        subject=f"{program.name}: monthly report {month.label}",
        body=_body(data),
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[user.email],
    )
    message.attach(f"{program.code}-{month.label}.pdf", pdf, "application/pdf")
    message.send()
    return 1


def _body(data: dict) -> str:
    lines = [f"{data['program_name']} — {data['month']} (program level)", ""]
    for a in data["attainment"]:
        lines.append(
            f"{a['metric_label']}: {a['value_text']} against a floor of {a['floor_text']} "
            f"({a['verdict_label']})"
        )
    allowance = data["allowance"]
    lines += [
        "",
        f"Breaches in the rolling window: {allowance['count']} — {allowance['escalation_label']}.",
    ]
    open_plans = sum(1 for p in data["corrective_plans"] if p["status"] == "Open")
    lines.append(f"Open corrective action plans: {open_plans}.")
    lines += ["", "The full report is attached (PDF)."]
    return "\n".join(lines)
