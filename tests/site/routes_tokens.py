"""The page of one's own API tokens in the permission matrix: any signed-in user (it lists
only their own tokens; tests/api/test_token_page.py covers making and revoking)."""

from __future__ import annotations


def _own_tokens(persona: str, _code: str) -> int:
    return 302 if persona == "anonymous" else 200


ROUTES = {"api_tokens": ([("/account/api-tokens/", "")], _own_tokens)}
