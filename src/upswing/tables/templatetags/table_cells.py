"""`{% cell table "metric" row %}`: a column's words for one row, as the export writes them."""

from django import template

register = template.Library()


@register.simple_tag
def cell(table, key: str, row) -> str:
    column = table.spec.column(key)
    return column.text_of(row) if column is not None else ""
