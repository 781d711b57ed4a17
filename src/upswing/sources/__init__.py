"""Sources read in place: tables or views already in the warehouse, mapped to facts and read
by watermark on each refresh (docs/sources.md)."""
