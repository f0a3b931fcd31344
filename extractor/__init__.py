"""govreport: 政府信息公开工作年度报告 into typed, validated data."""
from .__about__ import __version__
from .errors import ReadError
from .pipeline import parse
from .report import Finding, Report

__all__ = ["parse", "Report", "Finding", "ReadError", "__version__"]
