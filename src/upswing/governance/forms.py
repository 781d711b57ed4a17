"""The governance pages' forms: parse and validate only; the actions decide."""

from __future__ import annotations

from django import forms

from upswing.governance.models import CapOutcome, ReviewDecision
from upswing.metrics import CATALOG, Better

JUDGED = [("", "Every metric")] + [
    (m.code, m.label) for m in CATALOG.values() if m.better is not Better.NEITHER
]
GOAL_METRICS = JUDGED[1:]
_DATE = forms.DateInput(attrs={"type": "date"})


class ExcuseForm(forms.Form):
    event_id = forms.CharField(max_length=100, widget=forms.HiddenInput)
    metric = forms.ChoiceField(choices=JUDGED, required=False, label="For")
    note = forms.CharField(max_length=2000, required=False, label="Why it is accepted")


class WithdrawExcuseForm(forms.Form):
    reason = forms.CharField(
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        label="Why the excuse is withdrawn",
        error_messages={"required": "Say why the excuse is withdrawn."},
    )


class NoticeForm(forms.Form):
    event_id = forms.CharField(max_length=100, widget=forms.HiddenInput)
    note = forms.CharField(max_length=2000, required=False, label="Note to the client")


class RootCauseForm(forms.Form):
    root_cause = forms.CharField(max_length=5000, widget=forms.Textarea(attrs={"rows": 3}))


class GoalForm(forms.Form):
    metric = forms.ChoiceField(choices=GOAL_METRICS)
    baseline = forms.FloatField(required=False)
    target = forms.FloatField()
    due_on = forms.DateField(widget=_DATE, label="Due")


class ActionForm(forms.Form):
    description = forms.CharField(max_length=500)
    owner = forms.CharField(max_length=200, help_text="the vendor's role or person responsible")
    due_on = forms.DateField(widget=_DATE, label="Due")


class DoneForm(forms.Form):
    action_id = forms.IntegerField(widget=forms.HiddenInput)
    done_on = forms.DateField(widget=_DATE, label="Done on")


class CheckpointForm(forms.Form):
    checkpoint_id = forms.IntegerField(widget=forms.HiddenInput)
    held_on = forms.DateField(widget=_DATE, label="Held on")
    note = forms.CharField(max_length=2000, required=False)


class CloseForm(forms.Form):
    outcome = forms.ChoiceField(choices=[c for c in CapOutcome.choices if c[0]])
    note = forms.CharField(max_length=2000, required=False)


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(choices=[c for c in ReviewDecision.choices if c[0]])
    rationale = forms.CharField(max_length=5000, widget=forms.Textarea(attrs={"rows": 3}))


class ContractUploadForm(forms.Form):
    file = forms.FileField(help_text="a contracts file (docs/import.md, contracts)")
