"""Read trackers -> pandas DataFrames shaped the way analysts expect: one row per record, typed columns.

A frame is the typed table the rules see, not the cells as typed: dates are datetime64,
progress and money are floats, statuses and phases are their keys (``"done"``, not "已完成"
or "Done") with a categorical dtype, so that copies in Chinese and in English concatenate
and group alike. The words a person reads are one call away (:func:`with_labels`).

Example::

    from marketing_tracker import read_trackers
    tasks = read_trackers(["市场部.xlsx", "媒介部.xlsx"])["tasks"]
    tasks.groupby("owner")["progress"].mean()
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

import pandas as pd

from marketing_tracker.core.schema import ENUMERATIONS, PHASES, TABLE_SHEETS, Column, Locale

if TYPE_CHECKING:
    from marketing_tracker.reading.reader import Tracker

#: Every frame starts with the record's row in the file (1-based, as the user saved it).
ROW = "row"
#: The extra column :func:`read_trackers` adds: the file each record came from.
SOURCE = "source"

_SHEETS = {sheet.key: sheet for sheet in TABLE_SHEETS}
_NUMERIC = frozenset({"percent", "money", "number"})
_PERSON = "person:"  # the reader's key for a person's column of the RACI matrix


def tracker_frame(tracker: Tracker, name: str) -> pd.DataFrame:
    """One table of a read tracker as a DataFrame (``name``: tasks, milestones, kpis, kpi_log, issues, raci).

    Columns are the schema's keys in the schema's order, those the file lacks included (empty), then the
    columns a team inserted under their header text; computed columns are left out (``marketing_tracker.core.derived``
    computes them). The RACI matrix has one categorical column per person.
    """
    if name not in _SHEETS:
        raise KeyError(f"no table {name!r}; the tables are {', '.join(_SHEETS)}")
    records = tracker.records(name)
    inputs = [c for c in _SHEETS[name].columns if not c.computed]
    data: dict[str, Any] = {ROW: pd.Series([r.row for r in records], dtype="int64")}
    enumerations: dict[str, str] = {}
    for column in inputs:
        values = [r.values.get(column.key) for r in records]
        if name == "kpi_log" and column.key == "kpi":
            values = _kpi_keys(tracker, values)
        data[column.key] = _series(column, values, _categories(tracker, column, values))
        if column.choices in ENUMERATIONS:
            enumerations[column.key] = str(column.choices)
    known = {c.key for c in _SHEETS[name].columns}
    for key in _extra_keys(records, known):
        header = key.removeprefix(_PERSON)
        if key.startswith(_PERSON):
            raci = ENUMERATIONS["raci"]
            data[header] = pd.Series(pd.Categorical([r.values.get(key) for r in records],
                                                    categories=[m.key for m in raci.members]))
            enumerations[header] = "raci"
        else:
            data[header] = pd.Series([r.values.get(key) for r in records], dtype="object")
    frame = pd.DataFrame(data)
    frame.attrs.update({"table": name, "locale": tracker.locale, "path": tracker.path, "enumerations": enumerations,
                        "phase_labels": {key: label for key, label, _s, _e in tracker.campaign.phases if label}})
    return frame


def tracker_frames(tracker: Tracker) -> dict[str, pd.DataFrame]:
    """Every table of a read tracker, by table key."""
    return {name: tracker_frame(tracker, name) for name in _SHEETS}


def read_trackers(paths: Sequence[str | os.PathLike[str]]) -> dict[str, pd.DataFrame]:
    """Many copies -> one frame per table over all of them, each row with its ``source`` file.

    A file that cannot be read raises :class:`marketing_tracker.UnreadableFile` naming it: an analysis over
    copies with one silently missing would be wrong without a word. Categories are the union over the copies,
    so a phase that only one copy uses still groups.
    """
    from marketing_tracker.reading.reader import read_tracker

    per_file = []
    for path in paths:
        frames = tracker_frames(read_tracker(path))
        for frame in frames.values():
            frame.insert(0, SOURCE, os.fspath(path))
        per_file.append(frames)
    return {name: _concat([frames[name] for frames in per_file]) for name in _SHEETS}


def with_labels(frame: pd.DataFrame, locale: Locale | None = None) -> pd.DataFrame:
    """A copy with each enumeration column's keys shown as the labels people read (default: the tracker's language)."""
    language: Locale = locale or frame.attrs.get("locale") or "en"
    labelled = frame.copy()
    for column, enumeration_key in frame.attrs.get("enumerations", {}).items():
        enumeration = ENUMERATIONS[enumeration_key]
        names = {m.key: m.label.get(language) for m in enumeration.members}
        if enumeration_key == "phase":
            names.update(frame.attrs.get("phase_labels", {}) if language == frame.attrs.get("locale") else {})
        labelled[column] = frame[column].cat.rename_categories(lambda key, names=names: names.get(key, key))
    return labelled


def _series(column: Column, values: list[Any], categories: list[str] | None) -> pd.Series:
    if column.kind == "date":
        return pd.to_datetime(pd.Series(values, dtype="object")).astype("datetime64[ns]")  # one unit in every pandas
    if column.kind in _NUMERIC:
        return pd.Series(values, dtype="float64")
    if categories is not None:
        return pd.Series(pd.Categorical(values, categories=categories))
    if column.kind == "ids":
        return pd.Series([list(v) if v is not None else [] for v in values], dtype="object")
    return pd.Series(values, dtype="object")


def _categories(tracker: Tracker, column: Column, values: list[Any]) -> list[str] | None:
    if column.choices == "phase":
        keys = [key for key, _label, _s, _e in tracker.campaign.phases] or [m.key for m in PHASES.members]
        return keys + sorted({str(v) for v in values if v is not None} - set(keys))
    if column.choices in ENUMERATIONS:
        return [m.key for m in ENUMERATIONS[str(column.choices)].members]
    return None


def _kpi_keys(tracker: Tracker, names: list[Any]) -> list[Any]:
    """The KPI log names a KPI by what the dropdown shows (its name); the frame names it by its code."""
    by_name = {r.values.get("name"): r.values.get("kpi_key") for r in tracker.records("kpis") if r.values.get("kpi_key")}
    codes = set(by_name.values())
    return [value if value in codes else by_name.get(value, value) for value in names]


def _extra_keys(records: Iterable[Any], known: set[str]) -> list[str]:
    seen: dict[str, None] = {}
    for record in records:
        for key in record.values:
            if key not in known:
                seen.setdefault(key, None)
    return list(seen)


def _concat(frames: list[pd.DataFrame]) -> pd.DataFrame:
    if not frames:
        return pd.DataFrame()
    enumerations: dict[str, str] = {}
    for frame in frames:
        enumerations.update(frame.attrs.get("enumerations", {}))
    categories: dict[str, list[str]] = {}
    for column in enumerations:
        merged: dict[str, None] = {}
        for frame in frames:
            if column in frame:
                merged.update(dict.fromkeys(frame[column].cat.categories))
        categories[column] = list(merged)
    combined = pd.concat(frames, ignore_index=True)
    for column, wanted in categories.items():
        combined[column] = pd.Categorical(combined[column].astype("object").where(combined[column].notna(), None),
                                          categories=wanted)
    combined.attrs = {"table": frames[0].attrs.get("table"), "locale": frames[0].attrs.get("locale"),
                      "enumerations": enumerations, "phase_labels": frames[0].attrs.get("phase_labels", {})}
    return combined
