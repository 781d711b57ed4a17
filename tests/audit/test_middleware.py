"""The request id: taken from a safe X-Request-ID header, made up otherwise, seen by actions."""

from __future__ import annotations

import re

import pytest
from django.db import transaction
from django.http import HttpResponse

from upswing.audit.actions import record_event
from upswing.audit.middleware import RequestIdMiddleware, current_request_id

UUID_HEX = re.compile(r"[0-9a-f]{32}")


def _run(rf, view=None, **headers):
    seen = {}

    def default_view(request):
        seen["request"], seen["context"] = request.request_id, current_request_id()
        return HttpResponse("ok")

    response = RequestIdMiddleware(view or default_view)(rf.get("/", headers=headers))
    return seen, response


def test_a_safe_header_is_kept_and_echoed(rf):
    seen, response = _run(rf, **{"X-Request-ID": "lb-7f3a.2:9_x"})
    assert seen == {"request": "lb-7f3a.2:9_x", "context": "lb-7f3a.2:9_x"}
    assert response["X-Request-ID"] == "lb-7f3a.2:9_x"
    assert current_request_id() == ""  # reset once the request is over


@pytest.mark.parametrize(
    "unsafe",
    ["a b", "<script>alert(1)</script>", "x" * 65, "id\r\nSet-Cookie: a=b", "-leading", "naïve"],
)
def test_an_unsafe_header_is_replaced_by_a_fresh_id(rf, unsafe):
    seen, response = _run(rf, **{"X-Request-ID": unsafe})
    assert UUID_HEX.fullmatch(seen["request"])
    assert seen["context"] == seen["request"] == response["X-Request-ID"]


def test_without_a_header_every_request_gets_its_own_id(rf):
    first, _ = _run(rf)
    second, _ = _run(rf)
    assert UUID_HEX.fullmatch(first["request"])
    assert first["request"] != second["request"]


def test_actions_pick_up_the_request_id(rf, db):
    def view(request):
        with transaction.atomic():
            event = record_event(actor=None, action="plan.approve")  # no request_id passed
        return HttpResponse(event.request_id)

    _, response = _run(rf, view, **{"X-Request-ID": "req-42"})
    assert response.content == b"req-42"
