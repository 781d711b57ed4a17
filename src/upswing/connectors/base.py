"""HTTP for the pull connectors: one `requests` session, rate limits honoured (429 with
Retry-After), server errors retried with back-off, refused credentials a clear error."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field

import requests

logger = logging.getLogger(__name__)

TIMEOUT_SECONDS = 60
USER_AGENT = "Upswing pull connector"


class ConnectorError(Exception):
    """A pull that cannot go on; the message says why for the person who configures it."""


@dataclass
class HttpClient:
    vendor: str  # "Zendesk", for messages
    auth: tuple[str, str]
    credentials_hint: str  # which settings hold the credentials
    max_wait: float = 300.0
    retries: int = 5
    sleep: Callable[[float], None] = time.sleep
    waits: list[float] = field(default_factory=list)  # what it slept, for the pull's summary

    def __post_init__(self) -> None:
        self.session = requests.Session()
        self.session.auth = self.auth
        self.session.headers.update({"Accept": "application/json", "User-Agent": USER_AGENT})

    def get(self, url: str, params: dict | None = None) -> requests.Response:
        for attempt in range(self.retries + 1):
            try:
                response = self.session.get(url, params=params, timeout=TIMEOUT_SECONDS)
            except requests.RequestException as exc:
                if attempt == self.retries:
                    raise ConnectorError(
                        f"{self.vendor} could not be reached ({type(exc).__name__}) after "
                        f"{attempt + 1} tries; the pull resumes from its cursor next time."
                    ) from None
                self._wait(2.0**attempt)
                continue
            if response.status_code in (401, 403):
                raise ConnectorError(
                    f"{self.vendor} refused the credentials (HTTP {response.status_code}): "
                    f"check {self.credentials_hint}. Nothing was imported."
                )
            if response.status_code == 429 or response.status_code >= 500:
                if attempt == self.retries:
                    raise ConnectorError(
                        f"{self.vendor} answered HTTP {response.status_code} {attempt + 1} "
                        "times; the pull resumes from its cursor next time."
                    )
                self._wait(self._retry_after(response, attempt))
                continue
            if response.status_code != 200:
                raise ConnectorError(
                    f"{self.vendor} answered HTTP {response.status_code} to {_path(url)}; "
                    "the pull stopped (what was imported before stays)."
                )
            return response
        raise AssertionError("unreachable")

    def get_json(self, url: str, params: dict | None = None) -> dict:
        response = self.get(url, params)
        try:
            return response.json()
        except ValueError:
            raise ConnectorError(
                f"{self.vendor} answered {_path(url)} with something that is not JSON."
            ) from None

    def _retry_after(self, response: requests.Response, attempt: int) -> float:
        raw = response.headers.get("Retry-After", "").strip()
        seconds = float(raw) if raw.replace(".", "", 1).isdigit() else 2.0**attempt
        if seconds > self.max_wait:
            raise ConnectorError(
                f"{self.vendor} asks to wait {seconds:.0f} s (rate limit), more than the "
                f"{self.max_wait:.0f} s allowed (UPSWING_CONNECTOR_MAX_WAIT); the pull "
                "resumes from its cursor next time."
            )
        return seconds

    def _wait(self, seconds: float) -> None:
        self.waits.append(seconds)
        logger.info("%s: waiting %.1f s before trying again", self.vendor, seconds)
        self.sleep(seconds)


def _path(url: str) -> str:
    """The URL without host or query (no account name or cursor in messages)."""
    from urllib.parse import urlsplit

    return urlsplit(url).path
