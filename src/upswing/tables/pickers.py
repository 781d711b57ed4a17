"""The date-range picker bound to a request: the chosen range, its neighbours' links, notes.

picker = range_picker(request, zone_name, default=DateRange(...))
picker.range.start, picker.range.end   # whole days in the zone
picker.bounds                          # the instants they cover (UTC), for timestamps
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlencode

from django.utils import timezone
from django.utils.encoding import escape_uri_path

from upswing.tables.rules.ranges import (
    DateRange,
    RangeKind,
    bounds_in_zone,
    parse_range,
    range_of,
    today_in,
)

RANGE_PARAMS = ("range", "at", "from", "to")


@dataclass(frozen=True, slots=True)
class RangePicker:
    range: DateRange
    zone: str
    notes: tuple[str, ...]
    chosen: bool  # False: nothing in the URL, the page's default
    path: str
    kept: tuple[tuple[str, str], ...]  # the page's other parameters

    def url(self, chosen: DateRange) -> str:
        return f"?{urlencode([*self.kept, *chosen.params.items()])}"

    @property
    def kinds(self) -> list[tuple[str, str, bool]]:
        """(label, url, current) for week, month and quarter around the range's end."""
        out = []
        for kind in (RangeKind.WEEK, RangeKind.MONTH, RangeKind.QUARTER):
            current = self.chosen and self.range.kind is kind
            out.append((kind.label, self.url(range_of(kind, self.range.end)), current))
        return out

    @property
    def previous_url(self) -> str:
        return self.url(self.range.previous())

    @property
    def next_url(self) -> str:
        return self.url(self.range.next())

    @property
    def bounds(self):
        return bounds_in_zone(self.range, self.zone)


def range_picker(request, zone_name: str, *, default: DateRange | None = None) -> RangePicker:
    """The range the URL asks for, in `zone_name`'s days; without one, `default` (else the
    week holding today in that zone)."""
    today = today_in(zone_name, timezone.now())
    params = {k: request.GET.get(k, "") for k in RANGE_PARAMS}
    asked = any(params.values())
    if asked or default is None:
        chosen, notes = parse_range(params, today)
    else:
        chosen, notes = default, ()
    kept = tuple(
        (k, v)
        for k in request.GET
        if k not in RANGE_PARAMS and not k.endswith("page") and k != "export"
        for v in request.GET.getlist(k)[:1]
        if v
    )
    return RangePicker(chosen, zone_name, notes, asked, escape_uri_path(request.path), kept)
