"""govreport: 政府信息公开工作年度报告 into typed, validated data."""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .__about__ import __version__
from .errors import ReadError

if TYPE_CHECKING:
    from .pipeline import parse
    from .report import Finding, Report

__all__ = ["parse", "Report", "Finding", "ReadError", "__version__"]

# parse, Report and Finding load on first use: `govreport extract` imports the package
# before cli.py can set up its start-up (see cli.py), and the pipeline is most of it
_LAZY = {"parse": "pipeline", "Report": "report", "Finding": "report"}


def __getattr__(name: str) -> Any:
    if name not in _LAZY:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    from importlib import import_module
    value = getattr(import_module(f".{_LAZY[name]}", __name__), name)
    globals()[name] = value
    return value
