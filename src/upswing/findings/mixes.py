"""Each agent's mix profiles (their cells and the peers' cells) from a program's mix cells.

A program's cells are read once (`diagnosis.load_mixes`); an agent's profile for a metric is
built the first time the rules read it. The rules read it only for an agent whose gap could
be the mix's (a few thousand of a 20,000-agent program's ~180,000 profiles), and building all
of them was most of such a diagnosis.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator, Mapping, Sequence

from upswing.findings import rules

_Key = tuple[str, str, str]


class _Cells:
    """One reading of cells (interactions, surveys or evaluations): the program's totals per
    cell and each agent's own cells, in the order read."""

    def __init__(self, cells: list[dict], agents: set[str], metrics: Sequence[str]) -> None:
        self.metrics = tuple(metrics)
        self.counts = [
            n
            for n in (cells[0] if cells else {})
            if n.endswith(("_n", "_hits", "_sum", "_squares"))
        ]
        self.totals: dict[_Key, dict[str, float]] = {}
        self.mine: dict[str, dict[_Key, dict]] = defaultdict(dict)
        for cell in cells:
            key = _key(cell)
            total = self.totals.get(key)
            if total is None:
                total = self.totals[key] = dict.fromkeys(self.counts, 0.0)
            for name in self.counts:
                total[name] += cell[name] or 0
            if cell["agent_id"] in agents:
                self.mine[cell["agent_id"]][key] = cell
        self._whole: dict[str, dict[_Key, rules.MixCell]] = {}

    def profile(self, agent: str, metric: str) -> rules.MixProfile:
        """The agent's cells, and the peers': the program's totals less the agent's own."""
        own = self.mine[agent]
        whole = self._whole_cells(metric)
        peers = tuple(
            whole[key] if key not in own else _cell(self._less(key, own[key]), metric)
            for key in self.totals
        )
        return rules.MixProfile(agent, metric, tuple(_cell(c, metric) for c in own.values()), peers)

    def _whole_cells(self, metric: str) -> dict[_Key, rules.MixCell]:
        """Every cell of the program for `metric`: the peers' cell where the agent has none."""
        if metric not in self._whole:
            self._whole[metric] = {key: _cell(self._less(key, None), metric) for key in self.totals}
        return self._whole[metric]

    def _less(self, key: _Key, own: dict | None) -> dict:
        total = self.totals[key]
        return {
            "channel": key[0],
            "wait_band": key[1],
            "topic": key[2],
            **{n: total[n] - ((own[n] or 0) if own is not None else 0) for n in self.counts},
        }


class MixProfiles(Mapping):
    """(agent, metric) -> `rules.MixProfile`, built when read, kept once built.

    Holds the same profiles, in the same order, as listing every agent's profile for every
    metric of each reading (the first reading of a metric wins, as the rules take the first
    profile given)."""

    def __init__(self) -> None:
        self._readings: list[_Cells] = []
        self._built: dict[tuple[str, str], rules.MixProfile] = {}

    def add(self, cells: list[dict], agents: set[str], metrics: Sequence[str]) -> None:
        self._readings.append(_Cells(cells, agents, metrics))

    def _reading(self, agent: str, metric: str) -> _Cells | None:
        for reading in self._readings:
            if metric in reading.metrics and agent in reading.mine:
                return reading
        return None

    def __getitem__(self, key: tuple[str, str]) -> rules.MixProfile:
        if key in self._built:
            return self._built[key]
        agent, metric = key
        reading = self._reading(agent, metric)
        if reading is None:
            raise KeyError(key)
        profile = self._built[key] = reading.profile(agent, metric)
        return profile

    def __iter__(self) -> Iterator[tuple[str, str]]:
        seen: set[tuple[str, str]] = set()
        for reading in self._readings:
            for agent in reading.mine:
                for metric in reading.metrics:
                    if (agent, metric) not in seen:
                        seen.add((agent, metric))
                        yield (agent, metric)

    def __len__(self) -> int:
        return sum(1 for _ in self)


def _key(cell: dict) -> _Key:
    return (cell["channel"], cell["wait_band"], cell["topic"])


def _cell(cell: dict, metric: str) -> rules.MixCell:
    if f"{metric}_sum" in cell:  # a mean: its sum and sum of squares
        return rules.MixCell(
            *_key(cell),
            int(cell[f"{metric}_n"] or 0),
            float(cell[f"{metric}_sum"] or 0),
            float(cell[f"{metric}_squares"] or 0),
        )
    return rules.MixCell(
        *_key(cell), int(cell[f"{metric}_n"] or 0), float(cell[f"{metric}_hits"] or 0)
    )
