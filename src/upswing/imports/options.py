"""What an upload may be: the kinds, the readers (canonical columns, a source adapter, or one
of the mappings shipped in docs/examples — never a mapping uploaded by the user), the file
types, the size limit and where uploads wait for their import."""

from __future__ import annotations

import json
from pathlib import Path

from django.conf import settings

import upswing
from upswing.ingest.adapters import ADAPTERS
from upswing.ingest.kinds import KINDS

CANONICAL = "canonical"
MAPPING_PREFIX = "map:"
# The repository's docs/examples (present in a source checkout or editable install).
EXAMPLES_DIR = Path(upswing.__file__).resolve().parents[2] / "docs" / "examples"
SUFFIXES = frozenset(
    {".csv", ".tsv", ".txt", ".jsonl", ".ndjson", ".json", ".parquet", ".pq", ".xlsx", ".xlsm"}
)
XLSX_SUFFIXES = frozenset({".xlsx", ".xlsm"})


def kind_choices() -> list[tuple[str, str]]:
    return [(name, name) for name in KINDS]


def mapping_examples() -> dict[str, Path]:
    folder = Path(getattr(settings, "UPSWING_MAPPING_EXAMPLES_DIR", EXAMPLES_DIR))
    if not folder.is_dir():
        return {}
    return {p.name: p for p in sorted(folder.glob("*.toml")) if p.is_file()}


def reader_choices() -> list[tuple[str, list[tuple[str, str]]] | tuple[str, str]]:
    adapters = [
        (name, f"{name} export ({', '.join(sorted(adapter.kinds))})")
        for name, adapter in sorted(ADAPTERS.items())
    ]
    mappings = [(f"{MAPPING_PREFIX}{name}", name) for name in mapping_examples()]
    choices: list = [(CANONICAL, "Upswing columns (see DESIGN: canonical import files)")]
    choices.append(("Source adapters", adapters))
    if mappings:
        choices.append(("Shipped column mappings", mappings))
    return choices


def max_upload_bytes() -> int:
    return int(settings.UPSWING_MAX_UPLOAD_MB) * 1024 * 1024


def uploads_dir() -> Path:
    folder = Path(settings.UPSWING_HOME) / "uploads"
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    return folder


def options_path(upload: Path) -> Path:
    """Where an upload's import options wait beside it (deleted with it)."""
    return upload.with_name(upload.name + ".options.json")


def save_options(upload: Path, values: dict) -> None:
    path = options_path(upload)
    path.write_text(json.dumps(values), encoding="utf-8")
    path.chmod(0o600)


def load_options(upload: Path) -> dict:
    try:
        return json.loads(options_path(upload).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
