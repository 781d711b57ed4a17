"""Limits a task's process sets on itself before it does anything else (Linux)."""

from __future__ import annotations

import ctypes
import ctypes.util
import os
import resource
import signal

PR_SET_PDEATHSIG = 1
# The exit status of a task process that ran out of its memory limit.
EXIT_OUT_OF_MEMORY = 75


def limit_memory(megabytes: int) -> None:
    """Cap the address space: an allocation past it raises MemoryError in Python (and
    fails in DuckDB or Arrow), instead of the machine swapping or the OOM killer choosing."""
    if megabytes > 0:
        size = megabytes * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_AS, (size, size))


def die_with_parent(parent_pid: int, sig: int = signal.SIGKILL) -> None:
    """Be sent `sig` when the parent dies (a killed worker takes its task process with it,
    so a task is never left writing after its worker is gone)."""
    name = ctypes.util.find_library("c")
    if name:
        libc = ctypes.CDLL(name, use_errno=True)
        libc.prctl(PR_SET_PDEATHSIG, int(sig), 0, 0, 0)
    if os.getppid() != parent_pid:  # the parent died before prctl took effect
        os._exit(1)
