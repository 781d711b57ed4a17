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
    time_zone = forms.CharField(
        required=False,
        max_length=64,
        label="Time zone",
        help_text="roster: the IANA zone (e.g. Europe/Lisbon) of programs the file gives none for",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = options.kind_choices()
        self.fields["reader"].choices = options.reader_choices()

    def clean_time_zone(self):
        return clean_zone(self.cleaned_data.get("time_zone"))

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


def clean_zone(value: str | None) -> str:
    import zoneinfo

    value = (value or "").strip()
    if not value:
        return ""
    try:
        zoneinfo.ZoneInfo(value)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        raise forms.ValidationError("not an IANA time zone (e.g. Europe/Lisbon)") from None
    return value


class MappingForm(forms.Form):
    """The mapping editor: a sample of an export, the kind, and the mapping to try (empty:
    one is proposed from the sample)."""

    kind = forms.ChoiceField(help_text="what the file holds")
    file = forms.FileField(label="Sample file", help_text="an export; only its first rows are read")
    mapping = forms.CharField(
        required=False,
        label="Mapping (TOML)",
        widget=forms.Textarea(attrs={"rows": 18, "spellcheck": "false", "class": "code"}),
        help_text="leave empty to have one proposed from the sample; see docs/import.md",
        max_length=50_000,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = options.kind_choices()

    def clean_file(self):
        upload = self.cleaned_data["file"]
        suffix = Path(upload.name or "").suffix.lower()
        if suffix not in options.SUFFIXES - {".json"}:
            raise forms.ValidationError(
                f"unknown file type {suffix or '(none)'}; use .csv, .xlsx, .parquet or .jsonl"
            )
        if upload.size > options.max_upload_bytes():
            raise forms.ValidationError(_too_large())
        return upload


def _too_large() -> str:
    from django.conf import settings

    return f"the file is larger than the {settings.UPSWING_MAX_UPLOAD_MB} MB upload limit"
