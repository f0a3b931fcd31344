"""One document's allowance of search work, shared by every search that reads it.

The searches that can blow up on odd input (splitting fused digit runs, settling rows
against the table's arithmetic, aligning cells) each count their steps here instead
of keeping a cap of their own per call: a document with a hundred hard rows then costs
one budget, not a hundred. Counting steps, not seconds, keeps results deterministic;
the optional deadline is a safety net for a caller that must answer in time.

When the budget runs out the search raises Spent; the caller leaves the cells involved
null and names them in a finding (see `spent_finding`). Cached results are charged
what they cost when computed, so a batch reads a document the same whatever it read
before.
"""
from __future__ import annotations

import time

DEFAULT_NODES = 200_000       # the real reports in ../shared take at most ~1,500 steps


class Spent(Exception):
    """The document's search budget ran out."""


class Budget:
    """Search steps (and optionally seconds) one document may still use."""

    __slots__ = ("nodes", "used", "deadline", "spent_at")

    def __init__(self, nodes: int = DEFAULT_NODES, seconds: float | None = None):
        self.nodes = nodes
        self.used = 0
        self.deadline = time.monotonic() + seconds if seconds else None
        self.spent_at: list[str] = []      # where it ran out (row ids), for the finding

    @property
    def left(self) -> int:
        return max(0, self.nodes - self.used)

    def spend(self, n: int = 1) -> None:
        """Charge n steps; Spent when the budget (or the deadline) is exceeded."""
        self.used += n
        if self.used > self.nodes:
            self.used = self.nodes
            raise Spent
        if self.deadline is not None and time.monotonic() > self.deadline:
            self.used = self.nodes
            raise Spent


def unlimited() -> Budget:
    """For callers outside a parse (tests of one search): a budget that never runs out."""
    return Budget(nodes=1 << 62)
