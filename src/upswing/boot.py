"""Django set up for a command: the settings module and a SECRET_KEY made on first use.

Under every feature's command group (`*/cli.py`), the worker's child processes and the
`upswing` command tree itself, so none of them imports the command tree to start Django.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path


def home() -> Path:
    from upswing.env import upswing_home

    return upswing_home()


def ensure_secret_key() -> None:
    """A random SECRET_KEY kept under UPSWING_HOME, made on first use (never a default one)."""
    if os.environ.get("SECRET_KEY") or os.environ.get("SECRET_KEY_FILE"):
        return
    path = home() / "secret_key"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_urlsafe(64), encoding="utf-8")
        path.chmod(0o600)
    os.environ["SECRET_KEY_FILE"] = str(path)


def setup_django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "upswing.site.settings")
    ensure_secret_key()
    import django

    django.setup()
