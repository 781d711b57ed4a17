"""The demo data set and the benchmark generator: canonical files, determinism, planted cases."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
import pyarrow.parquet as pq
import pytest

from upswing.demo import build_demo_files
from upswing.demo.bench import bench_tables, generate_bench_interactions
from upswing.demo.clock import default_as_of
from upswing.ingest.kinds import KINDS

AS_OF = dt.date(2026, 11, 1)  # a Sunday: the demo's 26 weeks are 2026-W19 .. 2026-W44


def read(path: Path) -> pd.DataFrame:
    if path.suffix == ".parquet":
        return pq.read_table(path).to_pandas()
    return pd.read_csv(path, dtype=str, keep_default_na=False, na_values=[""])


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory):
    return build_demo_files(tmp_path_factory.mktemp("demo"), as_of=AS_OF)


@pytest.fixture(scope="module")
def frames(demo) -> dict[str, pd.DataFrame]:
    return {kind: read(path) for kind, path in demo.in_import_order}


@pytest.fixture(scope="module")
def manifest(demo) -> dict:
    return json.loads(demo.manifest.read_text("utf-8"))


def case(manifest: dict, case_id: str) -> dict:
    return next(c for c in manifest["cases"] if c["case_id"] == case_id)


def all_in(values: pd.Series, known: pd.Series) -> bool:
    """Every value is among `known` (Arrow's is_in: pandas' isin is slow on string columns)."""
    found = pc.is_in(pa.array(values, pa.string()), value_set=pa.array(known, pa.string()))
    return pc.all(found).as_py()


def iso_week(stamps: pd.Series) -> pd.Series:
    """The ISO week of the local date written in each timestamp."""
    days = stamps.str[:10]
    unique = days.unique()
    labels = pd.to_datetime(pd.Series(unique)).dt.strftime("%G-W%V")
    return days.map(dict(zip(unique, labels, strict=True)))


@pytest.fixture(scope="module")
def answered(frames) -> pd.DataFrame:
    it = frames["interactions"]
    it = it[it["answered"]].copy()
    it["week"] = iso_week(it["started_at"])
    it["fcr"] = it["resolved"] & ~it["reopened"]
    return it


@pytest.fixture(scope="module")
def evaluations(frames) -> pd.DataFrame:
    qa = frames["qa"].astype({"points": float, "max_points": float})
    qa["failed_critical"] = (qa["critical"] == "true") & (qa["points"] < qa["max_points"])
    ev = qa.groupby(["evaluation_id", "agent_id", "evaluated_at"]).agg(
        points=("points", "sum"), max_points=("max_points", "sum"), zero=("failed_critical", "any")
    )
    ev["score"] = (100 * ev["points"] / ev["max_points"]).where(~ev["zero"], 0.0)
    ev = ev.reset_index()
    ev["week"] = iso_week(ev["evaluated_at"])
    return ev


def test_every_kind_is_written_in_import_order(demo):
    kinds = [kind for kind, _ in demo.in_import_order]
    assert kinds == [
        "roster",
        "targets",
        "interactions",
        "surveys",
        "qa",
        "coaching",
        "events",
        "contracts",
    ]
    assert all(path.exists() for path in demo.paths)
    assert demo.interactions.suffix == ".parquet"


@pytest.mark.parametrize("kind", list(KINDS))
def test_files_have_exactly_the_canonical_columns(demo, kind):
    path = dict(demo.in_import_order)[kind]
    if path.suffix == ".parquet":
        names = pq.read_schema(path).names
    else:
        names = pacsv.read_csv(path).column_names
    assert tuple(names) == KINDS[kind].names


@pytest.mark.parametrize("kind", list(KINDS))
def test_keys_are_unique_and_required_values_present(frames, kind):
    df = frames[kind]
    spec = KINDS[kind]
    key = [k for k in spec.key if k in df]
    assert not df.duplicated(key).any()
    assert not df[list(spec.required)].isna().any().any()


def test_same_seed_gives_byte_identical_files(demo, tmp_path):
    again = build_demo_files(tmp_path, as_of=AS_OF, interactions_format="csv")
    for (kind, first), (_, second) in zip(demo.in_import_order, again.in_import_order, strict=True):
        if kind != "interactions":
            assert first.read_bytes() == second.read_bytes(), first.name
    assert demo.manifest.read_bytes() == again.manifest.read_bytes()
    assert again.interactions.suffix == ".csv"
    names = KINDS["interactions"].names
    as_text = pacsv.ConvertOptions(
        column_types=dict.fromkeys(names, pa.string()), strings_can_be_null=True
    )
    from_csv = pacsv.read_csv(again.interactions, convert_options=as_text)
    from_parquet = pq.read_table(demo.interactions)
    for name in names:
        assert from_csv[name].equals(from_parquet[name].cast(pa.string())), name


def test_default_as_of_is_the_sunday_ending_the_last_complete_week():
    assert default_as_of(dt.date(2026, 11, 4)) == dt.date(2026, 11, 1)
    assert default_as_of(dt.date(2026, 11, 2)) == dt.date(2026, 11, 1)
    assert default_as_of(dt.date(2026, 11, 1)) == dt.date(2026, 10, 25)


def test_sizes_are_realistic(frames, manifest):
    roster = frames["roster"]
    assert 180 <= roster["agent_id"].nunique() <= 230
    assert roster["team_id"].nunique() == 20
    assert roster["program_id"].nunique() == 3
    assert 150_000 <= len(frames["interactions"]) <= 300_000
    assert len(manifest["weeks"]) == 26
    assert manifest["weeks"][-1] == "2026-W44"


def test_references_resolve(frames):
    roster_agents = frames["roster"]["agent_id"]
    for kind in ("interactions", "qa", "coaching"):
        assert all_in(frames[kind]["agent_id"], roster_agents), kind
    interaction_ids = frames["interactions"]["interaction_id"]
    assert all_in(frames["surveys"]["interaction_id"], interaction_ids)
    assert all_in(frames["qa"]["interaction_id"], interaction_ids)


def test_timestamps_carry_the_programs_offset(frames):
    it = frames["interactions"]
    offsets = it["started_at"].str[-6:].groupby(it["program_id"]).unique()
    assert set(offsets["P-TCARE"]) == {"-04:00", "-05:00"}  # DST ends inside the window
    assert set(offsets["P-TTECH"]) == {"+08:00"}
    assert set(offsets["P-CLAIMS"]) == {"+00:00", "+01:00"}
    hours = it["started_at"].str[11:13].astype(int)
    assert hours.between(6, 23).all()


def test_abandoned_contacts_have_no_handle_time_or_outcome(frames):
    it = frames["interactions"]
    abandoned = it[~it["answered"]]
    assert 0.01 < len(abandoned) / len(it) < 0.08
    assert (abandoned["handle_seconds"] == 0).all()
    assert not abandoned["resolved"].any()
    surveyed = set(frames["surveys"]["interaction_id"])
    assert not surveyed & set(abandoned["interaction_id"])


def test_scores_are_on_their_scales(frames):
    sv = frames["surveys"].astype({"score": float})
    for kind, (low, high) in {"csat": (1, 5), "nps": (0, 10), "ces": (1, 7)}.items():
        assert sv.loc[sv["kind"] == kind, "score"].between(low, high).all()
    share = (sv["kind"] == "csat").sum() / frames["interactions"]["answered"].sum()
    assert 0.12 < share < 0.18


def test_targets_include_a_dated_change(frames):
    targets = frames["targets"]
    aht = targets[(targets["program_id"] == "P-TCARE") & (targets["metric"] == "aht")]
    assert len(aht) == 2
    assert aht["effective_from"].nunique() == 2
    assert targets["source"].notna().all()


@pytest.mark.parametrize("case_id", ["qa_decline_coached", "qa_decline_coached_twice"])
def test_qa_declines_fall_below_the_floor(manifest, evaluations, case_id):
    planted = case(manifest, case_id)
    weekly = (
        evaluations[evaluations["agent_id"] == planted["agent_ids"][0]]
        .groupby("week")["score"]
        .mean()
    )
    before = weekly[weekly.index < planted["weeks"][0]]
    last4 = weekly.reindex(planted["details"]["below_floor_weeks"])
    assert before.mean() > 90
    assert (last4 < 85).all()
    assert weekly.reindex(planted["weeks"][:3]).mean() > last4.mean() + 8


@pytest.mark.parametrize(
    "case_id", ["fcr_decline_uncoached", "fcr_decline_coached_on_other_metric"]
)
def test_fcr_declines_fall_below_the_floor(manifest, answered, case_id):
    planted = case(manifest, case_id)
    mine = answered[answered["agent_id"] == planted["agent_ids"][0]]
    weekly = mine.groupby("week")["fcr"].mean()
    before = weekly[weekly.index < planted["weeks"][0]]
    assert before.mean() > 0.75
    assert (weekly.reindex(planted["details"]["below_floor_weeks"]) < 0.70).all()


def test_coaching_history_matches_the_cases(manifest, frames):
    coaching = frames["coaching"]
    coaching = coaching.assign(week=iso_week(coaching["coached_at"]))

    def sessions(case_id: str) -> pd.DataFrame:
        return coaching[coaching["agent_id"] == case(manifest, case_id)["agent_ids"][0]]

    on_qa = sessions("qa_decline_coached").query("metric == 'qa' and topic == 'documentation'")
    assert len(on_qa) >= 3
    twice = sessions("qa_decline_coached_twice").query("metric == 'qa' and topic == 'empathy'")
    assert len(twice) >= 2
    first, last = pd.to_datetime(twice["coached_at"].str[:10]).agg(["min", "max"])
    # clear of the ladder's three-week minimum by days, not sitting on it
    assert (last - first).days >= 21 + 3
    for case_id in ("qa_decline_coached", "qa_decline_coached_twice"):
        days = sorted(pd.to_datetime(sessions(case_id)["coached_at"].str[:10]))
        spans = {(b - a).days for i, a in enumerate(days) for b in days[i + 1 :]}
        assert 21 not in spans, case_id
    assert sessions("fcr_decline_uncoached").empty
    assert not (sessions("fcr_decline_coached_on_other_metric")["metric"] == "fcr").any()


def test_outage_team_is_slower_in_the_event_window(manifest, frames, answered):
    planted = case(manifest, "outage")
    events = frames["events"]
    outage = events[(events["kind"] == "outage")].iloc[0]
    assert outage["team_id"] == planted["team_ids"][0]
    team = answered[answered["agent_id"].isin(planted["agent_ids"])]
    day = team["started_at"].str[:10]
    inside = day.isin(planted["details"]["event_days"])
    assert (
        team.loc[inside, "handle_seconds"].mean() > 1.4 * team.loc[~inside, "handle_seconds"].mean()
    )
    assert team.loc[inside, "fcr"].mean() < team.loc[~inside, "fcr"].mean() - 0.15


def test_long_wait_team_has_low_csat_with_normal_fcr(manifest, frames, answered):
    planted = case(manifest, "long_wait_queue")
    csat = frames["surveys"].query("kind == 'csat'").merge(answered, on="interaction_id")
    csat["good"] = csat["score"].astype(int) >= 4
    in_weeks = csat["week"].isin(planted["weeks"])
    team = csat["agent_id"].isin(planted["agent_ids"])
    assert (
        csat.loc[team & in_weeks, "good"].mean() < csat.loc[~team & in_weeks, "good"].mean() - 0.08
    )
    fcr_team = answered[
        answered["agent_id"].isin(planted["agent_ids"]) & answered["week"].isin(planted["weeks"])
    ]
    assert abs(fcr_team["fcr"].mean() - answered["fcr"].mean()) < 0.04
    assert fcr_team["wait_seconds"].mean() > 2 * answered["wait_seconds"].mean()


def test_systemic_drop_has_no_event(manifest, frames, answered):
    planted = case(manifest, "systemic_team_drop")
    team = answered[answered["agent_id"].isin(planted["agent_ids"])]
    weekly = team.groupby("week")["fcr"].mean()
    assert (weekly.reindex(planted["weeks"]) < 0.68).all()
    events = frames["events"]
    program_events = events[events["program_id"] == "P-TTECH"]
    assert not iso_week(program_events["starts_at"]).isin(planted["weeks"]).any()


def test_rushing_agent_gets_faster_and_worse(manifest, answered):
    planted = case(manifest, "rushing")
    mine = answered[answered["agent_id"] == planted["agent_ids"][0]]
    late = mine["week"].isin(planted["weeks"][-3:])
    early = mine["week"] < planted["weeks"][0]
    assert mine.loc[late, "handle_seconds"].mean() < 0.75 * mine.loc[early, "handle_seconds"].mean()
    assert mine.loc[late, "fcr"].mean() < mine.loc[early, "fcr"].mean() - 0.1
    assert mine.loc[late, "reopened"].mean() > mine.loc[early, "reopened"].mean() + 0.05


def test_single_bad_week_stands_alone(manifest, answered):
    planted = case(manifest, "single_bad_week")
    weekly = answered[answered["agent_id"] == planted["agent_ids"][0]].groupby("week")["fcr"].mean()
    bad = weekly[planted["weeks"][0]]
    assert bad < 0.6
    assert (weekly.drop(planted["weeks"][0]) > bad + 0.1).all()


def test_new_hires_start_late_with_few_interactions(manifest, frames, answered):
    planted = case(manifest, "new_hires")
    roster = frames["roster"].set_index("agent_id")
    for agent, start in zip(planted["agent_ids"], planted["details"]["start_dates"], strict=True):
        assert roster.loc[agent, "start_date"] == start
        mine = answered[answered["agent_id"] == agent]
        assert (mine["started_at"].str[:10] >= start).all()
        assert 0 < len(mine) < 50
        assert mine.groupby("week").size().max() < 25


def test_transfer_has_two_non_overlapping_roster_rows(manifest, frames, answered):
    planted = case(manifest, "team_transfer")
    rows = frames["roster"][frames["roster"]["agent_id"] == planted["agent_ids"][0]]
    rows = rows.sort_values("start_date")
    assert list(rows["team_id"]) == planted["team_ids"]
    assert (
        rows.iloc[0]["end_date"] < rows.iloc[1]["start_date"] == planted["details"]["transfer_date"]
    )
    assert pd.isna(rows.iloc[1]["end_date"])


def test_leavers_have_nothing_after_their_end_date(manifest, answered):
    planted = case(manifest, "leavers")
    for agent, end in zip(planted["agent_ids"], planted["details"]["end_dates"], strict=True):
        assert (answered.loc[answered["agent_id"] == agent, "started_at"].str[:10] <= end).all()


def test_bench_generator_writes_the_requested_counts(tmp_path):
    files = generate_bench_interactions(
        tmp_path, agents=200, weeks=4, interactions=20_000, fmt="parquet", as_of=AS_OF
    )
    interactions = pq.read_table(files.interactions)
    assert interactions.num_rows == files.interaction_rows == 20_000
    assert tuple(interactions.column_names) == KINDS["interactions"].names
    roster = pacsv.read_csv(files.roster)
    assert roster.num_rows == 200
    assert len(set(roster.column("team_id").to_pylist())) == 20
    assert set(interactions.column("agent_id").to_pylist()) <= set(
        roster.column("agent_id").to_pylist()
    )
    assert pq.read_table(files.surveys).num_rows == files.survey_rows
    answered = interactions.column("answered").to_pylist().count(True)
    assert files.survey_rows == round(0.1 * answered)
    assert files.evaluations == 400
    assert pq.read_table(files.qa).num_rows == files.qa_rows == 6 * 400


def test_bench_tables_match_the_files(tmp_path):
    tables = bench_tables(agents=50, weeks=2, interactions=5_000, seed=3, as_of=AS_OF)
    files = generate_bench_interactions(
        tmp_path, agents=50, weeks=2, interactions=5_000, seed=3, as_of=AS_OF
    )
    assert (
        pacsv.read_csv(
            files.interactions,
            convert_options=pacsv.ConvertOptions(
                column_types={"wait_seconds": "int64", "hold_seconds": "int64"}
            ),
        ).num_rows
        == tables.interactions.num_rows
    )
    assert files.survey_rows == tables.surveys.num_rows
    assert len(set(tables.interactions.column("interaction_id").to_pylist())) == 5_000
