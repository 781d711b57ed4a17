"""The start page: each role's open work, linking to where it is done."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from upswing.org.access import reach_of
from upswing.today.pages import work_of


@login_required
@never_cache
@require_safe
def start_page(request):
    user = request.user
    work = work_of(user)
    reach = reach_of(user)
    if not work.groups and not reach.is_admin:
        return render(request, "site/no_access.html")
    return render(request, "today/start.html", {"work": work, "is_admin": reach.is_admin})


@login_required
@never_cache
@require_safe
def badge(request):
    """The navigation's count of open work, loaded after the page so that no page pays for it."""
    return render(request, "today/partials/badge.html", {"work": work_of(request.user)})
