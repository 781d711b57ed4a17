"""A request id on every request, so the audit events of one request can be found together.

The id comes from the `X-Request-ID` header (set by a reverse proxy) when it is a safe token,
otherwise a fresh uuid4. It is put on `request.request_id`, echoed in the response header, and
held in a context variable so that `record_event` picks it up without every action passing it.
Command-line runs bind their own id with `bind_request_id`.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

HEADER = "X-Request-ID"
# Letters, digits and . _ : - ; at most 64 characters (the column's width). Anything else
# (spaces, quotes, newlines, markup) could forge log lines or carry script into a page.
_SAFE = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:-]{0,63}")

_request_id: ContextVar[str] = ContextVar("upswing_request_id", default="")
# Who is acting in code far from the caller (an import's per-record events): a user, a label
# such as "cli", or None for the system.
_actor: ContextVar[object] = ContextVar("upswing_actor", default=None)


def current_request_id() -> str:
    """The id of the request (or command run) being handled; "" outside of one."""
    return _request_id.get()


def is_safe_request_id(value: str) -> bool:
    return bool(_SAFE.fullmatch(value))


def new_request_id() -> str:
    return uuid.uuid4().hex


@contextmanager
def bind_request_id(value: str | None = None) -> Iterator[str]:
    """Run a block (a CLI command, a background job) under one request id."""
    value = value if value and is_safe_request_id(value) else new_request_id()
    token = _request_id.set(value)
    try:
        yield value
    finally:
        _request_id.reset(token)


def current_actor() -> object:
    """The actor bound by the entry point (`bind_actor`); None (the system) outside of one."""
    return _actor.get()


@contextmanager
def bind_actor(actor: object) -> Iterator[object]:
    """Run a block (an import, a job) on behalf of `actor` (a user or a label like "cli")."""
    token = _actor.set(actor)
    try:
        yield actor
    finally:
        _actor.reset(token)


class RequestIdMiddleware:
    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request):
        with bind_request_id(request.headers.get(HEADER, "")) as request_id:
            request.request_id = request_id
            response = self.get_response(request)
        response[HEADER] = request_id
        return response
