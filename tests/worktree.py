"""Import `govreport` from this working tree, not from an installed copy.

The repo keeps the package source in extractor/ (installed as `govreport`, see
pyproject.toml). A directory holding one symlink `govreport -> extractor` goes first on
sys.path and on PYTHONPATH, so tests, their subprocesses (`python -m govreport`, batch
workers) and the benchmarks all run the code of this tree even after `pip install .`.
"""
from __future__ import annotations

import os
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
IMPORT_DIR = REPO / "build" / "worktree-import"     # build/ is git-ignored


def use_working_tree() -> Path:
    link = IMPORT_DIR / "govreport"
    if not link.is_symlink():
        IMPORT_DIR.mkdir(parents=True, exist_ok=True)
        try:
            link.symlink_to(REPO / "extractor", target_is_directory=True)
        except FileExistsError:                       # another process made it first
            pass
    entry = str(IMPORT_DIR)
    if entry not in sys.path:
        sys.path.insert(0, entry)
    paths = os.environ.get("PYTHONPATH", "").split(os.pathsep)
    if entry not in paths:
        os.environ["PYTHONPATH"] = os.pathsep.join(filter(None, [entry, *paths]))
    if "govreport" in sys.modules and not Path(sys.modules["govreport"].__file__).absolute().is_relative_to(IMPORT_DIR):
        raise RuntimeError("govreport was imported from an installed copy before the working tree was put first")
    return IMPORT_DIR
