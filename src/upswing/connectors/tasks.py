"""The connectors' side of the job queue, registered with upswing.jobs from apps.py: a pull
(then a refresh when it brought rows), its label, its scheduled jobs `pull_<connector>` (off
while the connector has no credentials), and its errors, written for people.

Imported when Django starts: the connectors themselves are imported only when they run.
"""

from __future__ import annotations

# The keys of service.CONNECTORS, not imported here: the connectors load `requests`.
CONNECTOR_NAMES = ("zendesk", "freshdesk")


def pull_connector(name: str) -> dict:
    """Pull what changed in a helpdesk since its stored cursor, import it, then refresh."""
    from upswing.connectors.service import pull
    from upswing.jobs.tasks import refresh_scorecards

    outcome = pull(name)
    if outcome.rows:
        refresh_scorecards.enqueue(full=False)
    return outcome.as_dict()


def pull_label(args: list, kwargs: dict) -> str:
    name = kwargs.get("name", args[0] if args else "")
    return f"{str(name).title()} pull"


def _configured(name: str):
    def configured() -> bool:
        from upswing.connectors.service import is_configured

        return is_configured(name)

    return configured


def register() -> None:
    from upswing.jobs import tasks
    from upswing.jobs.registry import (
        Work,
        register_readable_error,
        register_scheduled,
        register_work,
    )

    register_work(tasks.pull_connector, Work(pull_connector, pull_label))
    for name in CONNECTOR_NAMES:
        enqueue = lambda name=name: tasks.pull_connector.enqueue(name=name)  # noqa: E731
        register_scheduled(f"pull_{name}", enqueue, _configured(name))
    register_readable_error("upswing.connectors.base.ConnectorError")
