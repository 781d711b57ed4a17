"""For operations: systemic findings grouped across teams, to fix the process once."""

from __future__ import annotations

from collections.abc import Iterable

from upswing.findings.rules import wording
from upswing.findings.rules.types import Cause, Finding, SimilarGapGroup


def group_similar_gaps(findings: Iterable[Finding]) -> tuple[SimilarGapGroup, ...]:
    """Systemic findings on the same metric whose periods overlap, grouped across teams.

    Each finding joins the first group (in the order they were started) on its metric that
    shares a period with it; each group keeps the set of its periods as it grows."""
    clusters: list[tuple[list[Finding], set[str]]] = []
    for finding in sorted(
        (f for f in findings if f.cause is Cause.SYSTEMIC),
        key=lambda f: (f.metric, f.periods, f.team_id, f.agent_id),
    ):
        home = next(
            (
                (members, periods)
                for members, periods in clusters
                if members[0].metric == finding.metric and not periods.isdisjoint(finding.periods)
            ),
            None,
        )
        if home is None:
            clusters.append(([finding], set(finding.periods)))
        else:
            home[0].append(finding)
            home[1].update(finding.periods)
    return tuple(_as_group(members) for members, _ in clusters)


def _as_group(cluster: list[Finding]) -> SimilarGapGroup:
    metric = cluster[0].metric
    periods = tuple(sorted({p for f in cluster for p in f.periods}))
    teams = tuple(sorted({f.team_id for f in cluster}))
    agents = tuple(sorted({f.agent_id for f in cluster}))
    events = tuple(sorted({e for f in cluster for e in f.evidence.events}))
    # The events by count, not by their ids (which an export may not have named): the
    # findings and the group's `events` list them with their descriptions.
    reason = (
        f"{_count(len(teams), 'team')} ({', '.join(teams)}) "
        f"{'shows' if len(teams) == 1 else 'show'} the same {wording.label(metric)} gap "
        f"in {periods[0]} to {periods[-1]}, for {_count(len(agents), 'agent')}"
        + (f", with {_count(len(events), 'recorded event')} in those weeks" if events else "")
        + ": fix the process, not the people."
    )
    return SimilarGapGroup(metric, periods, teams, agents, events, reason)


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}" if number == 1 else f"{number} {noun}s"
