"""Forms of the feedback pages; the decisions stay in rules.py and actions.py."""

from __future__ import annotations

from django import forms
from django.contrib.auth import get_user_model

from upswing.feedback import rules
from upswing.feedback.models import NoteKind, QuestionTemplate

NOMINABLE = [
    (g.value, rules.GROUP_LABELS[g])
    for g in (rules.RaterGroup.PEER, rules.RaterGroup.DIRECT_REPORT, rules.RaterGroup.OTHER)
]


class CycleForm(forms.Form):
    name = forms.CharField(max_length=200, label="Name")
    team = forms.ChoiceField(label="Team")
    agent = forms.ChoiceField(label="Agent", required=False, help_text="empty: the whole team")
    template = forms.ModelChoiceField(
        QuestionTemplate.objects.all(), label="Questions", empty_label=None
    )
    due_on = forms.DateField(label="Due on", widget=forms.DateInput(attrs={"type": "date"}))
    min_raters = forms.IntegerField(
        label="Raise the raters' threshold to", required=False, min_value=1, max_value=50
    )

    def __init__(self, *args, teams=(), agents=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["team"].choices = [(t.code, t.name) for t in teams]
        self.fields["agent"].choices = [("", "The whole team")] + [(a.code, a.name) for a in agents]


class NominateForm(forms.Form):
    subject = forms.ChoiceField(label="For")
    rater = forms.CharField(max_length=150, label="Rater's user name")
    group = forms.ChoiceField(choices=NOMINABLE, label="As")

    def __init__(self, *args, subjects=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["subject"].choices = [(s.agent.code, s.agent.name) for s in subjects]

    def clean_rater(self):
        name = self.cleaned_data["rater"].strip()
        user = get_user_model().objects.filter(username=name, is_active=True).first()
        if user is None:
            raise forms.ValidationError("No active user with that user name.")
        return user


class NoteForm(forms.Form):
    agent = forms.ChoiceField(label="For")
    kind = forms.ChoiceField(choices=NoteKind.choices, label="Kind")
    text = forms.CharField(
        max_length=2000, widget=forms.Textarea(attrs={"rows": 4}), label="Your feedback"
    )
    anonymous = forms.BooleanField(
        required=False,
        label="Send anonymously",
        help_text="Your name is not stored. Anonymous notes reach them in batches, once a month "
        "has ended and enough notes have gathered, without dates.",
    )

    def __init__(self, *args, agents=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agent"].choices = [(a.code, a.name) for a in agents]
