"""Quality pages: the QA analyst's queue and scoring form, an evaluation with the agent's
acknowledgement and disputes and the arbitrator's decision, an agent's evaluations (in-app
and imported), the disputes desk, and a program's QA (leniency, SOP signals, training).

Thin: each view goes through an access door, calls an action, renders. State changes are
POSTs answered with a redirect; a refused change shows its reason.
"""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from upswing.audit.concurrency import STALE_EDIT_MESSAGE, StaleEdit
from upswing.org.access import access_agent_by_id, own_agent_q, reach_of
from upswing.org.models import Agent, Team
from upswing.org.people import names_by_address
from upswing.quality import access, queries
from upswing.quality import warehouse_reads as reads
from upswing.quality.actions import (
    QualityActionRefused,
    current_version_for,
    do_acknowledge_evaluation,
    do_decide_dispute,
    do_draw_sample,
    do_raise_dispute,
    do_score_evaluation,
)
from upswing.quality.calibration_actions import do_check_sop_signals
from upswing.quality.forms import (
    AcknowledgeForm,
    DecideForm,
    DisputeForm,
    MarksForm,
    ScoreForm,
)
from upswing.quality.models import Evaluation, SampleStatus, SignalStatus, SopSignal
from upswing.quality.rules.leniency import describe_severity
from upswing.quality.rules.scorecard import MarksInvalid
from upswing.quality.tables import (
    DISPUTES_TABLE,
    QUEUE_TABLE,
    criteria_table,
    evaluations_table,
    flagged_table,
    severity_table,
)
from upswing.tables.web import bind_table, export_any
from upswing.words import named

WINDOW_WEEKS = 12


def page_view(view):
    return login_required(never_cache(require_safe(view)))


def post_view(view):
    return login_required(never_cache(require_POST(view)))


def form_view(view):
    return login_required(never_cache(require_http_methods(["GET", "HEAD", "POST"])(view)))


def _refused(request, exc) -> None:
    text = STALE_EDIT_MESSAGE if isinstance(exc, StaleEdit) else str(exc)
    messages.error(request, text)


@page_view
def home_page(request):
    """Where the quality loop starts for this user."""
    user = request.user
    own = Agent.objects.filter(own_agent_q(user)).first()
    programs = access.qa_programs(user).order_by("name")
    if not programs and not reach_of(user).sees_people:
        programs = access.visible_programs_for_reports(user)
    return render(
        request,
        "quality/home.html",
        {
            "own_agent": own,
            "programs": programs,
            "evaluator": access.is_evaluator(user),
            "qa_staff": access.is_qa_staff(user),
            "queue_count": queries.queue_for(access.visible_samples(user)).count(),
        },
    )


# --- the queue and scoring -----------------------------------------------------------------------


@page_view
def queue_page(request):
    if not access.is_evaluator(request.user):
        raise Http404("Nothing here.")
    items = queries.queue_for(access.visible_samples(request.user))
    table = bind_table(request, QUEUE_TABLE, list(items[:MAX_QUEUE]))
    if response := export_any(request, table):
        return response
    programs = access.qa_programs(request.user).order_by("name")
    return render(
        request, "quality/queue.html", {"items": table.rows, "table": table, "programs": programs}
    )


MAX_QUEUE = 2000


@post_view
def draw_sample(request, code: str):
    program = access.access_qa_program_by_id(request.user, code)
    if not access.may_evaluate(request.user, program):
        raise PermissionDenied("Only a QA analyst of this program may draw its sample.")
    last = timezone.localdate() - dt.timedelta(days=timezone.localdate().weekday() + 1)
    first = last - dt.timedelta(days=6)
    try:
        rows = reads.sample_candidates(program.code, first, last)
        items = do_draw_sample(program=program, rows=rows, actor=request.user)
    except reads.WarehouseBusyError:
        messages.error(request, reads.BUSY_MESSAGE)
    else:
        messages.success(
            request, f"{len(items)} interactions of {first} to {last} added to the queue."
        )
    return redirect("quality:queue")


@form_view
def score_page(request, pk: int):
    item = access.access_sample_by_id(request.user, pk)
    access.require_evaluator(request.user, item.program, item.agent)
    if item.status != SampleStatus.OPEN:
        evaluation = getattr(item, "evaluation", None)
        if evaluation is not None:
            return redirect("quality:evaluation", evaluation.pk)
        raise Http404("This interaction is no longer in the queue.")
    version = current_version_for(item.program, item.channel)
    if version is None:
        return render(request, "quality/no_template.html", {"program": item.program}, status=409)
    template = version.parsed()
    marks = MarksForm(template, data=request.POST if request.method == "POST" else None)
    form = ScoreForm(request.POST or None)
    if request.method == "POST" and form.is_valid() and marks.is_valid():
        try:
            evaluation = do_score_evaluation(
                version=version,
                agent=item.agent,
                program=item.program,
                interaction_id=item.interaction_id,
                interaction_day=item.interaction_day,
                source=item.source,
                sample=item,
                marks=marks.marks,
                recording_url=form.cleaned_data["recording_url"],
                summary=form.cleaned_data["summary"],
                actor=request.user,
            )
        except (QualityActionRefused, MarksInvalid) as exc:
            _refused(request, exc)
        else:
            messages.success(request, f"Scored {evaluation.score:.1f}%. The agent can see it now.")
            return redirect("quality:evaluation", evaluation.pk)
    return render(
        request,
        "quality/score.html",
        {
            "item": item,
            "version": version,
            "template": template,
            "fields": marks.fields(),
            "form": form,
            "facts": reads.interaction(item.source, item.interaction_id),
        },
    )


# --- one evaluation ------------------------------------------------------------------------------


@page_view
def evaluation_page(request, pk: int):
    evaluation = access.access_evaluation_by_id(request.user, pk)
    evaluation = queries.evaluations_with_marks(Evaluation.objects.filter(pk=pk)).get()
    return render(request, "quality/evaluation.html", _evaluation_context(request, evaluation))


def _evaluation_context(request, evaluation) -> dict:
    user = request.user
    is_agent = access.is_evaluated_agent(user, evaluation)
    rows = queries.criteria_rows(evaluation)
    open_criteria = [r["criterion"] for r in rows if r["dispute"] is None]
    may_decide = access.may_arbitrate(user, evaluation)
    return {
        "evaluation": evaluation,
        "rows": rows,
        "is_agent": is_agent,
        "may_acknowledge": is_agent and evaluation.status == "submitted",
        "may_dispute": is_agent
        and evaluation.status in ("submitted", "disputed")
        and open_criteria,
        "dispute_form": DisputeForm(
            criteria=open_criteria, initial={"version": evaluation.version}
        ),
        "ack_form": AcknowledgeForm(initial={"version": evaluation.version}),
        "may_decide": may_decide,
        "decide_form": DecideForm(),
        "disputes": list(evaluation.disputes.all()),
    }


@post_view
def acknowledge(request, pk: int):
    evaluation = access.access_evaluation_by_id(request.user, pk)
    form = AcknowledgeForm(request.POST)
    if form.is_valid():
        try:
            do_acknowledge_evaluation(
                evaluation, expected_version=form.cleaned_data["version"], actor=request.user
            )
        except (QualityActionRefused, StaleEdit) as exc:
            _refused(request, exc)
        else:
            messages.success(request, "Acknowledged.")
    return redirect("quality:evaluation", pk)


@post_view
def dispute(request, pk: int):
    evaluation = access.access_evaluation_by_id(request.user, pk)
    criteria = evaluation.template_version.parsed().criteria
    form = DisputeForm(request.POST, criteria=criteria)
    if not form.is_valid():
        messages.error(request, "Choose the criterion and give your reason.")
        return redirect("quality:evaluation", pk)
    try:
        do_raise_dispute(
            evaluation,
            criterion=form.cleaned_data["criterion"],
            reason=form.cleaned_data["reason"],
            expected_version=form.cleaned_data["version"],
            actor=request.user,
        )
    except (QualityActionRefused, StaleEdit) as exc:
        _refused(request, exc)
    else:
        messages.success(request, "Dispute sent. An arbitrator who did not score it decides.")
    return redirect("quality:evaluation", pk)


@post_view
def decide(request, pk: int):
    found = access.access_dispute_by_id(request.user, pk)
    form = DecideForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose an outcome and explain the decision.")
        return redirect("quality:evaluation", found.evaluation_id)
    try:
        decided = do_decide_dispute(
            found,
            outcome=form.cleaned_data["outcome"],
            note=form.cleaned_data["note"],
            partial_points=form.cleaned_data["partial_points"],
            actor=request.user,
        )
    except QualityActionRefused as exc:
        _refused(request, exc)
    else:
        messages.success(
            request,
            f"Decided: {decided.get_outcome_display().lower()}; the score is now "
            f"{decided.score_after:.1f}%."
            if decided.score_after is not None
            else "Decided.",
        )
    return redirect("quality:evaluation", found.evaluation_id)


@page_view
def disputes_page(request):
    if not access.is_qa_staff(request.user):
        raise Http404("Nothing here.")
    disputes = access.visible_disputes(request.user)
    open_ = [
        d for d in disputes.filter(outcome="") if access.may_arbitrate(request.user, d.evaluation)
    ]
    table = bind_table(request, DISPUTES_TABLE, open_)
    if response := export_any(request, table):
        return response
    programs = access.qa_programs(request.user).order_by("name")
    analytics = [(p, queries.program_disputes(p)) for p in programs]
    return render(
        request,
        "quality/disputes.html",
        {
            "open": table.rows,
            "table": table,
            "others": [d for d in disputes.filter(outcome="") if d not in open_],
            "analytics": [(p, a) for p, a in analytics if a.evaluations],
        },
    )


# --- an agent, a program -------------------------------------------------------------------------


@page_view
def agent_page(request, code: str):
    agent = access_agent_by_id(request.user, code)
    evaluations = queries.evaluations_with_marks(
        access.visible_evaluations(request.user).filter(agent=agent)
    )[:MAX_QUEUE]
    table = bind_table(request, evaluations_table(agent.code), list(evaluations))
    if response := export_any(request, table):
        return response
    imported = reads.imported_for_agent(agent.code)
    return render(
        request,
        "quality/agent.html",
        {
            "agent": agent,
            "evaluations": table.rows,
            "table": table,
            "imported": imported,
            "evaluator_names": names_by_address(e.get("evaluator") for e in imported),
            "is_self": agent.user_id == request.user.pk,
        },
    )


@page_view
def program_page(request, code: str):
    program = access.access_report_program_by_id(request.user, code)
    today = timezone.localdate()
    first = today - dt.timedelta(weeks=WINDOW_WEEKS)
    people = access.sees_people_in(request.user, program)
    context = {
        "program": program,
        "qa": queries.program_qa(program, first, today),
        "people": people,
        "signals": SopSignal.objects.filter(program=program).order_by("status", "-raised_at"),
        "open_signals": SopSignal.objects.filter(program=program, status=SignalStatus.OPEN).count(),
        "calibrations": access.visible_calibrations(request.user).filter(program=program)[:10],
        "may_facilitate": access.may_facilitate(request.user, program),
    }
    if people:
        context.update(_people_context(program, today))
    table = bind_table(request, criteria_table(program.code), context["qa"].criteria)
    if response := export_any(request, table):
        return response
    return render(request, "quality/program.html", {**context, "table": table})


@post_view
def check_signals(request, code: str):
    program = access.access_qa_program_by_id(request.user, code)
    created = do_check_sop_signals(program, as_of=timezone.localdate(), actor=request.user)
    messages.success(
        request,
        f"{len(created)} new SOP review signal(s)." if created else "No new SOP review signal.",
    )
    return redirect("quality:program", program.code)


def _people_context(program, today: dt.date) -> dict:
    leniency = queries.program_leniency(program)
    training, labels, window = queries.team_training(program, today)
    codes = {a.agent_id for a in leniency.agents} | {m.agent_id for t in training for m in t.agents}
    names = dict(Agent.objects.filter(code__in=codes).values_list("code", "name"))
    teams = dict(Team.objects.filter(program=program).values_list("code", "name"))
    return {
        "severities": [(s, describe_severity(s)) for s in leniency.severities],
        "flagged": [(a, names.get(a.agent_id, a.agent_id)) for a in leniency.agents if a.flagged],
        "training": [
            (
                t.sentence(labels.get(t.category, t.category), teams.get(t.team_id, t.team_id)),
                [(names.get(m.agent_id, m.agent_id), m.missed, m.marks) for m in t.agents],
            )
            for t in training
        ],
        "window": window,
        "disputes": queries.program_disputes(program),
    }


@page_view
def leniency_page(request, code: str):
    """Evaluator severity on the program's overlapping scoring: in-app, imported (read from
    the warehouse, like a drill-down) and calibration scores."""
    program = access.access_report_program_by_id(request.user, code)
    if not access.sees_people_in(request.user, program):
        raise Http404("No program with that code.")
    leniency = queries.program_leniency(program)
    names = dict(
        Agent.objects.filter(code__in=[a.agent_id for a in leniency.agents]).values_list(
            "code", "name"
        )
    )
    people = names_by_address(s.evaluator for s in leniency.severities)
    severities = [
        (s, describe_severity(s, name=named(s.evaluator, people)), named(s.evaluator, people))
        for s in leniency.severities
    ]
    flagged = [(a, names.get(a.agent_id, a.agent_id)) for a in leniency.agents if a.flagged]
    severity = bind_table(request, severity_table(program.code), severities)
    outliers = bind_table(request, flagged_table(program.code), flagged)
    if response := export_any(request, severity, outliers):
        return response
    context = {"program": program, "leniency": leniency, "weeks": queries.LENIENCY_WEEKS}
    context |= {"severities": severity.rows, "flagged": outliers.rows}
    context |= {"severity_table": severity, "flagged_table": outliers}
    return render(request, "quality/leniency.html", context)
