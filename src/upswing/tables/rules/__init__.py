"""Pure rules of the table layer: reading a table's state from the URL, sorting, filtering and
paging rows, neutralising export cells, date ranges and previous-period deltas.

No Django, no Ibis, no I/O (an import-linter contract keeps it so).
"""
