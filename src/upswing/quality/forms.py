"""Forms of the quality pages: marks on a template's criteria, dispute and decision, template
definitions, calibration sessions. Parsing only; the actions decide."""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field

from django import forms

from upswing.quality.actions import MarkInput
from upswing.quality.models import Channel, DisputeOutcome
from upswing.quality.rules.scorecard import Template

NA = "na"


def points_choices(criterion) -> list[tuple[str, str]]:
    if criterion.max_points == 1:
        choices = [("1", "Met"), ("0", "Not met")]
    else:
        top = int(criterion.max_points) if float(criterion.max_points).is_integer() else None
        steps = range(top, -1, -1) if top is not None else ()
        choices = [(str(p), f"{p} of {top}") for p in steps]
    if criterion.allow_na:
        choices.append((NA, "N/A"))
    return choices


@dataclass
class MarksForm:
    """The marks of one template, read from field `<prefix><criterion>` (+ `-comment`)."""

    template: Template
    prefix: str = "c-"
    data: dict | None = None
    errors: dict[str, str] = field(default_factory=dict)
    marks: dict[str, MarkInput] = field(default_factory=dict)

    def is_valid(self) -> bool:
        self.errors, self.marks = {}, {}
        for c in self.template.criteria:
            raw = (self.data or {}).get(f"{self.prefix}{c.key}", "")
            comment = (self.data or {}).get(f"{self.prefix}{c.key}-comment", "").strip()
            if raw == NA and c.allow_na:
                self.marks[c.key] = MarkInput(None, comment)
                continue
            try:
                points = float(raw)
            except ValueError:
                self.errors[c.key] = f"Mark “{c.label}”."
                continue
            if not (0 <= points <= c.max_points) or math.isnan(points):
                self.errors[c.key] = f"“{c.label}” takes 0 to {c.max_points:g} points."
                continue
            self.marks[c.key] = MarkInput(points, comment)
        return not self.errors

    def fields(self, chosen: dict | None = None) -> list[dict]:
        chosen = chosen or {}
        rows = []
        for section in self.template.sections:
            for c in section.criteria:
                name = f"{self.prefix}{c.key}"
                rows.append(
                    {
                        "section": section.label,
                        "criterion": c,
                        "name": name,
                        "choices": points_choices(c),
                        "value": (self.data or {}).get(name, chosen.get(c.key, "")),
                        "comment": (self.data or {}).get(f"{name}-comment", ""),
                        "error": self.errors.get(c.key, ""),
                        "category": self.template.category_label(c.category),
                    }
                )
        return rows


class ScoreForm(forms.Form):
    recording_url = forms.URLField(
        assume_scheme="https", required=False, max_length=500, label="Transcript or recording URL"
    )
    summary = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 3}))


class DisputeForm(forms.Form):
    criterion = forms.ChoiceField(label="Criterion")
    reason = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), max_length=2000)
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, criteria=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["criterion"].choices = [(c.key, c.label) for c in criteria]


class DecideForm(forms.Form):
    outcome = forms.ChoiceField(choices=DisputeOutcome.choices, widget=forms.RadioSelect)
    partial_points = forms.FloatField(
        required=False, label="Points (partly accepted)", help_text="between given and full"
    )
    note = forms.CharField(
        label="Decision, as the agent will read it", widget=forms.Textarea(attrs={"rows": 3})
    )


class AcknowledgeForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)


class TemplateForm(forms.Form):
    name = forms.CharField(max_length=200)
    channel = forms.ChoiceField(choices=Channel.choices, required=False)
    definition = forms.CharField(
        label="Sections, criteria and categories (JSON)",
        widget=forms.Textarea(attrs={"rows": 24, "spellcheck": "false"}),
    )

    def clean_definition(self) -> dict:
        text = self.cleaned_data["definition"]
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise forms.ValidationError(
                f"Not valid JSON at line {exc.lineno}, column {exc.colno}: {exc.msg}."
            ) from None
        if not isinstance(data, dict):
            raise forms.ValidationError("The definition is an object with sections and categories.")
        return data


class EditTemplateForm(forms.Form):
    definition = TemplateForm.base_fields["definition"]
    change_note = forms.CharField(max_length=300, label="What changed and why")
    number = forms.IntegerField(widget=forms.HiddenInput)
    clean_definition = TemplateForm.clean_definition


class CalibrationForm(forms.Form):
    title = forms.CharField(max_length=200)
    interactions = forms.CharField(
        label="Interactions, one per line (id, optionally a space and its recording URL)",
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    participants = forms.MultipleChoiceField(
        widget=forms.CheckboxSelectMultiple, label="Evaluators (blind: none sees another's)"
    )

    def __init__(self, *args, users=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.users = {str(u.pk): u for u in users}
        self.fields["participants"].choices = [
            (str(u.pk), f"{u.get_full_name() or u.get_username()} ({label})")
            for u, label in users_labels(users)
        ]

    def clean_interactions(self) -> list[tuple[str, str]]:
        out = []
        for n, line in enumerate(self.cleaned_data["interactions"].splitlines(), start=1):
            parts = line.split()
            if not parts:
                continue
            url = parts[1] if len(parts) > 1 else ""
            if url and not url.startswith(("https://", "http://")):
                raise forms.ValidationError(
                    f"Line {n}: the recording URL must start with https://."
                )
            out.append((parts[0], url))
        if not out:
            raise forms.ValidationError("List at least one interaction.")
        return out

    def chosen_users(self) -> list:
        return [self.users[pk] for pk in self.cleaned_data["participants"]]


def users_labels(users):
    return [(u, getattr(u, "role_label", "")) for u in users]
