"""The search page (/search/) and its htmx suggestions in the navigation."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils.cache import patch_vary_headers
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from upswing.tables.queries import LIMIT, search_everything
from upswing.tables.rules.search import search_terms

SUGGEST_TARGET = "search-suggest"


@login_required
@never_cache
@require_safe
def search_page(request):
    terms = search_terms(request.GET.get("q", ""))
    results = search_everything(request.user, terms)
    context = {"terms": terms, "results": results, "limit": LIMIT}
    htmx = getattr(request, "htmx", None)
    if htmx and htmx.target == SUGGEST_TARGET and not htmx.history_restore_request:
        response = render(request, "tables/partials/suggest.html", context)
    else:
        response = render(request, "tables/search.html", context)
    patch_vary_headers(response, ("HX-Request", "HX-Target"))
    return response
