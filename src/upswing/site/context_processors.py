"""What the base layout's navigation shows: only places the signed-in user may open."""

from __future__ import annotations

from functools import cached_property

from upswing.org.access import own_agent_q, reach_of, visible_programs, visible_teams
from upswing.org.models import Agent

NAV_LIMIT = 12


class Navigation:
    """Evaluated lazily: a page that does not render the nav runs no query for it."""

    def __init__(self, user) -> None:
        self.user = user

    @cached_property
    def own_agent(self):
        return Agent.objects.filter(own_agent_q(self.user)).only("code", "name").first()

    @cached_property
    def _programs(self):
        # One more than is shown: whether there are more is known without a count.
        return list(
            visible_programs(self.user).only("code", "name").order_by("name")[: NAV_LIMIT + 1]
        )

    @cached_property
    def _teams(self):
        reach = reach_of(self.user)
        if not reach.people_teams or reach.is_admin:
            return []
        return list(visible_teams(self.user).only("code", "name").order_by("name")[: NAV_LIMIT + 1])

    @property
    def programs(self):
        return self._programs[:NAV_LIMIT]

    @property
    def teams(self):
        return self._teams[:NAV_LIMIT]

    @property
    def more(self) -> bool:
        """More programs or teams than the navigation lists (the directory has them all)."""
        return len(self._programs) > NAV_LIMIT or len(self._teams) > NAV_LIMIT

    @cached_property
    def roles(self) -> str:
        reach = reach_of(self.user)
        names = sorted({grant.get_role_display() for grant in reach.grants})
        if self.user.is_superuser and "Administrator" not in names:
            names.append("Administrator")
        return ", ".join(names)


def navigation(request) -> dict:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"nav": Navigation(user)}
