"""Byte-level fuzzing of the reader: mutated tracker bytes, for a fixed time budget (not part of the test run).

    python tests/fuzz/fuzz_bytes.py [--seconds 120] [--seed 1] [--mode zip|xml] [--start FILE] [--keep DIR]

``--mode zip`` (the default) flips, deletes, inserts or duplicates bytes of a generated
tracker, inside the zip's compressed data and its headers alike; most such cases end at the
container check. ``--mode xml`` mutates one part of the workbook *inside* the zip (a sheet,
the workbook, shared strings, relationships, content types) and zips it again, so the parsers
themselves meet the damage: bytes changed, attribute values replaced by awkward ones (far
addresses, error and string cell types, huge or negative numbers), elements dropped or
repeated, the part cut short, or spelled in another dialect the parser reads (a prefix on every
element, an address repeated, a number padded to thousands of digits, attributes reordered, single
quotes). Each case runs `marketing-tracker validate` in a separate
process, so that even a parser abort is seen. ``--start`` mutates another workbook (the
LibreOffice-made .xls and .ods fixtures, say). A case passes when the command exits 0, 1 or 2
(findings, or one line saying the file cannot be read) and writes nothing else to stderr; an
internal error (exit 3), a signal, a traceback or a parser's panic message is a crash.
Crashing inputs are kept for a regression test.
"""

from __future__ import annotations

import argparse
import io
import os
import random
import re
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from marketing_tracker import load_plan, write_tracker  # noqa: E402
from marketing_tracker.core.resources import sample_plan  # noqa: E402


def mutate(data: bytes, rng: random.Random) -> bytes:
    out = bytearray(data)
    for _ in range(rng.randint(1, 8)):
        kind = rng.choice(["flip", "delete", "insert", "duplicate", "truncate"])
        at = rng.randrange(len(out))
        if kind == "flip":
            out[at] = rng.randrange(256)
        elif kind == "delete":
            del out[at:at + rng.randint(1, 64)]
        elif kind == "insert":
            out[at:at] = bytes(rng.randrange(256) for _ in range(rng.randint(1, 16)))
        elif kind == "duplicate":
            out[at:at] = out[at:at + rng.randint(1, 256)]
        else:
            del out[at:]
        if not out:
            out = bytearray(b"PK")
    return bytes(out)


#: Values an attribute may be given in --mode xml: addresses far out or malformed, every cell type, odd numbers.
AWKWARD = ["", "-1", "0", "1", "99999999999", "XFD1048576", "A1048577", "XFE1", "A0", "AAAA1", "e", "s", "str",
           "inlineStr", "n", "b", "d", "1E+308", "NaN", "#REF!", "数据", "A1:XFD1048576", "rId999", "../../etc/passwd"]
PART_WEIGHTS = {"xl/worksheets/": 6, "xl/workbook.xml": 2, "xl/sharedStrings.xml": 2, "_rels/": 1,
                "[Content_Types].xml": 1, "xl/styles.xml": 1,
                "content.xml": 6, "styles.xml": 1, "META-INF/manifest.xml": 1}  # .ods


def mutate_part(xml: bytes, rng: random.Random) -> bytes:
    """Damage one XML part the way a broken writer or a hostile hand would."""
    out = xml
    for _ in range(rng.randint(1, 4)):
        kind = rng.choice(["bytes", "attribute", "attribute", "drop", "repeat", "cut", "dialect"])
        if kind == "dialect":
            out = dialect(out, rng)
        elif kind == "bytes":
            out = mutate(out, rng)
        elif kind == "attribute":
            values = [m.span(1) for m in re.finditer(rb'="([^"]*)"', out)]
            if values:
                start, end = rng.choice(values)
                out = out[:start] + rng.choice(AWKWARD).encode() + out[end:]
        elif kind in ("drop", "repeat"):
            tags = [m.span() for m in re.finditer(rb"<[a-zA-Z][^>]*>[^<]*(?:</[^>]*>)?", out)]
            if tags:
                start, end = rng.choice(tags)
                out = out[:start] + out[end:] if kind == "drop" else out[:end] + out[start:end] * rng.randint(1, 50) + out[end:]
        else:
            out = out[:rng.randrange(len(out) or 1)]
    return out


def dialect(xml: bytes, rng: random.Random) -> bytes:
    """SpreadsheetML the parser reads as it reads the original, spelled otherwise (issue 14): every element under a
    prefix, an address repeated (a far one last), a number zero-padded to thousands of digits, the attributes
    reordered, single quotes."""
    kind = rng.choice(["prefix", "repeat-address", "pad", "reorder", "quotes"])
    if kind == "prefix" and b'xmlns="' in xml:
        xml = re.sub(rb"<(/?)([A-Za-z][\w.-]*)(?=[\s/>])", rb"<\1x:\2", xml)
        return xml.replace(b'xmlns="', b'xmlns:x="', 1)
    cells = [m.span() for m in re.finditer(rb"<c r=\"[A-Z]+\d+\"[^>]*>", xml)]
    if not cells:
        return xml
    start, end = rng.choice(cells)
    tag = xml[start:end]
    if kind == "repeat-address":
        tag = tag[:-1] + b' r="' + rng.choice([b"XFD1048576", b"A1", b"ZZ99999", b"XFD1"]) + b'">'
    elif kind == "pad":
        tag = re.sub(rb'r="([A-Z]+)(\d+)"', lambda m: b'r="' + m.group(1) + m.group(2).rjust(rng.choice([8, 400, 4400]), b"0")
                     + b'"', tag, count=1)
    elif kind == "reorder":
        attributes = re.findall(rb'\s[\w:]+="[^"]*"', tag)
        rng.shuffle(attributes)
        tag = b"<c" + b"".join(attributes) + (b"/>" if tag.endswith(b"/>") else b">")
    else:
        tag = tag.replace(b'"', b"'")
    return xml[:start] + tag + xml[end:]


def mutate_inside(data: bytes, rng: random.Random) -> bytes:
    """The workbook with one of its parts damaged, zipped again."""
    with zipfile.ZipFile(io.BytesIO(data)) as source:
        names = source.namelist()
        weights = [next((w for prefix, w in PART_WEIGHTS.items() if n.startswith(prefix)), 0) for n in names]
        target = rng.choices(names, weights=weights)[0]
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as out:
            for item in source.infolist():
                body = source.read(item)
                out.writestr(item.filename, mutate_part(body, rng) if item.filename == target else body)
    return buffer.getvalue()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=120)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--mode", choices=("zip", "xml"), default="zip", help="mutate the zip's bytes, or a part inside")
    parser.add_argument("--start", type=Path, default=None,
                        help="the workbook to mutate (.xlsx, .xls, .ods; default: a generated tracker)")
    parser.add_argument("--keep", type=Path, default=None, help="folder for crashing inputs")
    args = parser.parse_args()
    rng = random.Random(args.seed)
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    with tempfile.TemporaryDirectory() as tmp:
        start = args.start or write_tracker(load_plan(sample_plan()), Path(tmp) / "clean.xlsx")
        clean, suffix = start.read_bytes(), start.suffix
        if args.mode == "xml" and not zipfile.is_zipfile(start):
            parser.error("--mode xml needs a zipped workbook (.xlsx, .xlsm, .ods)")
        deadline = time.monotonic() + args.seconds
        cases, outcomes, crashes = 0, {0: 0, 1: 0, 2: 0}, []
        while time.monotonic() < deadline:
            case = Path(tmp) / f"case{cases}{suffix}"
            case.write_bytes(mutate(clean, rng) if args.mode == "zip" else mutate_inside(clean, rng))
            done = subprocess.run([sys.executable, "-m", "marketing_tracker", "validate", str(case), "--as-of",
                                   "2024-06-01"], capture_output=True, text=True, env=env, timeout=120, check=False)
            cases += 1
            # An unreadable file is exit 2 and one "error:" line on stderr; anything else there (a traceback, a panic) is a crash.
            refused = done.returncode == 2 and re.fullmatch(r"marketing-tracker: error: [^\n]*\n", done.stderr) is not None
            if done.returncode in outcomes and (refused or not done.stderr.strip()):
                outcomes[done.returncode] += 1
            else:
                crashes.append((case, done.returncode, (done.stderr or done.stdout).strip().splitlines()[-1:]))
                if args.keep:
                    args.keep.mkdir(parents=True, exist_ok=True)
                    (args.keep / case.name).write_bytes(case.read_bytes())
            case.unlink(missing_ok=True) if not crashes or crashes[-1][0] != case else None
    print(f"{cases} cases in {args.seconds:.0f} s (seed {args.seed}, mode {args.mode}): exit 0: {outcomes[0]}, 1: {outcomes[1]}, "
          f"2 (refused with a reason): {outcomes[2]}, crashes: {len(crashes)}")
    for case, code, last in crashes[:20]:
        print(f"  crash: {case.name} exit {code}: {last}")
    sys.exit(1 if crashes else 0)


if __name__ == "__main__":
    main()
