"""Tesseract in process (ocr_engine) reads exactly what the `tesseract` command reads.

The images are drawn here with the CJK font the OCR tests use; skipped when tesseract
(with chi_sim and eng) or the font is absent.
"""
from __future__ import annotations

import os
import subprocess
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from conftest import need_tool
from govreport.errors import ReadError

FONT = Path("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc")


@pytest.fixture(scope="module")
def engine():
    need_tool("tesseract")
    if not FONT.exists():
        pytest.skip("fonts-wqy-zenhei is not installed")
    from govreport.readers import ocr_engine
    if ocr_engine.available_languages(["chi_sim", "eng"]) != ["chi_sim", "eng"]:
        pytest.skip("tesseract lacks chi_sim or eng")
    return ocr_engine


def _image(lines: list[str], size: int = 40):
    from PIL import Image, ImageDraw, ImageFont
    font = ImageFont.truetype(str(FONT), size)
    im = Image.new("L", (30 + size * max(map(len, lines)), 30 + int(1.6 * size) * len(lines)), 255)
    draw = ImageDraw.Draw(im)
    for i, line in enumerate(lines):
        draw.text((15, 15 + int(1.6 * size) * i), line, font=font, fill=0)
    return im


def _command(image, tmp_path: Path, lang: str, psm: str, whitelist: str | None = None) -> str:
    path = tmp_path / "image.png"
    image.save(path)
    extra = ["-c", f"tessedit_char_whitelist={whitelist}"] if whitelist else []
    out = subprocess.run(["tesseract", str(path), "stdout", "-l", lang, "--psm", psm, *extra, "tsv"],
                         capture_output=True, text=True, check=True, env=dict(os.environ, OMP_THREAD_LIMIT="1"))
    return "\n".join(out.stdout.splitlines()[1:])       # the command adds a header line


PAGE = ["二、主动公开政府信息情况", "规章 1 0 11", "行政许可 447228", "收费金额 96171.6"]


def test_same_tsv_as_the_command(engine, tmp_path):
    page = _image(PAGE)
    cell = _image(["8860"], 30)
    late = time.monotonic() + 60
    # the digits-only look, then a plain one on the same handle: no setting carries over
    assert engine.tsv(cell, "eng", "7", late, "0123456789.-").strip() == \
        _command(cell, tmp_path, "eng", "7", "0123456789.-").strip()
    assert engine.tsv(page, "eng", "6", late).strip() == _command(page, tmp_path, "eng", "6").strip()
    ours = engine.tsv(page, "chi_sim", "6", late)
    assert ours.strip() == _command(page, tmp_path, "chi_sim", "6").strip()
    assert "447228" in ours and "96171.6" in ours


def test_threads_read_alike(engine):
    """Pages OCR'd at once each get their own handle: the same words as one by one."""
    images = [_image(PAGE[:k + 1]) for k in range(len(PAGE))]
    late = time.monotonic() + 120
    alone = [engine.tsv(im, "chi_sim", "6", late) for im in images]
    with ThreadPoolExecutor(3) as pool:
        together = list(pool.map(lambda im: engine.tsv(im, "chi_sim", "6", late), images))
    assert together == alone


def test_deadline_and_missing_language_are_read_errors(engine):
    with pytest.raises(ReadError, match="ran out of time"):
        engine.tsv(_image(PAGE), "chi_sim", "6", time.monotonic() - 1)
    assert engine.available_languages(["chi_sim", "no_such_lang"]) == ["chi_sim"]
    with pytest.raises(ReadError, match="no data for no_such_lang") as e:
        engine.tsv(_image(PAGE), "no_such_lang", "6", time.monotonic() + 60)
    assert "tesseract-ocr" in e.value.hint


def test_pages_are_read_on_every_core_by_default(engine, monkeypatch):
    """jobs=0 (the default): a page per usable core at once, each page's words where they were."""
    import io
    import threading
    import govreport.readers.pdf_ocr as pdf_ocr
    from govreport.readers import ReadOptions, read_document
    from PIL import Image
    pages = []
    for n in range(1, 4):                           # A4 at 200 dpi, a line of text on it
        page = Image.new("L", (1654, 2339), 255)
        page.paste(_image([f"第{n}页 收到申请 {n}1{n} 件"], 32), (200, 300))
        pages.append(page)
    buf = io.BytesIO()
    pages[0].save(buf, "PDF", save_all=True, append_images=pages[1:], resolution=200)
    threads: set[int] = set()
    run = engine.tsv

    def noted(*args, **kw):
        threads.add(threading.get_ident())
        return run(*args, **kw)
    monkeypatch.setattr(engine, "tsv", noted)
    monkeypatch.setattr(pdf_ocr, "usable_cpus", lambda: 2)
    doc = read_document(buf.getvalue(), ReadOptions(ocr=True))
    assert len(threads) == 2
    text = "".join(b.text for b in doc.blocks if hasattr(b, "text")).replace(" ", "")
    assert [text.find(f"{n}1{n}") >= 0 for n in range(1, 4)] == [True] * 3, text
    assert text.find("111") < text.find("212") < text.find("313")
