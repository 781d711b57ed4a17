"""Support actions a plan offers, keyed by behaviour (QA category) and by metric.

Data, not code: each entry is a support kind with its cadence, owner and what it is for.
The draft takes the first two that fit a goal; a lead may change them before review.
"""

from __future__ import annotations

from dataclasses import dataclass

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


BY_BEHAVIOUR: dict[str, tuple[SupportTemplate, ...]] = {
    "empathy": (
        _t(
            K.SIDE_BY_SIDE,
            "weekly, 30 minutes",
            "team lead",
            "Listen live; name one moment "
            "where acknowledging the customer's situation would have changed the call.",
        ),
        _t(
            K.CALL_REVIEW,
            "weekly, 2 recorded contacts",
            "QA analyst",
            "Review two contacts against the empathy criteria, with the agent scoring first.",
        ),
        _t(
            K.PEER_SHADOWING,
            "twice in the first 30 days",
            "team lead",
            "Shadow a peer who meets the empathy criteria consistently.",
        ),
    ),
    "documentation": (
        _t(
            K.JOB_AID,
            "once, in week 1; used on every contact",
            "QA analyst",
            "A one-page checklist of what a complete case or claim note holds.",
        ),
        _t(
            K.CALL_REVIEW,
            "weekly, 3 case notes",
            "QA analyst",
            "Check three notes against the checklist with the agent.",
        ),
        _t(K.ONE_TO_ONE, "weekly, 20 minutes", "team lead", "Go through the week's misses."),
    ),
    "resolution": (
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
    ),
    "verification": (
        _t(
            K.JOB_AID,
            "once, in week 1; used on every contact",
            "QA analyst",
            "The identity and policy checks, in order, on one card.",
        ),
        _t(
            K.REFRESHER_TRAINING,
            "once, in the first 2 weeks",
            "training team",
            "Refresher on verification and data protection.",
        ),
        _t(
            K.CALL_REVIEW,
            "weekly, 2 recorded contacts",
            "QA analyst",
            "Check verification steps on two contacts.",
        ),
    ),
    "compliance": (
        _t(
            K.REFRESHER_TRAINING,
            "once, in the first 2 weeks",
            "training team",
            "Refresher on mandatory disclosures and data-protection rules.",
        ),
        _t(
            K.JOB_AID,
            "once, in week 1; used on every contact",
            "QA analyst",
            "Disclosure script card.",
        ),
        _t(
            K.CALL_REVIEW,
            "weekly, 2 recorded contacts",
            "QA analyst",
            "Check disclosures on two contacts.",
        ),
    ),
    "greeting": (
        _t(K.JOB_AID, "once, in week 1", "team lead", "Greeting and introduction script."),
        _t(K.SIDE_BY_SIDE, "weekly, 20 minutes", "team lead", "Listen to call openings live."),
    ),
}

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
    "fcr": BY_BEHAVIOUR["resolution"],
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

BEHAVIOUR_ACTION: dict[str, str] = {
    "empathy": "Acknowledge the customer's situation and keep a warm, courteous tone",
    "documentation": "Document every case fully: steps taken and outcome",
    "resolution": "Follow the resolution flow and confirm the fix with the customer",
    "verification": "Verify identity and policy before acting on the account",
    "compliance": "Read the mandatory disclosures and follow data-protection rules",
    "greeting": "Greet and introduce yourself on every contact",
}


def support_for(behaviour: str = "", metric: str = "", count: int = 2):
    """The first `count` templates for a behaviour, else for the metric, else the default."""
    options = BY_BEHAVIOUR.get(behaviour, ()) or BY_METRIC.get(metric, ()) or DEFAULT
    return options[:count]


def behaviour_action(behaviour: str, metric: str) -> str:
    if behaviour:
        return BEHAVIOUR_ACTION.get(behaviour, f"Meet the QA criteria for {behaviour}")
    return METRIC_BEHAVIOUR.get(metric, f"Bring {metric} to the standard")
