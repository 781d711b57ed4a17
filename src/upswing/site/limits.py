"""Text lengths checked before the database does, for every record of every channel.

SQLite stores a 5,000-character name in a 200-character column without a word; PostgreSQL
refuses it with a database error (a 500 on a page, a traceback in the CLI). Forms and the
API schemas check their own fields; this `pre_save` check is the backstop for every other
way in (the CLI, imports, actions), so that a value too long, or holding a NUL, is refused
with a message that names the record, the field and the limit, on either database.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models


class TextTooLong(ValidationError, ValueError):  # noqa: N818 - a ValidationError, named as such
    """A text field's value does not fit its column (a ValueError too, for the CLI's callers)."""

    def __str__(self) -> str:
        return " ".join(self.messages)  # the sentence, not the list ValidationError prints


def check_text_fields(sender, instance, raw=False, update_fields=None, **kwargs) -> None:
    if raw:
        return  # fixtures load what they hold
    for field in sender._meta.concrete_fields:
        if not isinstance(field, models.CharField | models.TextField):
            continue
        if update_fields is not None and field.name not in update_fields:
            continue
        value = getattr(instance, field.attname)
        if not isinstance(value, str):
            continue
        label = f"{sender._meta.verbose_name} {field.verbose_name}"
        if "\x00" in value:
            raise TextTooLong(f"{label}: a NUL character cannot be stored; remove it.")
        limit = field.max_length if isinstance(field, models.CharField) else None
        if limit and len(value) > limit:
            raise TextTooLong(f"{label}: at most {limit} characters, this one has {len(value):,}.")
