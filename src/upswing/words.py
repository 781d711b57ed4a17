"""Words, not codes: the label people read for a stored code (an enum value, a metric, a
kind, an audit action). Pure data and functions, no Django: pages (the `words` template
filters), documents and the CLI share one vocabulary.

A code not listed is still made readable: underscores become spaces, known abbreviations are
capitalised ("qa" → "QA"), and a compound "qa · documentation" is labelled part by part.
"""

from __future__ import annotations

from upswing.metrics import CATALOG

WORDS: dict[str, str] = {
    # coaching session kinds and readings
    "one_to_one": "One-to-one",
    "side_by_side": "Side-by-side",
    "too_early": "Too early",
    "insufficient": "Too few to judge",
    "too_few": "Too few to judge",
    "closed_gap": "Closed the gap",
    "not_clear": "Not clear yet",
    # plans
    "role_change": "Role change",
    "hr_review": "In HR review",
    "pip": "Performance improvement plan",
    # statuses
    "below_sla": "Below SLA floor",
    "below_target": "Below target",
    "on_target": "On target",
    "no_target": "No target",
    "not_measured": "Not measured",
    # roles
    "team_lead": "Team lead",
    "qa_analyst": "QA analyst",
    "ops_manager": "Operations manager",
    "operations_manager": "Operations manager",
    "hr": "HR partner",
    "admin": "Administrator",
    "client_viewer": "Client viewer",
    "cli": "Command line",
}
ABBREVIATIONS = {
    "qa": "QA", "sla": "SLA", "kpi": "KPI", "hr": "HR", "api": "API", "sop": "SOP",
    "csat": "CSAT", "nps": "NPS", "aht": "AHT", "fcr": "FCR", "ces": "CES", "id": "ID",
    "csv": "CSV", "xlsx": "XLSX", "sso": "SSO", "oidc": "OIDC", "pip": "PIP",
}  # fmt: skip
COMPOUND = " · "


def words(code: object) -> str:
    """The label of a code: listed words, a metric's label, else the code made readable."""
    if code is None:
        return ""
    text = str(code).strip()
    if not text:
        return ""
    if COMPOUND in text:
        return COMPOUND.join(words(part) for part in text.split(COMPOUND))
    key = text.lower()
    if key in WORDS:
        return WORDS[key]
    if key in CATALOG:
        return CATALOG[key].label
    return _readable(text)


def _readable(text: str) -> str:
    """snake_case or dotted codes as a sentence start: "evidence_request" → "Evidence request"."""
    if any(ch.isupper() for ch in text) and "_" not in text:
        return text  # already written for people ("Claims North")
    parts = text.replace("_", " ").replace("-", " ").split()
    shown = [ABBREVIATIONS.get(p.lower(), p.lower()) for p in parts]
    if shown and shown[0] == parts[0].lower():
        shown[0] = shown[0][:1].upper() + shown[0][1:]
    return " ".join(shown)


def action_words(action: str) -> str:
    """An audit action as subject and verb: "plan.approve" → "Plan: approve",
    "plan.checkpoint.record" → "Plan checkpoint: record"."""
    if "." not in action:
        return words(action)
    subject, _, verb = action.rpartition(".")
    return f"{words(subject.replace('.', '_'))}: {_readable(verb).lower()}"


NO_ACCOUNT = "(no account)"


def name_from_email(address: str) -> str:
    """The part of an address before @ made readable: "jane.o-neil_2@x.com" → "Jane O Neil 2".

    Only a fallback for a person known by nothing but an address; a name always wins."""
    local = str(address or "").strip().partition("@")[0]
    parts = [p for p in local.replace(".", " ").replace("_", " ").replace("-", " ").split() if p]
    parts = [p.split("+")[0] for p in parts]
    return " ".join(p[:1].upper() + p[1:] for p in parts if p)


def person_name(full_name: str = "", username: str = "", email: str = "") -> str:
    """A person by name: the full name, else the user name (an address humanised), else
    the address humanised and marked "(no account)" when no user holds it; "—" when nothing."""
    full = str(full_name or "").strip()
    if full:
        return full
    name = str(username or "").strip()
    if name:
        return name_from_email(name) if "@" in name else name
    address = str(email or "").strip()
    if "@" in address:
        return f"{name_from_email(address) or 'Unnamed'} {NO_ACCOUNT}"
    return address or "—"


def named(text: object, names: dict[str, str] | None = None) -> str:
    """A person recorded as text (an evaluator, a coach): an address is replaced by the name
    `names` (lower-cased address → name) gives it, else humanised with "(no account)"; any
    other text is already a name or an id and is kept."""
    value = str(text or "").strip()
    if not value:
        return "—"
    if "@" not in value:
        return value
    known = (names or {}).get(value.lower())
    if known is not None:
        return known or name_from_email(value) or "Unnamed"
    return person_name(email=value)
