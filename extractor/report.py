"""The typed record of one report: the contract of our JSON, CSV and SQLite outputs."""
# No `from __future__ import annotations`: pydantic would compile each of the ~54 annotation
# strings back into a type at import (~3 ms of a text extract's start-up); these are plain types.

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, FiniteFloat, field_validator

from .grammar import FREE_FORM, editions, is_edition

Severity = Literal["error", "warning", "info"]
Number = int | FiniteFloat        # no NaN or Infinity: our JSON stays strict


def _empty() -> list:
    """A new empty list: pydantic reads a default factory's signature, and `list`'s is read by
    tokenizing its text signature (~3 ms of a text report's start-up); a function's is at hand."""
    return []


class _Model(BaseModel):
    # Validators and serializers are built when a model is first used, not at import: a run
    # builds only the ones it needs (a text report's extract never builds Diagnosis's or DocumentRef's).
    model_config = ConfigDict(defer_build=True)


class Source(_Model):
    path: str | None = Field(None, description="Path of the file as given, or null for stdin/bytes")
    format: str = Field(description="Format detected from the content: html, text, markdown, pdf, docx, doc, ...")
    sha256: str = Field(description="SHA-256 of the bytes read")


class CellOrigin(_Model):
    format: str = Field(description="Format the cell was read from (html, pdf, docx, text, ...)")
    page: int | None = Field(None, description="PDF page, 1-based; null for formats without pages")
    table: int | None = Field(None, description="Table number in the document, 0-based; null for flattened text")
    row: int | None = Field(None, description="Row in that table (or line in flattened text), 0-based")
    col: int | None = Field(None, description="Column in that row, 0-based")
    ocr: bool = Field(False, description="Read by OCR from a scanned page: check it")


class CellValue(_Model):
    value: Number | None = Field(description="The number, or null when it could not be read")
    raw: str | None = Field(None, description="The printed text the value was read from")
    blank: bool = Field(False, description="Printed blank, dash or 无 and read as 0")
    origin: CellOrigin | None = Field(None, description="Where the value was read; null when not read from a cell")
    split: str | None = Field(None, description="How a fused digit run was split: 'unique', 'arithmetic' or 'prose'")
    uncertain: str | None = Field(
        None, description="Why the reader is not sure of this value (e.g. 'ocr': read by OCR, not confirmed); "
                          "an arithmetic rule over such a cell is a warning, not an error about the document")


class DocumentRef(_Model):
    """A document a cross-document finding involves."""
    path: str | None = Field(None, description="Path of the file as given")
    sha256: str = Field(description="SHA-256 of its bytes")
    organization: str | None = Field(None, description="The reporting body, from its title")
    year: int | None = Field(None, description="The year it reports on")


class Diagnosis(_Model):
    """The smallest set of printed cells whose change makes every failing arithmetic rule hold."""
    cells: list[str] = Field(description="Keys of the likely culprit cells (all of them are needed)")
    corrections: dict[str, Number] = Field(
        description="Per culprit key, the value that would make the rules hold (a diagnosis, never read as data)")
    kind: str = Field(description="The slip it looks like: digit-dropped, digit-added, digits-transposed, "
                                  "neighbouring-column, blank-total-block, or unexplained")
    explains: list[str] = Field(default_factory=_empty, description="The failing rules it explains, as rule@where")
    alternatives: int = Field(0, description="Other cell sets of the same size that would explain them as well")
    message: str = Field(description="The diagnosis, in Chinese")


class Finding(_Model):
    rule: str = Field(description="Rule id, upper case (T3-BALANCE, MISSING-ROW, ...; the README lists them all)")
    severity: Severity = Field(description="error: the document is wrong; warning: a reading or a prose problem; "
                                           "info: nothing to fix")
    where: str = Field(description="Column, row, group, table or part id the rule was evaluated on")
    message: str = Field(description="What is wrong, in Chinese")
    expected: Number | str | None = Field(None, description="What the rule expects (a number), null if it has none")
    actual: Number | str | None = Field(None, description="What the document prints, null if it has none")
    keys: list[str] = Field(default_factory=_empty, description="Canonical keys of the cells involved")
    id: str | None = Field(None, description="Stable fingerprint of the finding: document sha256, rule, where, keys")
    diagnosis: Diagnosis | None = Field(None, description="Arithmetic findings: the printed cells likely to blame")
    sentence: str | None = Field(None, description="PROSE-TABLE: the sentence of the prose that states the figure")
    part: int | None = Field(None, description="PROSE-TABLE: the part (1..6) the sentence is in")
    documents: list[DocumentRef] = Field(default_factory=_empty,
                                         description="Cross-document findings (X-*): the documents and years involved")


class Part(_Model):
    number: int = Field(description="1..6, the template's part")
    title: str = Field(description="The heading as printed; the template's title when found by content")
    printed_number: str | None = Field(None, description="The numeral printed before the heading, if any")
    text: str = Field(description="The part's prose (tables excluded); empty when found by content")
    found: Literal["heading", "content"] = Field(
        "heading", description="How the part was found: by its heading, or (no template heading printed) "
                               "by its content: its table read, its prose (总体情况 before the tables, "
                               "问题…改进, 信息处理费…)")


class Link(_Model):
    text: str = Field(description="The link's text as printed")
    url: str = Field(description="The link's target, resolved against the page's URL when one was given")


class Report(_Model):
    source: Source = Field(description="The file read")
    organization: str | None = Field(None, description="The reporting body, from the report's title")
    year: int | None = Field(None, description="The year reported on, from the title")
    edition: str | None = Field(
        None, description=f"Template edition (a grammar's id); {FREE_FORM} = free-form report with no template "
                          "tables; null = not a report")
    parts: list[Part] = Field(default_factory=_empty, description="The six parts (一 … 六) found, in order")
    values: dict[str, Number | None] = Field(
        default_factory=dict, description="Every canonical key of the edition (`govreport fields` lists them) -> "
                                          "number, null if it could not be read (a finding says why)")
    cells: dict[str, CellValue] = Field(default_factory=dict, description="Per key: the value with what was "
                                                                         "printed and where it was read")
    findings: list[Finding] = Field(default_factory=_empty, description="Consistency-rule violations and reading "
                                                                     "problems")
    attachments: list[Link] = Field(default_factory=_empty, description="Report attachments a portal page links to")
    parser_version: str = Field(description="The govreport version that read the file")

    @field_validator("edition")
    @classmethod
    def _known_edition(cls, v: str | None) -> str | None:
        if not is_edition(v):
            raise ValueError(f"unknown edition {v!r}: the grammars define {', '.join(editions())}")
        return v

    @property
    def errors(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == "error"]
