"""Support actions a plan offers, for a behaviour (any QA category) and by metric.

Data, not code: each entry is a support kind with its cadence, owner and what it is for.
The draft takes the first two that fit a goal; a lead may change them before review.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from upswing.plans.rules.terms import SupportKind

K = SupportKind


@dataclass(frozen=True, slots=True)
class SupportTemplate:
    kind: SupportKind
    cadence: str
    owner: str  # a role; the draft writes the person when it knows them
    description: str


def _t(kind: SupportKind, cadence: str, owner: str, description: str) -> SupportTemplate:
    return SupportTemplate(kind, cadence, owner, description)


# Support for a QA behaviour (a scorecard's category): the same kinds for every category,
# worded with its name. The categories are data (each program's scorecard), never named here.
BEHAVIOUR_SUPPORT: tuple[SupportTemplate, ...] = (
    _t(
        K.SIDE_BY_SIDE,
        "weekly, 30 minutes",
        "team lead",
        "Listen live; name one moment where the {behaviour} criteria would have changed the "
        "contact.",
    ),
    _t(
        K.CALL_REVIEW,
        "weekly, 2 recorded contacts",
        "QA analyst",
        "Review two contacts against the {behaviour} criteria, with the agent scoring first.",
    ),
    _t(
        K.PEER_SHADOWING,
        "twice in the first 30 days",
        "team lead",
        "Shadow a peer who meets the {behaviour} criteria consistently.",
    ),
)

RESOLUTION_SUPPORT: tuple[SupportTemplate, ...] = (
    _t(
        K.REFRESHER_TRAINING,
        "once, in the first 2 weeks",
        "training team",
        "Refresher on the troubleshooting and resolution flow.",
    ),
    _t(
        K.SIDE_BY_SIDE,
        "weekly, 30 minutes",
        "team lead",
        "Work through open cases together; confirm the fix with the customer before closing.",
    ),
    _t(
        K.PEER_SHADOWING,
        "twice in the first 30 days",
        "team lead",
        "Shadow a peer with a high first-contact resolution rate.",
    ),
)

BY_METRIC: dict[str, tuple[SupportTemplate, ...]] = {
    "aht": (
        _t(
            K.SIDE_BY_SIDE,
            "weekly, 30 minutes",
            "team lead",
            "Find where time goes on long "
            "contacts (hold, searching, wrap-up) without cutting resolution.",
        ),
        _t(
            K.PEER_SHADOWING,
            "twice in the first 30 days",
            "team lead",
            "Shadow a peer with short handle time and high resolution.",
        ),
        _t(
            K.JOB_AID,
            "once, in week 1",
            "team lead",
            "Shortcuts and knowledge-base paths for the five most common contact reasons.",
        ),
    ),
    "fcr": RESOLUTION_SUPPORT,
    "reopen": (
        _t(K.CALL_REVIEW, "weekly, 3 reopened cases", "QA analyst", "Why each case came back."),
        _t(K.JOB_AID, "once, in week 1", "team lead", "Closing checklist: confirm the fix."),
    ),
    "escalation": (
        _t(
            K.REFRESHER_TRAINING,
            "once, in the first 2 weeks",
            "training team",
            "What can be solved at first level, and how.",
        ),
        _t(
            K.PEER_SHADOWING,
            "twice in the first 30 days",
            "team lead",
            "Shadow a peer with a low escalation rate.",
        ),
    ),
    "csat": (
        _t(
            K.CALL_REVIEW,
            "weekly, 2 low-scored contacts",
            "team lead",
            "Listen to contacts the customer scored low; agree one change.",
        ),
        _t(K.SIDE_BY_SIDE, "weekly, 30 minutes", "team lead", "Ownership language live."),
    ),
    "csat_score": (),
    "ces": (
        _t(
            K.CALL_REVIEW,
            "weekly, 2 contacts",
            "team lead",
            "Where the customer had to work hardest, and how to spare them.",
        ),
    ),
    "qa": (
        _t(
            K.CALL_REVIEW,
            "weekly, 2 evaluated contacts",
            "QA analyst",
            "Go through the week's evaluations criterion by criterion.",
        ),
        _t(K.ONE_TO_ONE, "weekly, 20 minutes", "team lead", "Agree one habit for the week."),
    ),
}

DEFAULT: tuple[SupportTemplate, ...] = (
    _t(
        K.ONE_TO_ONE,
        "weekly, 20 minutes",
        "team lead",
        "Review the week's numbers and agree one habit for the next.",
    ),
    _t(K.CALL_REVIEW, "weekly, 2 contacts", "team lead", "Listen to two contacts together."),
)

# What a goal on a metric asks the agent to do, when no QA behaviour names it.
METRIC_BEHAVIOUR: dict[str, str] = {
    "aht": "Handle contacts efficiently (hold, search and wrap-up) without cutting resolution",
    "fcr": "Resolve the customer's issue on the first contact and confirm the fix",
    "reopen": "Confirm the fix with the customer before closing the case",
    "escalation": "Solve at first level what first level can solve",
    "csat": "Own the customer's issue and use ownership language",
    "csat_score": "Own the customer's issue and use ownership language",
    "ces": "Spare the customer effort: no repeats, no runarounds",
    "qa": "Meet every QA criterion on each evaluated contact",
}


def support_for(behaviour: str = "", metric: str = "", count: int = 2):
    """The first `count` templates for a behaviour (worded with it), else for the metric,
    else the default."""
    if behaviour:
        label = behaviour.replace("_", " ")
        return tuple(
            replace(t, description=t.description.format(behaviour=label))
            for t in BEHAVIOUR_SUPPORT[:count]
        )
    return (BY_METRIC.get(metric, ()) or DEFAULT)[:count]


def behaviour_action(behaviour: str, metric: str) -> str:
    if behaviour:
        return f"Meet the QA criteria for {behaviour.replace('_', ' ')} on every contact"
    return METRIC_BEHAVIOUR.get(metric, f"Bring {metric} to the standard")
