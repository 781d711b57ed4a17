"""The quality loop on the demo: a scorecard per demo program (from its QA form, so the
behaviour categories come from the data), last week's sample in the QA analyst's queue, and a
few evaluations already scored so every page has something to show after `make run`."""

from __future__ import annotations

import datetime as dt
import random

from django.contrib.auth import get_user_model
from django.utils import timezone

from upswing.org.models import Program
from upswing.quality import warehouse_reads
from upswing.quality.actions import (
    MarkInput,
    current_version_for,
    do_create_template,
    do_draw_sample,
    do_score_evaluation,
)
from upswing.quality.models import Evaluation, SampleItem, SampleStatus, ScorecardTemplate

ACTOR = "demo"
SECTIONS = (
    ("opening", "Opening", ("greeting", "verification")),
    ("conversation", "Conversation", ("empathy", "resolution")),
    ("wrap_up", "Wrap-up", ()),  # every other category
)
SCORED = 8


def template_from_form(form) -> dict:
    """A scorecard definition from a demo QA form: weights are the form's points (they sum to
    100), each criterion met or not met, critical ones zero the evaluation."""
    categories = list(dict.fromkeys(c.category for c in form))
    placed = {cat for _, _, cats in SECTIONS for cat in cats}
    sections = []
    for key, label, cats in SECTIONS:
        mine = [c for c in form if (c.category in cats) or (not cats and c.category not in placed)]
        if mine:
            sections.append({"key": key, "label": label, "criteria": [_criterion(c) for c in mine]})
    return {
        "categories": [{"key": c, "label": c.replace("_", " ").capitalize()} for c in categories],
        "sections": sections,
    }


def _criterion(c) -> dict:
    key = "".join(ch if ch.isalnum() else "_" for ch in c.name.lower()).strip("_")[:60]
    return {
        "key": key,
        "label": c.name,
        "weight": c.max_points,
        "critical": "evaluation" if c.critical else "none",
        "allow_na": c.category == "documentation",
        "category": c.category,
        "sop": {"reference": f"SOP-{c.category.upper()}", "version": "1"},
    }


def seed_quality_demo(echo, *, seed: int = 7) -> None:
    from upswing.demo.catalog import PROGRAMS

    qa = get_user_model().objects.filter(username="demo-qa").first()
    forms = {p.program_id: p.qa_form for p in PROGRAMS}
    for program in Program.objects.filter(code__in=list(forms)).order_by("code"):
        if not ScorecardTemplate.objects.filter(program=program).exists():
            do_create_template(
                program=program,
                name=f"{program.name} QA",
                channel="",
                definition=template_from_form(forms[program.code]),
                actor=ACTOR,
            )
    program = _qa_program(qa)
    if program is None:
        return
    today = timezone.localdate()
    last = today - dt.timedelta(days=today.weekday() + 1)
    rows = warehouse_reads.sample_candidates(program.code, last - dt.timedelta(days=13), last)
    drawn = do_draw_sample(program=program, rows=rows, actor=ACTOR)
    scored = _score_some(program, qa, random.Random(seed))  # noqa: S311 - demo marks, not security  # nosec B311
    echo(
        f"QA: {len(drawn)} interactions queued for {program.name}, "
        f"{scored} scored; sign in as demo-qa and open the QA queue."
    )


def _qa_program(user) -> Program | None:
    if user is None:
        return None
    grant = user.role_grants.filter(program__isnull=False).select_related("program").first()
    return grant.program if grant else None


def _score_some(program, qa, rng: random.Random) -> int:
    if Evaluation.objects.filter(program=program).exists():
        return 0
    items = SampleItem.objects.filter(program=program, status=SampleStatus.OPEN).order_by("pk")
    count = 0
    for item in items[:SCORED]:
        version = current_version_for(program, item.channel)
        template = version.parsed()
        marks = {
            c.key: MarkInput(
                c.max_points if rng.random() < 0.85 else 0.0,
                "" if rng.random() < 0.7 else "Heard on the recording.",
            )
            for c in template.criteria
        }
        do_score_evaluation(
            version=version,
            agent=item.agent,
            program=program,
            interaction_id=item.interaction_id,
            interaction_day=item.interaction_day,
            source=item.source,
            sample=item,
            marks=marks,
            actor=qa,
        )
        count += 1
    return count
