"""Each user's own API tokens, on a page: make one (shown once), see them, revoke one.

The same actions as `upswing api-token`, audited the same way; a user sees and revokes only
their own tokens (another's id is the same 404 as a missing one)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from upswing.api.actions import do_create_api_token, do_revoke_api_token
from upswing.api.models import ApiToken

NAME_MAX = ApiToken._meta.get_field("name").max_length


@login_required
@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def tokens_page(request):
    made, problem, status = None, "", 200
    if request.method == "POST":
        if "revoke" in request.POST:
            token = get_object_or_404(ApiToken, pk=_int(request.POST["revoke"]), user=request.user)
            do_revoke_api_token(token, actor=request.user)
            return redirect("api_tokens")
        name = request.POST.get("name", "").strip()
        if len(name) > NAME_MAX:
            problem, status = f"A name has at most {NAME_MAX} characters.", 400
        else:
            try:
                made = do_create_api_token(request.user, name, actor=request.user)
            except ValueError as exc:
                problem, status = f"{str(exc)[0].upper()}{str(exc)[1:]}.", 400
    tokens = ApiToken.objects.filter(user=request.user).order_by("revoked_at", "name", "-id")
    return render(
        request,
        "api/tokens.html",
        {"tokens": tokens, "made": made, "problem": problem, "name_max": NAME_MAX},
        status=status,
    )


def _int(text: str) -> int:
    return int(text) if text.isdigit() else 0
