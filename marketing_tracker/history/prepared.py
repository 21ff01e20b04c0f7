"""A copy made ready to store: read, validated, and every row turned into the text the database keeps.

Everything about a snapshot that needs no database is done here, so that it can be done where
the database is not: ``snapshot`` does it in a forked child while the command itself imports
SQLAlchemy and opens the database (reading.ahead), and what crosses back is strings and numbers,
not a tracker's thousands of objects (pickling a 5,000-task tracker there and back cost as much as
validating it). This module imports no SQLAlchemy; ``History.add`` only inserts what it holds.

A record is stored as the JSON body ``[values, raw text of cells that could not be typed]`` under
the body's digest, so a row unchanged since an earlier week is stored once (history.models); the
snapshot's own identity is the hash of its whole content, so the same file stored twice is one
snapshot.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import os
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from marketing_tracker.core.findings import Finding, params_to_json
from marketing_tracker.reading.reader import CampaignInfo, Tracker, read_tracker

#: A finding as stored: code, sheet, cell, row, column key, its value as JSON, its params as JSON.
FindingRow = tuple[str, str, str, "int | None", str, "str | None", str]


@dataclass(frozen=True)
class Sheet:
    """Where a table's sheet was and how its columns lay, so a loaded tracker can still name cells."""

    key: str
    sheet: str
    header_row: int
    columns: dict[str, int]
    extra: dict[str, int]


@dataclass(frozen=True)
class Prepared:
    """One copy, validated and encoded: all a database needs to store it as a snapshot.

    ``records`` are (table key, row, body digest) in table and row order; ``bodies`` maps each
    digest to its JSON body (the identity sheet's ``meta_digest`` among them). ``findings`` may
    be a function that gives them when first needed (:func:`joined`): ``History.add`` asks for
    them once the records are inserted, so a child can still be checking the copy meanwhile.
    """

    source: str
    locale: str
    campaign: CampaignInfo
    status_date: date
    content_hash: str
    info: dict[str, Any]
    sheets: list[Sheet]
    meta_digest: str
    bodies: dict[str, str]
    records: list[tuple[str, int, str]]
    findings: Sequence[FindingRow] | Callable[[], Sequence[FindingRow]]
    tasks: int

    def finding_rows(self) -> Sequence[FindingRow]:
        """The findings' rows, waiting for them when they are still to come."""
        return self.findings() if callable(self.findings) else self.findings


def prepare(source: str | os.PathLike[str] | Tracker, *, as_of: date | None = None) -> Prepared:
    """Read (when given a path) and validate a copy, and encode it for storing.

    The status date is the copy's own, else ``as_of``, else today. Raises what ``read_tracker``
    raises for a file that cannot be read.
    """
    ready = joined(prepare_in_parts(source, as_of=as_of))
    return dataclasses.replace(ready, findings=ready.finding_rows())


def prepare_in_parts(source: str | os.PathLike[str] | Tracker, *,
                     as_of: date | None = None) -> Iterator[Prepared | list[FindingRow]]:
    """:func:`prepare`'s work in two parts: the copy encoded with no findings yet, then its findings' rows.

    The records are encoded before the copy is checked, so that whoever receives the first part
    can insert them while the second is made (``snapshot``'s child: see reading.ahead, :func:`joined`).
    """
    from marketing_tracker.checks.validate import validate

    tracker = source if isinstance(source, Tracker) else read_tracker(source)
    day = tracker.campaign.as_of or as_of or date.today()
    yield _encoded(tracker, day)
    yield _finding_rows(validate(tracker, as_of=day), tracker.findings)


def joined(parts: Iterator[Prepared | list[FindingRow]]) -> Prepared:
    """The two parts of :func:`prepare_in_parts` as one copy whose findings are taken when first needed."""
    encoded = next(parts)
    assert isinstance(encoded, Prepared)
    return dataclasses.replace(encoded, findings=lambda: _findings_of(next(parts)))


def _findings_of(part: Prepared | list[FindingRow]) -> list[FindingRow]:
    assert isinstance(part, list)
    return part


def _encoded(tracker: Tracker, day: date) -> Prepared:
    """Everything of a snapshot but its findings: the records' bodies and digests, the content hash."""
    bodies: dict[str, str] = {}
    records: list[tuple[str, int, str]] = []
    rows: dict[str, list[list[Any]]] = {}
    for key, table in tracker.tables.items():
        rows[key] = []
        for record in table.records:
            raw = {k: v for k, v in record.raw.items() if k not in record.values} if record.raw else {}
            digest = _keep(bodies, [record.values, raw])
            records.append((key, record.row, digest))
            rows[key].append([record.row, digest])
    meta_digest = _keep(bodies, values_json(tracker.meta))  # stored once like a record: the same every week
    info = info_json(tracker.campaign)
    sheets = [Sheet(key, t.sheet, t.header_row, t.columns, t.extra) for key, t in tracker.tables.items()]
    content = {
        "campaign": {"name": tracker.campaign.name, "start": encode(tracker.campaign.start)},
        "status_date": day.isoformat(),
        "info": info,
        "tables": {s.key: {"sheet": s.sheet, "header_row": s.header_row, "columns": s.columns, "extra": s.extra,
                           "rows": rows[s.key]} for s in sheets},
    }
    content_hash = hashlib.sha256(json.dumps(content, ensure_ascii=False, sort_keys=True).encode()).hexdigest()
    return Prepared(tracker.path, tracker.locale, tracker.campaign, day, content_hash, info, sheets, meta_digest,
                    bodies, records, [], len(tracker.records("tasks")))


def _keep(bodies: dict[str, str], value: Any) -> str:
    """Encode ``value`` as a stored body, keep it under its digest, and give the digest."""
    body = dumps(value)
    digest = hashlib.blake2b(body.encode(), digest_size=16).hexdigest()
    bodies[digest] = body
    return digest


def _finding_rows(found: list[Finding], reading: list[Finding]) -> list[FindingRow]:
    """Each finding as stored; the reader's own carry ``_reading`` so that ``load`` gives them back."""
    from_reading = set(map(id, reading))
    return [(f.code, f.sheet, f.cell, f.row, f.column, None if f.value is None else dumps(encode(f.value)),
             dumps({**params_to_json(f.params), "_table": f.table, "_detail": f.detail,
                    **({"_reading": True} if id(f) in from_reading else {})}))
            for f in found]


#: The one thing in a record the JSON encoder does not know is a date (a datetime is one too and keeps
#: its day only: the reader types date columns as days). Anything else raises TypeError.
_ENCODER = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), default=date.isoformat)


def _c_encoder() -> Callable[[Any], str]:
    """``_ENCODER.encode``, with the C encoder made once instead of once per call.

    ``JSONEncoder.encode`` builds CPython's C encoder afresh for every value; a 5,000-task snapshot
    encodes 15,000 small values (records and findings), and building it was a third of the time.
    The arguments are ``_ENCODER``'s (no circular check: records are plain trees). Where the C
    encoder is missing (another Python), the public method does the same work.
    """
    make = getattr(json.encoder, "c_make_encoder", None)
    if make is None:
        return _ENCODER.encode
    encoder = make(None, date.isoformat, json.encoder.encode_basestring, None, ":", ",", False, False, True)

    def encode(value: Any) -> str:
        return "".join(encoder(value, 0))

    return encode


#: JSON text as stored: compact, dates as ISO text.
dumps = _c_encoder()


def info_json(info: CampaignInfo) -> dict[str, Any]:
    """The campaign-info sheet as stored (its name and start are the campaign's own row)."""
    return {"end": encode(info.end), "plan_owner": info.plan_owner, "exec_owner": info.exec_owner,
            "as_of": encode(info.as_of),
            "phases": [[key, label, encode(start), encode(end)] for key, label, start, end in info.phases],
            "people": list(info.people), "departments": dict(info.departments), "goals": list(info.goals)}


def values_json(values: dict[str, Any]) -> dict[str, Any]:
    return {key: encode(value) for key, value in values.items()}


def encode(value: Any) -> Any:
    """``value`` as JSON-ready data: dates as ISO text, a CellError as its text, containers throughout."""
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    if isinstance(value, str):
        return str(value)  # a CellError is a str: stored as its text
    if isinstance(value, (list, tuple)):
        return [encode(v) for v in value]
    if isinstance(value, dict):
        return {str(k): encode(v) for k, v in value.items()}
    return value


__all__ = ["Prepared", "Sheet", "dumps", "encode", "info_json", "joined", "prepare", "prepare_in_parts", "values_json"]
