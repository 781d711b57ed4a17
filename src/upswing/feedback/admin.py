"""Feedback in the Django admin. Templates are configuration (edited, audited); cycles,
nominations and completions are read-only. Anonymous sheets and notes have no admin page:
their words reach people only through the thresholds of `result_rules.summarise`."""

from __future__ import annotations

from django import forms
from django.contrib import admin

from upswing.audit.admin import AuditedModelAdmin, ReadOnlyModelAdmin
from upswing.feedback import rules
from upswing.feedback.models import Completion, Cycle, Nomination, QuestionTemplate
from upswing.feedback.rules import questions as question_rules


class TemplateForm(forms.ModelForm):
    class Meta:
        model = QuestionTemplate
        fields = ["name", "questions"]

    def clean_questions(self):
        data = self.cleaned_data["questions"]
        try:
            question_rules.parse_questions(data)
        except rules.FeedbackRuleError as exc:
            raise forms.ValidationError(str(exc)) from None
        return data


@admin.register(QuestionTemplate)
class QuestionTemplateAdmin(AuditedModelAdmin):
    form = TemplateForm
    list_display = ("name", "created_at")


@admin.register(Cycle)
class CycleAdmin(ReadOnlyModelAdmin):
    list_display = ("name", "team", "state", "due_on", "closed_on")
    list_filter = ("state",)


@admin.register(Nomination)
class NominationAdmin(ReadOnlyModelAdmin):
    list_display = ("subject", "rater", "group", "status")
    list_filter = ("group", "status")


@admin.register(Completion)
class CompletionAdmin(ReadOnlyModelAdmin):
    list_display = ("subject", "rater", "completed_on")
