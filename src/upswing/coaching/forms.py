"""Forms of the coaching pages: record a session (with a few agreed actions), acknowledge one.

They parse and check shapes only; whether a session is complete is coaching.rules'
decision, reached through do_record_session (its problems are shown on the form).
"""

from __future__ import annotations

import datetime as dt

from django import forms
from django.utils import timezone

from upswing.coaching.actions import AgreedAction
from upswing.coaching.models import CoachingKind
from upswing.metrics import CATALOG

ACTION_ROWS = 3
OWNER_COACH, OWNER_AGENT = "coach", "agent"


class SessionForm(forms.Form):
    kind = forms.ChoiceField(choices=CoachingKind.choices, initial=CoachingKind.ONE_TO_ONE)
    coached_at = forms.DateTimeField(
        label="Held on",
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )
    metric = forms.ChoiceField(
        required=False,
        choices=[("", "— no single metric —")] + [(m.code, m.label) for m in CATALOG.values()],
    )
    topic = forms.CharField(
        max_length=200, help_text="What was worked on: a session without a topic is not recorded."
    )
    behaviours = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="One behaviour per line.",
    )
    notes = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text="Notes, or at least one agreed action below: one of the two is needed.",
    )
    follow_up_on = forms.DateField(
        required=False, label="Follow up on", widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args, finding=None, **kwargs):
        super().__init__(*args, **kwargs)
        if finding is not None:
            # From a finding the subject is the finding's metric.
            self.fields["metric"].disabled = True
            self.fields["metric"].initial = finding.metric
            self.initial.setdefault("behaviours", "\n".join(finding.behaviours))
        self.initial.setdefault("coached_at", timezone.localtime().replace(second=0, microsecond=0))

    def clean_behaviours(self) -> list[str]:
        return [
            line.strip() for line in self.cleaned_data["behaviours"].splitlines() if line.strip()
        ]


class ActionForm(forms.Form):
    description = forms.CharField(max_length=500, required=False, label="Agreed action")
    owner = forms.ChoiceField(
        choices=[(OWNER_COACH, "Me (the coach)"), (OWNER_AGENT, "The agent")],
        initial=OWNER_COACH,
        required=False,
    )
    due_on = forms.DateField(
        required=False, label="Due on", widget=forms.DateInput(attrs={"type": "date"})
    )

    def agreed(self, *, coach, agent) -> AgreedAction | None:
        """The action as do_record_session takes it (None for a row left blank)."""
        data = self.cleaned_data
        if not data.get("description", "").strip():
            return None
        if data.get("owner") == OWNER_AGENT:
            return AgreedAction(data["description"], agent.user, agent.email, data["due_on"])
        return AgreedAction(data["description"], coach, "", data["due_on"])


ActionFormSet = forms.formset_factory(ActionForm, extra=ACTION_ROWS, max_num=ACTION_ROWS)


class AcknowledgeForm(forms.Form):
    comment = forms.CharField(
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        label="Your comment (optional)",
    )
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)


def aware(value: dt.datetime) -> dt.datetime:
    return value if timezone.is_aware(value) else timezone.make_aware(value)
