"""What every API router shares, the API's own and the features' (`*/api.py`): limit/offset
pagination with a ceiling, declared in the schema (so 0 or 10,000 is a 422), and the error
body. It sits under the features so a feature's router never imports the API that mounts it."""

from __future__ import annotations

from typing import Any

from ninja import Field, Schema
from ninja.pagination import LimitOffsetPagination

DEFAULT_LIMIT = 50
MAX_LIMIT = 500
MAX_OFFSET = 1_000_000  # far beyond any real list; keeps SQL OFFSET in range


class Page(LimitOffsetPagination):
    class Input(Schema):
        limit: int = Field(DEFAULT_LIMIT, ge=1, le=MAX_LIMIT, description="at most 500")
        offset: int = Field(0, ge=0, le=MAX_OFFSET)

    def __init__(self, **kwargs):
        super().__init__(max_limit=MAX_LIMIT, **kwargs)


class ErrorOut(Schema):
    """401, 403, 404, 409; and 422, whose detail is a list of problems when the request
    itself does not fit the schema."""

    detail: str | list[Any]
