"""Seeds of every format and the mutations the campaign of issue 10 used.

Everything is drawn from one random.Random: the same seed gives the same cases.
"""
from __future__ import annotations

import io
import random
import zipfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
FIXTURES = REPO / "fixtures"


def seeds() -> dict[str, bytes]:
    """name -> bytes: the repo's fixtures (html, text, markdown, docx, pdf) plus an RTF and
    an XLSX made here, so every reader is reached."""
    out = {p.name: p.read_bytes() for p in sorted(FIXTURES.iterdir())
           if p.suffix in (".html", ".txt", ".md", ".docx", ".pdf")}
    out["tiny.rtf"] = (br"{\rtf1\ansi\deff0{\fonttbl{\f0 SimSun;}}\f0 "
                       br"\u19968?\u12289?\u24635?\u20307?\u24773?\u20917?\par 2024\par}")
    out["tiny.xlsx"] = _xlsx()
    return out


def _xlsx() -> bytes:
    import openpyxl
    wb = openpyxl.Workbook()
    ws = wb.active
    for row in (["三、收到和处理政府信息公开申请情况"], ["本年新收", 1, 2, 3, 4, 5, 6, 21], ["总计", 0, 0, 0, 0, 0, 0, 0]):
        ws.append(row)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _flip(r: random.Random, d: bytes) -> bytes:
    b = bytearray(d)
    for _ in range(r.randint(1, 16)):
        if b:
            b[r.randrange(len(b))] = r.randrange(256)
    return bytes(b)


def _truncate(r: random.Random, d: bytes) -> bytes:
    return d[: r.randrange(len(d) + 1)]


def _splice(r: random.Random, d: bytes, other: bytes) -> bytes:
    i, j = r.randrange(len(d) + 1), r.randrange(len(other) + 1)
    return d[:i] + other[j: j + r.randint(1, 4096)] + d[i:]


def _repeat(r: random.Random, d: bytes) -> bytes:
    if not d:
        return d
    i = r.randrange(len(d))
    chunk = d[i: i + r.randint(1, 64)]
    return d[:i] + chunk * r.choice([10, 1000, 20_000]) + d[i:]


_INSERTS = [
    lambda r: b"9" * r.choice([16, 40, 400, 5000]),
    lambda r: b"1" * r.choice([20, 22, 40]) + b"\n",
    lambda r: b"\t" * r.choice([1000, 50_000]),
    lambda r: b"|" * r.choice([1000, 20_000]),
    lambda r: b'<td rowspan="200" colspan="200">1</td>' * r.choice([3, 50]),
    lambda r: b"<table><tr><td>" * r.choice([100, 2000]),
    lambda r: b"<div>" * r.choice([1000, 50_000]),
    lambda r: b'<meta charset="' + r.choice([b"undefined", b"zlib", b"utf-32", b"bogus"]) + b'">',
    lambda r: b'<base href="http://[::1">',
    lambda r: ("附件：" + "a/" * r.choice([1000, 50_000]) + ".pdf").encode(),
    lambda r: "一、总体情况\n".encode() * r.choice([1, 100]),
    lambda r: b"\x00\xff\xfe" * r.randint(1, 100),
    lambda r: b"1e999 nan inf -0 0x1f 1,2,3,4 \xef\xbc\x91\xef\xbc\x92",
]


def _insert(r: random.Random, d: bytes) -> bytes:
    i = r.randrange(len(d) + 1)
    return d[:i] + r.choice(_INSERTS)(r) + d[i:]


_XML_ATTACKS = [
    b'<!DOCTYPE x SYSTEM "file:///etc/passwd">',
    b"<!--c--><!DOCTYPE x [<!ENTITY a 'b'>]>",
    b'<?pi x?><!DOCTYPE x [<!ENTITY e SYSTEM "http://127.0.0.1:1/">]>',
    b"<!DOCTYPE x [" + b"".join(b'<!ENTITY a%d "&a%d;&a%d;">' % (i + 1, i, i) for i in range(30)) + b"]>",
]


def _zip_member(r: random.Random, d: bytes) -> bytes:
    """Mutate one member of a zip package and write the package again."""
    try:
        with zipfile.ZipFile(io.BytesIO(d)) as z:
            parts = {i.filename: z.read(i) for i in z.infolist()}
    except Exception:
        return _flip(r, d)
    if not parts:
        return d
    name = r.choice(sorted(parts))
    blob = parts[name]
    how = r.randrange(4)
    if how == 0 and b"?>" in blob[:200]:
        k = blob.index(b"?>") + 2
        blob = blob[:k] + r.choice(_XML_ATTACKS) + blob[k:]
    elif how == 1:
        blob = _flip(r, blob)
    elif how == 2:
        blob = _insert(r, blob)
    else:
        blob = blob.encode("utf-16") if isinstance(blob, str) else ("\ufeff".encode("utf-16-le")
                                                                    + blob.decode("utf-8", "replace").encode("utf-16-le"))
    parts[name] = blob
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for n, b in parts.items():
            z.writestr(n, b)
    return out.getvalue()


def _pdf_ops(r: random.Random, d: bytes) -> bytes:
    """Append a page-content-like stream bomb or long strings after the header."""
    i = d.find(b"\n") + 1
    extra = r.choice([b"BT (" + b"a" * 30_000 + b") Tj ET\n", b"0 0 m 1 1 l S\n" * 2000,
                      b"%" + b" " * 100_000 + b"\n"])
    return d[:i] + extra + d[i:]


def mutate(r: random.Random, name: str, data: bytes, pool: dict[str, bytes]) -> tuple[bytes, str]:
    """One mutated case of `data` and the mutation's name."""
    kinds = ["flip", "truncate", "splice", "repeat", "insert"]
    if data.startswith(b"PK"):
        kinds += ["zip"] * 3
    if data.startswith(b"%PDF"):
        kinds += ["pdf"]
    kind = r.choice(kinds)
    if kind == "flip":
        return _flip(r, data), kind
    if kind == "truncate":
        return _truncate(r, data), kind
    if kind == "splice":
        return _splice(r, data, pool[r.choice(sorted(pool))]), kind
    if kind == "repeat":
        return _repeat(r, data), kind
    if kind == "zip":
        return _zip_member(r, data), kind
    if kind == "pdf":
        return _pdf_ops(r, data), kind
    return _insert(r, data), kind
