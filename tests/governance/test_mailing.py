"""The monthly report e-mailed to the client's users once, after the month ends locally."""

from __future__ import annotations

import datetime as dt

from django.core import mail

from factories import RoleGrantFactory, UserFactory
from upswing.governance.mailing import send_monthly_reports
from upswing.org.models import Role


def test_the_report_goes_once_to_the_clients_users_with_an_email(world):
    for name in ("viewer", "lead"):
        world.users[name].email = f"{name}@client.example"
        world.users[name].save()
    world.users["vendor"].email = "vendor@bpo.example"  # the vendor is not a recipient
    world.users["vendor"].save()
    RoleGrantFactory(
        user=UserFactory(email="elsewhere@other.example"),
        role=Role.CLIENT_VIEWER,
        client=world.other.client,
    )
    # 03:30 UTC on 1 November is still 31 October in New York: September's report is due,
    # October's is not
    send_monthly_reports(now=dt.datetime(2026, 11, 1, 3, 30, tzinfo=dt.UTC))
    assert {m.subject[-7:] for m in mail.outbox} == {"2026-09"}
    send_monthly_reports(now=dt.datetime(2026, 11, 1, 12, tzinfo=dt.UTC))
    october = [m for m in mail.outbox if "2026-10" in m.subject]
    assert sorted(m.to[0] for m in october) == ["lead@client.example", "viewer@client.example"]
    assert october[0].attachments[0][0] == "P-NY-2026-10.pdf"
    assert "Care NY" in october[0].body
    again = send_monthly_reports(now=dt.datetime(2026, 11, 2, 12, tzinfo=dt.UTC))
    assert again.sent == 0
