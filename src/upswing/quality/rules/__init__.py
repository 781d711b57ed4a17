"""Pure rules of the quality loop: scorecards, sampling, calibration, leniency, signals.

No Django, no Ibis, no I/O: frozen dataclasses in, frozen dataclasses out.
"""
