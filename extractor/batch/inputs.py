"""Turn the batch's INPUT arguments into the list of files to read.

An input is a file, a folder (walked recursively), a glob (`'portal/**/*.pdf'`),
`@list.txt` (one input per line) or `-` (inputs on stdin, one per line); a list line
may carry the page's URL after a tab (`page.html<TAB>https://…`). Files
named explicitly are always read, whatever they are. In folder walks and globs,
files that are clearly not documents (images, JSON, spreadsheets of our own
exports, archives, our database...) are skipped and counted; files with an
unknown extension are sniffed: their content decides (extractor.readers.detect_format).
"""
from __future__ import annotations

import glob
import os
import sys
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from ..formats import BY_EXTENSION, FORMATS
from ..readers import detect_format

# extensions a report can come in: read without sniffing
DOCUMENT_EXTENSIONS = set(BY_EXTENSION)
# extensions that are clearly not reports: skipped in walks, counted in the summary
# (.bin, .tmp, .part… are not here: downloads saved under them are sniffed like any unknown)
NOT_DOCUMENT_EXTENSIONS = {
    ".png", ".jpg", ".jpeg", ".gif", ".bmp", ".tif", ".tiff", ".webp", ".svg", ".ico", ".heic",
    ".json", ".jsonl", ".ndjson", ".tsv", ".csv", ".xml", ".yaml", ".yml", ".toml", ".ini", ".cfg",
    ".sqlite", ".sqlite3", ".db", ".db-wal", ".db-shm", ".sqlite-wal", ".sqlite-shm", ".wal", ".shm",
    ".zip", ".gz", ".tgz", ".bz2", ".xz", ".7z", ".rar", ".tar", ".zst",
    ".exe", ".dll", ".so", ".dylib", ".class", ".jar", ".pyc",
    ".py", ".js", ".mjs", ".css", ".map", ".sh", ".bat",
    ".woff", ".woff2", ".ttf", ".otf", ".eot",
    ".mp3", ".mp4", ".wav", ".avi", ".mov", ".flv", ".webm", ".m4a", ".ogg",
    ".log", ".lock", ".pkl", ".pickle", ".parquet", ".npy",
}
# detect_format results that are documents (the rest: empty, binary, zip)
DOCUMENT_FORMATS = set(FORMATS)


@dataclass
class Inputs:
    files: list[str] = field(default_factory=list)             # to read, in input order, no duplicates
    skipped: Counter = field(default_factory=Counter)          # reason -> count (walks and globs only)
    missing: list[str] = field(default_factory=list)           # inputs that match nothing
    urls: dict[str, str] = field(default_factory=dict)         # file -> the URL it was downloaded from

    @property
    def n_skipped(self) -> int:
        return sum(self.skipped.values())


def _skip_reason(path: Path, exclude: set[str]) -> str | None:
    """Why a file met in a walk is not a document, or None to read it."""
    name = path.name
    if name.startswith(".") or name.startswith("~$"):        # hidden files, Office lock files
        return "hidden or lock file"
    try:
        if str(path.resolve()) in exclude:
            return "the batch's own database"
    except OSError:
        pass
    ext = path.suffix.lower()
    if ext in DOCUMENT_EXTENSIONS:
        return None
    if ext in NOT_DOCUMENT_EXTENSIONS:
        return f"not a document ({ext})"
    try:                                                     # unknown extension: look inside
        with open(path, "rb") as f:
            head = f.read(65536)
    except OSError:
        return None                                          # let the worker report why
    fmt = detect_format(head, name)
    if fmt in DOCUMENT_FORMATS:
        return None
    if fmt == "empty":
        return None                                          # an empty download is worth reporting
    return f"not a document ({fmt} content)"


def _walk(folder: Path, skipped: Counter):
    def unreadable(err: OSError) -> None:         # a folder we may not list: count it, go on
        skipped["folder that cannot be listed"] += 1

    for root, dirs, files in os.walk(folder, onerror=unreadable):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for name in sorted(files):
            yield Path(root) / name


def _read_list(lines) -> list[tuple[str, str | None]]:
    """Entries of a list (@file or stdin): `path` or `path<TAB>url` per line; # comments.

    Relative paths are relative to the working directory, like `find`'s output. The URL
    (a scraper knows where it downloaded each page from) resolves the page's attachment
    links.
    """
    out = []
    for line in lines:
        line = line.rstrip("\r\n").lstrip("\ufeff")
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        path, _, url = line.partition("\t")
        url = url.strip()
        out.append((path.strip(), url if url.lower().startswith(("http://", "https://")) else None))
    return out


def collect(args: list[str], *, exclude: Sequence[str | Path] = (), stdin=None) -> Inputs:
    """Expand INPUT arguments into files to read (see module doc)."""
    result = Inputs()
    seen: set[str] = set()
    excluded = set()
    for p in exclude:
        for suffix in ("", "-wal", "-shm", "-journal"):
            excluded.add(str(Path(f"{p}{suffix}").resolve()))

    def add(path: Path, walked: bool, url: str | None = None) -> None:
        if walked:
            reason = _skip_reason(path, excluded)
            if reason:
                result.skipped[reason] += 1
                return
        key = os.path.realpath(path)
        if key in seen:
            return
        seen.add(key)
        result.files.append(str(path))
        if url:
            result.urls[str(path)] = url

    def expand(arg: str, depth: int = 0, url: str | None = None) -> None:
        if arg == "-":
            if depth == 0:
                for item, url in _read_list(stdin or sys.stdin):
                    expand(item, depth + 1, url)
            return
        if arg.startswith("@") and depth < 3:
            list_file = Path(arg[1:])
            try:
                lines = list_file.read_text(encoding="utf-8-sig").splitlines()
            except OSError:
                result.missing.append(arg)
                return
            for item, url in _read_list(lines):
                expand(item, depth + 1, url)
            return
        path = Path(arg)
        if path.is_dir():
            for f in _walk(path, result.skipped):
                add(f, walked=True)
        elif path.is_file():
            add(path, walked=False, url=url)
        elif glob.has_magic(arg):
            matches = sorted(glob.glob(arg, recursive=True))
            if not matches:
                result.missing.append(arg)
            for m in matches:
                mp = Path(m)
                if mp.is_dir():
                    for f in _walk(mp, result.skipped):
                        add(f, walked=True)
                elif mp.is_file():
                    add(mp, walked=True)
        elif path.exists():                                  # fifo, device: read as given
            add(path, walked=False, url=url)
        else:
            result.missing.append(arg)

    for arg in args:
        expand(arg)
    return result
