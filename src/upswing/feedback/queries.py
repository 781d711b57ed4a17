"""Read side: results and notes as every channel shows them (pages, API, CSV, CLI, evidence).

Each function here applies `results.summarise` / `batches.released_batches` (feedback rules); no
channel reads the sheets or the anonymous notes any other way.
"""

from __future__ import annotations

import csv
import io
from collections import Counter

from django.utils import timezone

from upswing.feedback import access, rules
from upswing.feedback.models import (
    AnonymousNote,
    AnonymousSheet,
    AttributedSheet,
    Completion,
    FeedbackNote,
    Nomination,
    NominationStatus,
    Subject,
)
from upswing.feedback.rules import batches as batch_rules
from upswing.feedback.rules import questions as question_rules
from upswing.feedback.rules import results as result_rules
from upswing.org.models import Agent
from upswing.tables.rules.cells import neutralise

CSV_COLUMNS = ["question", "group", "privacy", "n", "mean", "distribution", "comment"]


def sheets_of(subject: Subject) -> list[result_rules.Sheet]:
    attributed = AttributedSheet.objects.filter(subject=subject).values_list("group", "answers")
    anonymous = AnonymousSheet.objects.filter(subject=subject).values_list("group", "answers")
    return [result_rules.Sheet(rules.RaterGroup(g), a) for g, a in [*attributed, *anonymous]]


def parse_groups(raw: list[str] | None) -> list[str] | None:
    """The ?group= filter: known group keys only (unknown ones are ignored)."""
    if not raw:
        return None
    known = {g.value for g in rules.RaterGroup} | {rules.POOL, "all"}
    picked = [g for g in raw if g in known]
    return picked or None


def results_of(subject: Subject, *, groups: list[str] | None = None) -> result_rules.Results:
    cycle = subject.cycle
    return result_rules.summarise(
        question_rules.parse_questions(cycle.questions),
        sheets_of(subject),
        access.thresholds_of(cycle),
        groups=groups,
        salt=f"{cycle.pk}:{subject.pk}",
    )


def response_summary(subject: Subject) -> dict:
    """Invited and answered, over the whole subject only (never per group)."""
    invited = Nomination.objects.filter(subject=subject, status=NominationStatus.APPROVED).count()
    answered = Completion.objects.filter(subject=subject).count()
    return {"invited": invited, "answered": answered}


def results_payload(subject: Subject, *, groups: list[str] | None = None) -> dict:
    cycle = subject.cycle
    return {
        "cycle": {"id": cycle.pk, "name": cycle.name, "closed_on": cycle.closed_on},
        "subject": {"code": subject.agent.code, "name": subject.agent.name},
        "responses": response_summary(subject),
        **results_of(subject, groups=groups).to_dict(),
    }


def results_rows(results: result_rules.Results) -> list[dict]:
    """One row per shown cell and per shown comment; suppressed groups appear as a row that
    says so, with no number in it."""
    rows = []
    for q in results.questions:
        for cell in q.cells:
            rows.append(
                {
                    "question": q.question.text,
                    "group": cell.label,
                    "privacy": cell.privacy.value,
                    "n": cell.n if cell.shown else "too few to show",
                    "mean": cell.mean if cell.shown else "",
                    "distribution": " ".join(map(str, cell.distribution)) if cell.shown else "",
                    "comment": "",
                }
            )
        for block in q.comments:
            if not block.shown:
                rows.append(_comment_row(q, block, "too few to show"))
            rows.extend(_comment_row(q, block, text) for text in block.comments)
    return rows


def _comment_row(q, block, text) -> dict:
    return {
        "question": q.question.text,
        "group": block.label,
        "privacy": block.privacy.value,
        "n": "",
        "mean": "",
        "distribution": "",
        "comment": text,
    }


def results_csv(subjects, *, groups: list[str] | None = None, with_agent: bool = False) -> str:
    """The results of one subject (or several, with an `agent` column) as CSV."""
    if isinstance(subjects, Subject):
        subjects = [subjects]
    buffer = io.StringIO()
    columns = (["agent"] if with_agent else []) + CSV_COLUMNS
    writer = csv.DictWriter(buffer, fieldnames=columns, lineterminator="\n")
    writer.writeheader()
    for subject in subjects:
        for row in results_rows(results_of(subject, groups=groups)):
            if with_agent:
                row = {"agent": subject.agent.code, **row}
            writer.writerow({k: _safe_cell(v) for k, v in row.items()})
    return buffer.getvalue()


def results_pdf(subject: Subject, *, groups: list[str] | None = None) -> bytes:
    """The results page as a PDF (WeasyPrint), from the same `results_of` as every channel."""
    from django.template.loader import render_to_string
    from weasyprint import HTML  # imported on use: it loads Pango (about a second)

    html = render_to_string(
        "feedback/results_pdf.html",
        {
            "subject": subject,
            "cycle": subject.cycle,
            "results": results_of(subject, groups=groups),
            "responses": response_summary(subject),
        },
    )
    return HTML(string=html).write_pdf()


def _safe_cell(value):
    """Spreadsheet formula injection: text a spreadsheet would run (= + - @, a tab or a
    carriage return first, after spaces, or their full-width look-alikes) is written as text,
    by the same rule as every table export."""
    return neutralise(value) if isinstance(value, str) else value


# --- continuous notes ------------------------------------------------------------------------


def released_notes(agent: Agent, *, start=None, end=None) -> list[dict]:
    """Anonymous notes in whole released batches, each batch's notes shuffled, no dates."""
    threshold = access.site_thresholds().comments
    counts = Counter(AnonymousNote.objects.filter(agent=agent).values_list("month", flat=True))
    batches = batch_rules.released_batches(counts, timezone.localdate(), threshold)
    out = []
    for batch in batch_rules.batches_in_window(batches, start, end):
        notes = AnonymousNote.objects.filter(agent=agent, month__in=batch.months)
        texts = [f"{kind}\x1f{text}" for kind, text in notes.values_list("kind", "text")]
        items = [
            t.split("\x1f", 1)
            for t in result_rules.shuffled(texts, f"{agent.pk}:{batch.closes_in}")
        ]
        out.append(
            {
                "released": batch.closes_in.strftime("%B %Y"),
                "size": batch.size,
                "notes": [{"kind": k, "text": t} for k, t in items],
            }
        )
    return out


def attributed_notes(agent: Agent):
    return FeedbackNote.objects.filter(agent=agent).select_related("author")


# --- evidence for coaching and plans ---------------------------------------------------------


def evidence_for(user, agent: Agent, *, limit: int = 3) -> list[dict]:
    """The latest closed cycles' results the user may read about this agent, as short lines
    built from the shown cells only (the same thresholds as the results page)."""
    subjects = access.visible_results(user).filter(agent=agent).order_by("-cycle__closed_on")
    out = []
    for subject in subjects[:limit]:
        results = results_of(subject)
        lines = []
        for q in results.questions:
            cell = next((c for c in q.cells if c.key == "all" and c.shown), None)
            if cell is not None:
                scale = q.question.scale
                lines.append(
                    f"{q.question.text} Mean {cell.mean:.1f} on {scale.low}–{scale.high} "
                    f"from {cell.n} anonymous raters."
                )
        out.append({"subject": subject, "lines": lines})
    return out
