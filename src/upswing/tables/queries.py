"""Search reads: people, teams and programs by name or id, through org's doors only."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Q, QuerySet

from upswing.org.access import visible_agents, visible_programs, visible_teams
from upswing.tables.rules.search import SearchTerms

LIMIT = 25


@dataclass(frozen=True, slots=True)
class Found:
    kind: str  # "agent", "team", "program"
    code: str
    name: str
    detail: str


@dataclass(frozen=True, slots=True)
class SearchResults:
    agents: tuple[Found, ...]
    teams: tuple[Found, ...]
    programs: tuple[Found, ...]
    more: tuple[str, ...]  # "agents", … where more than LIMIT matched

    @property
    def count(self) -> int:
        return len(self.agents) + len(self.teams) + len(self.programs)


def _matching(queryset: QuerySet, terms: SearchTerms) -> QuerySet:
    wanted = Q()
    for word in terms.words:
        wanted &= Q(name__icontains=word) | Q(code__icontains=word)
    return queryset.filter(wanted | Q(code__iexact=terms.text)).order_by("name", "code")


def _take(queryset: QuerySet, kind: str, detail, more: list[str]) -> tuple[Found, ...]:
    rows = list(queryset[: LIMIT + 1])
    if len(rows) > LIMIT:
        more.append(kind)
    return tuple(Found(kind, r.code, r.name, detail(r)) for r in rows[:LIMIT])


def search_everything(user, terms: SearchTerms) -> SearchResults:
    """What the user may open that matches: at most LIMIT of each kind (3 queries)."""
    if not terms.ready:
        return SearchResults((), (), (), ())
    more: list[str] = []
    agents = _take(_matching(visible_agents(user), terms), "agents", lambda a: a.code, more)
    teams = _take(
        _matching(visible_teams(user).select_related("program"), terms),
        "teams",
        lambda t: f"{t.code} · {t.program.name}",
        more,
    )
    programs = _take(
        _matching(visible_programs(user).select_related("client"), terms),
        "programs",
        lambda p: f"{p.code} · {p.client.name}",
        more,
    )
    return SearchResults(agents, teams, programs, tuple(more))
