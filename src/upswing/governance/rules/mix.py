"""Vendors compared on the same customer mix: direct standardisation over a mix dimension
(the channel). Each vendor's rate in each stratum is re-weighted to the pooled mix of the
vendors compared, so a vendor that takes more of the hard contacts (chat, say) is not ranked
below one that takes the easy ones only for that. Pure: no Django, no Ibis, no I/O.

A stratum where a vendor has no contacts has no rate of that vendor to re-weight: it is left
out of the standard mix for everyone, and the comparison says so with the share of the pooled
contacts it holds. A vendor with fewer contacts than the metric's minimum sample is "too few
to judge" and takes no part in the standard mix."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from upswing.metrics import CATALOG, Aggregate, Better, format_value, value_from_totals
from upswing.scorecards.rules import min_sample

TOO_FEW = "too few to judge"


@dataclass(frozen=True, slots=True)
class Stratum:
    """One vendor's contacts in one stratum: how many, and the numerator behind the metric
    (the hits of a share, the sum of a mean)."""

    name: str
    n: int
    numerator: float


@dataclass(frozen=True, slots=True)
class VendorMix:
    vendor: str
    strata: tuple[Stratum, ...]

    @property
    def n(self) -> int:
        return sum(s.n for s in self.strata)

    def stratum(self, name: str) -> Stratum | None:
        return next((s for s in self.strata if s.name == name and s.n > 0), None)


@dataclass(frozen=True, slots=True)
class Adjusted:
    vendor: str
    n: int
    raw: float | None  # None: too few to judge
    adjusted: float | None  # None: too few to judge, or no stratum shared by every vendor


@dataclass(frozen=True, slots=True)
class Gap:
    """A stratum left out of the standard mix: the vendors without contacts in it, and its
    share of the pooled contacts (percent)."""

    stratum: str
    vendors: tuple[str, ...]
    pooled_share: float


@dataclass(frozen=True, slots=True)
class Standardisation:
    metric: str
    dimension: str
    weights: tuple[tuple[str, float], ...]  # the standard mix: stratum, share (sums to 1)
    values: tuple[Adjusted, ...]
    gaps: tuple[Gap, ...]

    def value_of(self, vendor: str) -> Adjusted | None:
        return next((v for v in self.values if v.vendor == vendor), None)

    @property
    def sentence(self) -> str:
        return comparison_sentence(self)


def standardise(
    metric: str, vendors: Sequence[VendorMix], *, dimension: str = "channel"
) -> Standardisation:
    """Each vendor's raw value and its value re-weighted to the pooled mix of the vendors with
    enough contacts, over the strata every one of them serves."""
    definition = CATALOG[metric]
    if definition.aggregate is Aggregate.COUNT:
        raise ValueError(f"{definition.label} is a count: there is no rate to standardise")
    judged = [v for v in vendors if v.n >= min_sample(metric)]
    pooled: dict[str, int] = {}
    for vendor in judged:
        for s in vendor.strata:
            pooled[s.name] = pooled.get(s.name, 0) + max(s.n, 0)
    shared = [name for name in sorted(pooled) if all(v.stratum(name) for v in judged)]
    total = sum(pooled.values())
    shared_total = sum(pooled[name] for name in shared)
    weights = tuple((name, pooled[name] / shared_total) for name in shared) if shared_total else ()
    gaps = tuple(
        Gap(
            name,
            tuple(v.vendor for v in judged if v.stratum(name) is None),
            100.0 * pooled[name] / total,
        )
        for name in sorted(pooled)
        if name not in shared and pooled[name] > 0
    )
    values = tuple(_value(metric, v, weights, judged=v in judged) for v in vendors)
    return Standardisation(metric, dimension, weights, values, gaps)


def _value(metric: str, vendor: VendorMix, weights, *, judged: bool) -> Adjusted:
    if not judged:
        return Adjusted(vendor.vendor, vendor.n, None, None)
    definition = CATALOG[metric]
    numerator = math.fsum(s.numerator for s in vendor.strata)
    raw = value_from_totals(definition, numerator, vendor.n)
    adjusted = None
    if weights:
        adjusted = math.fsum(
            share * value_from_totals(definition, s.numerator, s.n)
            for name, share in weights
            if (s := vendor.stratum(name)) is not None
        )
    return Adjusted(vendor.vendor, vendor.n, raw, adjusted)


def _best(metric: str, values: list[tuple[str, float]]) -> list[tuple[str, float]]:
    """The values best first (the metric's better direction; a neutral metric: highest first)."""
    lower = CATALOG[metric].better is Better.LOWER
    return sorted(values, key=lambda x: (x[1] if lower else -x[1], x[0]))


def _ranking_text(metric: str, ranked: list[tuple[str, float]]) -> tuple[str, str]:
    """Who leads and how it reads: "A is better (70.0% against 65.0%)", or level when the
    values read the same."""
    texts = [format_value(metric, value) for _, value in ranked]
    if texts[0] == texts[1]:
        return "", f"the vendors are level ({texts[0]})"
    word = "better" if len(ranked) == 2 else "best"
    others = ", ".join(texts[1:])
    return ranked[0][0], f"{ranked[0][0]} is {word} ({texts[0]} against {others})"


def comparison_sentence(result: Standardisation) -> str:
    """What the raw and the adjusted values say, derived from the numbers shown."""
    label = CATALOG[result.metric].label
    raw = [(v.vendor, v.raw) for v in result.values if v.raw is not None]
    if len(raw) < 2:
        return f"{label}: too few contacts to compare the vendors."
    raw_leader, raw_text = _ranking_text(result.metric, _best(result.metric, raw))
    text = f"{label}: raw, {raw_text}"
    adjusted = [(v.vendor, v.adjusted) for v in result.values if v.adjusted is not None]
    if len(adjusted) < 2:
        return f"{text}; no {result.dimension} is served by every vendor, so no adjusted value."
    adj_leader, adj_text = _ranking_text(result.metric, _best(result.metric, adjusted))
    text += f"; on the pooled {result.dimension} mix, {adj_text}"
    if adj_leader != raw_leader:
        text += f": the vendors' different {result.dimension} mix changes the order"
    else:
        text += f": the {result.dimension} mix does not change the order"
    return text + "." + "".join(f" {gap_sentence(g, result.dimension)}" for g in result.gaps)


def gap_sentence(gap: Gap, dimension: str) -> str:
    who = " and ".join(gap.vendors)
    has = "have" if len(gap.vendors) > 1 else "has"
    name = gap.stratum or "unknown"
    return (
        f"{who} {has} no contacts in {dimension} {name} ({gap.pooled_share:.1f}% of the pooled"
        f" contacts): the adjusted values leave it out."
    )
