"""Text inside a CSS string (the packet's running footer: `content: "…"`).

`escapejs` is for JavaScript: it writes `\\u002D`, which CSS reads as an escaped "u" followed
by "002D", so "Mary-Jane O'Brien" printed as "Maryu002DJane Ou0027Brien". CSS escapes a
character as a backslash and up to six hex digits; always writing six needs no terminator.
"""

from __future__ import annotations

from django import template
from django.utils.safestring import mark_safe

register = template.Library()

# Letters, digits, spaces and a few harmless marks pass as they are; everything else
# (quotes, backslashes, <, >, newlines, control characters) is escaped.
_PLAIN = frozenset(" .,:;()·–—#+/@_")


def css_string(value: object) -> str:
    out = []
    for ch in str(value):
        if ch.isalnum() or ch in _PLAIN:
            out.append(ch)
        elif ch in "\x00":
            out.append("\\00fffd")  # CSS forbids NUL: the replacement character
        else:
            out.append(f"\\{ord(ch):06x}")
    return "".join(out)


@register.filter(name="css_string")
def css_string_filter(value: object) -> str:
    # Safe: every character but letters, digits and a few harmless marks is escaped above.
    return mark_safe(css_string(value))  # noqa: S308  # nosec B308, B703
