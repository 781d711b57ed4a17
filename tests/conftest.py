"""Fixtures shared by the whole suite."""

from __future__ import annotations

import os
import secrets
import shutil
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[1]
SHARED_DATA = REPO_ROOT.parent / "shared" / "data"


@pytest.fixture(scope="session")
def shared_data() -> Path:
    """The shared real-data folder beside the repo; tests skip when it is absent."""
    if not SHARED_DATA.is_dir():
        pytest.skip(f"shared data not found at {SHARED_DATA}")
    return SHARED_DATA


@pytest.fixture
def warehouse_url(tmp_path, settings) -> str:
    """A fresh DuckDB warehouse per test, used by every service that opens the warehouse."""
    url = f"duckdb://{tmp_path / 'warehouse.duckdb'}"
    settings.UPSWING_WAREHOUSE_URL = url
    return url


@pytest.fixture(scope="session")
def postgres_url() -> str:
    url = os.environ.get("UPSWING_TEST_POSTGRES_URL")
    if not url:
        pytest.skip(
            "UPSWING_TEST_POSTGRES_URL is not set (e.g. postgres://postgres@127.0.0.1/test)"
        )
    return url


@pytest.fixture(params=["duckdb", pytest.param("postgres", marks=pytest.mark.postgres)])
def duckdb_or_postgres_warehouse(request, settings, tmp_path):
    """The test's warehouse URL, set in the settings: a new DuckDB file, or a throwaway
    PostgreSQL database dropped after the test (each test runs once on each)."""
    if request.param == "duckdb":
        settings.UPSWING_WAREHOUSE_URL = f"duckdb://{tmp_path / 'warehouse.duckdb'}"
        yield settings.UPSWING_WAREHOUSE_URL
        return
    base = request.getfixturevalue("postgres_url")
    psycopg = pytest.importorskip("psycopg")
    name = f"upswing_wh_{secrets.token_hex(4)}"
    admin_url = "postgresql://" + base.split("://", 1)[1]
    with psycopg.connect(admin_url, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    settings.UPSWING_WAREHOUSE_URL = base.rsplit("/", 1)[0] + "/" + name
    yield settings.UPSWING_WAREHOUSE_URL
    with psycopg.connect(admin_url, autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(scope="session")
def spark_session():
    """The one local SparkSession of the test run (Spark warehouses share it, each in a
    folder of its own); skips where Java or PySpark is absent."""
    if shutil.which("java") is None and not os.environ.get("JAVA_HOME"):
        pytest.skip("no Java runtime for Spark (.ci/run installs Debian's default-jre-headless)")
    pytest.importorskip("pyspark", reason="pyspark is not installed (pip install -e .)")
    from upswing.warehouse.spark import shared_session
    from upswing.warehouse.spark_url import parse_url

    session = shared_session(parse_url(SPARK_TEST_URL.format(folder="/unused")))
    session.sparkContext.setLogLevel("ERROR")
    yield session
    session.stop()


# One core, one shuffle partition, no UI, no code generation (compiling it costs more than
# it saves on a few rows): small data in the least time.
SPARK_TEST_URL = (
    "pyspark://local[1]?warehouse={folder}&spark.sql.shuffle.partitions=1"
    "&spark.ui.enabled=false&spark.sql.codegen.wholeStage=false"
    "&spark.sql.codegen.factoryMode=NO_CODEGEN"
)


def pytest_collection_modifyitems(items) -> None:
    """Spark tests: PySpark 4.0 leaves the socket it reads an Arrow result from to the garbage
    collector (pyspark.sql.pandas.conversion), not a leak of ours, so not an error; and they
    carry one xdist group, so that `--dist loadgroup` runs them on one worker (one Spark).
    `make test` does not pass it: the suite took 39 min with it, 24 min without (one run
    each, 2026-12-03), and why is not known yet.

    Modules holding a slow test run first: on every core, a four-minute test picked up last
    would leave the other workers idle while it ends."""
    quiet = pytest.mark.filterwarnings(
        "ignore:Exception ignored in. <socket.socket:pytest.PytestUnraisableExceptionWarning"
    )
    one_spark = pytest.mark.xdist_group("spark")
    for item in items:
        if item.get_closest_marker("spark"):
            item.add_marker(quiet)
            item.add_marker(one_spark)
    slow_modules = {item.path for item in items if item.get_closest_marker("slow")}
    items.sort(key=lambda item: item.path not in slow_modules)  # stable: order kept within


@pytest.fixture
def spark_warehouse_url(spark_session, tmp_path) -> str:
    """A fresh, empty Spark warehouse folder in the test run's shared session."""
    return SPARK_TEST_URL.format(folder=tmp_path / "spark-warehouse")


@pytest.fixture(scope="session", autouse=True)
def _audit_table_recreated_by_flush():
    """Transactional tests are cleaned up without any way around the audit triggers."""
    from tests.audit_reset import patch_flush

    restore = patch_flush()
    yield
    restore()
