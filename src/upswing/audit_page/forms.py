"""The audit trail's filter form (GET): actor, action or action prefix, object, date range."""

from __future__ import annotations

from django import forms

from upswing.audit.queries import AuditFilter


class AuditFilterForm(forms.Form):
    actor = forms.CharField(required=False, max_length=150, help_text="user name, or cli/system")
    action = forms.CharField(
        required=False, max_length=100, help_text='exact ("plan.approve") or a prefix ("plan.")'
    )
    object_type = forms.CharField(required=False, max_length=100, label="Object type")
    object_id = forms.CharField(required=False, max_length=100, label="Object id")
    since = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}))
    until = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def clean(self):
        data = super().clean()
        since, until = data.get("since"), data.get("until")
        if since and until and until < since:
            self.add_error("until", "the end is before the start")
        return data

    def to_filter(self) -> AuditFilter:
        d = self.cleaned_data
        return AuditFilter(
            actor_label=d["actor"].strip(),
            action=d["action"].strip(),
            object_type=d["object_type"].strip(),
            object_id=d["object_id"].strip(),
            since=d["since"],
            until=d["until"],
        )
