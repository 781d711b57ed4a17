"""The analytics warehouse: large append-mostly facts, reached through Ibis (no Django here)."""
