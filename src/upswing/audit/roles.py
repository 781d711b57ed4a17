"""PostgreSQL: the application connects as a role that does not own the tables.

The owner role runs `upswing init` (migrations); the application role, which the web app,
the worker and the CLI use day to day, may read and write the records but only read and
append to the audit trail. Not being the owner, it cannot drop or disable the triggers, and
without the privileges it cannot UPDATE, DELETE or TRUNCATE audit rows at all
(docs/deploy.md, "Two database roles").
"""

from __future__ import annotations

import re

from upswing.audit.models import AuditEvent

_ROLE = re.compile(r"[a-z_][a-z0-9_$]{0,62}")


def app_role_grants(app_role: str, owner_role: str, schema: str = "public") -> list[str]:
    """The statements the owner runs once (and after each `upswing init`) for the app role."""
    for name in (app_role, owner_role, schema):
        if not _ROLE.fullmatch(name):
            raise ValueError(f"{name!r} is not a plain PostgreSQL name (a-z, 0-9, _)")
    if app_role == owner_role:
        raise ValueError("the application role must not be the owner of the tables")
    audit = AuditEvent._meta.db_table
    return [
        f"GRANT USAGE ON SCHEMA {schema} TO {app_role}",
        f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA {schema} TO {app_role}",
        f"GRANT USAGE, SELECT, UPDATE ON ALL SEQUENCES IN SCHEMA {schema} TO {app_role}",
        f"REVOKE UPDATE, DELETE, TRUNCATE, REFERENCES, TRIGGER ON {audit} FROM {app_role}",
        f"REVOKE ALL ON {audit} FROM PUBLIC",
        f"ALTER DEFAULT PRIVILEGES FOR ROLE {owner_role} IN SCHEMA {schema} "
        f"GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO {app_role}",
        f"ALTER DEFAULT PRIVILEGES FOR ROLE {owner_role} IN SCHEMA {schema} "
        f"GRANT USAGE, SELECT, UPDATE ON SEQUENCES TO {app_role}",
    ]
