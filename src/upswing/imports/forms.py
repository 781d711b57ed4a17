"""The upload form: kind, reader, an optional source label, and the file."""

from __future__ import annotations

import re
from pathlib import Path

from django import forms

from upswing.imports import options
from upswing.ingest.adapters import ADAPTERS

SOURCE_LABEL = re.compile(r"[a-z0-9][a-z0-9_.-]{0,63}")


class UploadForm(forms.Form):
    kind = forms.ChoiceField(help_text="what the file holds")
    reader = forms.ChoiceField(
        label="Columns",
        help_text="the file's shape: Upswing's own columns, an adapter, or a mapping",
    )
    source = forms.CharField(
        required=False,
        max_length=64,
        label="Source label",
        help_text="optional, for Upswing columns: rows are matched by source + id on re-import",
    )
    file = forms.FileField()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = options.kind_choices()
        self.fields["reader"].choices = options.reader_choices()

    def clean_source(self):
        value = (self.cleaned_data.get("source") or "").strip().lower()
        if value and not SOURCE_LABEL.fullmatch(value):
            raise forms.ValidationError("use lower-case letters, digits, '.', '_' or '-'")
        if value in ADAPTERS:
            raise forms.ValidationError("that name is an adapter's; choose it under Columns")
        return value

    def clean_file(self):
        upload = self.cleaned_data["file"]
        suffix = Path(upload.name or "").suffix.lower()
        if suffix not in options.SUFFIXES:
            raise forms.ValidationError(
                f"unknown file type {suffix or '(none)'}; use .csv, .xlsx, .parquet or .jsonl "
                "(.json for adapter exports)"
            )
        if upload.size > options.max_upload_bytes():
            raise forms.ValidationError(_too_large())
        return upload

    def clean(self):
        data = super().clean()
        kind, reader = data.get("kind"), data.get("reader")
        if reader in ADAPTERS and kind and kind not in ADAPTERS[reader].kinds:
            self.add_error(
                "reader",
                f"the {reader} adapter reads {', '.join(sorted(ADAPTERS[reader].kinds))}, "
                f"not {kind}",
            )
        return data


def _too_large() -> str:
    from django.conf import settings

    return f"the file is larger than the {settings.UPSWING_MAX_UPLOAD_MB} MB upload limit"
