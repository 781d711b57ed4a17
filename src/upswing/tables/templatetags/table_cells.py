"""`{% cell table "metric" row %}`: a column's words for one row, as the export writes them;
`{{ row.delta|delta }}`: a change from the period before (`tables.markup`)."""

from django import template

from upswing.tables.markup import delta_markup

register = template.Library()


@register.simple_tag
def cell(table, key: str, row) -> str:
    column = table.spec.column(key)
    return column.text_of(row) if column is not None else ""


register.filter("delta", delta_markup)
