"""The history of a campaign: dated snapshots of its tracker in a database (SQLAlchemy 2).

Open one by URL: any SQLAlchemy URL works (a team's PostgreSQL server, ``postgresql+psycopg://...``);
the default is a SQLite file in the current folder, ``$MARKETING_TRACKER_DB`` overrides it.
Opening brings the schema up to date with the Alembic revisions in ``migrations/``; a database
written by a newer version of the library is refused, never changed.

Example::

    history = History("sqlite:///618.db")
    snap = history.add("618-week3.xlsx")            # read, validate, store in one transaction
    for s in history.snapshots(campaign="品牌618周年庆"):
        print(s.id, s.status_date, s.tasks)
    tracker = history.load(snap.id)                  # a Tracker, as read_tracker gives it
    frames = history.frames(snap.id)                 # the same tables as pandas DataFrames
"""

from __future__ import annotations

import dataclasses
import json
import os
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, Engine, create_engine, event, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, NoSuchModuleError, SQLAlchemyError

from marketing_tracker.core.errors import TrackerError
from marketing_tracker.core.findings import Finding, params_from_json
from marketing_tracker.core.schema import TABLE_SHEETS
from marketing_tracker.history import models
from marketing_tracker.history.models import SCHEMA_HEAD
from marketing_tracker.history.prepared import Prepared, prepare
from marketing_tracker.reading.reader import CampaignInfo, Record, Table, Tracker

if TYPE_CHECKING:
    import pandas as pd

DEFAULT_URL = "sqlite:///marketing-tracker.db"
ENV_URL = "MARKETING_TRACKER_DB"
MIGRATIONS = Path(__file__).resolve().parent / "migrations"
_DATE_COLUMNS = {sheet.key: {c.key for c in sheet.columns if c.kind == "date"} for sheet in TABLE_SHEETS}
_ALL_DATE_KEYS = set().union(*_DATE_COLUMNS.values())


class HistoryError(TrackerError, ValueError):
    """The history database cannot be used: a wrong or unreachable URL, a newer schema, an unknown campaign."""


@dataclass(frozen=True)
class Snapshot:
    """One stored copy: which campaign, as of which day, and what it held."""

    id: int
    campaign: str
    campaign_start: date | None
    status_date: date
    content_hash: str
    source: str
    tasks: int
    findings: int
    new: bool = True  # False when ``add`` found the same content already stored


def default_url() -> str:
    """``$MARKETING_TRACKER_DB``, else a SQLite file in the current folder."""
    return os.environ.get(ENV_URL) or DEFAULT_URL


class History:
    """A history database, open and at the current schema version.

    ``create=False`` refuses a SQLite file that does not exist yet (``status`` and ``archive`` read;
    only ``snapshot`` should leave a new file behind).
    """

    def __init__(self, url: str | None = None, *, create: bool = True) -> None:
        self.url = url or default_url()
        self.engine = _engine(self.url, create=create)
        try:
            with self.engine.begin() as connection:
                _migrate(connection)
        except SQLAlchemyError as exc:
            self.engine.dispose()
            raise HistoryError(f"{_shown(self.url)}: cannot open the history database ({_reason(exc)})") from None
        except HistoryError:
            self.engine.dispose()
            raise

    def close(self) -> None:
        self.engine.dispose()

    @property
    def _driver_error(self) -> type[Exception]:
        error: type[Exception] = self.engine.dialect.dbapi.Error  # type: ignore[union-attr]
        return error

    def __enter__(self) -> History:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    # ----------------------------------------------------------------------- writing

    def add(self, source: str | os.PathLike[str] | Tracker | Prepared, *, as_of: date | None = None) -> Snapshot:
        """Read (when given a path) and validate a copy, and store it as one snapshot, in one transaction.

        The same content stored twice is one snapshot: the second ``add`` returns the first with
        ``new=False``. The status date is the copy's own, else ``as_of``, else today. A copy already
        prepared (history.prepared; the command prepares it in a child, see reading.ahead) is stored
        as it was prepared, and ``as_of`` is not used.
        """
        ready = source if isinstance(source, Prepared) else prepare(source, as_of=as_of)
        try:
            with self.engine.begin() as connection:
                existing = self._by_hash(connection, ready.content_hash)
                if existing is not None:
                    return existing
                snapshot_id, findings = _insert(connection, ready)
        except (SQLAlchemyError, self._driver_error) as exc:  # the driver's own: see _bulk_insert
            raise HistoryError(f"{_shown(self.url)}: the snapshot was not stored ({_reason(exc)})") from None
        # what snapshot(snapshot_id) would read back, without the query
        return Snapshot(snapshot_id, ready.campaign.name, ready.campaign.start, ready.status_date, ready.content_hash,
                        ready.source, ready.tasks, findings)

    # ----------------------------------------------------------------------- reading

    def campaigns(self) -> list[str]:
        """Every campaign's name, in the order first stored."""
        with self.engine.connect() as connection:
            rows = connection.execute(select(models.campaigns.c.name).order_by(models.campaigns.c.id))
            return [row.name for row in rows]

    def snapshots(self, campaign: str | None = None) -> list[Snapshot]:
        """Snapshots by campaign, then status date (oldest first); ``campaign`` keeps one campaign's."""
        query = _snapshot_query()
        if campaign is not None:
            query = query.where(models.campaigns.c.name == campaign)
        with self.engine.connect() as connection:
            return [_snapshot(row) for row in connection.execute(query)]

    def snapshot(self, snapshot_id: int) -> Snapshot:
        """One snapshot's summary; :class:`HistoryError` when there is none with that id."""
        with self.engine.connect() as connection:
            row = connection.execute(_snapshot_query().where(models.snapshots.c.id == snapshot_id)).first()
        if row is None:
            raise HistoryError(f"{_shown(self.url)}: there is no snapshot {snapshot_id}")
        return _snapshot(row)

    def load(self, snapshot_id: int, *, tables: tuple[str, ...] | None = None) -> Tracker:
        """The snapshot as a :class:`Tracker`, with the tables, rows and reading findings it was stored with.

        ``tables`` keeps only those sheets' records (by schema key), for a caller that needs no more.
        """
        with self.engine.connect() as connection:
            head = connection.execute(select(models.snapshots).where(models.snapshots.c.id == snapshot_id)).first()
            if head is None:
                raise HistoryError(f"{_shown(self.url)}: there is no snapshot {snapshot_id}")
            campaign = connection.execute(select(models.campaigns).where(models.campaigns.c.id == head.campaign_id)).one()
            layout = connection.execute(select(models.sheets).where(models.sheets.c.snapshot_id == snapshot_id)).all()
            if tables is not None:
                layout = [s for s in layout if s.table_key in tables]
            rows = _record_rows(connection, snapshot_id, [s.table_key for s in layout])
            meta = dict(head.meta) if head.meta_digest is None else json.loads(connection.execute(
                select(models.rows.c.body).where(models.rows.c.digest == head.meta_digest)).scalar_one())
            stored = connection.execute(select(models.findings).where(models.findings.c.snapshot_id == snapshot_id)
                                        .order_by(models.findings.c.id)).all()
        found = {s.table_key: Table(s.table_key, s.sheet, s.header_row, dict(s.columns), dict(s.extra)) for s in layout}
        decoded = json.loads("[" + ",".join(body for _k, _r, body in rows) + "]")  # one parse for every row
        for (table_key, row, _body), (values, raw) in zip(rows, decoded, strict=True):
            for key in _DATE_COLUMNS.get(table_key, set()) & values.keys():
                values[key] = _decode(values[key], True)
            found[table_key].records.append(Record(row, values, raw))
        ordered = {sheet.key: found[sheet.key] for sheet in TABLE_SHEETS if sheet.key in found}
        info = _info(head.info, campaign, head.status_date)
        reading = [_finding(f) for f in stored if f.params.get("_reading")]
        return Tracker(head.source, head.locale, info, ordered, reading, meta)

    def table_values(self, snapshot_ids: Sequence[int], table: str) -> Iterator[tuple[int, list[dict[str, Any]]]]:
        """Each snapshot's typed values of one table's records, in row order (``load`` gives the same values).

        For a caller that reads the values of many snapshots (the recap's trends read every snapshot's
        tasks): nothing else is read (no sheet layout, findings or identity sheet), and a record body
        shared by several snapshots (a row unchanged for weeks) is fetched and parsed once. The dicts
        are shared between the snapshots that hold the same row: read them, do not change them.
        """
        parsed: dict[str, dict[str, Any]] = {}
        dates = _DATE_COLUMNS.get(table, set())
        with self.engine.connect() as connection:
            marker = _marker(connection)
            cursor = connection.connection.cursor()
            try:
                for snapshot_id in snapshot_ids:
                    cursor.execute(f"SELECT digest FROM mt_records WHERE snapshot_id = {marker} AND table_key = {marker} "  # noqa: S608
                                   "ORDER BY row", (snapshot_id, table))
                    digests = [str(digest) for (digest,) in cursor.fetchall()]
                    new = list(dict.fromkeys(d for d in digests if d not in parsed))
                    for first in range(0, len(new), _IN_CHUNK):
                        chunk = new[first:first + _IN_CHUNK]
                        cursor.execute(f"SELECT digest, body FROM mt_rows WHERE digest IN ({', '.join([marker] * len(chunk))})",  # noqa: S608
                                       chunk)
                        found = cursor.fetchall()
                        bodies = json.loads("[" + ",".join(str(body) for _d, body in found) + "]")  # one parse per chunk
                        for (digest, _body), (values, _raw) in zip(found, bodies, strict=True):
                            for key in dates & values.keys():
                                values[key] = _decode(values[key], True)
                            parsed[str(digest)] = values
                    yield snapshot_id, [parsed[d] for d in digests]
            finally:
                cursor.close()

    def findings(self, snapshot_id: int) -> list[Finding]:
        """Every finding the snapshot had when it was stored (reading's and the rules')."""
        with self.engine.connect() as connection:
            stored = connection.execute(select(models.findings).where(models.findings.c.snapshot_id == snapshot_id)
                                        .order_by(models.findings.c.id)).all()
        return [_finding(f) for f in stored]

    def frames(self, snapshot_id: int) -> dict[str, pd.DataFrame]:
        """Each table of the snapshot as the typed DataFrame a tracker gives (:meth:`Tracker.frames`)."""
        return self.load(snapshot_id).frames()

    def _by_hash(self, connection: Connection, digest: str) -> Snapshot | None:
        row = connection.execute(_snapshot_query().where(models.snapshots.c.content_hash == digest)).first()
        if row is None:
            return None
        return dataclasses.replace(_snapshot(row), new=False)


# --------------------------------------------------------------------------- opening


def _engine(url: str, *, create: bool) -> Engine:
    try:
        parsed = make_url(url)
    except ArgumentError:
        raise HistoryError(f"{_shown(url)}: not a database URL (say sqlite:///file.db or postgresql+psycopg://...)") from None
    if parsed.get_backend_name() == "sqlite" and parsed.database not in (None, "", ":memory:"):
        path = Path(parsed.database)
        if not path.parent.is_dir():
            raise HistoryError(f"{_shown(url)}: the folder {path.parent} does not exist")
        if not create and not path.exists():
            raise HistoryError(f"{_shown(url)}: no history there yet (store copies with: marketing-tracker snapshot FILE)")
    try:
        engine = create_engine(parsed)
    except (NoSuchModuleError, ImportError) as exc:
        raise HistoryError(f"{_shown(url)}: no driver for this database ({_reason(exc)}; for PostgreSQL: "
                           "pip install 'marketing-tracker[postgres]')") from None
    except ArgumentError as exc:
        raise HistoryError(f"{_shown(url)}: not a database URL ({_reason(exc)})") from None
    if parsed.get_backend_name() == "sqlite":
        event.listen(engine, "connect", _sqlite_foreign_keys)
    return engine


def _sqlite_foreign_keys(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


def _migrate(connection: Connection) -> None:
    """Bring the schema to ``SCHEMA_HEAD``; refuse a revision this version does not know (a newer library wrote it)."""
    current = None
    if connection.dialect.has_table(connection, "alembic_version"):  # the dialect's own check: no Inspector
        current = connection.execute(text("SELECT version_num FROM alembic_version")).scalar()
    if current == SCHEMA_HEAD:
        return
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    scripts = ScriptDirectory.from_config(config)
    if current is not None and current not in {rev.revision for rev in scripts.walk_revisions()}:
        raise HistoryError(f"the history database has schema version {current}, newer than this marketing-tracker "
                           f"knows ({SCHEMA_HEAD}): upgrade marketing-tracker to use it")
    from alembic import command

    config.attributes["connection"] = connection
    command.upgrade(config, "head")


def _shown(url: str) -> str:
    """The URL without its password, for messages."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except ArgumentError:
        return url


def _reason(exc: BaseException) -> str:
    original = getattr(exc, "orig", None)
    text_ = str(original if original is not None else exc).strip()
    return (text_.splitlines()[0] if text_ else type(exc).__name__)[:200]


# --------------------------------------------------------------------------- rows in and out


_IN_CHUNK = 500  # digests per IN (...) query: well inside every database's parameter limit


def _marker(connection: Connection) -> str:
    """The driver's parameter marker, for the statements sent to it directly (see _bulk_insert)."""
    return "?" if connection.dialect.paramstyle == "qmark" else "%s"


def _insert(connection: Connection, ready: Prepared) -> tuple[int, int]:
    """Store the snapshot's rows; its id and how many findings it has.

    The findings are asked for last (``Prepared.findings`` may still be in the making: see
    history.prepared.joined), and their count is set on the snapshot's row then.
    """
    campaign_id = _campaign_id(connection, ready.campaign)
    snapshot_id = int(connection.execute(models.snapshots.insert().values(
        campaign_id=campaign_id, content_hash=ready.content_hash, status_date=ready.status_date,
        stored_at=datetime.now(timezone.utc).replace(tzinfo=None), source=ready.source, locale=ready.locale,
        info=ready.info, meta={}, meta_digest=ready.meta_digest, tasks=ready.tasks, findings=0,
    )).inserted_primary_key[0])  # type: ignore[index]
    if ready.sheets:
        connection.execute(models.sheets.insert(), [
            {"snapshot_id": snapshot_id, "table_key": s.key, "sheet": s.sheet, "header_row": s.header_row,
             "columns": s.columns, "extra": s.extra} for s in ready.sheets])
    _store_bodies(connection, ready.bodies)
    _bulk_insert(connection, models.records, ("snapshot_id", "table_key", "row", "digest"),
                 [(snapshot_id, *record) for record in ready.records])
    found = ready.finding_rows()
    _bulk_insert(connection, models.findings, ("snapshot_id", "code", "sheet", "cell", "row", "column_key", "value", "params"),
                 [(snapshot_id, *finding) for finding in found])
    if found:
        connection.execute(models.snapshots.update().where(models.snapshots.c.id == snapshot_id)
                           .values(findings=len(found)))
    return snapshot_id, len(found)


#: Databases whose INSERT takes ``ON CONFLICT (...) DO NOTHING`` (SQLite 3.24+, PostgreSQL 9.5+).
_ON_CONFLICT = frozenset({"sqlite", "postgresql"})


def _store_bodies(connection: Connection, wanted: dict[str, str]) -> None:
    """Insert the bodies the database does not hold yet (a row unchanged since an earlier snapshot is there).

    One statement where the database can skip a body it holds (``ON CONFLICT DO NOTHING``: no lookup
    first, and two people storing the same new body at once both succeed); elsewhere the bodies held
    are looked up first, in chunks.
    """
    if connection.dialect.name in _ON_CONFLICT:
        _bulk_insert(connection, models.rows, ("digest", "body"), list(wanted.items()),
                     suffix=" ON CONFLICT (digest) DO NOTHING")
        return
    digests = list(wanted)
    held: set[str] = set()
    marker = _marker(connection)
    cursor = connection.connection.cursor()
    try:
        for start in range(0, len(digests), _IN_CHUNK):
            chunk = digests[start:start + _IN_CHUNK]
            cursor.execute(f"SELECT digest FROM mt_rows WHERE digest IN ({', '.join([marker] * len(chunk))})",  # noqa: S608
                           chunk)
            held.update(str(found) for (found,) in cursor.fetchall())
    finally:
        cursor.close()
    _bulk_insert(connection, models.rows, ("digest", "body"), [(d, body) for d, body in wanted.items() if d not in held])


def _record_rows(connection: Connection, snapshot_id: int, table_keys: list[str]) -> list[tuple[str, int, str]]:
    """(table key, row, JSON body) of a snapshot's records in row order, straight from the driver (see _bulk_insert)."""
    if not table_keys:
        return []
    marker = _marker(connection)
    sql = ("SELECT r.table_key, r.row, b.body FROM mt_records r JOIN mt_rows b ON b.digest = r.digest "  # noqa: S608
           f"WHERE r.snapshot_id = {marker} AND r.table_key IN ({', '.join([marker] * len(table_keys))}) "
           "ORDER BY r.table_key, r.row")
    cursor = connection.connection.cursor()
    try:
        cursor.execute(sql, (snapshot_id, *table_keys))
        return [(str(key), int(row), str(body)) for key, row, body in cursor.fetchall()]
    finally:
        cursor.close()


def _bulk_insert(connection: Connection, table: Any, columns: tuple[str, ...], rows: list[tuple[Any, ...]],
                 suffix: str = "") -> None:
    """Many plain rows (text and numbers) through the driver's own executemany, in the connection's transaction.

    SQLAlchemy's executemany prepares every parameter set in Python; for the 10,000 rows of a
    5,000-task snapshot that was most of the time spent storing it. These columns need no type
    conversion, so the driver gets the tuples as they are.
    """
    if not rows:
        return
    marker = _marker(connection)
    quote = connection.dialect.identifier_preparer.quote
    sql = (f"INSERT INTO {quote(table.name)} ({', '.join(quote(c) for c in columns)}) "  # noqa: S608 (names from models)
           f"VALUES ({', '.join([marker] * len(columns))}){suffix}")
    cursor = connection.connection.cursor()
    try:
        cursor.executemany(sql, rows)
    finally:
        cursor.close()


def _campaign_id(connection: Connection, info: CampaignInfo) -> int:
    table = models.campaigns
    found = connection.execute(select(table.c.id).where(table.c.name == info.name, table.c.start == info.start
                                                        if info.start else table.c.start.is_(None))).scalar()
    if found is not None:
        if info.end is not None:
            connection.execute(table.update().where(table.c.id == found).values(end=info.end))
        return int(found)
    return int(connection.execute(table.insert().values(name=info.name, start=info.start, end=info.end))
               .inserted_primary_key[0])  # type: ignore[index]


def _snapshot_query() -> Any:
    s, c = models.snapshots, models.campaigns
    return (select(s.c.id, c.c.name.label("campaign"), c.c.start.label("campaign_start"), s.c.status_date,
                   s.c.content_hash, s.c.source, s.c.tasks, s.c.findings)
            .join(c, c.c.id == s.c.campaign_id).order_by(c.c.id, s.c.status_date, s.c.id))


def _snapshot(row: Any) -> Snapshot:
    return Snapshot(int(row.id), row.campaign, row.campaign_start, row.status_date, row.content_hash, row.source,
                    int(row.tasks), int(row.findings))


def _info(data: dict[str, Any], campaign: Any, status_date: date) -> CampaignInfo:
    return CampaignInfo(
        name=campaign.name, start=campaign.start, end=_decode(data.get("end"), True),
        plan_owner=data.get("plan_owner", ""), exec_owner=data.get("exec_owner", ""),
        as_of=_decode(data.get("as_of"), True) or status_date,
        phases=[(key, label, _decode(start, True), _decode(end, True)) for key, label, start, end in data.get("phases", [])],
        people=list(data.get("people", [])), departments=dict(data.get("departments", {})), goals=list(data.get("goals", [])))


def _decode(value: Any, is_date: bool) -> Any:
    if is_date and isinstance(value, str):
        try:
            return date.fromisoformat(value[:10])
        except ValueError:
            return value
    return value


def _finding(row: Any) -> Finding:
    stored = {k: v for k, v in row.params.items() if k not in ("_reading", "_table", "_detail")}
    value = None if row.value is None else _decode(json.loads(row.value), row.column_key in _ALL_DATE_KEYS)
    return Finding(row.code, row.sheet, row.cell, row.row, row.column_key, value, params_from_json(stored),
                   table=row.params.get("_table", ""), detail=row.params.get("_detail", ""))


__all__ = ["DEFAULT_URL", "ENV_URL", "History", "HistoryError", "Snapshot", "default_url"]
