"""Looking at a file before any parser does: what it is, and whether it is safe to open.

Trackers come back by e-mail and chat from many people; some files are broken, foreign or
hostile. This module answers from the container alone, with bounded reads: an empty file,
something that is not a spreadsheet, a damaged zip, a password-encrypted workbook, a zip
bomb (a small file that inflates to gigabytes), XML with entity declarations (the "billion
laughs"), a workbook without its workbook part. Each is refused with one sentence. A
workbook with macros is read (values only; nothing ever runs) and says so.
"""

from __future__ import annotations

import re
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path

from marketing_tracker.core.errors import TrackerError

#: Limits for what a zip may inflate to. A 50,000-task tracker's largest part is ~60 MB.
MAX_PART_BYTES = 512 * 1024 * 1024
MAX_TOTAL_BYTES = 1024 * 1024 * 1024
MAX_RATIO = 200  # inflated / compressed, for parts above 10 MB
MAX_MANIFEST = 4 * 1024 * 1024  # an .ods manifest lists its parts: a few kilobytes
_ENCRYPTED_MESSAGE = "{path}: the workbook is encrypted with a password; save it without a password and try again"
_UNIQUE_COUNT = re.compile(rb"""\buniqueCount\s*=\s*["'](\d{1,30})["']""")
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ENCRYPTED = "EncryptedPackage".encode("utf-16-le")
_SIGNATURES = {b"\x89PNG": "a PNG image", b"\xff\xd8\xff": "a JPEG image", b"%PDF": "a PDF document",
               b"GIF8": "a GIF image", b"{\\rtf": "an RTF document"}


class UnreadableFile(TrackerError, ValueError):
    """The file cannot be read as a workbook at all (not a spreadsheet, damaged, encrypted, unsafe)."""


@dataclass
class Container:
    """What the file is, from the outside."""

    kind: str  # "xlsx" (also .xlsm), "ods" or "xls": the one place the format is told, for every reader after
    has_macros: bool = False


def inspect_container(path: Path) -> Container:
    """Check a file before parsing it; raise :class:`UnreadableFile` with the reason when it must not be read."""
    try:
        size = path.stat().st_size
        with path.open("rb") as handle:
            head = handle.read(8)
    except OSError as exc:
        raise UnreadableFile(f"{path}: cannot be read ({exc.strerror})") from None
    if size == 0:
        raise UnreadableFile(f"{path}: the file is empty")
    if head.startswith(_OLE_MAGIC):
        return _inspect_ole(path)
    if head.startswith(b"PK\x03\x04"):
        return _inspect_zip(path)
    for signature, what in _SIGNATURES.items():
        if head.startswith(signature):
            raise UnreadableFile(f"{path}: this is {what}, not a workbook")
    looks_like_text = all(32 <= b < 127 or b in (9, 10, 13) for b in head)
    kind = "a text file" if looks_like_text else "not a workbook"
    raise UnreadableFile(f"{path}: {kind} (an .xlsx, .xlsm, .xls or .ods workbook was expected)")


def _inspect_ole(path: Path) -> Container:
    # An encrypted .xlsx is an OLE file holding an "EncryptedPackage" stream; a legacy .xls is OLE too.
    with path.open("rb") as handle:
        directory = handle.read(4 * 1024 * 1024)
    if _ENCRYPTED in directory:
        raise UnreadableFile(_ENCRYPTED_MESSAGE.format(path=path))
    return Container("xls")


def _inspect_zip(path: Path) -> Container:
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError):
        raise UnreadableFile(f"{path}: the file is damaged (not a complete workbook; was it cut off while sending?)") from None
    with archive:
        entries = archive.infolist()
        names = [e.filename for e in entries]
        total = 0
        for entry in entries:
            _check_member_method(path, entry)
            total += entry.file_size
            ratio = entry.file_size / max(entry.compress_size, 1)
            if entry.file_size > MAX_PART_BYTES or total > MAX_TOTAL_BYTES or (
                    entry.file_size > 10 * 1024 * 1024 and ratio > MAX_RATIO):
                raise UnreadableFile(f"{path}: refused: it would inflate to {total // (1024 * 1024)} MB or more "
                                     f"({entry.filename}), far beyond any tracker (a zip bomb?)")
        is_ods = "mimetype" in names and ("content.xml" in names or "META-INF/manifest.xml" in names)
        manifest = "META-INF/manifest.xml"
        if is_ods and manifest in names and b"encryption-data" in _unpack(path, archive, archive.getinfo(manifest),
                                                                          MAX_MANIFEST):
            raise UnreadableFile(_ENCRYPTED_MESSAGE.format(path=path))  # OpenDocument keeps the password in its manifest
        needed = ("content.xml",) if is_ods else ("[Content_Types].xml", "xl/workbook.xml")
        if any(part not in names for part in needed):
            raise UnreadableFile(f"{path}: the file is damaged or not a workbook (its workbook part is missing)")
        for entry in entries:
            if entry.filename.endswith((".xml", ".rels", ".vml")):  # openpyxl parses VML drawings too
                _check_part_start(path, archive, entry)
        for entry in entries:
            if not _scanned_whole(entry.filename, is_ods):
                _check_crc(path, archive, entry)
        return Container("ods" if is_ods else "xlsx", has_macros=any(n.lower().endswith("vbaproject.bin") for n in names))


_METHODS = {zipfile.ZIP_STORED: "stored", zipfile.ZIP_DEFLATED: "deflate"}  # all that office programs write


def _check_member_method(path: Path, entry: zipfile.ZipInfo) -> None:
    # Deflate64, an unknown method or the zip's own encryption: the parsers would stop with an
    # error of their own, or the reader with a NotImplementedError (issue 14); said here in one line.
    if entry.flag_bits & 0x1:
        raise UnreadableFile(f"{path}: the file is damaged or not a workbook ({entry.filename} is encrypted as a zip "
                             "member, which spreadsheet programs never do)")
    if entry.compress_type not in _METHODS:
        raise UnreadableFile(f"{path}: the file is damaged or not a workbook ({entry.filename} is compressed with "
                             f"zip method {entry.compress_type}; spreadsheet programs use stored or deflate)")


def _check_part_start(path: Path, archive: zipfile.ZipFile, entry: zipfile.ZipInfo) -> None:
    # Office never writes a DTD; one in a part is an attempt at entity expansion ("billion laughs").
    start = _unpack(path, archive, entry, 2048)
    if b"<!DOCTYPE" in start or b"<!ENTITY" in start:
        raise UnreadableFile(f"{path}: refused: {entry.filename} declares XML entities, which spreadsheets never do")
    # The parser reserves room for as many shared strings as the table says it holds, before reading
    # one; each takes at least 5 bytes (<si/>), so a larger number is a lie (found by fuzz_bytes.py --mode xml).
    declared = _UNIQUE_COUNT.search(start) if entry.filename.endswith("sharedStrings.xml") else None
    if declared and int(declared.group(1)) > entry.file_size // 5 + 16:
        raise UnreadableFile(f"{path}: the file is damaged ({entry.filename} claims {int(declared.group(1)):,} "
                             f"strings in {entry.file_size:,} bytes)")


def _scanned_whole(name: str, is_ods: bool) -> bool:
    """Whether :mod:`sheetscan` reads the part to its end before any parser does (so checks its CRC-32 there)."""
    return name == "content.xml" if is_ods else name.startswith("xl/worksheets/") and name.endswith(".xml")


def _check_crc(path: Path, archive: zipfile.ZipFile, entry: zipfile.ZipInfo) -> None:
    """Read a part to its end, which makes zipfile check its CRC-32: damage is refused before a parser meets it."""
    try:
        with archive.open(entry) as part:
            while part.read(1 << 20):
                pass
    except (zipfile.BadZipFile, OSError, EOFError, ValueError, zlib.error) as exc:
        raise UnreadableFile(f"{path}: the file is damaged ({entry.filename} cannot be unpacked: {exc})") from None


def _unpack(path: Path, archive: zipfile.ZipFile, entry: zipfile.ZipInfo, size: int) -> bytes:
    """A part's first ``size`` bytes, or the file is damaged."""
    try:
        with archive.open(entry) as part:
            return part.read(size)
    except (zipfile.BadZipFile, OSError, EOFError, ValueError, zlib.error) as exc:  # zlib.error: found by fuzz_bytes.py
        raise UnreadableFile(f"{path}: the file is damaged ({entry.filename} cannot be unpacked: {exc})") from None
