"""The Spark warehouse's own parts: its URL, its lock file, string literals in Spark SQL, and
a table swap a crash interrupted, finished or forgotten by the next writer."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest

from upswing.warehouse.connection import connect, ensure_tables
from upswing.warehouse.lock import lock_target
from upswing.warehouse.spark_url import SparkUrl, SparkUrlError, parse_url

from .conftest import load_rows

# --- the URL (no Spark needed) ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "master"),
    [
        ("pyspark://local[2]?warehouse=/w", "local[2]"),
        ("pyspark://local[*]?warehouse=/w", "local[*]"),
        ("pyspark://spark-master:7077?warehouse=/w", "spark://spark-master:7077"),
        ("pyspark://yarn?warehouse=/w", "yarn"),
        ("pyspark://k8s://https://api:6443?warehouse=/w", "k8s://https://api:6443"),
        ("pyspark://?warehouse=/w", None),
    ],
)
def test_the_url_names_the_master(url, master):
    assert parse_url(url).master == master


def test_the_url_carries_the_folder_and_spark_settings():
    url = "pyspark://local[1]?warehouse=hdfs:///upswing/&spark.sql.shuffle.partitions=8"
    assert parse_url(url) == SparkUrl(
        "local[1]", "hdfs:///upswing", {"spark.sql.shuffle.partitions": "8"}
    )


@pytest.mark.parametrize(
    ("url", "words"),
    [
        ("pyspark://local[2]", "names no warehouse folder"),
        ("pyspark://local[2]?warehouse=", "names no warehouse folder"),
        ("pyspark://local[2]?warehouse=/w&memory=4g", "parameters Spark does not take: memory"),
    ],
)
def test_a_url_it_cannot_use_is_refused_in_words(url, words):
    with pytest.raises(SparkUrlError, match=words):
        parse_url(url)


def test_the_writer_lock_is_a_file_beside_a_local_folder(tmp_path):
    folder = tmp_path / "spark"
    assert lock_target(f"pyspark://local[2]?warehouse={folder}") == f"{folder}.writer.lock"
    remote = lock_target("pyspark://yarn?warehouse=hdfs:///upswing")
    assert remote.endswith(".writer.lock")
    assert remote != lock_target("pyspark://yarn?warehouse=hdfs:///other")


# --- on the test run's Spark ------------------------------------------------------------------


@pytest.fixture
def spark_con(spark_warehouse_url):
    con = connect(spark_warehouse_url)
    ensure_tables(con)
    yield con
    con.disconnect()


@pytest.mark.spark
def test_string_literals_survive_spark_sql(spark_con):
    from upswing.warehouse.spark import SparkSqlSession

    session = SparkSqlSession(spark_con)
    texts = ["O'Hara", "back\\slash", "two\\'s", "new\nline", "\\u0041", "''"]
    got = session.run("SELECT " + ", ".join(session.literal(t) for t in texts))
    assert list(got[0]) == texts


def _day(program: str) -> dict:
    return {"program_id": program, "local_date": dt.date(2026, 3, 2), "batch_id": "b"}


def _programs(con) -> list[str]:
    return sorted(con.table("dirty_days").program_id.to_pyarrow().to_pylist())


@pytest.mark.spark
def test_a_swap_cut_between_its_renames_is_finished_by_the_next_writer(spark_con):
    load_rows(spark_con, "dirty_days", [_day("OLD")])
    live = Path(spark_con.table_path("dirty_days"))
    # The new contents written whole, the live folder moved aside, then the crash.
    columns = "program_id string, local_date date, batch_id string, agent_id string"
    new = spark_con._session.createDataFrame([("NEW", None, "b", None)], columns)
    new.write.parquet(f"{live}.next")
    live.rename(f"{live}.old")

    again = connect(_url_of(spark_con))
    assert ensure_tables(again) == []
    assert _programs(again) == ["NEW"]
    assert not Path(f"{live}.old").exists()
    assert not Path(f"{live}.next").exists()


@pytest.mark.spark
def test_a_swap_cut_while_writing_is_forgotten(spark_con):
    load_rows(spark_con, "dirty_days", [_day("OLD")])
    live = Path(spark_con.table_path("dirty_days"))
    shutil.copytree(live, f"{live}.next")
    (Path(f"{live}.next") / "_SUCCESS").unlink()  # the write never finished

    again = connect(_url_of(spark_con))
    ensure_tables(again)
    assert _programs(again) == ["OLD"]
    assert not Path(f"{live}.next").exists()


def _url_of(con) -> str:
    return f"pyspark://local[1]?warehouse={con.warehouse}"
