"""`{% load words %}`: labels for codes and names for people in templates.

{{ plan.status|words }}            "hr_review" → "In HR review"
{{ event.action|action_words }}    "plan.approve" → "Plan: approve"
{{ event.object_type|model_words }} "plans.plan" → "Plan"
{{ user|person }}                  the full name, else the user name (never only an e-mail)
{{ user|person_detail }}           the e-mail or user name to show beside a name
{{ address|email_person:names }}   a person kept as an e-mail: name, else "Jane Doe (no account)"
"""

from __future__ import annotations

from django import template
from django.apps import apps

from upswing import words as vocabulary

register = template.Library()


@register.filter
def words(code) -> str:
    return vocabulary.words(code)


@register.filter
def action_words(action) -> str:
    return vocabulary.action_words(str(action or ""))


@register.filter
def model_words(label) -> str:
    """A model label "plans.plan" as its verbose name ("Plan"); unknown labels made readable."""
    text = str(label or "")
    try:
        model = apps.get_model(text)
    except (LookupError, ValueError):
        return vocabulary.words(text.rpartition(".")[2])
    name = str(model._meta.verbose_name)
    return name[:1].upper() + name[1:]


@register.filter
def person(user, fallback: str = "") -> str:
    """A person by name: full name, else user name, else the fallback (e.g. an audit label or
    the e-mail a record was stored with). An address is never shown whole: its part before @
    is made readable, and an address no user holds says "(no account)"."""
    if user is None or user == "":
        return (
            vocabulary.person_name(email=fallback)
            if "@" in str(fallback or "")
            else (str(fallback or "") or "—")
        )
    full = user.get_full_name() if hasattr(user, "get_full_name") else ""
    name = user.get_username() if hasattr(user, "get_username") else str(user)
    return vocabulary.person_name(full, name)


@register.filter
def email_person(address, names=None) -> str:
    """A person stored as an e-mail: their name when `names` (address → name, read by the
    view in one query with `org.people.names_by_address`) knows them, else the address
    humanised with "(no account)"."""
    return vocabulary.named(address, names)


@register.filter
def person_detail(user) -> str:
    """What to show beside a name, smaller: the e-mail when there is one, else the user name."""
    if user is None or user == "":
        return ""
    return getattr(user, "email", "") or (
        user.get_username() if hasattr(user, "get_username") else ""
    )
