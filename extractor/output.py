"""One output convention for every command.

- no `-o` or `-o -`: stdout; otherwise the file, written next to it and renamed into
  place (an interrupted run never leaves half a file);
- the format: `--format`, else the file's extension; an extension no format owns is refused;
- a UTF-8 BOM only in CSV files (Excel needs it), never on stdout;
- a reader that closes the pipe early (`| head`) ends the command quietly with 141, the
  exit status of a process killed by SIGPIPE, never an error finding's 1.
"""
from __future__ import annotations

import io
import os
import sys
import tempfile
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

EXIT_PIPE = 141


class OutputError(Exception):
    """A bad -o/--format combination: one line for stderr."""


def to_stdout(output: str | os.PathLike | None) -> bool:
    return output is None or str(output) == "-"


# extensions that name a format of another name
EXTENSIONS = {"txt": "text", "htm": "html"}


def choose_format(output: str | os.PathLike | None, fmt: str | None, formats: Sequence[str], default: str) -> str:
    """--format if given, else the file's extension, else `default` (stdout)."""
    if fmt:
        return fmt
    if to_stdout(output):
        return default
    assert output is not None                       # to_stdout() is true for None
    ext = Path(output).suffix.lower().lstrip(".")
    if EXTENSIONS.get(ext, ext) in formats:
        return EXTENSIONS.get(ext, ext)
    named = f"extension .{ext}" if ext else "no extension"
    wanted = [e for e, f in EXTENSIONS.items() if f in formats] + [f for f in formats if f not in EXTENSIONS.values()]
    raise OutputError(f"{output}: {named}, so no output format; name it "
                      f"{' or '.join('.' + e for e in wanted)}, or give --format")


@contextmanager
def open_output(output: str | os.PathLike | None, *, binary: bool = False, excel_csv: bool = False) -> Iterator:
    """A stream for the command's data. Text streams are UTF-8 with '\\n' kept as written;
    `excel_csv` adds the BOM Excel needs, to files only."""
    if to_stdout(output):
        if binary:
            if sys.stdout.isatty():
                raise OutputError("this format is binary: give a file with -o, or pipe stdout")
            yield sys.stdout.buffer
            sys.stdout.buffer.flush()
            return
        stream = io.TextIOWrapper(sys.stdout.buffer, encoding="utf-8", newline="", write_through=True)
        try:
            yield stream
        finally:
            stream.detach()
        return
    assert output is not None
    target = Path(output)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", dir=target.parent)
    os.close(fd)
    umask = os.umask(0)
    os.umask(umask)
    os.chmod(tmp, 0o666 & ~umask)                       # mkstemp makes 0600; give the usual mode
    try:
        if binary:
            with open(tmp, "wb") as f:
                yield f
        else:
            with open(tmp, "w", encoding="utf-8-sig" if excel_csv else "utf-8", newline="") as f:
                yield f
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def quiet_closed_pipe() -> None:
    """After EPIPE: point stdout at /dev/null so the interpreter's last flush cannot fail."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError):
        pass
