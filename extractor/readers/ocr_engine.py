"""Tesseract run inside this process, through its C API (libtesseract, which the apt
package tesseract-ocr installs with the command).

Why not the `tesseract` command: a scanned page takes several tesseract runs (the page,
then its cells read again several ways), and each run of the command starts a process,
loads its language model (0.1-0.3 s) and reads a PNG we had to write. Here a model is
loaded once per process and kept (one handle per language and per thread using it at
that moment), and images go in as raw grey bytes. The output is the command's TSV, the
same bytes (tesseract's LSTM models keep no state from one image to the next).
"""
from __future__ import annotations

import ctypes
import ctypes.util
import os
import threading
import time
from collections import defaultdict

from PIL import Image

from ..errors import ReadError

__all__ = ["available_languages", "tsv"]

_INSTALL = "install the apt packages tesseract-ocr and tesseract-ocr-chi-sim"
_lock = threading.RLock()          # guards the state below, and tesseract's globals (debug_file)
_lib: ctypes.CDLL | None = None
_free: dict[str, list[int]] = defaultdict(list)      # language -> idle API handles
_pid = 0                                             # the process the handles belong to


def find_library() -> str | None:
    """The shared library's name or path; None when tesseract is not installed."""
    return ctypes.util.find_library("tesseract")


def _load() -> ctypes.CDLL:
    with _lock:
        return _lib or _open()


def _open() -> ctypes.CDLL:
    global _lib
    name = find_library()
    if not name:
        raise ReadError("OCR asked for, but tesseract is not installed", _INSTALL)
    # tesseract's OpenMP threads make a page 3-6 times slower on 2 cores, and pages read
    # in parallel would fight over them: one thread each. libgomp reads the variable
    # when it is loaded, with libtesseract; the caller's own setting is put back after.
    before = os.environ.get("OMP_THREAD_LIMIT")
    os.environ["OMP_THREAD_LIMIT"] = "1"
    try:
        lib = ctypes.CDLL(name)
    except OSError as e:
        raise ReadError(f"OCR asked for, but tesseract's library does not load: {e}",
                        "reinstall the apt packages tesseract-ocr and tesseract-ocr-chi-sim") from None
    finally:
        if before is None:
            del os.environ["OMP_THREAD_LIMIT"]
        else:
            os.environ["OMP_THREAD_LIMIT"] = before
    p, s, i = ctypes.c_void_p, ctypes.c_char_p, ctypes.c_int
    for fn, args, res in (
            ("TessBaseAPICreate", [], p), ("TessBaseAPIDelete", [p], None),
            ("TessBaseAPIInit3", [p, s, s], i), ("TessBaseAPISetVariable", [p, s, s], i),
            ("TessBaseAPISetPageSegMode", [p, i], None),
            ("TessBaseAPISetImage", [p, s, i, i, i, i], None),
            ("TessBaseAPIRecognize", [p, p], i), ("TessBaseAPIGetTsvText", [p, i], p),
            ("TessBaseAPIClear", [p], None), ("TessDeleteText", [p], None),
            ("TessMonitorCreate", [], p), ("TessMonitorDelete", [p], None),
            ("TessMonitorSetDeadlineMSecs", [p, i], None)):
        f = getattr(lib, fn)
        f.argtypes, f.restype = args, res
    _lib = lib
    return lib


def _handle(lang: str) -> int | None:
    """An idle handle with `lang` loaded (a new one when all are busy); None when
    tesseract has no data for `lang`."""
    global _pid
    with _lock:
        lib = _load()
        if _pid != os.getpid():            # forked: the parent's handles are not ours to use
            _free.clear()
            _pid = os.getpid()
        if _free[lang]:
            return _free[lang].pop()
        # created under the lock: debug_file is one variable for all handles (and a
        # model loads in ~0.1 s, once a process)
        h = lib.TessBaseAPICreate()
        # tesseract prints its own complaints (a missing language file) on stderr: we say it in one line
        lib.TessBaseAPISetVariable(h, b"debug_file", os.devnull.encode())
        if lib.TessBaseAPIInit3(h, None, lang.encode()) != 0:
            lib.TessBaseAPIDelete(h)
            return None
        return h


def _give_back(lang: str, h: int) -> None:
    with _lock:
        if _pid == os.getpid():
            _free[lang].append(h)


def available_languages(langs: list[str]) -> list[str]:
    """Those of `langs` tesseract can read (raises ReadError when tesseract is not installed)."""
    out = []
    for lang in langs:
        h = _handle(lang)
        if h is not None:
            _give_back(lang, h)
            out.append(lang)
    return out


def tsv(image: Image.Image, lang: str, psm: str, deadline: float, whitelist: str | None = None) -> str:
    """tesseract's TSV for a grey image, as `tesseract IMAGE stdout -l LANG --psm PSM
    [-c tessedit_char_whitelist=…] tsv` prints it; ReadError when `deadline` (monotonic
    clock) passes first."""
    left_ms = int((deadline - time.monotonic()) * 1000)
    if left_ms <= 0:
        raise ReadError("OCR ran out of time", "raise --timeout, or OCR fewer pages")
    lib = _load()
    h = _handle(lang)
    if h is None:
        raise ReadError(f"OCR asked for, but tesseract has no data for {lang}", _INSTALL)
    grey = image if image.mode == "L" else image.convert("L")
    monitor = lib.TessMonitorCreate()
    try:
        lib.TessBaseAPISetPageSegMode(h, int(psm))
        lib.TessBaseAPISetVariable(h, b"tessedit_char_whitelist", (whitelist or "").encode())
        lib.TessBaseAPISetImage(h, grey.tobytes(), grey.width, grey.height, 1, grey.width)
        lib.TessMonitorSetDeadlineMSecs(monitor, left_ms)
        if lib.TessBaseAPIRecognize(h, monitor) != 0:
            raise ReadError("OCR ran out of time", "raise --timeout, or OCR fewer pages")
        text = lib.TessBaseAPIGetTsvText(h, 0)
        try:
            return ctypes.string_at(text).decode("utf-8", "replace") if text else ""
        finally:
            lib.TessDeleteText(text)
    finally:
        lib.TessMonitorDelete(monitor)
        lib.TessBaseAPIClear(h)
        _give_back(lang, h)
