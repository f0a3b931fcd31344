"""The typed record of one report: the contract of our JSON, CSV and SQLite outputs."""
from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

Severity = Literal["error", "warning", "info"]
Number = int | float


class Source(BaseModel):
    path: str | None = Field(None, description="Path of the file as given, or null for stdin/bytes")
    format: str = Field(description="Format detected from the content: html, text, markdown, pdf, docx, doc, ...")
    sha256: str = Field(description="SHA-256 of the bytes read")


class CellOrigin(BaseModel):
    format: str
    page: int | None = None
    table: int | None = None
    row: int | None = None
    col: int | None = None
    ocr: bool = False


class CellValue(BaseModel):
    value: Number | None = Field(description="The number, or null when it could not be read")
    raw: str | None = Field(None, description="The printed text the value was read from")
    blank: bool = Field(False, description="Printed blank, dash or 无 and read as 0")
    origin: CellOrigin | None = None
    split: str | None = Field(None, description="How a fused digit run was split: 'unique', 'arithmetic' or 'prose'")
    uncertain: str | None = Field(
        None, description="Why the reader is not sure of this value (e.g. 'ocr': read by OCR, not confirmed); "
                          "an arithmetic rule over such a cell is a warning, not an error about the document")


class Finding(BaseModel):
    rule: str = Field(description="Rule id from rules.md (T3-BALANCE, MISSING-ROW, ...)")
    severity: Severity
    where: str = Field(description="Column, row, group, table or part id the rule was evaluated on")
    message: str = Field(description="What is wrong, in Chinese")
    expected: Number | str | None = None
    actual: Number | str | None = None
    keys: list[str] = Field(default_factory=list, description="Canonical keys of the cells involved")


class Part(BaseModel):
    number: int = Field(description="1..6, the template's part")
    title: str = Field(description="The heading as printed")
    printed_number: str | None = Field(None, description="The numeral printed before the heading, if any")
    text: str = Field(description="The part's prose (tables excluded)")


class Link(BaseModel):
    text: str
    url: str


class Report(BaseModel):
    source: Source
    organization: str | None = None
    year: int | None = None
    edition: Literal["2019", "2021", "pre2019"] | None = Field(
        None, description="Template edition; pre2019 = free-form report with no template tables; null = not a report")
    parts: list[Part] = Field(default_factory=list)
    values: dict[str, Number | None] = Field(
        default_factory=dict, description="Every canonical key of the edition (fields.tsv) -> number, null if unread")
    cells: dict[str, CellValue] = Field(default_factory=dict)
    findings: list[Finding] = Field(default_factory=list)
    attachments: list[Link] = Field(default_factory=list, description="Report attachments a portal page links to")
    parser_version: str

    @property
    def errors(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == "error"]
