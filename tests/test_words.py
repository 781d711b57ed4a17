"""Words, not codes: every label people read is made from the code by one vocabulary."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from hypothesis import given
from hypothesis import strategies as st

from upswing.site.templatetags import words as tags
from upswing.words import action_words, words


@pytest.mark.parametrize(
    ("code", "label"),
    [
        ("one_to_one", "One-to-one"),
        ("too_early", "Too early"),
        ("role_change", "Role change"),
        ("qa · documentation", "QA score · Documentation"),
        ("fcr", "First-contact resolution"),
        ("hr_review", "In HR review"),
        ("evidence_request", "Evidence request"),
        ("sop_signal", "SOP signal"),
        ("Claims North", "Claims North"),
        ("", ""),
        (None, ""),
    ],
)
def test_codes_read_as_words(code, label):
    assert words(code) == label


def test_audit_actions_read_as_subject_and_verb():
    assert action_words("plan.approve") == "Plan: approve"
    assert action_words("coaching_session.record") == "Coaching session: record"
    assert action_words("plan.checkpoint.record") == "Plan checkpoint: record"
    assert action_words("quality.sop_signal.raise") == "Quality SOP signal: raise"
    assert action_words("import_roster") == "Import roster"


@given(st.from_regex(r"[a-z]{1,8}(_[a-z]{1,8}){0,3}", fullmatch=True))
def test_no_label_keeps_an_underscore_or_starts_in_lower_case(code):
    label = words(code)
    assert "_" not in label
    assert label[0] == label[0].upper()


def test_diagnosis_policies_are_plural_in_english():
    from upswing.performance.models import DiagnosisPolicy

    assert DiagnosisPolicy._meta.verbose_name_plural == "diagnosis policies"


@pytest.mark.django_db
def test_people_are_shown_by_name_and_the_email_only_as_a_detail():
    user = get_user_model().objects.create_user(
        "dana", email="dana@example.com", first_name="Dana", last_name="Diaz"
    )
    assert tags.person(user) == "Dana Diaz"
    assert tags.person_detail(user) == "dana@example.com"
    nameless = get_user_model().objects.create_user("eve@example.com")
    assert tags.person(nameless) == "Eve"
    assert tags.person(None, "cli") == "cli"
    assert tags.person(None, "jane.o-neil@example.com") == "Jane O Neil (no account)"
    assert tags.person(None, "") == "—"
    assert tags.model_words("plans.plan") == "Plan"
    assert tags.model_words("nowhere.thing") == "Thing"


def test_a_person_known_only_by_an_address_is_named_from_it_and_marked_without_account():
    from upswing.words import name_from_email, person_name

    assert name_from_email("jane.doe_2+qa@example.com") == "Jane Doe 2"
    assert person_name("Dana Diaz", "dana", "dana@example.com") == "Dana Diaz"
    assert person_name("", "dana") == "dana"
    assert person_name("", "eve@example.com") == "Eve"
    assert person_name("", "", "sam.lee@example.com") == "Sam Lee (no account)"
    assert person_name("", "", "") == "—"
    assert tags.email_person("sam.lee@example.com", {"sam.lee@example.com": "Sam Lee"}) == (
        "Sam Lee"
    )
    assert tags.email_person("Sam.Lee@Example.com", {"sam.lee@example.com": "Sam Lee"}) == (
        "Sam Lee"
    )
    assert tags.email_person("kim@example.com", {}) == "Kim (no account)"
    assert tags.email_person("", {}) == "—"
    assert tags.email_person("legacy-id-7", {}) == "legacy-id-7"


@given(st.emails())
def test_no_name_from_an_address_shows_the_address(address):
    from upswing.words import person_name

    assert "@" not in person_name(email=address)


@pytest.mark.django_db
def test_addresses_are_named_by_the_user_holding_them_in_one_query(django_assert_num_queries):
    from upswing.org.people import names_by_address
    from upswing.words import named

    users = get_user_model().objects
    users.create_user("quinn", email="Quinn.Q@example.com", first_name="Quinn", last_name="Q")
    users.create_user("rae@example.com")
    with django_assert_num_queries(1):
        names = names_by_address(["quinn.q@example.com", "rae@example.com", "x@y.z", "", None])
    assert names == {"quinn.q@example.com": "Quinn Q", "rae@example.com": "Rae"}
    assert named("QUINN.Q@example.com", names) == "Quinn Q"
    assert named("x@y.z", names) == "X (no account)"
    with django_assert_num_queries(0):
        assert names_by_address(["no address", ""]) == {}


def test_a_leniency_sentence_names_the_evaluator_as_the_page_does():
    from upswing.quality.rules.leniency import Severity, describe_severity

    s = Severity("sam.lee@vendor.com", 6.0, 1.5, 40, 0, outlier=True)
    named_sentence = describe_severity(s, name="Sam Lee (no account)")
    assert named_sentence.startswith("Sam Lee (no account) scores 6.0 ± 1.5 points above")
    assert "@" not in named_sentence
    assert describe_severity(s).startswith("sam.lee@vendor.com scores")
