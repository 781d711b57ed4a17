"""Vendors compared on the pooled channel mix (direct standardisation): a worked example by
hand where the raw rates rank the vendors one way and the adjusted rates the other (Simpson's
paradox), strata a vendor does not serve, small samples, and the sentence checked against the
numbers it states. No database."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from upswing.governance.rules.mix import Stratum, VendorMix, standardise
from upswing.metrics import format_value


def fmt(value: float) -> str:
    return format_value("fcr", value)


def mix(vendor: str, **strata: tuple[int, float]) -> VendorMix:
    return VendorMix(vendor, tuple(Stratum(k, n, num) for k, (n, num) in strata.items()))


# Worked by hand. FCR, two channels.
#   North: phone 640/800 = 80 %, chat 100/200 = 50 %  -> raw 740/1000 = 74 %
#   South: phone 170/200 = 85 %, chat 440/800 = 55 %  -> raw 610/1000 = 61 %
# South resolves more in each channel, North takes mostly phone calls (the easy ones).
# Pooled mix: phone 800 + 200 = 1000, chat 200 + 800 = 1000 -> 50 % / 50 %.
#   North adjusted = .5 × 80 + .5 × 50 = 65 %;  South adjusted = .5 × 85 + .5 × 55 = 70 %.
NORTH = mix("North", phone=(800, 640), chat=(200, 100))
SOUTH = mix("South", phone=(200, 170), chat=(800, 440))


def test_simpsons_paradox_raw_and_adjusted_rank_the_vendors_the_other_way():
    result = standardise("fcr", [NORTH, SOUTH])
    north, south = result.value_of("North"), result.value_of("South")
    assert (north.raw, south.raw) == pytest.approx((74.0, 61.0))
    assert (north.adjusted, south.adjusted) == pytest.approx((65.0, 70.0))
    assert dict(result.weights) == pytest.approx({"chat": 0.5, "phone": 0.5})
    assert result.sentence == (
        "First-contact resolution: raw, North is better (74.0% against 61.0%); on the pooled"
        " channel mix, South is better (70.0% against 65.0%): the vendors' different channel"
        " mix changes the order."
    )


def test_a_lower_is_better_mean_is_standardised_on_its_sums():
    # AHT (seconds). North: phone 2 calls of 300 s, chat 8 of 600 s. South: phone 8 of 330 s,
    # chat 2 of 660 s. Raw: North 5400/10 = 540, South 3960/10 = 396 (South looks faster).
    # Pooled: phone 10, chat 10 -> North .5×300 + .5×600 = 450, South .5×330 + .5×660 = 495.
    north = mix("North", phone=(2, 600.0), chat=(8, 4800.0))
    south = mix("South", phone=(8, 2640.0), chat=(2, 1320.0))
    result = standardise("aht", [north, south])
    assert result.value_of("North").raw == pytest.approx(540.0)
    assert result.value_of("South").raw == pytest.approx(396.0)
    assert result.value_of("North").adjusted == pytest.approx(450.0)
    assert result.value_of("South").adjusted == pytest.approx(495.0)
    assert "raw, South is better" in result.sentence
    assert "mix, North is better" in result.sentence


def test_a_stratum_a_vendor_does_not_serve_is_left_out_and_said():
    # South has no e-mail: the standard mix is phone and chat only (1000 each).
    north = mix("North", phone=(800, 640), chat=(200, 100), email=(500, 250))
    result = standardise("fcr", [north, SOUTH])
    assert dict(result.weights) == pytest.approx({"chat": 0.5, "phone": 0.5})
    assert result.value_of("North").adjusted == pytest.approx(65.0)
    assert result.value_of("North").raw == pytest.approx(990 / 1500 * 100)
    [gap] = result.gaps
    assert (gap.stratum, gap.vendors) == ("email", ("South",))
    assert gap.pooled_share == pytest.approx(100 * 500 / 2500)
    assert result.sentence.endswith(
        "South has no contacts in channel email (20.0% of the pooled contacts): the adjusted"
        " values leave it out."
    )


def test_a_vendor_below_the_minimum_sample_is_too_few_to_judge_and_not_in_the_mix():
    tiny = mix("Tiny", phone=(5, 4), video=(3, 1))
    result = standardise("fcr", [NORTH, SOUTH, tiny])
    assert result.value_of("Tiny").raw is None
    assert result.value_of("Tiny").adjusted is None
    assert dict(result.weights) == pytest.approx({"chat": 0.5, "phone": 0.5})
    assert not result.gaps
    alone = standardise("fcr", [NORTH, tiny])
    assert alone.sentence == "First-contact resolution: too few contacts to compare the vendors."


def test_no_shared_stratum_gives_no_adjusted_value():
    result = standardise("fcr", [mix("A", phone=(50, 40)), mix("B", chat=(50, 20))])
    assert result.value_of("A").adjusted is None
    assert "no channel is served by every vendor" in result.sentence


def test_a_count_has_no_rate_to_standardise():
    with pytest.raises(ValueError, match="is a count"):
        standardise("volume", [NORTH, SOUTH])


cells = st.tuples(st.integers(10, 500), st.floats(0.0, 1.0))


@given(
    a=st.dictionaries(st.sampled_from(["phone", "chat", "email"]), cells, min_size=1),
    b=st.dictionaries(st.sampled_from(["phone", "chat", "email"]), cells, min_size=1),
)
def test_the_sentence_agrees_with_the_numbers(a, b):
    va = mix("A", **{k: (n, round(n * p)) for k, (n, p) in a.items()})
    vb = mix("B", **{k: (n, round(n * p)) for k, (n, p) in b.items()})
    result = standardise("fcr", [va, vb])
    ra, rb = result.value_of("A"), result.value_of("B")
    raw_part, _, adjusted_part = result.sentence.partition("; ")
    if fmt(ra.raw) == fmt(rb.raw):
        assert "level" in raw_part
    else:
        leader = "A" if ra.raw > rb.raw else "B"
        assert f"raw, {leader} is better" in raw_part
    if ra.adjusted is None:
        assert set(a).isdisjoint(b)
        assert "no adjusted value" in adjusted_part
        return
    # The adjusted values are weighted averages of each vendor's own stratum rates.
    for v, strata in ((ra, a), (rb, b)):
        rates = [100 * round(n * p) / n for k, (n, p) in strata.items() if k in a and k in b]
        assert min(rates) - 1e-9 <= v.adjusted <= max(rates) + 1e-9
    if fmt(ra.adjusted) == fmt(rb.adjusted):
        assert "mix, the vendors are level" in adjusted_part
    else:
        leader = "A" if ra.adjusted > rb.adjusted else "B"
        assert f"mix, {leader} is better" in adjusted_part
    changes = "changes the order" in adjusted_part
    raw_leader = "" if "level" in raw_part else ("A" if ra.raw > rb.raw else "B")
    adj_leader = "" if "level" in adjusted_part.split(":")[0] else leader
    assert changes == (raw_leader != adj_leader)
