"""Upswing: fair, evidence-based performance management for contact centers."""

__version__ = "0.1.0"
