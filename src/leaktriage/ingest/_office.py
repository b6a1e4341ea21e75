"""Office documents recognised by content, and the checks a workbook passes before it is parsed.

A zip is an office document when it is an OPC package (``[Content_Types].xml``: XLSX, XLSM,
XLSB, DOCX, PPTX, ...) or an OpenDocument package (a ``mimetype`` member, or a manifest naming
the package's media type: ODS, ODT, ...); an OLE2 compound file (``D0 CF 11 E0``) is a legacy
XLS workbook when its directory holds a ``Workbook`` (BIFF8) or ``Book`` (BIFF5) stream.
Extensions are never looked at. :func:`zip_office_kind` and :func:`ole2_kind` name the kind;
an office document that is not a spreadsheet is :data:`NOT_SPREADSHEET`, which the caller
refuses as not data (it is never read as its XML parts).

:func:`check_package` runs before the spreadsheet library sees a zip-based workbook:

* a part declaring a DTD (``<!DOCTYPE``, entities: billion laughs, external entities) is
  refused — OPC (ECMA-376 Part 2, M1.17) and ODF packages never contain one, so no honest
  workbook is lost;

A sheet's size is bounded elsewhere: the library allocates a sheet's whole span at once and
aborts the process when it cannot, so the first look runs in a child with a memory limit
(:mod:`._sheetprobe`).
"""

from __future__ import annotations

import logging
import re
import zipfile
import zlib
from typing import BinaryIO

from leaktriage.errors import InputError, InputRejected

__all__ = [
    "NOT_SPREADSHEET",
    "SPREADSHEET_KINDS",
    "check_package",
    "ole2_kind",
    "zip_office_kind",
]

log = logging.getLogger(__name__)

SPREADSHEET_KINDS: tuple[str, ...] = ("xlsx", "xlsm", "xlsb", "xls", "ods")
NOT_SPREADSHEET = "office"
"""The kind of an office document that is not a spreadsheet (DOCX, PPTX, ODT, a .doc)."""

_HEAD = 64 * 1024
_CHUNK = 2**20

# Main-part content types of the OPC spreadsheet flavours (lower case); strict OOXML keeps them.
_OOXML_MAIN: dict[str, str] = {
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml": "xlsx",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.template.main+xml": "xlsx",
    "application/vnd.ms-excel.sheet.macroenabled.main+xml": "xlsm",
    "application/vnd.ms-excel.template.macroenabled.main+xml": "xlsm",
    "application/vnd.ms-excel.addin.macroenabled.main+xml": "xlsm",
    "application/vnd.ms-excel.sheet.binary.macroenabled.main": "xlsb",
}
_ODF = b"application/vnd.oasis.opendocument."
_ODS = b"application/vnd.oasis.opendocument.spreadsheet"
_MANIFEST_ROOT = re.compile(
    rb'full-path="/"[^>]*?media-type="([^"]*)"|media-type="([^"]*)"[^>]*?full-path="/"'
)
_DTD = re.compile(rb"<!(?:DOCTYPE|ENTITY)", re.IGNORECASE)
_ZIP_ERRORS: tuple[type[BaseException], ...] = (
    OSError,
    EOFError,
    ValueError,
    zlib.error,
    zipfile.BadZipFile,
    NotImplementedError,
    RuntimeError,
)


def _head(archive: zipfile.ZipFile, name: str, n: int = _HEAD) -> bytes:
    """The first ``n`` decompressed bytes of member ``name`` (bounded, whatever it declares)."""
    with archive.open(name) as member:
        return member.read(n)


def zip_office_kind(archive: zipfile.ZipFile, display: str) -> str | None:
    """``xlsx``/``xlsm``/``xlsb``/``ods``, :data:`NOT_SPREADSHEET`, or ``None`` (a plain zip)."""
    names = set(archive.namelist())
    try:
        if "[Content_Types].xml" in names:
            types = _head(archive, "[Content_Types].xml", 4 * _HEAD).lower()
            for content_type, kind in _OOXML_MAIN.items():
                if content_type.encode() in types:
                    return kind
            if "xl/workbook.bin" in names:
                return "xlsb"
            if "xl/workbook.xml" in names:
                return "xlsx"
            if "_rels/.rels" in names or b"officedocument" in types:
                return NOT_SPREADSHEET
            return None
        media: bytes | None = None
        if "mimetype" in names:
            media = _head(archive, "mimetype", 256).strip()
        if (media is None or not media.startswith(_ODF)) and "META-INF/manifest.xml" in names:
            found = _MANIFEST_ROOT.search(_head(archive, "META-INF/manifest.xml", 4 * _HEAD))
            media = (found.group(1) or found.group(2)) if found else None
    except _ZIP_ERRORS:
        raise InputError("damaged zip archive", path=display) from None
    if media is None or not media.startswith(_ODF):
        return None
    return "ods" if media.startswith(_ODS) else NOT_SPREADSHEET


_OLE2_NAMES: dict[bytes, str] = {
    "Workbook".encode("utf-16-le"): "xls",
    "Book".encode("utf-16-le"): "xls",
    "EncryptedPackage".encode("utf-16-le"): "encrypted",
}


def ole2_kind(stream: BinaryIO) -> str | None:
    """``xls``, ``encrypted`` (a password-protected OOXML workbook) or ``None`` (a .doc, .msg).

    Looks for the stream names of the compound file's directory, whose 128-byte entries start
    at 128-byte offsets: cheaper and sturdier than walking its allocation tables, and a name
    at such an offset followed by the entry's NUL padding is not found by chance.
    """
    found: str | None = None
    offset = 0
    tail = b""
    while chunk := stream.read(_CHUNK):
        data = tail + chunk
        base = offset - len(tail)
        for name, kind in _OLE2_NAMES.items():
            start = data.find(name + b"\x00\x00")
            while start != -1:
                if (base + start) % 128 == 0:
                    if kind == "xls":
                        return kind
                    found = kind
                start = data.find(name + b"\x00\x00", start + 1)
        offset += len(chunk)
        tail = data[-40:]
    return found


def check_package(stream: BinaryIO, kind: str, display: str) -> None:
    """Refuse a zip-based workbook one of whose XML parts declares a DTD."""
    try:
        archive = zipfile.ZipFile(stream)
    except _ZIP_ERRORS:
        raise InputError(f"damaged {kind.upper()} workbook", path=display) from None
    with archive:
        try:
            for info in archive.infolist():
                if info.is_dir() or info.filename.lower().endswith((".bin", ".png", ".jpeg")):
                    continue
                if info.flag_bits & 0x1:
                    raise InputError("encrypted workbook part", path=display)
                if _DTD.search(_head(archive, info.filename)):
                    raise InputRejected(
                        "a workbook part declares a DTD (document type or entities), which "
                        "office packages never contain: refused as a possible entity bomb",
                        path=display,
                    )
        except InputError:
            raise
        except _ZIP_ERRORS:
            raise InputError(f"damaged {kind.upper()} workbook", path=display) from None
