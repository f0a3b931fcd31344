"""How many CPU cores this process may use (the default for parallel work)."""
from __future__ import annotations

import os


def usable_cpus() -> int:
    """Cores this process may run on (its affinity mask, e.g. a container's quota), at least 1."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:                  # macOS, Windows: no affinity masks
        return max(1, os.cpu_count() or 1)
