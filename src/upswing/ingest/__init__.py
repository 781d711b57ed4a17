"""Import of exports into Upswing: readers, column mappings, adapters, validation, upsert."""
