"""A program's mix profiles built on demand (findings.mixes) hold what building every agent's
profile for every metric would: the agent's own cells, and the peers' cells as the program's
totals less the agent's own, for every cell of the program, in the order read."""

from __future__ import annotations

import random

import pytest

from upswing.findings import rules
from upswing.findings.mixes import MixProfiles

SHARES = ("fcr", "escalation")


def _cells(rng: random.Random, agents: int) -> list[dict]:
    cells = []
    for a in range(agents):
        for channel in ("voice", "chat"):
            for band in ("0-20", "20-60", "60+"):
                for topic in ("billing", "tech"):
                    if rng.random() < 0.4:
                        continue  # an agent handles only some cells
                    n = rng.randint(0, 30)
                    cells.append(
                        {
                            "agent_id": f"A{a}",
                            "channel": channel,
                            "wait_band": band,
                            "topic": topic,
                            "fcr_n": n,
                            "fcr_hits": rng.randint(0, n),
                            "escalation_n": n if rng.random() < 0.9 else None,
                            "escalation_hits": rng.randint(0, n),
                            "aht_n": n,
                            "aht_sum": 300.0 * n,
                            "aht_squares": 90_000.0 * n + rng.random(),
                        }
                    )
    rng.shuffle(cells)
    return cells


COUNTS = ("fcr_n", "fcr_hits", "escalation_n", "escalation_hits", "aht_n", "aht_sum", "aht_squares")


def _every_profile(cells: list[dict], agents: set[str], metrics) -> list[rules.MixProfile]:
    """Every agent's profile for every metric, as the definition reads: the peers' cell is the
    program's total (summed in the order read) less the agent's own."""
    totals: dict[tuple, dict[str, float]] = {}
    for c in cells:
        total = totals.setdefault(_key(c), dict.fromkeys(COUNTS, 0.0))
        for name in COUNTS:
            total[name] += c[name] or 0
    out = []
    for agent in dict.fromkeys(c["agent_id"] for c in cells if c["agent_id"] in agents):
        own = {_key(c): c for c in cells if c["agent_id"] == agent}
        for metric in metrics:
            mine = tuple(_cell(key, c, metric) for key, c in own.items())
            peers = tuple(
                _cell(key, {n: t[n] - ((own[key][n] or 0) if key in own else 0) for n in t}, metric)
                for key, t in totals.items()
            )
            out.append(rules.MixProfile(agent, metric, mine, peers))
    return out


def _key(c: dict) -> tuple[str, str, str]:
    return (c["channel"], c["wait_band"], c["topic"])


def _cell(key, counts: dict, metric: str) -> rules.MixCell:
    if metric == "aht":
        return rules.MixCell(
            *key, int(counts["aht_n"] or 0), float(counts["aht_sum"]), float(counts["aht_squares"])
        )
    return rules.MixCell(*key, int(counts[f"{metric}_n"] or 0), float(counts[f"{metric}_hits"]))


@pytest.mark.parametrize("seed", range(5))
def test_profiles_built_when_read_are_those_of_the_definition(seed):
    rng = random.Random(seed)
    shares, means = _cells(rng, 12), _cells(rng, 9)
    judged = {f"A{a}" for a in range(12) if a % 5}  # some agents are not judged here
    profiles = MixProfiles()
    profiles.add(shares, judged, SHARES)
    profiles.add(means, judged, ["aht"])
    expected = _every_profile(shares, judged, SHARES) + _every_profile(means, judged, ["aht"])

    picked = rng.sample(expected, 6)  # read some first, in any order
    for profile in picked:
        assert profiles[(profile.agent_id, profile.metric)] == profile
    assert list(profiles.values()) == expected
    assert len(profiles) == len(expected)


def test_an_agent_without_cells_or_not_judged_has_no_profile():
    cells = _cells(random.Random(1), 3)
    profiles = MixProfiles()
    profiles.add(cells, {"A0", "A1"}, SHARES)
    assert profiles.get(("A2", "fcr")) is None
    assert profiles.get(("A9", "fcr")) is None
    assert profiles.get(("A0", "aht")) is None
    assert profiles.get(("A0", "fcr")) is not None
