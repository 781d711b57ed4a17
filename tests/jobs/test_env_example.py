"""Every setting the app reads from the environment is listed in .env.example."""

from __future__ import annotations

import re
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
READS = re.compile(
    r"""(?:env_(?:str|int|bool|list|secret)|os\.environ\.get)\(\s*["']([A-Z][A-Z0-9_]+)["']"""
)
# Read by the process, not settings a deployment chooses.
NOT_SETTINGS = {"DJANGO_SETTINGS_MODULE", "UPSWING_TEST_POSTGRES_URL", "CHROMIUM_PATH"}


def _names_read() -> set[str]:
    names = set()
    for path in (REPO / "src" / "upswing").rglob("*.py"):
        names |= set(READS.findall(path.read_text(encoding="utf-8")))
    return names - NOT_SETTINGS


def test_every_setting_read_is_listed_in_env_example():
    listed = set(re.findall(r"^#?\s*([A-Z][A-Z0-9_]+)=", (REPO / ".env.example").read_text(), re.M))
    missing = sorted(_names_read() - listed)
    assert not missing, f"add these to .env.example with a comment: {missing}"


def test_the_scan_finds_the_settings_it_should():
    names = _names_read()
    assert {"UPSWING_HOME", "UPSWING_JOB_TIME_LIMIT", "ZENDESK_API_TOKEN"} <= names
