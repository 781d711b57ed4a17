"""Local days from the zone-day table agree with the IANA database (Python's zoneinfo) on
every kind of zone: daylight saving in both hemispheres, half-hour and 45-minute offsets,
half-hour DST shifts, a zone that skipped a whole day, and instants outside the table's
years, which are converted one by one."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import duckdb
import pyarrow as pa
import pytest

from upswing.ingest import validate

ZONES = (
    "UTC",
    "Europe/Lisbon",
    "America/New_York",
    "America/Sao_Paulo",  # southern-hemisphere DST until 2019
    "Australia/Lord_Howe",  # DST shifts by 30 minutes
    "Asia/Kathmandu",  # +05:45
    "Asia/Kolkata",  # +05:30, no DST
    "America/St_Johns",  # -03:30 with DST
    "Pacific/Apia",  # skipped 2011-12-30 entirely
    "Asia/Manila",
)
UTC = dt.UTC


def _instants() -> list[dt.datetime]:
    """Every 20 minutes of the days around each zone's offset changes in a few years, plus
    instants before and after the table's years."""
    out = []
    for zone in ZONES:
        tz = ZoneInfo(zone)
        for year in (1989, 1990, 2011, 2019, 2026, 2059, 2060, 2075):
            start = dt.datetime(year, 1, 1, tzinfo=UTC)
            previous = start.astimezone(tz).utcoffset()
            for hours in range(0, 366 * 24, 6):
                instant = start + dt.timedelta(hours=hours)
                offset = instant.astimezone(tz).utcoffset()
                if offset != previous:  # a change in the last 6 hours: look around it closely
                    around = instant - dt.timedelta(hours=30)
                    out += [around + dt.timedelta(minutes=20 * k) for k in range(0, 36 * 3)]
                previous = offset
            out += [start + dt.timedelta(days=d, hours=d % 24) for d in range(0, 365, 17)]
    return sorted(set(out))


@pytest.fixture(scope="module")
def con():
    con = duckdb.connect()
    con.execute("SET TimeZone = 'UTC'")
    zones = sorted(ZONES)
    con.register(
        "programs_arrow",
        pa.table(
            {
                "program_id": [f"P{i}" for i in range(len(zones))],
                "time_zone": zones,
                "zone_no": pa.array(range(len(zones)), pa.int32()),
            }
        ),
    )
    con.execute("CREATE TEMP TABLE ref_programs AS SELECT * FROM programs_arrow")
    return con


def test_local_days_match_the_iana_database(con):
    instants = _instants()
    zones = sorted(ZONES)
    rows = [(zone, number, instant) for number, zone in enumerate(zones) for instant in instants]
    con.register(
        "stage_arrow",
        pa.table(
            {
                "c_tz": [r[0] for r in rows],
                "c_zone": pa.array([r[1] for r in rows], pa.int32()),
                "t_at": pa.array([r[2] for r in rows], pa.timestamp("us", tz="UTC")),
            }
        ),
    )
    con.execute("CREATE OR REPLACE TEMP TABLE stage_typed AS SELECT * FROM stage_arrow")
    expression, join = validate.local_date_sql(con, "s.t_at")
    got = con.execute(
        f"SELECT s.c_tz, s.t_at, {expression} FROM stage_typed s{join} ORDER BY 1, 2"
    ).fetchall()
    expected = sorted((zone, at, at.astimezone(ZoneInfo(zone)).date()) for zone, _, at in rows)
    wrong = [(g, e) for g, e in zip(got, expected, strict=True) if g != e]
    assert len(got) == len(rows) > 50_000
    assert wrong == []


def test_the_zone_day_table_records_each_change_once(con):
    validate.build_zone_days(con)
    lisbon = con.execute(
        "SELECT d.day_no, d.before_us, d.after_us, d.change_us FROM zone_days d "
        "JOIN ref_programs p USING (zone_no) WHERE p.time_zone = 'Europe/Lisbon' "
        "AND d.change_us IS NOT NULL AND d.day_no BETWEEN 20454 AND 20819 "  # 2026
        "ORDER BY d.day_no"
    ).fetchall()
    hour = 3_600_000_000
    march = dt.datetime(2026, 3, 29, 1, tzinfo=UTC)  # 01:00 UTC: 01:00 WET -> 02:00 WEST
    october = dt.datetime(2026, 10, 25, 1, tzinfo=UTC)  # 01:00 UTC: 02:00 WEST -> 01:00 WET
    assert lisbon == [
        ((march.date() - dt.date(1970, 1, 1)).days, 0, hour, int(march.timestamp() * 1e6)),
        ((october.date() - dt.date(1970, 1, 1)).days, hour, 0, int(october.timestamp() * 1e6)),
    ]


def test_a_change_off_the_quarter_hour_is_found_to_the_minute(con):
    # St. John's left daylight time at 00:01 local (02:31 UTC) on 1990-10-28.
    zone = sorted(ZONES).index("America/St_Johns")
    instants = [dt.datetime(1990, 10, 28, 2, 30, tzinfo=UTC), dt.datetime(1990, 10, 28, 2, 31)]
    con.execute(
        "CREATE OR REPLACE TEMP TABLE stage_typed AS SELECT 'America/St_Johns' AS c_tz, "
        f"{zone}::INTEGER AS c_zone, unnest(?::TIMESTAMPTZ[]) AS t_at",
        [[i.replace(tzinfo=UTC) for i in instants]],
    )
    expression, join = validate.local_date_sql(con, "s.t_at")
    got = con.execute(f"SELECT {expression} FROM stage_typed s{join} ORDER BY s.t_at").fetchall()
    assert got == [(dt.date(1990, 10, 28),), (dt.date(1990, 10, 27),)]


def test_offsets_are_computed_once_per_zone_and_kept(tmp_path):
    con = duckdb.connect(str(tmp_path / "warehouse.duckdb"))
    con.execute("CREATE TEMP TABLE ref_programs AS SELECT 'P1' AS program_id, "
                "'Europe/Lisbon' AS time_zone, 0::INTEGER AS zone_no")  # fmt: skip
    validate.build_zone_days(con)
    first, last = validate.ZONE_DAYS_YEARS
    days = (dt.date(last, 1, 1) - dt.date(first, 1, 1)).days
    counts = "SELECT time_zone, count(*) FROM zone_offsets GROUP BY ALL ORDER BY 1"
    assert con.execute(counts).fetchall() == [("Europe/Lisbon", days)]
    con.execute("INSERT INTO ref_programs VALUES ('P2', 'Asia/Kathmandu', 1)")
    validate.build_zone_days(con)
    validate.build_zone_days(con)
    assert con.execute(counts).fetchall() == [("Asia/Kathmandu", days), ("Europe/Lisbon", days)]
    assert con.execute("SELECT count(*) FROM zone_days").fetchone() == (2 * days,)
    con.close()
    # The warehouse keeps them for the next import.
    again = duckdb.connect(str(tmp_path / "warehouse.duckdb"))
    assert again.execute(counts).fetchall() == [("Asia/Kathmandu", days), ("Europe/Lisbon", days)]
