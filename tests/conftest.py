"""Shared test helpers: where the real documents live, and skipping when they are absent."""
from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest

from worktree import use_working_tree

use_working_tree()      # `import govreport` (here and in subprocesses) is this tree's extractor/

REPO = Path(__file__).resolve().parent.parent
# ../shared beside the checkout; GOVREPORT_SHARED points elsewhere (e.g. from a git worktree)
SHARED = Path(os.environ.get("GOVREPORT_SHARED") or REPO.parent / "shared")


def shared_file(rel: str) -> Path:
    """A file under ../shared, or skip the test cleanly when it is not there."""
    p = SHARED / rel
    if not p.exists():
        pytest.skip(f"../shared/{rel} not present (real documents are not shipped with the repo)")
    return p


def truth(name: str) -> dict:
    return json.loads(shared_file(f"truth/{name}.json").read_text(encoding="utf-8"))


def need_tool(name: str) -> str:
    path = shutil.which(name)
    if not path:
        pytest.skip(f"{name} is not installed")
    return path
