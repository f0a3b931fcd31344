"""Refuse hostile Office files before any parser touches them.

DOCX, XLSX and ODT are zip containers of XML. Two classes of attack matter for a tool
that reads files from strangers: zip bombs (a small file that inflates to gigabytes)
and XML entity tricks (XXE reading local files, "billion laughs" expansion).

- Zip: the central directory is inspected with `infolist()` (no decompression): member
  count, total declared size, and for members past RATIO_MIN_BYTES the compression
  ratio (repetitive XML that LibreOffice writes, one run per character, reaches 235:1
  at a few MB; only a ratio at a size that would cost real memory is a bomb; below it
  the absolute limits bound what is inflated). Python's zipfile never
  inflates a member past its declared size (it stops there and fails the CRC), so the
  declared sizes we checked bound what python-docx/openpyxl inflate later; our own reads
  here are 4 KB steps capped at PROLOG_BYTES per member.
- XML: legitimate Office parts never carry a DTD, so any member whose prolog declares
  a DOCTYPE or ENTITY is refused outright (python-docx's parser already has
  resolve_entities=False, but a clear refusal beats a silently emptied document).
  The prolog is read by libxml2 itself, configured as for every XML part we parse
  (`safe_parser()`): what it would see is what we check.
"""
from __future__ import annotations

import io
import itertools
import zipfile
import zlib

from lxml import etree

from .errors import ReadError, one_line
from .formats import OLE_MAGIC

MAX_MEMBERS = 2000
MAX_TOTAL_BYTES = 200 * 1024 * 1024      # declared uncompressed size of all members
MAX_RATIO = 100                          # per member, for members over RATIO_MIN_BYTES
RATIO_MIN_BYTES = 16 * 1024 * 1024
MAX_XML_BYTES = 50 * 1024 * 1024         # XML members together: parsers build whole trees of them
PROLOG_BYTES = 64 * 1024                 # how far into a member a DOCTYPE may hide

_HINT_HOSTILE = "the file is built to exhaust or trick a reader; get the report from its original source"


def _size(n: int) -> str:
    if n >= 1 << 30:
        return f"{n / (1 << 30):.1f} GB"
    if n >= 1 << 20:
        return f"{n / (1 << 20):.0f} MB"
    return f"{n / 1024:.0f} KB"


def open_zip(data: bytes, what: str = "DOCX") -> zipfile.ZipFile:
    """Open a zip container, or ReadError when it is not one / is damaged."""
    try:
        return zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError, EOFError, NotImplementedError) as e:
        raise ReadError(f"not a valid {what} file: the zip container is damaged ({e})",
                        f"open it in Word/WPS and save it again as .{what.lower()}") from None


def check_zip_members(zf: zipfile.ZipFile, what: str = "DOCX") -> None:
    """Refuse zip bombs from the central directory alone (nothing is inflated)."""
    infos = zf.infolist()
    if len(infos) > MAX_MEMBERS:
        raise ReadError(f"refused: zip bomb — {len(infos)} members (limit {MAX_MEMBERS})", _HINT_HOSTILE)
    total = 0
    for info in infos:
        size = info.file_size
        if size > MAX_TOTAL_BYTES:
            raise ReadError(f"refused: zip bomb — member {info.filename} would inflate to {_size(size)} "
                            f"(limit {_size(MAX_TOTAL_BYTES)})", _HINT_HOSTILE)
        if size > RATIO_MIN_BYTES and size > MAX_RATIO * max(info.compress_size, 1):
            ratio = size / max(info.compress_size, 1)
            raise ReadError(f"refused: zip bomb — member {info.filename} compresses {ratio:.0f}:1 "
                            f"(limit {MAX_RATIO}:1)", _HINT_HOSTILE)
        total += size
        if total > MAX_TOTAL_BYTES:
            raise ReadError(f"refused: zip bomb — members would inflate to more than {_size(MAX_TOTAL_BYTES)} "
                            f"in total", _HINT_HOSTILE)
        if info.flag_bits & 0x1:
            raise ReadError(f"the {what} file is encrypted (member {info.filename})",
                            "remove the password in Word/WPS and save it again")


def _prolog_verdict(zf: zipfile.ZipFile, info: zipfile.ZipInfo) -> bool | str | None:
    """Does the member's XML prolog declare a DTD? Reads 4 KB steps, at most PROLOG_BYTES.

    False for clean XML, True for a DTD, None when the prolog runs past the cap,
    "binary" for members that are not XML at all (images).
    """
    try:
        with zf.open(info) as f:
            head = f.read(4096)
            if not looks_like_xml(head):
                return "binary"                  # image, embedded binary: not XML
            return prolog_verdict(itertools.chain([head], iter(lambda: f.read(4096), b"")))
    except etree.XMLSyntaxError as e:       # libxml2's own words: entity amplification, EBCDIC, ...
        raise ReadError(f"refused: member {info.filename} is XML that cannot be read safely "
                        f"({one_line(str(e))})", "open the file in its program and save it again") from None
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError, NotImplementedError, ValueError, RuntimeError) as e:
        raise ReadError(f"damaged zip member {info.filename} ({one_line(str(e))})",
                        "open the file in its program and save it again") from None


def prolog_verdict(chunks) -> bool | str | None:
    """Feed XML bytes to libxml2 itself (the parser every reader uses, so the same
    encodings: BOMs, UTF-16/32, EBCDIC, declared charsets) until the root element
    starts, then ask it whether the prolog held a DOCTYPE. No hand-written prolog
    scanning that a comment, a processing instruction or an odd encoding could fool.

    True: a DTD; False: clean; None: no root within PROLOG_BYTES. XMLSyntaxError for
    markup libxml2 cannot read (an encoding it lacks, such as EBCDIC; broken XML)."""
    parser = etree.XMLPullParser(events=("start",), **_XML_OPTIONS)
    seen = 0
    for chunk in chunks:
        # small steps: the verdict comes at the root's start tag, before libxml2 reads
        # on into content whose entity references it may reject first
        for i in range(0, len(chunk), 512):
            parser.feed(chunk[i:i + 512])
            for _, el in parser.read_events():
                return _has_dtd(el.getroottree().docinfo)
        seen += len(chunk)
        if seen >= PROLOG_BYTES:
            return None
    parser.close()                         # raises for a member that ends before its root
    raise etree.XMLSyntaxError("no root element", None, 0, 0)


_BOMS = (b"\xef\xbb\xbf", b"\xff\xfe\x00\x00", b"\x00\x00\xfe\xff", b"\xff\xfe", b"\xfe\xff")


def looks_like_xml(head: bytes) -> bool:
    """Markup in some encoding: '<' first after a BOM and whitespace (ASCII, UTF-16/32 or
    EBCDIC '<?'/'<!'). Anything else (PNG, JPEG, EMF, OLE) is a binary member."""
    for bom in _BOMS:
        if head.startswith(bom):
            head = head[len(bom):]
            break
    head = head.lstrip(b" \t\r\n\x00\x40\x25\x15\x05")
    return head[:1] == b"<" or (head[:1] == b"\x4c" and head[1:2] in (b"\x6f", b"\x5a", b"\x4f"))


def _has_dtd(info) -> bool:
    return bool(info.doctype or info.internalDTD is not None or info.system_url or info.public_id)


def check_xml_members(zf: zipfile.ZipFile, what: str = "DOCX") -> None:
    """Refuse any member whose XML prolog declares a DTD, and XML too large to parse."""
    xml_total = 0
    for info in zf.infolist():
        if info.is_dir() or info.file_size == 0:
            continue
        verdict = _prolog_verdict(zf, info)
        if verdict == "binary":
            continue
        xml_total += info.file_size
        if xml_total > MAX_XML_BYTES:
            raise ReadError(f"refused: the {what} file's XML parts would inflate to more than "
                            f"{_size(MAX_XML_BYTES)}", _HINT_HOSTILE)
        if verdict is True:
            raise ReadError(f"refused: {what} member {info.filename} declares a DTD/entities "
                            "(XML entity attack: external-file or entity-expansion)", _HINT_HOSTILE)
        if verdict is None:
            raise ReadError(f"refused: {what} member {info.filename} has an XML prolog longer than "
                            f"{_size(PROLOG_BYTES)}", _HINT_HOSTILE)



def check_office_zip(data: bytes, what: str = "DOCX") -> zipfile.ZipFile:
    """All checks for a zip-based Office file; returns the opened zip for reuse."""
    zf = open_zip(data, what)
    check_zip_members(zf, what)
    check_xml_members(zf, what)
    return zf


_PARSER = None
# the one configuration every XML part is parsed with: no entity expansion, no DTD
# loading, nothing from the network, libxml2's size guards on
_XML_OPTIONS = dict(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False,
                    dtd_validation=False)


def safe_parser() -> etree.XMLParser:
    """An lxml parser that expands no entities and loads nothing from outside."""
    global _PARSER
    if _PARSER is None:
        _PARSER = etree.XMLParser(**_XML_OPTIONS)
    return _PARSER


def parse_xml(data: bytes):
    """Parse XML bytes with the safe parser; ReadError when malformed."""
    try:
        return etree.fromstring(data, safe_parser())
    except etree.XMLSyntaxError as e:
        raise ReadError(f"malformed XML ({one_line(str(e))})", "open the file in its program and save it again") from None


_OLE_ENCRYPTED = "EncryptedPackage".encode("utf-16-le")


def ole_is_encrypted_ooxml(data: bytes) -> bool:
    """A password-protected .docx/.xlsx is an OLE2 file holding an EncryptedPackage stream."""
    return data.startswith(OLE_MAGIC) and _OLE_ENCRYPTED in data[:1 << 20]
