"""Read-side selectors for coaching: select_related / prefetch applied here and nowhere else.

They do not scope by user: callers pass a queryset already narrowed by the access check
(`base`), or use them in services that run for everyone (CLI, reports under an access check).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from zoneinfo import ZoneInfo

from django.db.models import Count, Exists, OuterRef, Prefetch, QuerySet

from upswing.coaching.models import ActionItem, CoachingSession
from upswing.coaching.rules import is_documented
from upswing.findings.rules import CoachingRecord


def _sessions(base: QuerySet[CoachingSession] | None = None) -> QuerySet[CoachingSession]:
    qs = base if base is not None else CoachingSession.objects.all()
    return qs.select_related("agent", "agent__user", "coach", "finding").prefetch_related(
        Prefetch("actions", queryset=ActionItem.objects.select_related("owner"))
    )


def session_rows(base: QuerySet[CoachingSession]) -> QuerySet[CoachingSession]:
    """Sessions of `base` with their agent, coach, finding and actions, newest first."""
    return _sessions(base).order_by("-coached_at", "-pk")


def session_detail(pk: int, base: QuerySet[CoachingSession] | None = None) -> CoachingSession:
    """One session with its agent, coach, finding and actions (DoesNotExist if absent)."""
    return _sessions(base).get(pk=pk)


def sessions_for_agent(
    agent_code: str, base: QuerySet[CoachingSession] | None = None
) -> QuerySet[CoachingSession]:
    return _sessions(base).filter(agent__code=agent_code).order_by("-coached_at")


def sessions_for_finding(
    finding_id: int, base: QuerySet[CoachingSession] | None = None
) -> QuerySet[CoachingSession]:
    return _sessions(base).filter(finding_id=finding_id).order_by("coached_at")


def sessions_between(
    first: dt.date,
    last: dt.date,
    *,
    program: str | None = None,
    base: QuerySet[CoachingSession] | None = None,
) -> QuerySet[CoachingSession]:
    """Sessions held from `first` to `last` (inclusive), optionally of one program's agents
    (by their membership on the session day's program)."""
    qs = _sessions(base).filter(coached_at__date__gte=first, coached_at__date__lte=last)
    if program:
        qs = qs.filter(agent__memberships__team__program__code=program).distinct()
    return qs.order_by("coached_at")


def open_action_items(
    *, owner=None, base: QuerySet[ActionItem] | None = None
) -> QuerySet[ActionItem]:
    """Agreed actions not done yet, soonest due first; optionally one owner's."""
    qs = base if base is not None else ActionItem.objects.all()
    qs = qs.filter(done_at__isnull=True).select_related("session", "session__agent", "owner")
    if owner is not None:
        qs = qs.filter(owner=owner)
    return qs.order_by("due_on", "pk")


def follow_ups_due(
    day: dt.date, base: QuerySet[CoachingSession] | None = None
) -> QuerySet[CoachingSession]:
    """Sessions whose follow-up date has come by `day`."""
    return _sessions(base).filter(follow_up_on__lte=day).order_by("follow_up_on")


def sessions_to_acknowledge(base: QuerySet[CoachingSession]) -> QuerySet[CoachingSession]:
    """Sessions of `base` the agent has not acknowledged yet, oldest first."""
    return (
        base.filter(acknowledged_at__isnull=True)
        .select_related("agent", "coach")
        .order_by("coached_at", "pk")
    )


def overdue_follow_ups(day: dt.date, base: QuerySet[CoachingSession]) -> QuerySet[CoachingSession]:
    """Sessions of `base` whose follow-up date is before `day` with no later session with the
    same agent since: the follow-up conversation has not happened."""
    later = CoachingSession.objects.filter(
        agent_id=OuterRef("agent_id"), coached_at__gt=OuterRef("coached_at")
    )
    return (
        base.filter(follow_up_on__lt=day)
        .filter(~Exists(later))
        .select_related("agent")
        .order_by("follow_up_on", "pk")
    )


def coaching_records(
    agents: Sequence[str], since: dt.datetime, tz: ZoneInfo
) -> tuple[CoachingRecord, ...]:
    """The agents' sessions from `since` on, as the diagnosis's ladder reads them: dated in
    the program's zone, documented or not by `rules.is_documented` (registered with the
    findings in apps.py)."""
    sessions = (
        CoachingSession.objects.filter(agent__code__in=agents, coached_at__gte=since)
        .annotate(action_count=Count("actions"))
        .values_list(
            "id", "agent__code", "coached_at", "kind", "metric", "topic", "notes", "action_count"
        )
    )
    return tuple(
        CoachingRecord(
            str(pk),
            code,
            at.astimezone(tz).date(),
            kind,
            metric or "",
            topic or "",
            documented=is_documented(topic or "", notes or "", actions),
        )
        for pk, code, at, kind, metric, topic, notes, actions in sessions
    )
