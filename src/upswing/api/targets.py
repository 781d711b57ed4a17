"""Targets: read through targets.access, set through targets.actions.

Versions are append-only: a change is a new row with its own `effective_from`, so there is
no edit that could be based on a stale copy (and no version number to send back). Two
requests adding the same day's version at once: the database keeps one, the other is 409.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from ninja import Path, Router
from ninja.errors import HttpError
from ninja.pagination import paginate
from ninja.responses import Status

from upswing.api.access import access_target_by_id
from upswing.api.schemas import ErrorOut, MetricCode, TargetCreatedOut, TargetIn, TargetOut
from upswing.api_shared import Page
from upswing.org.access import access_program_by_id, visible_teams
from upswing.performance.models import Target
from upswing.targets.access import visible_targets
from upswing.targets.actions import do_set_target

router = Router(tags=["targets"])

MAX_ID = 2**63 - 1


def target_out(target: Target | None) -> dict | None:
    if target is None:
        return None
    return {
        "id": target.pk,
        "program": target.program.code,
        "team": target.team.code if target.team_id else None,
        "metric": target.metric,
        "sla_floor": target.sla_floor,
        "kpi_target": target.kpi_target,
        "source": target.source,
        "effective_from": target.effective_from,
        "created_at": target.created_at,
    }


class _Targets:
    """A queryset the paginator counts and slices; each page is turned into plain dicts."""

    def __init__(self, targets) -> None:
        self.targets = targets

    def all(self):
        return self.targets

    def __getitem__(self, page: slice) -> list[dict]:
        return [target_out(t) for t in self.targets[page]]


@router.get(
    "/targets",
    response={200: list[TargetOut], 401: ErrorOut, 422: ErrorOut},
    url_name="targets",
)
@paginate(Page)
def list_targets(
    request,
    program: str | None = None,
    team: str | None = None,
    metric: MetricCode | None = None,
):
    """Target versions you may read, newest first within each program, metric and team."""
    targets = visible_targets(request.auth).select_related("program", "team")
    if program:
        targets = targets.filter(program__code=program)
    if team:
        targets = targets.filter(team__code=team)
    if metric:
        targets = targets.filter(metric=metric.value)
    ordered = targets.order_by("program__code", "metric", "team__code", "-effective_from", "id")
    return _Targets(ordered)


@router.get(
    "/targets/{target_id}",
    response={200: TargetOut, 401: ErrorOut, 404: ErrorOut, 422: ErrorOut},
    url_name="target",
)
def get_target(request, target_id: int = Path(..., ge=1, le=MAX_ID)):
    return target_out(access_target_by_id(request.auth, target_id))


@router.post(
    "/targets",
    response={
        201: TargetCreatedOut,
        400: ErrorOut,
        401: ErrorOut,
        403: ErrorOut,
        404: ErrorOut,
        409: ErrorOut,
        422: ErrorOut,
    },
    url_name="targets",
)
def create_target(request, payload: TargetIn):
    """Add a version (operations managers of the program, admins). 404: a program you may
    not read; 403: one you may read but not set; 422: bounds that do not fit the metric's
    direction, a team outside the program, or a version already starting that day."""
    user = request.auth
    program = access_program_by_id(user, payload.program)
    team = None
    if payload.team:
        team = visible_teams(user).filter(program=program, code=payload.team).first()
        if team is None:
            raise HttpError(422, "team: no team with that code in this program")
    try:
        with transaction.atomic():
            change = do_set_target(
                actor=user,
                program=program,
                team=team,
                metric=payload.metric.value,
                sla_floor=payload.sla_floor,
                kpi_target=payload.kpi_target,
                source=payload.source,
                effective_from=payload.effective_from,
            )
    except PermissionDenied as exc:
        raise HttpError(403, str(exc) or "You may not set this program's targets.") from None
    except ValidationError as exc:
        raise HttpError(422, _messages(exc)) from None
    except IntegrityError:
        raise HttpError(409, "a version starting on that day was just added") from None
    return Status(
        201, {"target": target_out(change.target), "previous": target_out(change.previous)}
    )


def _messages(exc: ValidationError) -> str:
    if hasattr(exc, "message_dict"):
        return "; ".join(
            f"{'' if name == '__all__' else name + ': '}{' '.join(messages)}"
            for name, messages in exc.message_dict.items()
        )
    return " ".join(exc.messages)
