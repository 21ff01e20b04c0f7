"""The issued record on the identity sheet: what the generator was given comes back canonical."""

from __future__ import annotations

import base64
import json
import zlib
from datetime import date

from hypothesis import given
from hypothesis import strategies as st

from marketing_tracker.core.issued import PACKED, WHOLE, decode, meta_rows

texts = st.text(st.characters(blacklist_categories=("Cs",)), max_size=30).map(str.strip).filter(bool)
days = st.dates(date(2020, 1, 1), date(2030, 12, 31))


@given(st.lists(st.fixed_dictionaries({"date": days, "kpi": texts, "channel": texts,
                                       "value": st.floats(-1e9, 1e9, allow_nan=False)}), max_size=20))
def test_kpi_log_rows_come_back_as_they_were_written(rows: list[dict[str, object]]) -> None:
    meta = dict(meta_rows({"kpi_log": rows}))
    issued = decode(meta)
    assert issued is not None
    assert issued.rows["kpi_log"] == rows
    assert issued.copy == WHOLE


@given(texts, st.sampled_from(["未开始", "Done", "in_progress", "已延期"]), st.lists(texts, max_size=3))
def test_task_values_come_back_as_the_reader_gives_them(name: str, status: str, depends: list[str]) -> None:
    keys = {"未开始": "not_started", "Done": "done", "in_progress": "in_progress", "已延期": "delayed"}
    row = {"task_id": "M001", "name": name, "phase": "筹备期", "status": status, "progress": 0,
           "depends_on": ",".join(d.replace(",", "") for d in depends)}
    issued = decode(dict(meta_rows({"tasks": [row]}, {"筹备期": "prep"})))
    assert issued is not None
    expected_depends = [p.strip() for d in depends for p in d.replace(",", "").replace("，", ",").split(",") if p.strip()]
    assert issued.rows["tasks"][0] == {"task_id": "M001", "name": name, "phase": "prep", "status": keys[status],
                                       "progress": 0.0, **({"depends_on": expected_depends} if expected_depends else {})}


def test_a_damaged_record_is_no_record() -> None:
    meta = dict(meta_rows({"tasks": [{"task_id": "M001"}]}))
    meta["issued.1"] = str(meta["issued.1"])[:-3]
    assert decode(meta) is None


def test_the_record_is_packed_ten_to_one() -> None:
    rows = [{"task_id": f"M{i:05d}", "name": f"任务 {i}", "phase": "prep", "owner": f"Person {i % 40:02d}",
             "planned_start": date(2024, 4, 1), "planned_end": date(2024, 4, 12), "progress": 0}
            for i in range(2000)]
    chunks = [text for _key, text in meta_rows({"tasks": rows})]
    plain = json.dumps({"tasks": rows}, ensure_ascii=False, separators=(",", ":"), default=str)
    assert chunks[0].startswith(PACKED)
    assert sum(map(len, chunks)) * 10 < len(plain)


def test_a_record_written_as_plain_json_still_reads() -> None:
    """Trackers generated before the record was packed carry it as JSON text."""
    document = {"version": 1, "phases": {}, "tables": {"tasks": [{"task_id": "M001", "progress": 50}]}}
    issued = decode({"issued.1": json.dumps(document)})
    assert issued is not None
    assert issued.rows == {"tasks": [{"task_id": "M001", "progress": 50.0}]}


def test_a_record_that_unpacks_far_beyond_its_size_is_no_record() -> None:
    bomb = PACKED + base64.b64encode(zlib.compress(b"[" + b"0," * 5_000_000 + b"0]", 9)).decode()
    assert decode({"issued.1": bomb}) is None
