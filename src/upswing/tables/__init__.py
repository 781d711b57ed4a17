"""Find and compare: search, sortable and filterable tables kept in the URL, exports."""
