"""Names for people recorded by e-mail address (an imported evaluator, a coach): one query."""

from __future__ import annotations

from collections.abc import Iterable

from django.contrib.auth import get_user_model
from django.db.models import Q
from django.db.models.functions import Lower

from upswing.words import person_name


def names_by_address(addresses: Iterable[object]) -> dict[str, str]:
    """Lower-cased address → the name of the user holding it (as e-mail or as user name);
    addresses no user holds are left out, so `words.named` marks them "(no account)"."""
    wanted = {str(a).strip().lower() for a in addresses if a and "@" in str(a)}
    if not wanted:
        return {}
    users = (
        get_user_model()
        .objects.annotate(address=Lower("email"), login=Lower("username"))
        .filter(Q(address__in=wanted) | Q(login__in=wanted))
    )
    names: dict[str, str] = {}
    for user in users:
        name = person_name(user.get_full_name(), user.get_username())
        for key in (user.email.lower(), user.get_username().lower()):
            if key in wanted:
                names.setdefault(key, name)
    return names
