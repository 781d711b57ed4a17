"""Bulk work in one process: many small records built, hashed and written at once."""

from __future__ import annotations

import contextlib
import gc
from collections.abc import Callable, Iterator
from typing import Any

import numpy as np
import pandas as pd


@contextlib.contextmanager
def collector_paused() -> Iterator[None]:
    """Python's cycle collector off while a bulk step builds many short-lived records (rows,
    dicts of field changes) that form no cycles: each collection otherwise walks every live
    object again, and tens of thousands of new records start one every few hundred of them
    (about a quarter of a 20,000-agent roster import). Their memory is freed as usual, by
    reference counting; the collector is back on when the step ends, however it ends."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


@contextlib.contextmanager
def heap_frozen() -> Iterator[None]:
    """The objects alive before a long step (the process's modules, Django, Ibis, pandas:
    hundreds of thousands) out of the cycle collector's reach while it runs
    (`gc.freeze`): its collections then walk what the step makes, not the whole process
    again (about a tenth of a second of a night's refresh). Cycles the step makes are still
    collected; the frozen objects go back to the collector when the step ends."""
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()


def per_distinct(column: pd.Series, of: Callable[[Any], Any], dtype: Any = object) -> np.ndarray:
    """`of(value)` for every row of a column, worked out once per distinct value (a few
    metrics or periods over hundreds of thousands of rows; mapping each row costs a Python
    lookup per row)."""
    rows, distinct = pd.factorize(column, use_na_sentinel=False)
    return np.array([of(value) for value in distinct], dtype=dtype)[rows]
