"""`pyspark://MASTER?warehouse=DIR`: the Spark warehouse's URL, read without Spark (the
connection itself is upswing.warehouse.spark, imported only for such a URL)."""

from __future__ import annotations

from dataclasses import dataclass, field
from urllib.parse import parse_qsl

SCHEME = "pyspark://"
_MASTER_SCHEMES = ("local", "yarn", "spark://", "k8s://", "mesos://")


class SparkUrlError(ValueError):
    """A `pyspark://` warehouse URL that cannot be used, in words for the person who wrote it."""


@dataclass(frozen=True, slots=True)
class SparkUrl:
    master: str | None
    warehouse: str
    conf: dict[str, str] = field(default_factory=dict)


def is_spark_url(url: str) -> bool:
    return url.startswith(SCHEME)


def parse_url(url: str) -> SparkUrl:
    """`pyspark://local[2]?warehouse=/var/lib/upswing/spark&spark.ui.enabled=false`."""
    rest = url.removeprefix(SCHEME)
    master, _, query = rest.partition("?")
    params = dict(parse_qsl(query, keep_blank_values=True))
    warehouse = params.pop("warehouse", "").strip().rstrip("/")
    if not warehouse:
        raise SparkUrlError(
            "UPSWING_WAREHOUSE_URL names no warehouse folder: add ?warehouse=/path "
            "(e.g. pyspark://local[2]?warehouse=/var/lib/upswing/spark)"
        )
    unknown = sorted(k for k in params if not k.startswith("spark."))
    if unknown:
        raise SparkUrlError(
            f"UPSWING_WAREHOUSE_URL has parameters Spark does not take: {', '.join(unknown)} "
            "(only warehouse= and spark.* settings)"
        )
    if master and not master.startswith(_MASTER_SCHEMES):
        master = "spark://" + master
    return SparkUrl(master or None, warehouse, params)
