"""The adapter registry and the table contract every adapter honours."""

from __future__ import annotations

import json
from pathlib import Path

import pyarrow as pa
import pytest

from upswing.ingest.adapters import (
    ADAPTERS,
    LINE_COLUMN,
    AdapterError,
    get_adapter,
    skipped_count,
    skipped_reasons,
)
from upswing.ingest.kinds import get_kind


def test_the_registry_knows_the_three_sources():
    assert set(ADAPTERS) == {"zendesk", "genesys", "freshdesk"}
    assert get_adapter("zendesk").kinds == frozenset({"interactions", "surveys"})
    assert get_adapter("genesys").kinds == frozenset({"interactions"})
    assert get_adapter("freshdesk").kinds == frozenset({"interactions", "surveys"})
    assert all(name == adapter.name for name, adapter in ADAPTERS.items())


def test_an_unknown_adapter_is_a_key_error_listing_the_known_ones():
    with pytest.raises(KeyError, match="unknown adapter 'salesforce'; adapters: zendesk"):
        get_adapter("salesforce")


def test_asking_for_a_kind_an_adapter_cannot_produce_is_an_adapter_error(tmp_path: Path):
    path = tmp_path / "c.json"
    path.write_text("{}")
    with pytest.raises(AdapterError, match="genesys adapter cannot produce 'surveys'"):
        get_adapter("genesys").read(path, "surveys")


def test_adapter_error_is_a_value_error():
    assert issubclass(AdapterError, ValueError)


@pytest.mark.parametrize(
    ("adapter", "kind", "name", "text"),
    [
        (
            "zendesk",
            "interactions",
            "t.json",
            json.dumps({"tickets": [{"id": 1, "assignee_id": 7}]}),
        ),
        ("zendesk", "surveys", "s.json", json.dumps({"satisfaction_ratings": []})),
        ("genesys", "interactions", "g.json", json.dumps({"totalHits": 0})),
        (
            "freshdesk",
            "interactions",
            "f.csv",
            "Ticket ID,Agent,Created time\n1,Ann,2026-10-01 09:00:00\n",
        ),
        ("freshdesk", "surveys", "f.csv", "Ticket ID,Survey results\n1,Happy\n"),
    ],
)
def test_every_table_has_canonical_string_columns_and_a_line_number(
    tmp_path: Path, adapter: str, kind: str, name: str, text: str
):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    table = get_adapter(adapter).read(path, kind)
    names = table.column_names
    assert names[-1] == LINE_COLUMN
    assert table.schema.field(LINE_COLUMN).type == pa.int64()
    canonical = names[:-1]
    assert set(canonical) <= set(get_kind(kind).names)
    assert set(get_kind(kind).required) <= set(canonical)
    assert all(table.schema.field(n).type == pa.string() for n in canonical)
    assert skipped_count(table) == 0


def test_skipped_helpers_read_zero_from_a_table_without_metadata():
    table = pa.table({"a": ["x"]})
    assert skipped_count(table) == 0
    assert skipped_reasons(table) == {}
