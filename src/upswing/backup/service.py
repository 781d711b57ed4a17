"""Consistent copies of both stores while the app runs, and putting them back.

- Operational database: SQLite through its online backup API (a consistent snapshot of
  committed transactions, while others read and write); PostgreSQL through `pg_dump` (one
  repeatable-read snapshot).
- Warehouse: a DuckDB file is attached read-only and copied into a new file inside one
  transaction (`COPY FROM DATABASE`); while an import holds the write lock the backup waits
  for it. A PostgreSQL warehouse goes through `pg_dump` like the operational database.

A backup is a folder: the files, and `manifest.json` with each file's SHA-256 and the audit
trail's head (`SEQ:HASH`), so a restore checks the files first and the restored trail can be
verified against the anchor (`upswing audit verify --anchor`).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlsplit

import duckdb

MANIFEST = "manifest.json"
FORMAT = 1


class BackupError(Exception):
    """The backup or restore cannot go on; the message says why, without a traceback."""


@dataclass(frozen=True, slots=True)
class Store:
    """One store to copy: `kind` is sqlite, duckdb or postgresql; `where` a path or URL."""

    name: str  # operational | warehouse
    kind: str
    where: str


def stores(database: dict, warehouse_url: str) -> list[Store]:
    engine = database["ENGINE"].rsplit(".", 1)[-1]
    if engine == "sqlite3":
        operational = Store("operational", "sqlite", str(database["NAME"]))
    elif engine == "postgresql":
        operational = Store("operational", "postgresql", _pg_url(database))
    else:
        raise BackupError(f"backing up a {engine} database is not supported")
    if warehouse_url.startswith("duckdb://"):
        warehouse = Store("warehouse", "duckdb", warehouse_url.removeprefix("duckdb://"))
    elif warehouse_url.startswith(("postgres://", "postgresql://")):
        warehouse = Store("warehouse", "postgresql", warehouse_url)
    else:
        raise BackupError(
            "the warehouse is neither DuckDB nor PostgreSQL: back it up with its own tools"
        )
    return [operational, warehouse]


def _pg_url(db: dict) -> str:
    user = db.get("USER") or ""
    auth = f"{user}@" if user else ""
    port = f":{db['PORT']}" if db.get("PORT") else ""
    return f"postgresql://{auth}{db.get('HOST') or 'localhost'}{port}/{db['NAME']}"


def _pg_env(url: str, password: str = "") -> dict:  # nosec B107
    parts = urlsplit(url)
    env = {**os.environ}
    if parts.password or password:
        env["PGPASSWORD"] = unquote(parts.password or password)
    return env


def _pg_args(url: str) -> list[str]:
    parts = urlsplit(url)
    args = ["-h", parts.hostname or "localhost", "-p", str(parts.port or 5432)]
    if parts.username:
        args += ["-U", unquote(parts.username)]
    return [*args, "-d", parts.path.lstrip("/")]


def _run(command: list[str], env: dict) -> None:
    if shutil.which(command[0]) is None:
        raise BackupError(f"{command[0]} is not installed (Debian: postgresql-client)")
    # A list of arguments, no shell: pg_dump/pg_restore with paths and URLs from the settings.
    done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)  # noqa: S603  # nosec B603
    if done.returncode != 0:
        raise BackupError(f"{command[0]} failed: {done.stderr.strip()[:500]}")


# --- backup --------------------------------------------------------------------------------


def back_up(
    out_dir: Path,
    targets: list[Store],
    *,
    audit_head: str = "",
    password: str = "",
    wait: float = 300,
) -> Path:
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
    folder = Path(out_dir) / f"upswing-backup-{stamp}"
    folder.mkdir(parents=True, exist_ok=False)
    os.chmod(folder, 0o700)  # people's records: readable by the owner only
    files = {}
    for store in targets:
        path = _copy_out(store, folder, password, wait)
        if path is not None:
            files[store.name] = {"kind": store.kind, "file": path.name, "sha256": _sha256(path)}
    manifest = {
        "format": FORMAT,
        "created_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "audit_head": audit_head,
        "files": files,
    }
    (folder / MANIFEST).write_text(json.dumps(manifest, indent=2), encoding="utf-8")
    return folder


def _copy_out(store: Store, folder: Path, password: str, wait: float) -> Path | None:
    if store.kind == "sqlite":
        target = folder / f"{store.name}.sqlite3"
        _sqlite_copy(store.where, target)
    elif store.kind == "duckdb":
        if not Path(store.where).is_file():
            return None  # nothing imported yet
        target = folder / f"{store.name}.duckdb"
        _duckdb_copy(store.where, target, wait)
    else:
        target = folder / f"{store.name}.pgdump"
        command = ["pg_dump", "--format=custom", "--no-owner", "--file", str(target)]
        _run(command + _pg_args(store.where), _pg_env(store.where, password))
    return target


def _sqlite_copy(source: str, target: Path) -> None:
    if not Path(source).is_file():
        raise BackupError(f"no database at {Path(source).name}: run `upswing init` first")
    src = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
    dst = sqlite3.connect(target)
    try:
        with dst:
            src.backup(dst)
    finally:
        src.close()
        dst.close()


def _duckdb_copy(source: str, target: Path, wait: float) -> None:
    deadline = time.monotonic() + wait
    while True:
        con = duckdb.connect()
        try:
            con.execute(f"ATTACH {_literal(source)} AS src (READ_ONLY)")
            con.execute(f"ATTACH {_literal(str(target))} AS dst")
            con.execute("COPY FROM DATABASE src TO dst")
            return
        except duckdb.IOException as exc:
            if "lock" not in str(exc).lower() or time.monotonic() > deadline:
                raise BackupError(
                    "the warehouse stayed locked by an import or refresh; try again later"
                ) from exc
            target.unlink(missing_ok=True)
            time.sleep(1)
        finally:
            con.close()


def _literal(text: str) -> str:
    """A SQL string literal (ATTACH takes no parameters)."""
    return "'" + text.replace("'", "''") + "'"


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


# --- restore -------------------------------------------------------------------------------


def read_manifest(folder: Path) -> dict:
    path = Path(folder) / MANIFEST
    if not path.is_file():
        raise BackupError(f"{Path(folder).name} is not an Upswing backup (no {MANIFEST})")
    manifest = json.loads(path.read_text(encoding="utf-8"))
    if manifest.get("format") != FORMAT:
        raise BackupError(f"unknown backup format {manifest.get('format')!r}")
    for name, entry in manifest["files"].items():
        file = Path(folder) / entry["file"]
        if not file.is_file() or _sha256(file) != entry["sha256"]:
            raise BackupError(f"the {name} copy ({entry['file']}) is missing or damaged")
    return manifest


def restore(folder: Path, targets: list[Store], *, password: str = "") -> dict:
    """Put every store back from a checked backup (stop the web app and jobs first)."""
    manifest = read_manifest(folder)
    for store in targets:
        entry = manifest["files"].get(store.name)
        if entry is None:
            continue
        if entry["kind"] != store.kind:
            raise BackupError(
                f"the backup's {store.name} is {entry['kind']}, this install uses {store.kind}"
            )
        _copy_in(store, Path(folder) / entry["file"], password)
    return manifest


def _copy_in(store: Store, file: Path, password: str) -> None:
    if store.kind == "sqlite":
        src = sqlite3.connect(f"file:{file}?mode=ro", uri=True)
        dst = sqlite3.connect(store.where)
        try:
            with dst:
                src.backup(dst)
        finally:
            src.close()
            dst.close()
    elif store.kind == "duckdb":
        live = Path(store.where)
        live.parent.mkdir(parents=True, exist_ok=True)
        temporary = live.with_name(live.name + ".restoring")
        shutil.copyfile(file, temporary)
        Path(f"{live}.wal").unlink(missing_ok=True)
        os.replace(temporary, live)
    else:
        command = ["pg_restore", "--clean", "--if-exists", "--no-owner", "--single-transaction"]
        _run([*command, *_pg_args(store.where), str(file)], _pg_env(store.where, password))
