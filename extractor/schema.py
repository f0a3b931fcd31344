"""The JSON Schema of `govreport extract --format json` output: the Report model's, with
its identity and every cell key described by its Chinese label from the grammars."""
from __future__ import annotations

from .__about__ import __version__
from .fields import labels
from .report import Report

DIALECT = "https://json-schema.org/draft/2020-12/schema"


def report_schema() -> dict:
    schema = Report.model_json_schema()
    values = schema["properties"]["values"]
    item = values["additionalProperties"]
    values["properties"] = {key: {**item, "description": label} for key, label in labels().items()}
    return {
        "$schema": DIALECT,
        "$id": f"urn:govreport:report:{__version__}",
        "description": "One 政府信息公开工作年度报告 read by govreport: its parts, every cell of tables 二, 三 "
                       "and 四 under a canonical key, and the findings.",
        **schema,
    }
