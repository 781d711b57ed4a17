"""The form for a new target version."""

from __future__ import annotations

from django import forms
from django.utils import timezone

from upswing.metrics import CATALOG, Better

# Text with a decimal keypad: the number widget's spinner and locale rules get in the way.
NUMBER = forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"})


class TargetForm(forms.Form):
    metric = forms.ChoiceField()
    team = forms.ChoiceField(required=False, help_text="empty: the whole program")
    sla_floor = forms.FloatField(required=False, label="SLA floor", widget=NUMBER)
    kpi_target = forms.FloatField(required=False, label="KPI target", widget=NUMBER)
    source = forms.CharField(
        max_length=200, help_text='where the number comes from, e.g. "MSA §4.2"'
    )
    effective_from = forms.DateField(
        label="Effective from", widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args, program, **kwargs):
        super().__init__(*args, **kwargs)
        self.program = program
        self.teams = {t.code: t for t in program.teams.order_by("name")}
        self.fields["metric"].choices = [
            (m.code, f"{m.label} ({m.better.value} is better)")
            for m in CATALOG.values()
            if m.better is not Better.NEITHER
        ]
        self.fields["team"].choices = [("", "Whole program")] + [
            (t.code, t.name) for t in self.teams.values()
        ]
        self.fields["effective_from"].initial = timezone.localdate()

    def clean_team(self):
        code = self.cleaned_data.get("team") or ""
        return self.teams.get(code)
