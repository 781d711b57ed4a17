"""The packet prints people's names as they are, wherever they appear (the footer too)."""

from __future__ import annotations

import shutil
import subprocess

import pytest
from tests.plans.test_workflow import draft

from upswing.plans import documents
from upswing.plans.rules import PlanTerms
from upswing.plans.templatetags.css_text import css_string

pytestmark = pytest.mark.django_db

NAME = "Mary-Jane O'Brien"


def test_css_string_escapes_with_css_escapes_not_javascript_ones():
    assert css_string(NAME) == "Mary\\00002dJane O\\000027Brien"
    assert css_string('x"</style><script>') == (
        "x\\000022\\00003c/style\\00003e\\00003cscript\\00003e"
    )
    assert css_string("Zoë · 2") == "Zoë · 2"


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="needs poppler-utils")
def test_the_pdf_footer_prints_mary_jane_obrien(world, tmp_path):
    # Found: the footer printed "Maryu002DJane Ou0027Brien" (escapejs inside CSS).
    plan = draft(world)
    data = plan.versions.get().terms
    data["meta"] = {**(data.get("meta") or {}), "agent_name": NAME}
    pdf = tmp_path / "packet.pdf"
    pdf.write_bytes(documents.render_pdf(PlanTerms.from_dict(data)))
    text = subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    footer_lines = [line for line in text.splitlines() if "· Draft · version" in line]
    assert footer_lines
    assert all(NAME in line for line in footer_lines), footer_lines
    assert "u002D" not in text
    assert "u0027" not in text
