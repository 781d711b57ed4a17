"""Feedback pages: thin — parse, go through access.py and actions.py, render."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from upswing.audit.concurrency import StaleEdit
from upswing.feedback import access, actions, queries, rules
from upswing.feedback.forms import CycleForm, NominateForm, NoteForm
from upswing.feedback.models import Completion, CycleState, Nomination
from upswing.feedback.rules import questions as question_rules
from upswing.feedback.tables import results_table
from upswing.org.access import access_agent_by_id, visible_teams
from upswing.org.models import Agent
from upswing.tables.web import bind_table, export_any

REFUSALS = (actions.FeedbackRefused, rules.FeedbackRuleError, StaleEdit)


def _run_teams(user):
    teams = visible_teams(user).select_related("program__client")
    return [t for t in teams if access.runs_team(user, t)]


@login_required
def index(request):
    user = request.user
    cycles = list(access.visible_cycles(user).order_by("-due_on", "-pk")[:50])
    own = access.visible_results(user).filter(agent__user=user).order_by("-cycle__closed_on")
    return render(
        request,
        "feedback/index.html",
        {
            "requests": access.open_requests(user),
            "cycles": cycles,
            "own_results": own,
            "may_start": bool(_run_teams(user)),
        },
    )


@login_required
def new_cycle(request):
    teams = list(_run_teams(request.user))
    if not teams:
        raise Http404("No team you may start a cycle for.")
    agents = Agent.objects.filter(
        memberships__team__in=teams, memberships__end_date__isnull=True
    ).distinct()
    form = CycleForm(request.POST or None, teams=teams, agents=agents)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        team = next(t for t in teams if t.code == data["team"])
        chosen = [a for a in agents if a.code == data["agent"]] if data["agent"] else None
        try:
            cycle = actions.do_create_cycle(
                name=data["name"],
                team=team,
                template=data["template"],
                due_on=data["due_on"],
                agents=chosen,
                min_raters=data["min_raters"],
                actor=request.user,
            )
        except REFUSALS as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, "The cycle is started: nominate raters, then open it.")
            return redirect("feedback:cycle", cycle.pk)
    return render(request, "feedback/new_cycle.html", {"form": form})


@login_required
def cycle_page(request, pk: int):
    user = request.user
    cycle = access.access_cycle_by_id(user, pk)
    runs = access.runs_cycle(user, cycle)
    staff = access.staff_sees_cycle(user, cycle)
    subjects = list(cycle.subjects.select_related("agent"))
    own = [s for s in subjects if access.is_subject(user, s)]
    shown_subjects = subjects if staff else own
    nominations = Nomination.objects.filter(subject__in=shown_subjects).select_related(
        "rater", "subject__agent"
    )
    if not staff:  # a subject sees the raters they proposed, not the whole list
        nominations = nominations.filter(proposed_by=user)
    done = set(
        Completion.objects.filter(subject__in=shown_subjects).values_list("subject_id", "rater_id")
    )
    rows = [(n, (n.subject_id, n.rater_id) in done) for n in nominations]
    may_nominate = cycle.state != CycleState.CLOSED and (runs or bool(own))
    form = NominateForm(subjects=subjects if runs else own) if may_nominate else None
    return render(
        request,
        "feedback/cycle.html",
        {
            "cycle": cycle,
            "subjects": shown_subjects,
            "rows": rows if staff or own else [],
            "show_done": staff,
            "runs": runs,
            "form": form,
            "thresholds": access.thresholds_of(cycle),
            "summaries": {s.pk: queries.response_summary(s) for s in shown_subjects}
            if staff
            else {},
        },
    )


@login_required
@require_POST
def nominate(request, pk: int):
    cycle = access.access_cycle_by_id(request.user, pk)
    subjects = list(cycle.subjects.select_related("agent"))
    form = NominateForm(request.POST, subjects=subjects)
    if not form.is_valid():
        messages.error(request, _form_errors(form))
        return redirect("feedback:cycle", pk)
    subject = next(s for s in subjects if s.agent.code == form.cleaned_data["subject"])
    try:
        nomination = actions.do_nominate_rater(
            subject,
            rater=form.cleaned_data["rater"],
            group=form.cleaned_data["group"],
            actor=request.user,
        )
    except REFUSALS as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, f"Nominated: {nomination.get_status_display().lower()}.")
    return redirect("feedback:cycle", pk)


def _form_errors(form) -> str:
    return " ".join(f"{form.fields[f].label if f in form.fields else ''}: {e[0]}".lstrip(": ")
                    for f, e in form.errors.items())  # fmt: skip


@login_required
@require_POST
def decide(request, pk: int):
    nomination = Nomination.objects.select_related("subject__cycle").filter(pk=pk).first()
    if nomination is None:
        raise Http404("No nomination with that id.")
    access.access_cycle_by_id(request.user, nomination.subject.cycle_id, for_write=True)
    try:
        actions.do_decide_nomination(
            nomination, approve=request.POST.get("decision") == "approve", actor=request.user
        )
    except REFUSALS as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, f"Rater {nomination.get_status_display().lower()}.")
    return redirect("feedback:cycle", nomination.subject.cycle_id)


@login_required
@require_POST
def change_state(request, pk: int):
    cycle = access.access_cycle_by_id(request.user, pk, for_write=True)
    step = {"open": actions.do_open_cycle, "close": actions.do_close_cycle}.get(
        request.POST.get("to", "")
    )
    if step is None:
        messages.error(request, "Choose to open or to close the cycle.")
        return redirect("feedback:cycle", pk)
    try:
        version = int(request.POST.get("version", "0"))
        cycle = step(cycle, actor=request.user, expected_version=version)
    except ValueError as exc:
        messages.error(request, str(exc) or "The form was out of date; reload and try again.")
    except StaleEdit as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, f"The cycle is {cycle.get_state_display().lower()}.")
    return redirect("feedback:cycle", pk)


@login_required
def answer(request, pk: int):
    nomination = access.access_request_by_id(request.user, pk)
    questions = question_rules.parse_questions(nomination.subject.cycle.questions)
    group = rules.RaterGroup(nomination.group)
    privacy = rules.GROUP_PRIVACY[group]
    thresholds = access.thresholds_of(nomination.subject.cycle)
    error, values = "", {}
    if request.method == "POST":
        values = {q.key: request.POST.get(q.key, "") for q in questions}
        try:
            actions.do_submit_answers(nomination, answers=values, actor=request.user)
        except REFUSALS as exc:
            error = str(exc)
        else:
            messages.success(request, "Thank you: your answers are in.")
            return redirect("feedback:index")
    return render(
        request,
        "feedback/answer.html",
        {
            "nomination": nomination,
            "questions": questions,
            "values": values,
            "error": error,
            "privacy": privacy,
            "answering_as": rules.GROUP_AS[group],
            "privacy_note": rules.PRIVACY_NOTES[privacy].format(
                raters=thresholds.raters - 1, comments=thresholds.comments - 1
            ),
        },
    )


def _results_subject(request, pk: int, code: str):
    subject = access.access_results(request.user, pk, code)
    groups = queries.parse_groups(request.GET.getlist("group"))
    return subject, groups


@login_required
def results(request, pk: int, code: str):
    subject, groups = _results_subject(request, pk, code)
    outcome = queries.results_of(subject, groups=groups)
    spec = results_table(subject.cycle.pk, subject.agent.code)
    table = bind_table(request, spec, queries.results_rows(outcome))
    if response := export_any(request, table):
        return response
    return render(
        request,
        "feedback/results.html",
        {
            "subject": subject,
            "cycle": subject.cycle,
            "results": outcome,
            "responses": queries.response_summary(subject),
            "group_choices": [(g.value, rules.GROUP_LABELS[g]) for g in rules.RaterGroup]
            + [(rules.POOL, rules.POOL_LABEL), ("all", rules.ALL_LABEL)],
            "picked": groups or [],
            "is_self": access.is_subject(request.user, subject),
            "table": table,
        },
    )


@login_required
def results_csv(request, pk: int, code: str):
    subject, groups = _results_subject(request, pk, code)
    response = HttpResponse(queries.results_csv(subject, groups=groups), content_type="text/csv")
    name = f"feedback-{subject.cycle.pk}-{subject.agent.code}.csv"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["Cache-Control"] = "no-store, private"
    return response


@login_required
def results_pdf(request, pk: int, code: str):
    subject, groups = _results_subject(request, pk, code)
    response = HttpResponse(queries.results_pdf(subject, groups=groups), "application/pdf")
    name = f"feedback-{subject.cycle.pk}-{subject.agent.code}.pdf"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["Cache-Control"] = "no-store, private"
    return response


@login_required
def agent_feedback(request, code: str):
    agent = access_agent_by_id(request.user, code)
    reads_notes = access.reads_notes_of(request.user, agent)
    is_self = agent.user_id == request.user.pk
    return render(
        request,
        "feedback/agent.html",
        {
            "agent": agent,
            "is_self": is_self,
            "results": access.visible_results(request.user)
            .filter(agent=agent)
            .order_by("-cycle__closed_on"),
            "reads_notes": reads_notes,
            "notes": queries.attributed_notes(agent) if reads_notes else [],
            "batches": queries.released_notes(agent) if reads_notes else [],
            "min_notes": access.site_thresholds().comments,
            "may_give": access.recipients_for(request.user).filter(pk=agent.pk).exists(),
        },
    )


@login_required
def give(request):
    agents = list(access.recipients_for(request.user))
    initial = {"agent": request.GET.get("agent", "")}
    form = NoteForm(request.POST or None, agents=agents, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        agent = next(a for a in agents if a.code == data["agent"])
        try:
            actions.do_give_note(
                agent,
                text=data["text"],
                kind=data["kind"],
                anonymous=data["anonymous"],
                actor=request.user,
            )
        except REFUSALS as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(
                request,
                "Sent anonymously: it reaches them in the next batch."
                if data["anonymous"]
                else f"Sent to {agent.name}.",
            )
            return redirect(reverse("feedback:give"))
    return render(request, "feedback/give.html", {"form": form, "has_colleagues": bool(agents)})
