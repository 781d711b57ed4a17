"""The REST API: one NinjaAPI mounted at /api/ (see docs/api.md).

- Schema at /api/openapi.json, public: it describes endpoints, never data.
- Interactive docs at /api/docs for signed-in users only (see urls.py), served from
  ninja's bundled static files so the site's strict Content-Security-Policy still holds.
- Every operation needs a bearer token or the session (upswing.api.auth), and each user
  may make UPSWING_API_RATE calls (429 beyond); every response is marked not cacheable
  (people's numbers).
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from ninja import NinjaAPI
from ninja.errors import ValidationError as SchemaError

from upswing.api import findings, imports, people, scorecards, targets
from upswing.api.auth import API_AUTH, PerUserThrottle
from upswing.audit.concurrency import StaleEdit
from upswing.warehouse.lock import WarehouseBusy


class UpswingAPI(NinjaAPI):
    def create_response(self, request, data, *, status=None, temporal_response=None):
        response = super().create_response(
            request, data, status=status, temporal_response=temporal_response
        )
        response["Cache-Control"] = "no-store, private"
        return response

    def get_openapi_schema(self, **kwargs):
        """The schema, with the rate limit's 429 and the control-character 400
        (upswing.site.middleware.ControlCharactersMiddleware) declared on every operation."""
        schema = super().get_openapi_schema(**kwargs)
        error = {"$ref": "#/components/schemas/ErrorOut"}
        for operations in schema["paths"].values():
            for operation in operations.values():
                operation["responses"].setdefault(
                    429,
                    {
                        "description": "Too many calls: this user's UPSWING_API_RATE is used "
                        "up; the Retry-After header says when to try again",
                        "content": {"application/json": {"schema": error}},
                    },
                )
                operation["responses"].setdefault(
                    400,
                    {
                        "description": "A query parameter holds a control character (such as "
                        "NUL), which no value can contain",
                        "content": {"application/json": {"schema": error}},
                    },
                )
        return schema


api = UpswingAPI(
    title="Upswing API",
    version="1",
    description=(
        "Scorecards, targets, imports, findings, coaching and plans of Upswing, scoped exactly "
        "like the pages. "
        "Authenticate with `Authorization: Bearer <token>` (`upswing api-token create`) or the "
        "browser session (send `X-CSRFToken` on POST)."
    ),
    auth=API_AUTH,
    throttle=[PerUserThrottle()],
    urls_namespace="api",
    docs_url=None,
)

for module in (people, scorecards, targets, imports, findings):
    api.add_router("/", module.router)
api.add_router("/", __import__("upswing.quality.api", fromlist=["router"]).router)
api.add_router("/", __import__("upswing.governance.api", fromlist=["router"]).router)


@api.exception_handler(PermissionDenied)
def _forbidden(request, exc):
    return api.create_response(request, {"detail": str(exc) or "Forbidden"}, status=403)


@api.exception_handler(StaleEdit)
def _stale(request, exc):
    return api.create_response(request, {"detail": str(exc)}, status=409)


from upswing.feedback.api import router as _feedback_router  # noqa: E402 - a feature's router

api.add_router("/", _feedback_router)

from upswing.coaching.api import router as _coaching_router  # noqa: E402 - a feature's router
from upswing.plans.api import router as _plans_router  # noqa: E402 - a feature's router

api.add_router("/", _coaching_router)
api.add_router("/", _plans_router)


@api.exception_handler(WarehouseBusy)
def _busy(request, exc):
    response = api.create_response(request, {"detail": str(exc)}, status=503)
    response["Retry-After"] = str(exc.retry_after)
    return response


@api.exception_handler(SchemaError)
def _invalid(request, exc):
    """A request that does not fit the schema is 422, except an upload the size limit
    dropped before it was read (its file then looks missing): that is 413."""
    if getattr(request, "upload_too_large", False):
        from django.conf import settings

        detail = f"files over {settings.UPSWING_MAX_UPLOAD_MB} MB are not accepted"
        return api.create_response(request, {"detail": detail}, status=413)
    return api.create_response(request, {"detail": exc.errors}, status=422)
