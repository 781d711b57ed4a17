"""Performance improvement plans in the REST API, scoped exactly like the pages (`plans.access`).

Reading: an agent reads their own plan once HR has approved it (never a draft, and only the
versions HR approved); team leads the plans of their teams' agents; managers and HR the plans
of the programs and clients they cover; admins all; QA analysts and client viewers none.
Changing: every write is a `plans.actions` action, which checks the capacity it needs
(lead side drafts, edits, submits and records checkpoints; HR reviews; the agent
acknowledges and reflects), locks the row against a stale `version` and records the audit
event. A refused step (wrong state, lint errors) is 409 with the action's own sentence.

`plans.py` holds the plan's own operations (list, detail, draft, terms, submit, review,
acknowledge); `running.py` those of a running plan (checkpoints, final review, extend,
close); `schemas.py` what they take and return.
"""

from ninja import Router

from upswing.plans.api import plans, running

router = Router()
router.add_router("/", plans.router)
router.add_router("/", running.router)
