"""Pull connectors: fetch what changed in a helpdesk since a stored cursor and import it
through the same adapters and validation as an uploaded export (upswing.ingest.adapters).
"""
