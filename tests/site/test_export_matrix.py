"""Every table export, per persona: the page's status, a file that opens, nothing out of scope.

The export of a page answers as the page does (302 to sign in, 403, 404); when it answers
200 it is an attachment whose name carries the filters, it names no program, team or agent
that the page itself does not show the persona, and an audit event records it.
"""

from __future__ import annotations

import csv
import io

import pytest
from openpyxl import load_workbook
from routes_tables import EXPORT_EXPECTATIONS, EXPORTS
from test_site_permissions import NAMES, ROUTES

from factories import PERSONAS
from upswing.audit.models import AuditEvent

CASES = [
    pytest.param(persona, route, path, code, id=f"{persona}-{path}")
    for persona in PERSONAS
    for route, path, code in EXPORTS
]


def file_cells(response) -> list[list[str]]:
    body = b"".join(response.streaming_content) if response.streaming else response.content
    if "csv" in response["Content-Type"]:
        return list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
    book = load_workbook(io.BytesIO(body), read_only=True)
    lines = book.active.iter_rows(values_only=True)
    return [["" if v is None else str(v) for v in row] for row in lines]


@pytest.mark.parametrize(("persona", "route", "path", "code"), CASES)
def test_an_export_answers_like_its_page_and_stays_in_scope(login_as, persona, route, path, code):
    client = login_as(persona)
    expected = EXPORT_EXPECTATIONS.get(route, ROUTES.get(route, (None, None))[1])(persona, code)
    before = AuditEvent.objects.filter(action="table.export").count()
    response = client.get(path)
    assert response.status_code == expected, f"{persona} GET {path}"
    if expected != 200:
        return
    assert response["Content-Disposition"].startswith("attachment; filename=")
    rows = file_cells(response)
    assert rows, "an export always has its header row"
    text = "\n".join(",".join(r) for r in rows)
    page = client.get(path.replace("export=", "shown=")).content.decode()
    leaked = [name for name in NAMES.values() if name in text and name not in page]
    assert not leaked, f"{persona} exports {leaked} that {path} does not show"
    assert AuditEvent.objects.filter(action="table.export").count() == before + 1
