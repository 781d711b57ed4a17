"""Typed readers for environment variables (the one place settings come from)."""

from __future__ import annotations

import os
from pathlib import Path
from urllib.parse import quote

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool = False) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ValueError(f"{name}={raw!r} is not a boolean (use 1/0, true/false, yes/no)")


def env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        return int(raw)
    except ValueError:
        raise ValueError(f"{name}={raw!r} is not an integer") from None


def env_list(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None:
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


def env_secret(name: str, default: str = "") -> str:
    """A secret from NAME, or from the file named by NAME_FILE (Docker/K8s secrets)."""
    path = os.environ.get(f"{name}_FILE")
    if path:
        return Path(path).read_text(encoding="utf-8").strip()
    return os.environ.get(name, default)


def upswing_home() -> Path:
    """The folder holding all state: operational DB and warehouse (UPSWING_HOME, default ./var)."""
    return Path(os.environ.get("UPSWING_HOME", "var")).resolve()


def with_password(url: str, password: str) -> str:
    """`url` with `password` for its user, when it names a user and no password (so the
    password can come from a secret file, not from the URL in the environment)."""
    if not password or "://" not in url:
        return url
    scheme, rest = url.split("://", 1)
    credentials, at, location = rest.rpartition("@")
    if not at or ":" in credentials:
        return url
    return f"{scheme}://{credentials}:{quote(password, safe='')}@{location}"
