"""`build_demo_files`: the whole demo data set as canonical import files plus a manifest."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np
import pyarrow as pa

from upswing.demo.cases import plant_cases, roster_changes
from upswing.demo.catalog import PROGRAMS
from upswing.demo.clock import Window, ZoneTable, default_as_of, last_sunday_on_or_before
from upswing.demo.contracts import contracts_table
from upswing.demo.feedback import qa_table, surveys_table
from upswing.demo.interactions import draw_contacts, interactions_table
from upswing.demo.org import Staff, build_staff, roster_table
from upswing.demo.records import coaching_table, events_table
from upswing.demo.skills import draw_skills
from upswing.demo.targets import targets_table
from upswing.demo.writers import write_table

DEMO_WEEKS = 26
MIN_WEEKS = 14  # the planted cases' 8 weeks, the diagnosis' 8-week look-back and lead time
IMPORT_ORDER = (
    "roster",
    "targets",
    "interactions",
    "surveys",
    "qa",
    "coaching",
    "events",
    "contracts",
)


@dataclass(frozen=True, slots=True)
class DemoFiles:
    """Paths of the demo's files; `in_import_order` is how they must be imported."""

    roster: Path
    targets: Path
    interactions: Path
    surveys: Path
    qa: Path
    coaching: Path
    events: Path
    contracts: Path
    manifest: Path

    @property
    def in_import_order(self) -> tuple[tuple[str, Path], ...]:
        return tuple((kind, getattr(self, kind)) for kind in IMPORT_ORDER)

    @property
    def paths(self) -> tuple[Path, ...]:
        return tuple(path for _, path in self.in_import_order)


@dataclass(frozen=True, slots=True)
class DemoTables:
    window: Window
    staff: Staff
    tables: dict[str, pa.Table]
    manifest: dict


def build_demo_tables(
    *, seed: int = 7, as_of: dt.date | None = None, weeks: int = DEMO_WEEKS
) -> DemoTables:
    """The demo in memory: one Arrow table per kind (canonical columns) and the manifest.

    `weeks` shortens the window (at least MIN_WEEKS) for a quicker, smaller demo with the
    same planted cases: the sweep over many seeds uses it."""
    if not MIN_WEEKS <= weeks <= DEMO_WEEKS:
        raise ValueError(f"weeks must be in {MIN_WEEKS}..{DEMO_WEEKS}, not {weeks}")
    window = Window(last_sunday_on_or_before(as_of) if as_of else default_as_of(), weeks)
    rng_org, rng_skills, rng_contacts, rng_surveys, rng_qa, rng_coaching = (
        np.random.default_rng(s) for s in np.random.SeedSequence(seed).spawn(6)
    )
    hires, transfers, leavers = roster_changes(window)
    staff = build_staff(rng_org, window, hires=hires, transfers=transfers, leavers=leavers)
    planting = plant_cases(staff, window)
    skills = draw_skills(rng_skills, staff.size, planting.steady_agents)
    zones = ZoneTable.build([p.time_zone for p in PROGRAMS], window)
    contacts = draw_contacts(rng_contacts, staff, skills, planting.effects, window, zones)
    tables = {
        "roster": roster_table(staff),
        "targets": targets_table(window),
        "interactions": interactions_table(contacts, staff, zones),
        "surveys": surveys_table(rng_surveys, contacts, zones),
        "qa": qa_table(rng_qa, contacts, staff, skills, planting.effects, window, zones),
        "coaching": coaching_table(rng_coaching, staff, planting, window, zones),
        "events": events_table(staff, planting.events, window, zones),
        "contracts": contracts_table(window),
    }
    return DemoTables(
        window, staff, tables, manifest_of(seed, window, staff, planting.cases, tables)
    )


def build_demo_files(
    out_dir: Path,
    *,
    seed: int = 7,
    as_of: dt.date | None = None,
    interactions_format: str = "parquet",
    weeks: int = DEMO_WEEKS,
) -> DemoFiles:
    """Write the demo's canonical import files and `manifest.json` into `out_dir`.

    `as_of` is moved back to a Sunday if needed; by default it is the Sunday ending the last
    complete ISO week before today (UTC). The same seed and as_of give byte-identical files.
    """
    if interactions_format not in ("csv", "parquet"):
        raise ValueError(f"interactions_format must be csv or parquet, not {interactions_format!r}")
    out_dir.mkdir(parents=True, exist_ok=True)
    demo = build_demo_tables(seed=seed, as_of=as_of, weeks=weeks)
    paths = {}
    for kind in IMPORT_ORDER:
        suffix = interactions_format if kind == "interactions" else "csv"
        paths[kind] = write_table(kind, demo.tables[kind], out_dir / f"{kind}.{suffix}")
    manifest = out_dir / "manifest.json"
    manifest.write_text(json.dumps(demo.manifest, indent=2, ensure_ascii=False) + "\n", "utf-8")
    return DemoFiles(**paths, manifest=manifest)


def manifest_of(seed: int, window: Window, staff: Staff, cases: tuple, tables: dict) -> dict:
    return {
        "seed": seed,
        "as_of": window.as_of.isoformat(),
        "first_day": window.first_day.isoformat(),
        "weeks": window.week_labels(),
        "import_order": list(IMPORT_ORDER),
        "row_counts": {kind: tables[kind].num_rows for kind in IMPORT_ORDER},
        "agents": staff.size,
        "programs": [
            {
                "program_id": p.program_id,
                "name": p.name,
                "client_name": p.client_name,
                "time_zone": p.time_zone,
                "service_level_seconds": p.service_level_seconds,
                "channels": [c.channel for c in p.channels],
                "topics": list(p.topic_names),
                "team_ids": [t.team_id for t in staff.teams if t.program == i],
            }
            for i, p in enumerate(PROGRAMS)
        ],
        "cases": [_case_json(c) for c in cases],
    }


def _case_json(case: object) -> dict:
    data = asdict(case)
    return {k: list(v) if isinstance(v, tuple) else v for k, v in data.items()}
