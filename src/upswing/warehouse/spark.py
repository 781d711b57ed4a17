"""The warehouse on Apache Spark: `pyspark://MASTER?warehouse=DIR`.

- MASTER: `local[2]` (local mode, in this process), a cluster's `host:7077` (read as
  `spark://host:7077`), `yarn`, `k8s://…`, or nothing (`pyspark://?warehouse=…`): the master
  spark-submit or spark-defaults.conf set.
- `warehouse`: the folder (a local path, or a URI every executor reaches: `hdfs://…`,
  `s3a://…`) that holds one Parquet folder per table, `DIR/interactions` and so on.
- Any other parameter whose name starts with `spark.` is set on the session when this process
  builds it (`spark.sql.shuffle.partitions=8`, `spark.ui.enabled=false`).

One SparkSession per process is shared (built on first use, or the one already running); each
connection is a `newSession()` of it, whose temporary views name the warehouse's Parquet
folders. So the tables live in the files, not in a catalog: a local session's catalog is in
memory and forgets them when the process ends, the folders do not.

Parquet has no UPDATE or DELETE and Spark no transactions: a table is rewritten whole into
`DIR/<table>.next`, then swapped in by two renames (`replace_contents`). `ensure_tables`
finishes a swap a crash interrupted and forgets a half-written one, under the writer lock.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

import ibis
import ibis.expr.schema as sch
from ibis.backends.pyspark import Backend as _PySparkBackend

from upswing.warehouse.schema import TABLES
from upswing.warehouse.spark_url import SparkUrl, parse_url
from upswing.warehouse.store import SqlSession

SESSION_DEFAULTS = {
    "spark.sql.session.timeZone": "UTC",
    "spark.sql.execution.arrow.pyspark.enabled": "true",
    "spark.app.name": "upswing",
    "spark.ui.showConsoleProgress": "false",
}


def shared_session(target: SparkUrl):
    """The process's SparkSession: the running one, else one built for `target`."""
    from pyspark.sql import SparkSession

    builder = SparkSession.builder
    if target.master:
        builder = builder.master(target.master)
    for key, value in {**SESSION_DEFAULTS, **target.conf}.items():
        builder = builder.config(key, value)
    return builder.getOrCreate()


class SparkBackend(_PySparkBackend):
    """Ibis's PySpark backend over a session of its own, whose tables are the warehouse's
    Parquet folders. Disconnecting leaves the process's shared Spark running."""

    warehouse: str

    def disconnect(self) -> None:
        for row in self._session.sql("SHOW VIEWS").collect():
            if row.isTemporary:
                self._session.catalog.dropTempView(row.viewName)

    def table_path(self, name: str) -> str:
        return f"{self.warehouse}/{name}"

    def register(self, name: str, schema: sch.Schema) -> None:
        """The temporary view `name` over the table's Parquet folder."""
        columns = ", ".join(f"`{column}` {_spark_type(dtype)}" for column, dtype in schema.items())
        self._session.sql(
            f"CREATE OR REPLACE TEMPORARY VIEW `{name}` ({columns}) "
            f"USING parquet OPTIONS (path '{_spark_string(self.table_path(name))}')"
        )

    def create_table(
        self,
        name,
        /,
        obj=None,
        *,
        schema=None,
        database=None,
        temp=None,
        overwrite=False,
        format="parquet",
        partition_by=None,
    ):
        """A temporary table (`temp=True`): a view of the rows, for this connection. Else a
        warehouse table: its Parquet folder written (replaced when `overwrite`)."""
        schema = sch.schema(schema) if schema is not None else None
        frame = self._frame(obj, schema)
        if temp:
            frame.createOrReplaceTempView(name)
            return self.table(name)
        if not overwrite and _Files(self._session).exists(self.table_path(name)):
            raise ValueError(f"table {name} exists")
        replace_contents(self, name, frame, sch.Schema(_ibis_struct(frame.schema)))
        return self.table(name)

    def truncate_table(self, name: str, /, *, database=None) -> None:
        schema = self.get_schema(name)
        replace_contents(self, name, self._frame(None, schema), schema)

    def _frame(self, obj, schema: sch.Schema | None):
        """A Spark DataFrame of `obj` (an Ibis table, Arrow, pandas) or empty with `schema`."""
        import ibis
        import ibis.expr.types as ir
        from ibis.backends.pyspark.datatypes import PySparkSchema

        if obj is None:
            return self._session.createDataFrame([], PySparkSchema.from_ibis(schema))
        table = obj if isinstance(obj, ir.Expr) else ibis.memtable(obj)
        self._run_pre_execute_hooks(table)
        return self._session.sql(self.compile(table))


def connect(url: str) -> SparkBackend:
    """A connection whose views name the warehouse tables that exist (none are created here:
    `ensure_tables` does that, under the writer lock)."""
    target = parse_url(url)
    _ = ibis.pyspark  # loading the backend by name sets up its options (ibis.options.pyspark)
    session = shared_session(target).newSession()
    backend = SparkBackend().connect(session)
    backend.warehouse = target.warehouse
    files = _Files(session)
    for name, schema in TABLES.items():
        if files.exists(backend.table_path(name)):
            backend.register(name, schema)
    return backend


def ensure_tables(con: SparkBackend) -> list[str]:
    """Finish or forget a swap a crash interrupted, then make the missing tables' folders
    (empty) and their views. Returns the names created."""
    files = _Files(con._session)
    created = []
    for name, schema in TABLES.items():
        live = con.table_path(name)
        _recover_swap(files, live)
        if not files.exists(live):
            files.mkdirs(live)
            created.append(name)
        con.register(name, schema)
    return created


def replace_contents(con: SparkBackend, name: str, frame, schema: sch.Schema) -> None:
    """Write `frame` as the whole of table `name`: into `name.next`, then swapped in by two
    renames (the second is the commit). `frame` may read the table itself."""
    files = _Files(con._session)
    live = con.table_path(name)
    frame.write.mode("overwrite").parquet(live + ".next")
    if files.exists(live):
        files.rename(live, live + ".old")
    files.rename(live + ".next", live)
    files.delete(live + ".old")
    con.register(name, schema)


def _recover_swap(files: _Files, live: str) -> None:
    if not files.exists(live) and files.exists(live + ".next/_SUCCESS"):
        files.rename(live + ".next", live)  # crashed between the two renames
    files.delete(live + ".next")  # a write that never finished
    if files.exists(live):
        files.delete(live + ".old")


class _Files:
    """The warehouse's folders through Hadoop's FileSystem (local, HDFS, S3…), which every
    Spark has: the same calls whatever the warehouse URI."""

    def __init__(self, session):
        self._jvm = session._jvm
        self._conf = session._jsc.hadoopConfiguration()

    def _fs_path(self, path: str):
        jpath = self._jvm.org.apache.hadoop.fs.Path(path)
        return jpath.getFileSystem(self._conf), jpath

    def exists(self, path: str) -> bool:
        fs, jpath = self._fs_path(path)
        return bool(fs.exists(jpath))

    def mkdirs(self, path: str) -> None:
        fs, jpath = self._fs_path(path)
        fs.mkdirs(jpath)

    def delete(self, path: str) -> None:
        fs, jpath = self._fs_path(path)
        fs.delete(jpath, True)

    def rename(self, source: str, target: str) -> None:
        fs, jsource = self._fs_path(source)
        if not fs.rename(jsource, self._fs_path(target)[1]):
            name = target.rsplit("/", 1)[-1]
            raise OSError(f"could not rename a warehouse folder to {name}")


def _spark_type(dtype) -> str:
    from ibis.backends.pyspark.datatypes import PySparkType

    return PySparkType.from_ibis(dtype).simpleString()


def _ibis_struct(struct):
    from ibis.backends.pyspark.datatypes import PySparkType

    return PySparkType.to_ibis(struct)


def _spark_string(text: str) -> str:
    """Spark SQL's string literals escape with a backslash (a doubled quote is two strings)."""
    return text.replace("\\", "\\\\").replace("'", "\\'")


def spark_literal(text: str) -> str:
    return "'" + _spark_string(text) + "'"


class SparkSqlSession(SqlSession):
    """The upsert's SQL on Spark. No transactions: each statement stands alone, and the writer
    lock keeps other writers out. Rows replaced are the table rewritten with the new rows
    instead (one swap); a temporary table is a checkpointed view (its rows no longer depend
    on the tables read)."""

    def __init__(self, con: SparkBackend):
        self._con = con
        super().__init__(lambda sql: [tuple(r) for r in con._session.sql(sql).collect()])

    def literal(self, text: str) -> str:
        return spark_literal(text)

    @contextlib.contextmanager
    def transaction(self) -> Iterator[None]:
        yield

    def materialize(self, name: str, select_sql: str) -> None:
        frame = self._con._session.sql(select_sql).localCheckpoint(eager=True)
        frame.createOrReplaceTempView(name)

    def drop_materialized(self, name: str) -> None:
        self._con._session.catalog.dropTempView(name)

    def replace_matching(
        self, table: str, rows_sql: str, keys: tuple[str, ...], columns: list[str], new_sql: str
    ) -> None:
        """One rewrite: the rows kept and the new ones, swapped in together."""
        match = " AND ".join(f"x.{k} = g.{k}" for k in keys)
        kept = f"SELECT {', '.join(f'x.{c}' for c in columns)} FROM {table} x"
        self._keep(table, f"{kept} LEFT ANTI JOIN {rows_sql} g ON {match} UNION ALL {new_sql}")

    def delete_where(self, table: str, condition: str) -> None:
        self._keep(table, f"SELECT * FROM {table} WHERE NOT coalesce({condition}, false)")

    def _keep(self, table: str, select_sql: str) -> None:
        replace_contents(self._con, table, self._con._session.sql(select_sql), TABLES[table])
