"""Behaviour categories are data: the support catalog and the lint know none by name."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from upswing.plans.rules import catalog
from upswing.plans.rules.context import DiagnosisNote, LintContext
from upswing.plans.rules.lint_fairness import _subject_words
from upswing.plans.rules.terms import PlanTerms


def test_any_category_gets_behaviour_support_worded_with_its_name():
    support = catalog.support_for("hold_etiquette", "qa.hold_etiquette")
    assert len(support) == 2
    assert all("hold etiquette" in s.description for s in support)
    assert catalog.behaviour_action("hold_etiquette", "") == (
        "Meet the QA criteria for hold etiquette on every contact"
    )
    assert catalog.support_for("", "aht") == catalog.BY_METRIC["aht"][:2]


def test_the_rules_name_no_demo_category():
    rules = Path(catalog.__file__).parent
    demo_categories = ("empathy", "documentation", "verification", "compliance", "greeting")
    for path in (rules / "catalog.py", rules / "lint_fairness.py"):
        text = path.read_text(encoding="utf-8").lower()
        assert not [c for c in demo_categories if f'"{c}"' in text], path.name


def test_the_lint_reads_behaviours_from_the_diagnosis():
    note = DiagnosisNote("qa", "sustained_gap", "individual", "coach", dt.date(2026, 11, 1),
                         behaviours=("Hold_Etiquette",))  # fmt: skip
    terms = PlanTerms.from_dict({"agent_id": "A1", "problem_statement": "x"})
    words = _subject_words(terms, LintContext(as_of=dt.date(2026, 11, 1), diagnosis=(note,)))
    assert "hold_etiquette" in words
    assert "hold_etiquette" not in _subject_words(terms)
