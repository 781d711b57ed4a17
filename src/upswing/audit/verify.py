"""Reading the chain out of the database for `upswing.audit.chain.verify_chain`."""

from __future__ import annotations

from django.db import router

from upswing.audit.actions import chain_key
from upswing.audit.chain import CHAINED_FIELDS, Anchor, ChainReport, verify_chain
from upswing.audit.models import AuditEvent


def verify_audit_trail(anchor: Anchor | None = None, using: str | None = None) -> ChainReport:
    """Walk every stored event in chain order (streamed, a few thousand rows at a time)."""
    using = using or router.db_for_read(AuditEvent)
    rows = (
        AuditEvent.objects.using(using)
        .order_by("seq")
        .values(*CHAINED_FIELDS, "hash")
        .iterator(chunk_size=5000)
    )
    return verify_chain(rows, chain_key(), anchor)


def audit_head(using: str | None = None) -> Anchor | None:
    using = using or router.db_for_read(AuditEvent)
    row = AuditEvent.objects.using(using).order_by("-seq").values_list("seq", "hash").first()
    return Anchor(*row) if row else None
