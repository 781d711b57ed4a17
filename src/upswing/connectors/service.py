"""Run a pull: each stream of a connector, page by page, from its stored cursor.

A page is imported whole or not at all (the import's own rule), and the stream's cursor is
saved right after, so a pull stopped anywhere (a crash, a kill, a rate limit that lasts)
resumes after the last page it imported; a page imported twice changes nothing. A rejected
page stops the pull with its problems, its cursor unchanged.
"""

from __future__ import annotations

import json
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from upswing.connectors import freshdesk, zendesk
from upswing.connectors.base import ConnectorError

CONNECTORS = {zendesk.NAME: zendesk, freshdesk.NAME: freshdesk}


@dataclass
class PullOutcome:
    connector: str
    pages: int = 0
    fetched: int = 0
    rows: int = 0  # rows new or changed in the warehouse
    waits: list[float] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {"connector": self.connector, "pages": self.pages, "fetched": self.fetched,
                "rows": self.rows, "rate_limit_waits": len(self.waits)}  # fmt: skip


def is_configured(name: str) -> bool:
    return CONNECTORS[name].is_configured(settings)


def pull(name: str, *, sleep=None) -> PullOutcome:
    """Pull connector `name` from its cursor; raises ConnectorError saying why it stopped."""
    from upswing.jobs.models import ConnectorCursor

    module = CONNECTORS[name]
    if not module.is_configured(settings):
        raise ConnectorError(f"{module.VENDOR} is not configured: set {module.CREDENTIALS}.")
    extra = {"sleep": sleep} if sleep is not None else {}
    http = module.client(
        settings, max_wait=float(settings.UPSWING_CONNECTOR_MAX_WAIT),
        retries=int(settings.UPSWING_CONNECTOR_RETRIES), **extra,
    )  # fmt: skip
    row, _ = ConnectorCursor.objects.get_or_create(connector=name)
    state = json.loads(row.cursor) if row.cursor else {}
    outcome = PullOutcome(name)
    try:
        for stream in module.streams(settings):
            for page in stream.pages(http, state.get(stream.name, {})):
                outcome.pages += 1
                outcome.fetched += page.fetched
                if page.content is not None:
                    outcome.rows += _import_page(module, stream, page)
                state[stream.name] = page.state
                _save(name, state, outcome.rows)
    finally:
        outcome.waits = list(http.waits)
        _audit(name, outcome)
    return outcome


def _import_page(module, stream, page) -> int:
    from upswing.ingest.service import ImportRejected, import_file

    with tempfile.TemporaryDirectory(prefix="upswing-pull-") as folder:
        path = Path(folder) / f"{module.NAME}-{stream.name}{page.suffix}"
        path.write_bytes(page.content)
        try:
            result = import_file(stream.kind, path, source=module.NAME)
        except ImportRejected as exc:
            first = "; ".join(
                f"{exc.line_label} {e.line}, {e.column} {e.value!r}: {e.reason}"
                for e in exc.problems.errors[:3]
            )
            raise ConnectorError(
                f"{module.VENDOR} {page.label} was not imported "
                f"({exc.problems.count} problem(s){': ' + first if first else ''}); the pull "
                "stopped there and resumes from this page once the cause is fixed "
                "(often: import the roster with these agents first)."
            ) from None
    return result.inserted + result.updated


def _save(name: str, state: dict, rows: int) -> None:
    from upswing.jobs.models import ConnectorCursor

    ConnectorCursor.objects.filter(connector=name).update(
        cursor=json.dumps(state, sort_keys=True), updated_at=timezone.now()
    )


def _audit(name: str, outcome: PullOutcome) -> None:
    if not outcome.pages:
        return
    from upswing.audit.actions import record_event
    from upswing.org.models import Role

    with transaction.atomic():
        record_event(
            actor="system", role=Role.ADMIN, action=f"connector.pull.{name}",
            object_type="connector", object_id=name,
            changes={"pages": [None, outcome.pages], "rows": [None, outcome.rows]},
        )  # fmt: skip
