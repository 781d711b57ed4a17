"""The plan packet as PDF (WeasyPrint), Word (python-docx) and the check-ins as ICS.

Both documents are built from one `packet()` dict, so the PDF, the Word file and the page
show the same sections in the same order: problem, standards, evidence, goals with support,
phases, checkpoints, outcome criteria, signatures.
"""

from __future__ import annotations

import datetime as dt
import io
from zoneinfo import ZoneInfo

from django.template.loader import render_to_string

from upswing.plans import rules
from upswing.plans.rules import measures as m

SUPPORT_LABELS = {
    "one_to_one": "One-to-one",
    "side_by_side": "Side-by-side",
    "refresher_training": "Refresher training",
    "job_aid": "Job aid",
    "peer_shadowing": "Peer shadowing",
    "call_review": "Call review",
}
CHECKIN_TIME = dt.time(10, 0)
CHECKIN_MINUTES = 30


def packet(terms: rules.PlanTerms, *, status: str = "Draft", version: int = 1) -> dict:
    meta = terms.meta or {}
    goals = []
    for i, g in enumerate(terms.goals):
        goals.append(
            {
                "number": i + 1,
                "behavior": g.behavior,
                "measure": m.label(g.metric),
                "baseline": m.fmt(g.metric, g.baseline),
                "target": ("at least " if g.kind == "hold" else "") + m.fmt(g.metric, g.target),
                "due": _due(terms, g.due_day),
                "support": [
                    {
                        "kind": SUPPORT_LABELS.get(s.kind, s.kind),
                        "cadence": s.cadence,
                        "owner": s.owner,
                        "description": s.description,
                    }
                    for s in terms.support
                    if s.goal == i
                ],
            }
        )
    return {
        "title": "Performance improvement plan",
        "status": status,
        "version": version,
        "agent": f"{meta.get('agent_name', '')} ({terms.agent_id})".strip(),
        "team": meta.get("team_id", ""),
        "program": meta.get("program_id", ""),
        "period": f"{terms.start_date} to {terms.end_date} ({terms.length_days} days)",
        "problem": terms.problem_statement,
        "standards": [
            {
                "metric": m.label(s.metric),
                "floor": m.fmt(s.metric, s.sla_floor),
                "target": m.fmt(s.metric, s.kpi_target),
                "source": s.source,
                "measurement": s.measurement,
            }
            for s in terms.standards
        ],
        "evidence": [
            {"kind": e.kind.replace("_", " "), "summary": e.summary, "count": e.count}
            for e in terms.evidence
        ],
        "goals": goals,
        "phases": [
            {
                "name": p.name,
                "days": f"days {p.first_day}–{p.last_day}",
                "dates": f"{p.starts_on} to {p.ends_on}",
                "focus": p.focus,
            }
            for p in terms.phases
        ],
        "checkpoints": [
            {
                "number": i + 1,
                "date": d.isoformat(),
                "weekday": d.strftime("%A"),
                "final": i == len(terms.checkpoints) - 1,
            }
            for i, d in enumerate(sorted(terms.checkpoints))
        ],
        "outcomes": [
            ("Success", terms.outcomes.success),
            ("Partial progress", terms.outcomes.partial),
            ("No progress", terms.outcomes.none),
        ]
        if terms.outcomes
        else [],
    }


def _due(terms: rules.PlanTerms, day: int | None) -> str:
    if day is None or terms.start_date is None:
        return "—"
    return f"day {day} ({terms.start_date + dt.timedelta(days=day - 1)})"


def render_html(terms: rules.PlanTerms, **kwargs) -> str:
    return render_to_string("plans/packet.html", {"p": packet(terms, **kwargs)})


def render_pdf(terms: rules.PlanTerms, **kwargs) -> bytes:
    from weasyprint import HTML  # imported on use: it loads Pango (about a second)

    return HTML(string=render_html(terms, **kwargs)).write_pdf()


def render_docx(terms: rules.PlanTerms, **kwargs) -> bytes:
    from docx import Document
    from docx.shared import Pt

    p = packet(terms, **kwargs)
    doc = Document()
    doc.styles["Normal"].font.size = Pt(10)
    doc.add_heading(f"{p['title']} — {p['status']}", level=1)
    doc.add_paragraph(
        f"Agent: {p['agent']} · Team: {p['team']} · Program: {p['program']}\n"
        f"Plan period: {p['period']} · Version {p['version']}"
    )
    doc.add_heading("Problem statement", level=2)
    doc.add_paragraph(p["problem"])
    doc.add_heading("Standards", level=2)
    _table(
        doc,
        ["Metric", "SLA floor", "KPI target", "Source", "Measurement"],
        [
            [s["metric"], s["floor"], s["target"], s["source"], s["measurement"]]
            for s in p["standards"]
        ],
    )
    doc.add_heading("Evidence", level=2)
    for e in p["evidence"]:
        doc.add_paragraph(f"{e['kind'].capitalize()}: {e['summary']}", style="List Bullet")
    doc.add_heading("Goals and support", level=2)
    for g in p["goals"]:
        doc.add_heading(f"Goal {g['number']}: {g['behavior']}", level=3)
        doc.add_paragraph(
            f"Measure: {g['measure']} · Baseline: {g['baseline']} · Target: {g['target']} · "
            f"Due: {g['due']}"
        )
        _table(
            doc,
            ["Support", "Cadence", "Owner", "What"],
            [[s["kind"], s["cadence"], s["owner"], s["description"]] for s in g["support"]],
        )
    doc.add_heading("Phases", level=2)
    _table(
        doc,
        ["Phase", "Days", "Dates", "Focus"],
        [[x["name"], x["days"], x["dates"], x["focus"]] for x in p["phases"]],
    )
    doc.add_heading("Checkpoints", level=2)
    _table(
        doc,
        ["#", "Date", "Day", ""],
        [
            [
                str(c["number"]),
                c["date"],
                c["weekday"],
                "final review" if c["final"] else "check-in",
            ]
            for c in p["checkpoints"]
        ],
    )
    doc.add_heading("How the outcome is decided", level=2)
    for name, text in p["outcomes"]:
        doc.add_paragraph(f"{name}: {text}", style="List Bullet")
    doc.add_heading("Signatures", level=2)
    for who in ("Agent (acknowledged)", "Team lead", "HR"):
        doc.add_paragraph(f"{who}: ______________________   Date: ____________")
    doc.core_properties.author = "Upswing"
    doc.core_properties.title = f"{p['title']} {p['agent']}"
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def _table(doc, header: list[str], rows: list[list[str]]) -> None:
    table = doc.add_table(rows=1, cols=len(header))
    table.style = "Table Grid"
    for cell, text in zip(table.rows[0].cells, header, strict=True):
        cell.text = text
    for row in rows:
        for cell, text in zip(table.add_row().cells, row, strict=True):
            cell.text = str(text or "")


def render_ics(terms: rules.PlanTerms, *, plan_id: int | str = "draft") -> bytes:
    """Check-ins as calendar events at 10:00 in the program's time zone (final review last)."""
    from icalendar import Calendar, Event

    tz = ZoneInfo((terms.meta or {}).get("time_zone") or "UTC")
    cal = Calendar()
    cal.add("prodid", "-//Upswing//Performance plans//EN")
    cal.add("version", "2.0")
    days = sorted(terms.checkpoints)
    for i, day in enumerate(days):
        start = dt.datetime.combine(day, CHECKIN_TIME, tzinfo=tz)
        final = i == len(days) - 1
        event = Event()
        event.add("uid", f"plan-{plan_id}-checkpoint-{i + 1}@upswing")
        event.add("dtstamp", dt.datetime.now(dt.UTC))
        event.add("dtstart", start)
        event.add("dtend", start + dt.timedelta(minutes=CHECKIN_MINUTES))
        event.add(
            "summary",
            f"{'Final review' if final else f'Plan check-in {i + 1}'}: {terms.agent_id}",
        )
        event.add("description", "Weekly checkpoint of the performance improvement plan.")
        cal.add_component(event)
    cal.add_missing_timezones()
    return cal.to_ical()
