"""Older and other office formats: .doc .wps .rtf .odt via LibreOffice, .xls/.xlsx as tables.

Text documents are converted to DOCX by LibreOffice headless and read by the docx
reader; spreadsheets become XLSX and are read with openpyxl (an .xlsx is read
directly). Each conversion gets its own profile directory (two soffice processes on
one profile: the second exits silently), its own temp dir, and a time limit.
"""
from __future__ import annotations

import datetime as _dt
import io
import os
import shutil
import subprocess
import tempfile
import uuid
import warnings
from pathlib import Path

from ..errors import ReadError
from ..formats import FORMATS, OFFICE_FORMATS
from ..lifetime import guarded, kill_tree
from ..model import Cell, Document, Origin, Paragraph, ReaderNote, Table
from ..normalize import clean_cell, clean_text, is_value_text
from ..safety import OLE_MAGIC, check_office_zip, ole_is_encrypted_ooxml
from . import detect_format
from . import docx as docx_reader
from .rtf_check import check_rtf

MAX_COLS, MAX_CELLS = 500, 300_000      # a report sheet is far smaller; clip runaway extents


def read(data: bytes, options) -> Document:
    """Read .doc/.wps/.rtf/.odt/.xls/.xlsx bytes; Document.format keeps the original format."""
    fmt = detect_format(data, getattr(options, "filename", None))
    if fmt not in OFFICE_FORMATS:
        fmt = "doc"
    if ole_is_encrypted_ooxml(data):
        raise ReadError("the document is password-protected (encrypted)",
                        "remove the password in Word/WPS/Excel and save it again")
    if FORMATS[fmt].office_target == fmt:            # .xlsx: no conversion
        return read_xlsx(data, fmt)
    if data.startswith(OLE_MAGIC):
        fmt = _ole_kind(data, fmt)
    if fmt == "rtf":
        check_rtf(data, options.limits)
    if data.startswith(b"PK\x03\x04"):               # .odt (or a zip-based .wps): refuse bombs first
        check_office_zip(data, fmt.upper())
    timeout = float(getattr(options, "max_seconds", 120.0) or 120.0)
    target = FORMATS[fmt].office_target
    memory_mb = options.limits.office_memory_mb
    if target == "xlsx":
        doc = read_xlsx(convert(data, fmt, target, timeout, memory_mb), fmt)
    else:
        doc = docx_reader.read(convert(data, fmt, "docx", timeout, memory_mb), options)
    if data.startswith(OLE_MAGIC) and _imported_as_text(doc):
        raise ReadError(f"LibreOffice could not read this .{fmt} file (damaged: it fell back to "
                        "importing the raw bytes as text)", "open it in Word/WPS/Excel and save it again")
    doc.format = fmt
    return doc


def _imported_as_text(doc: Document) -> bool:
    """LibreOffice loads an OLE2 file it cannot parse as plain text: the OLE2 signature
    then shows up as `ÐÏ\x11à¡±` at the start of the converted document."""
    for block in doc.blocks[:5]:
        texts = [block.text] if isinstance(block, Paragraph) else [c.raw for c in block.rows[0]]
        if any("ÐÏ" in t and "à¡±" in t for t in texts):
            return True
    return False


# the directory entry names (UTF-16LE) of each kind's main stream; "Book" is Excel 5/95
_OLE_STREAMS = {"doc": ("WordDocument",), "xls": ("Workbook", "Book")}


def _ole_kind(data: bytes, fmt: str) -> str:
    """Trust the streams over the extension (a .doc that is a workbook), and refuse an
    OLE2 file with no document stream: LibreOffice would import it as plain text."""
    def has(name: str) -> bool:
        return name.encode("utf-16-le") in data
    if fmt in _OLE_STREAMS and any(has(n) for n in _OLE_STREAMS[fmt]):
        return fmt
    for kind, strong in (("doc", "WordDocument"), ("xls", "Workbook")):   # a misnamed file
        if has(strong):
            return kind
    if fmt == "wps":                # Kingsoft's own stream layout: let LibreOffice judge
        return fmt
    what = "Word document" if fmt == "doc" else "workbook"
    raise ReadError(f"not a valid .{fmt} file: it holds no {what} stream (damaged or truncated)",
                    "open it in Word/WPS/Excel and save it again, or get the file again")


# ---------------------------------------------------------------- LibreOffice


def find_soffice() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def _has_calc(soffice: str) -> bool:
    program = Path(soffice).resolve().parent
    return any((program / lib).exists() for lib in ("libsclo.so", "libsclo.dylib", "sclo.dll")) \
        or not (program / "libswlo.so").exists()      # unknown layout: let LibreOffice decide


def convert(data: bytes, fmt: str, target: str, timeout: float = 120.0, memory_mb: int = 2048) -> bytes:
    """Convert `data` (a .`fmt` file) to `target` ("docx"/"xlsx") with LibreOffice headless."""
    soffice = find_soffice()
    spreadsheet = target == "xlsx"
    package = "libreoffice-calc-nogui" if spreadsheet else "libreoffice-writer-nogui"
    save_as = ".xlsx" if spreadsheet else ".docx"
    if not soffice:
        raise ReadError(f"reading .{fmt} needs LibreOffice (soffice), which is not installed",
                        f"install {package}, or save the file as {save_as}")
    if spreadsheet and not _has_calc(soffice):
        raise ReadError(f"reading .{fmt} needs LibreOffice Calc, which is not installed",
                        f"install {package}, or save the file as {save_as}")
    tmp = Path(tempfile.mkdtemp(prefix=f"govreport-lo-{uuid.uuid4().hex[:12]}-"))
    try:
        src = tmp / f"input.{fmt}"
        src.write_bytes(data)
        out = tmp / "out"
        cmd = [soffice, "--headless", "--norestore", "--nologo", "--nodefault", "--nolockcheck",
               f"-env:UserInstallation={(tmp / 'profile').as_uri()}",
               "--convert-to", target, "--outdir", str(out), str(src)]
        env = dict(os.environ, HOME=str(tmp))        # nothing lands in the user's real profile
        # under a guard: LibreOffice and its folder go when the time or memory limit is hit,
        # and when this process dies, however it dies (lifetime.py)
        proc = subprocess.Popen(guarded(cmd, str(tmp), timeout, memory_mb), stdin=subprocess.DEVNULL,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
        try:
            _, err = proc.communicate(timeout=timeout + 30)
        except subprocess.TimeoutExpired:              # the guard itself hangs: end it and its tree
            kill_tree(proc.pid)
            proc.communicate()
        if proc.returncode in (124, None) or proc.returncode < 0:
            raise ReadError(f"converting .{fmt} with LibreOffice took longer than {timeout:g} s",
                            f"save the file as {save_as} and try again") from None
        result = out / f"input.{target}"
        if not result.exists():
            detail = _last_line(err) or f"exit status {proc.returncode}"
            raise ReadError(f"LibreOffice could not convert this .{fmt} file ({detail})",
                            f"open it in Word/WPS and save it as {save_as}")
        return result.read_bytes()
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def _last_line(err: bytes) -> str:
    lines = [ln.strip() for ln in err.decode("utf-8", "replace").splitlines()
             if ln.strip() and "javaldx" not in ln]
    return lines[-1] if lines else ""


# ---------------------------------------------------------------- spreadsheets


def read_xlsx(data: bytes, fmt: str = "xlsx") -> Document:
    """Each sheet's non-empty regions (split at empty rows) become Tables, merges expanded."""
    check_office_zip(data, "XLSX")
    import openpyxl
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")           # openpyxl warns about unsupported extensions
            wb = openpyxl.load_workbook(io.BytesIO(data), data_only=True)
    except Exception as e:                             # openpyxl raises many types on broken files
        raise ReadError(f"not a readable XLSX file ({type(e).__name__}: {e})",
                        "open it in Excel/WPS and save it again as .xlsx") from None
    doc = Document(format=fmt)
    for ws in wb.worksheets:
        if getattr(ws, "sheet_state", "visible") != "visible":
            continue
        grid, owner = _sheet_grid(ws, doc)
        if not grid:
            continue
        if ws.title and not _default_sheet_name(ws.title):
            doc.blocks.append(Paragraph(text=clean_text(ws.title).strip()))
        for start, end in _regions(grid):
            _emit_region(grid, owner, start, end, fmt, doc)
    return doc


def _default_sheet_name(name: str) -> bool:
    s = name.strip().lower()
    return s.startswith(("sheet", "工作表")) and s.rstrip("0123456789") in ("sheet", "工作表")


def _value_text(v) -> str:
    if v is None:
        return ""
    if isinstance(v, bool):
        return "TRUE" if v else "FALSE"
    if isinstance(v, float):
        return str(int(v)) if v.is_integer() else f"{v:.12g}"
    if isinstance(v, _dt.datetime):
        return v.date().isoformat() if v.time() == _dt.time() else v.isoformat(sep=" ")
    if isinstance(v, _dt.date):
        return v.isoformat()
    return str(v)


def _sheet_grid(ws, doc: Document):
    """(rows of raw strings, {(r, c): (r0, c0)} for merged positions) over the used extent."""
    cells = getattr(ws, "_cells", None)                # only the cells present in the file
    if cells is None:
        cells = {(c.row, c.column): c for row in ws.iter_rows() for c in row}
    used = [(r, c) for (r, c), cell in cells.items() if cell.value is not None and str(cell.value).strip()]
    if not used:
        return [], {}
    height = max(r for r, _ in used)
    width = max(c for _, c in used)
    if width > MAX_COLS or height * min(width, MAX_COLS) > MAX_CELLS:
        width = min(width, MAX_COLS)
        height = min(height, MAX_CELLS // width)
        doc.notes.append(ReaderNote("SHEET-CLIPPED", "warning",
                                    f"工作表「{ws.title}」过大，只读取了前 {height} 行、{width} 列"))
    grid = [[""] * width for _ in range(height)]
    for (r, c) in used:
        if r <= height and c <= width:
            grid[r - 1][c - 1] = _value_text(cells[(r, c)].value)
    owner: dict[tuple[int, int], tuple[int, int]] = {}
    for rng in ws.merged_cells.ranges:
        r0, c0 = rng.min_row - 1, rng.min_col - 1
        if r0 >= height or c0 >= width:
            continue
        text = grid[r0][c0]
        for r in range(r0, min(rng.max_row, height)):
            for c in range(c0, min(rng.max_col, width)):
                if (r, c) != (r0, c0):
                    grid[r][c] = text
                    owner[(r, c)] = (r0, c0)
    return grid, owner


def _regions(grid: list[list[str]]):
    """(start, end) row ranges separated by fully empty rows."""
    start = None
    for r, row in enumerate(grid):
        empty = not any(v.strip() for v in row)
        if empty and start is not None:
            yield start, r
            start = None
        elif not empty and start is None:
            start = r
    if start is not None:
        yield start, len(grid)


def _single_text(row: list[str]) -> str | None:
    """The row's text when the row holds one label only (a title spread across a merge)."""
    values = {v.strip() for v in row if v.strip()}
    if len(values) != 1:
        return None
    text = values.pop()
    return None if is_value_text(text) else text


def _emit_region(grid, owner, start: int, end: int, fmt: str, doc: Document) -> None:
    # leading single-text rows are titles/headings (`四、政府信息公开行政复议…`), not table rows
    while start < end and (title := _single_text(grid[start])) is not None:
        doc.blocks.append(Paragraph(text=clean_text(title).strip()))
        start += 1
    if start >= end:
        return
    used_cols = [c for c in range(len(grid[0])) if any(grid[r][c].strip() for r in range(start, end))]
    c_first, c_last = used_cols[0], used_cols[-1] + 1
    index = len(doc.tables)
    rows = []
    for r in range(start, end):
        cells = []
        for c in range(c_first, c_last):
            raw = grid[r][c]
            src = owner.get((r, c))
            merged = None
            if src is not None and src[0] >= start and src[1] >= c_first:
                merged = (src[0] - start, src[1] - c_first)
            cells.append(Cell(raw, clean_cell(raw), Origin(fmt, None, index, r - start, c - c_first), merged))
        rows.append(cells)
    doc.blocks.append(Table(index, rows))
