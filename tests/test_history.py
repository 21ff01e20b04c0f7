"""The history: snapshots in SQLite and a real PostgreSQL, status, remind and archive, against figures worked out by hand.

The campaign is tests/history_weeks.py: seven tasks over four weeks, copies of weeks 1-3 (status dates
2025-03-07, 03-14, 03-21). The hand reckoning is beside each expected value.
"""

from __future__ import annotations

import dataclasses
import json
import pickle
import subprocess
import sys
import warnings
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine, func, select, text

from marketing_tracker.checks.validate import validate
from marketing_tracker.history import History, HistoryError, models
from marketing_tracker.history.models import SCHEMA_HEAD
from marketing_tracker.history.prepared import joined, prepare, prepare_in_parts
from marketing_tracker.history.remind import reminders
from marketing_tracker.reading.reader import read_tracker

from .conftest import run_cli
from .history_weeks import CAMPAIGN, PLAN, fill_openpyxl, make_tracker
from .pages import visit

# Week 2 -> week 3, as of 2025-03-21.
EXPECTED_STATUS: dict[str, Any] = {
    "campaign": CAMPAIGN, "from": "2025-03-14", "to": "2025-03-21", "snapshots": {"from": 2, "to": 3},
    # E004 was 30% in week 2, done on 03-20 in week 3.
    "done_since": [{"id": "E004", "name": "Influencer posts", "owner": "Cat Sales", "actual_end": "2025-03-20"}],
    # E001 ends 03-16, open at 80%: 21 - 16 = 5 days; on 03-14 it was not due. E002 ends 03-20, 50%: 1 day.
    "newly_late": [{"id": "E001", "name": "Ads", "days_late": 5, "owner": "Cat Sales", "planned_end": "2025-03-16"},
                   {"id": "E002", "name": "Launch post", "days_late": 1, "owner": "Ann Lead", "planned_end": "2025-03-20"}],
    # C001's planned end moved 03-28 -> 03-29 in week 3.
    "slipped": [{"id": "C001", "name": "Recap", "owner": "Ann Lead", "field": "planned_end", "from": "2025-03-28",
                 "to": "2025-03-29", "days": 1}],
    "progress": {
        # week 2: 100 + 100 + 40 + 0 + 0 + 30 + 0 = 270 / 7; week 3: 100 + 100 + 80 + 50 + 0 + 100 + 0 = 430 / 7.
        "overall": {"from": 0.3857, "to": 0.6143},
        "phases": [{"key": "prep", "label": "Preparation", "from": 1.0, "to": 1.0},
                   # (40 + 0 + 0 + 30) / 4 and (80 + 50 + 0 + 100) / 4
                   {"key": "execution", "label": "Execution", "from": 0.175, "to": 0.575},
                   {"key": "wrapup", "label": "Wrap-up", "from": 0.0, "to": 0.0}],
        # Ann: M001 E002 C001 (100 + 0 + 0) / 3, (100 + 50 + 0) / 3; Bob: M002 E003; Cat: E001 E004.
        "owners": [{"name": "Ann Lead", "from": 0.3333, "to": 0.5},
                   {"name": "Bob Art", "from": 0.5, "to": 0.5},
                   {"name": "Cat Sales", "from": 0.35, "to": 0.9}],
    },
    # MS02 due 03-25, 4 days on; execution's four tasks should all be at 100% on 03-21, they average 57.5%.
    "milestones_at_risk": [{"id": "MS02", "name": "Sales push done", "owner": "Cat Sales", "phase": "execution",
                            "due": "2025-03-25", "days_to_due": 4, "expected_progress": 1.0, "actual_progress": 0.575}],
    # Orders: 100 + 50 + 150 + 200 = 500, then + 300 = 800 of 1000. Sign-ups: 40 + 60 = 100, + 100 = 200 of 400.
    # Elapsed on 03-21: 19 of the campaign's 28 days = 0.6786.
    "kpis": [{"key": "orders", "name": "Orders", "target": 1000.0, "actual_from": 500.0, "actual_to": 800.0,
              "achievement_from": 0.5, "achievement_to": 0.8, "expected": 0.6786, "on_pace": True},
             {"key": "signups", "name": "Sign-ups", "target": 400.0, "actual_from": 100.0, "actual_to": 200.0,
              "achievement_from": 0.25, "achievement_to": 0.5, "expected": 0.6786, "on_pace": False}],
    "issues": {"opened": [{"id": "I002", "description": "Ad account paused", "owner": "Cat Sales", "task_id": "E001",
                           "raised": "2025-03-20", "resolved": None}],
               "closed": [{"id": "I001", "description": "Printer delay", "owner": "Bob Art", "task_id": "E003",
                           "raised": "2025-03-11", "resolved": "2025-03-19"}]},
    "reminders": {
        "Ann Lead": [{"id": "E002", "name": "Launch post", "planned_end": "2025-03-20", "days_overdue": 1, "due_in": None,
                      "status": "in_progress"}],
        # E003 ends on the status date itself: due in 0 days. C001 (03-29) is 8 days away.
        "Bob Art": [{"id": "E003", "name": "Store display", "planned_end": "2025-03-21", "days_overdue": None, "due_in": 0,
                     "status": "not_started"}],
        "Cat Sales": [{"id": "E001", "name": "Ads", "planned_end": "2025-03-16", "days_overdue": 5, "due_in": None,
                       "status": "in_progress"}],
    },
}


@pytest.fixture(scope="module")
def other_campaign(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A second campaign (same plan, another name), as of its first week."""
    folder = tmp_path_factory.mktemp("summer")
    blank = make_tracker(folder, "summer")
    plan = (folder / "summer.yaml")
    plan.write_text(PLAN.replace(CAMPAIGN, "Week Test Summer"), encoding="utf-8")
    done = run_cli("new", str(plan), "-o", str(blank))
    assert done.returncode == 0, done.stderr
    return fill_openpyxl(blank, 1, folder / "summer-week1.xlsx")


def _json(*args: str) -> Any:
    done = run_cli(*args)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def _counts(url: str) -> dict[str, int]:
    engine = create_engine(url)
    with engine.connect() as connection:
        found = {table.name: int(connection.execute(select(func.count()).select_from(table)).scalar_one())
                 for table in models.metadata.sorted_tables}
    engine.dispose()
    return found


# --------------------------------------------------------------------------- snapshot


def test_snapshot_stores_each_week_and_says_so(weeks: list[Path], history_url: str) -> None:
    done = run_cli("snapshot", *map(str, weeks), "--db", history_url)
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == [
        f"{weeks[0]}: stored as snapshot 1 of {CAMPAIGN} as of 2025-03-07 (7 tasks, 0 findings)",
        f"{weeks[1]}: stored as snapshot 2 of {CAMPAIGN} as of 2025-03-14 (7 tasks, 0 findings)",
        # week 3: E001 and E002 are past their planned ends and open (two "overdue" findings)
        f"{weeks[2]}: stored as snapshot 3 of {CAMPAIGN} as of 2025-03-21 (7 tasks, 2 findings)",
    ]


def test_the_same_file_stored_twice_is_one_snapshot(weeks: list[Path], history_url: str) -> None:
    with History(history_url) as history:
        first, again = history.add(weeks[0]), history.add(weeks[0])
        assert (first.id, first.new, again.id, again.new) == (1, True, 1, False)
        assert len(history.snapshots()) == 1
    # tasks 7, milestones 2, KPIs 2, KPI log 3, RACI 7 rows; 6 sheets; no findings; the bodies: the 21 records' and
    # the identity sheet's
    assert _counts(history_url) == {"mt_campaigns": 1, "mt_snapshots": 1, "mt_sheets": 6, "mt_rows": 22,
                                    "mt_records": 21, "mt_findings": 0}


def test_a_copy_prepared_elsewhere_is_stored_as_the_copy_itself(weeks: list[Path], history_url: str) -> None:
    prepared = prepare(weeks[2])  # what snapshot does in its child: read, validate, encode
    with History(history_url) as history:
        first = history.add(pickle.loads(pickle.dumps(prepared)))  # as it crosses the pipe
        again = history.add(weeks[2])
        assert (first.new, again.new, again.id) == (True, False, first.id)
        assert (first.tasks, first.findings) == (7, 2)
        assert history.findings(first.id) == validate(read_tracker(weeks[2]))


def test_a_copy_whose_findings_come_after_its_records_is_stored_whole(weeks: list[Path], history_url: str) -> None:
    # as snapshot stores what its child hands over: the records first, the findings once they are made
    asked: list[int] = []
    parts = prepare_in_parts(weeks[2])
    ready = joined(parts)
    later = ready.findings
    assert callable(later)

    def when_asked() -> Any:
        asked.append(1)
        return later()

    with History(history_url) as history:
        stored = history.add(dataclasses.replace(ready, findings=when_asked))
        assert (stored.findings, asked) == (2, [1])
        assert history.findings(stored.id) == validate(read_tracker(weeks[2]))
        assert history.snapshots()[0].findings == 2


def test_preparing_a_copy_loads_no_database_library(weeks: list[Path]) -> None:
    # the snapshot's overlap rests on it: the child prepares while the command imports SQLAlchemy
    code = ("import sys; from marketing_tracker.history.prepared import prepare; prepare(sys.argv[1]); "
            "print(sorted(m for m in ('sqlalchemy', 'alembic') if m in sys.modules))")
    done = subprocess.run([sys.executable, "-c", code, str(weeks[0])], capture_output=True, text=True, check=True)
    assert done.stdout == "[]\n"


def test_a_row_unchanged_since_last_week_is_stored_once(weeks: list[Path], history_url: str) -> None:
    with History(history_url) as history:
        history.add(weeks[0])
        history.add(weeks[1])
    # week 2 changed tasks M002 E001 E002 E004 and milestone MS01, and added 3 log rows and issue I001: 9 new bodies;
    # its 25 records (7 tasks, 2 milestones, 2 KPIs, 6 log rows, 1 issue, 7 RACI rows) are all linked; the identity
    # sheet (the same tracker was issued) is the one stored with week 1
    counts = _counts(history_url)
    assert (counts["mt_rows"], counts["mt_records"]) == (22 + 9, 21 + 25)


def test_the_identity_sheet_is_stored_once_and_loads_back(weeks: list[Path], history_url: str) -> None:
    with History(history_url) as history:
        ids = [history.add(week).id for week in weeks]
        loaded = [history.load(i).meta for i in ids]
    engine = create_engine(history_url)
    with engine.connect() as connection:
        digests = connection.execute(select(models.snapshots.c.meta_digest, models.snapshots.c.meta)).all()
    engine.dispose()
    assert len({d for d, _meta in digests}) == 1 and {str(meta) for _d, meta in digests} == {"{}"}
    assert loaded == [read_tracker(week).meta for week in weeks]


def test_a_database_of_the_first_schema_is_upgraded_and_its_snapshots_load(weeks: list[Path], history_url: str) -> None:
    from alembic import command
    from alembic.config import Config

    from marketing_tracker.history.store import MIGRATIONS

    with History(history_url) as history:
        history.add(weeks[0])
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    engine = create_engine(history_url)
    with engine.begin() as connection:  # back to revision 0001: the identity sheet inside the snapshot's row
        config.attributes["connection"] = connection
        command.downgrade(config, "0001_first")
    with engine.connect() as connection:
        assert connection.execute(text("SELECT version_num FROM alembic_version")).scalar_one() == "0001_first"
    with History(history_url) as history:  # opening upgrades it again
        assert history.load(1).meta == read_tracker(weeks[0]).meta
    with engine.connect() as connection:
        assert connection.execute(text("SELECT version_num, meta_digest FROM alembic_version, mt_snapshots")).one() == (
            SCHEMA_HEAD, None)
    engine.dispose()


def test_a_failed_snapshot_leaves_the_database_as_it_was(weeks: list[Path], history_url: str) -> None:
    with History(history_url) as history:
        history.add(weeks[0])
    before = _counts(history_url)
    broken = read_tracker(weeks[1])
    broken.campaign.name = "A campaign never stored"  # its campaign row is written first, then rolled back
    tasks = broken.tables["tasks"].records
    tasks.append(tasks[-1])  # the same row twice: the database refuses the records half-way
    with History(history_url) as history, pytest.raises(HistoryError, match="the snapshot was not stored"):
        history.add(broken)
    assert _counts(history_url) == before


def test_a_snapshot_loads_back_as_the_tracker_that_was_read(weeks: list[Path], history_url: str) -> None:
    read = read_tracker(weeks[2])
    with History(history_url) as history:
        loaded = history.load(history.add(weeks[2]).id)
        stored_findings = history.findings(1)
    assert {key: [(r.row, r.values) for r in t.records] for key, t in loaded.tables.items()} == \
        {key: [(r.row, r.values) for r in t.records] for key, t in read.tables.items()}
    assert loaded.campaign == read.campaign
    assert validate(loaded) == validate(read) == stored_findings
    # stored as keys, a finding still reads in either language
    assert [f.message(lang) for f in stored_findings for lang in ("en", "zh-CN")] == \
        [f.message(lang) for f in validate(read) for lang in ("en", "zh-CN")]


def test_a_snapshot_as_data_frames(weeks: list[Path], history_url: str) -> None:
    with History(history_url) as history:
        frames = history.frames(history.add(weeks[2]).id)
    tasks = frames["tasks"]
    assert list(tasks["task_id"]) == ["M001", "M002", "E001", "E002", "E003", "E004", "C001"]
    assert list(tasks["progress"].fillna(0)) == [100.0, 100.0, 80.0, 50.0, 0.0, 100.0, 0.0]
    assert list(frames["kpi_log"]["value"]) == [100.0, 50.0, 40.0, 150.0, 200.0, 60.0, 300.0, 100.0]


# --------------------------------------------------------------------------- schema versions


def test_an_empty_database_is_brought_to_the_newest_schema(history_url: str) -> None:
    History(history_url).close()
    engine = create_engine(history_url)
    with engine.connect() as connection:
        assert connection.execute(text("SELECT version_num FROM alembic_version")).scalar_one() == SCHEMA_HEAD
        assert all(connection.dialect.has_table(connection, t.name) for t in models.metadata.sorted_tables)
    engine.dispose()


def test_the_newest_revision_is_the_one_the_library_names() -> None:
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    from marketing_tracker.history.store import MIGRATIONS

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    assert ScriptDirectory.from_config(config).get_heads() == [SCHEMA_HEAD]


def test_a_database_of_a_newer_schema_is_refused_and_left_alone(weeks: list[Path], history_url: str) -> None:
    with History(history_url) as history:
        history.add(weeks[0])
    engine = create_engine(history_url)
    with engine.begin() as connection:
        connection.execute(text("UPDATE alembic_version SET version_num = '0099_future'"))
    engine.dispose()
    before = _counts(history_url)
    done = run_cli("status", "--db", history_url)
    assert (done.returncode, done.stdout) == (2, "")
    assert done.stderr == ("marketing-tracker: error: the history database has schema version 0099_future, newer than "
                           "this marketing-tracker knows (0002_meta_once): upgrade marketing-tracker to use it\n")
    assert _counts(history_url) == before


# --------------------------------------------------------------------------- status


def test_status_compares_the_last_two_weeks(weeks: list[Path], history_url: str) -> None:
    assert run_cli("snapshot", *map(str, weeks), "--db", history_url).returncode == 0
    assert _json("status", "--db", history_url, "--format", "json") == EXPECTED_STATUS


def test_status_since_compares_with_the_last_snapshot_on_or_before_that_day(weeks: list[Path], history_url: str) -> None:
    assert run_cli("snapshot", *map(str, weeks), "--db", history_url).returncode == 0
    report = _json("status", "--db", history_url, "--format", "json", "--since", "2025-03-10")
    assert (report["from"], report["to"]) == ("2025-03-07", "2025-03-21")
    assert [t["id"] for t in report["done_since"]] == ["E004", "M002"]  # M002 was at 50% on 03-07
    # E002 moved 03-12..03-18 -> 03-13..03-20 in week 2; C001 in week 3
    assert [(s["id"], s["field"], s["days"]) for s in report["slipped"]] == [
        ("C001", "planned_end", 1), ("E002", "planned_start", 1), ("E002", "planned_end", 2)]
    assert report["progress"]["overall"] == {"from": 0.2143, "to": 0.6143}  # (100 + 50) / 7 on 03-07
    assert ([i["id"] for i in report["issues"]["opened"]], [i["id"] for i in report["issues"]["closed"]]) == (
        ["I001", "I002"], ["I001"])


def test_status_markdown_is_ready_to_paste(weeks: list[Path], tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'h.db'}"
    assert run_cli("snapshot", *map(str, weeks[1:]), "--db", url).returncode == 0
    done = run_cli("status", "--db", url, "--format", "markdown")
    assert done.returncode == 0
    assert done.stdout.splitlines()[:10] == [
        f"## {CAMPAIGN}: status 2025-03-14 -> 2025-03-21", "", "Progress: 39% -> 61%", "",
        "### Done since (1)", "- E004 Influencer posts (Cat Sales)", "",
        "### Newly late (2)", "- E001 Ads (Cat Sales): 5 days late", "- E002 Launch post (Ann Lead): 1 days late"]


def test_status_of_an_unknown_campaign_is_one_line(weeks: list[Path], history_url: str) -> None:
    assert run_cli("snapshot", str(weeks[0]), "--db", history_url).returncode == 0
    done = run_cli("status", "--db", history_url, "--campaign", "Nope")
    assert (done.returncode, done.stdout, done.stderr) == (
        2, "", f"marketing-tracker: error: no campaign 'Nope' in the history (it has: {CAMPAIGN})\n")


def test_status_with_one_snapshot_says_it_needs_two(weeks: list[Path], tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'h.db'}"
    assert run_cli("snapshot", str(weeks[0]), "--db", url).returncode == 0
    done = run_cli("status", "--db", url)
    assert (done.returncode, done.stderr) == (2, f"marketing-tracker: error: {CAMPAIGN}: one snapshot only (2025-03-07); "
                                                 "status compares two, store the next copy with: marketing-tracker "
                                                 "snapshot FILE\n")


def test_status_workbook_lists_the_same_figures(weeks: list[Path], tmp_path: Path) -> None:
    import openpyxl

    url = f"sqlite:///{tmp_path / 'h.db'}"
    assert run_cli("snapshot", *map(str, weeks), "--db", url).returncode == 0
    out = tmp_path / "status.xlsx"
    assert run_cli("status", "--db", url, "-o", str(out)).returncode == 0
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        book = openpyxl.load_workbook(out)
    late = book["Newly late"]
    assert [[c.value for c in row] for row in late.iter_rows(min_row=3)] == [
        ["id", "name", "owner", "planned_end", "days_late"],
        ["E001", "Ads", "Cat Sales", "2025-03-16", 5], ["E002", "Launch post", "Ann Lead", "2025-03-20", 1]]


# --------------------------------------------------------------------------- database URLs


@pytest.mark.parametrize(("url", "message"), [
    ("notaurl", "notaurl: not a database URL (say sqlite:///file.db or postgresql+psycopg://...)"),
    ("sqlite:////no/such/folder/h.db", "sqlite:////no/such/folder/h.db: the folder /no/such/folder does not exist"),
])
def test_a_wrong_database_url_is_one_line(weeks: list[Path], url: str, message: str) -> None:
    done = run_cli("snapshot", str(weeks[0]), "--db", url)
    assert (done.returncode, done.stdout, done.stderr) == (2, "", f"marketing-tracker: error: {message}\n")


def test_an_unreachable_server_is_one_line(weeks: list[Path], tmp_path: Path) -> None:
    url = f"postgresql+psycopg://postgres@/mt?host={tmp_path}"
    done = run_cli("snapshot", str(weeks[0]), "--db", url)
    assert (done.returncode, done.stdout) == (2, "")
    assert done.stderr.startswith(f"marketing-tracker: error: postgresql+psycopg://postgres@/mt?host={tmp_path}"
                                  .replace("/", "%2F").replace("postgresql+psycopg:%2F%2Fpostgres@%2Fmt",
                                                               "postgresql+psycopg://postgres@/mt")
                                  + ": cannot open the history database (connection is bad")
    assert done.stderr.count("\n") == 1


def test_status_without_a_history_file_creates_none(tmp_path: Path) -> None:
    done = run_cli("status", cwd=tmp_path)
    assert (done.returncode, done.stderr) == (
        2, "marketing-tracker: error: sqlite:///marketing-tracker.db: no history there yet "
           "(store copies with: marketing-tracker snapshot FILE)\n")
    assert list(tmp_path.iterdir()) == []


def test_the_environment_names_the_default_database(weeks: list[Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    url = f"sqlite:///{tmp_path / 'team.db'}"
    monkeypatch.setenv("MARKETING_TRACKER_DB", url)
    assert run_cli("snapshot", str(weeks[0]), cwd=tmp_path).returncode == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == ["team.db"]
    with History(url) as history:
        assert [s.status_date for s in history.snapshots()] == [date(2025, 3, 7)]


# --------------------------------------------------------------------------- remind


def test_remind_lists_per_owner_what_is_overdue_or_due_soon(weeks: list[Path]) -> None:
    assert _json("remind", str(weeks[2]), "--format", "json") == {"as_of": "2025-03-21",
                                                                  "owners": EXPECTED_STATUS["reminders"]}


def test_remind_within_more_days_and_as_of_another_day(weeks: list[Path]) -> None:
    # as of 03-24: E001 8 days over, E002 4, E003 3; C001 (03-29) is 5 days away, inside --within 5
    chase = reminders(read_tracker(weeks[2]), within=5, as_of=date(2025, 3, 24)).to_dict()
    assert {owner: [(i["id"], i["days_overdue"], i["due_in"]) for i in items] for owner, items in chase["owners"].items()} == {
        "Ann Lead": [("E002", 4, None), ("C001", None, 5)], "Bob Art": [("E003", 3, None)], "Cat Sales": [("E001", 8, None)]}


def test_remind_text(weeks: list[Path]) -> None:
    done = run_cli("remind", str(weeks[2]))
    assert done.stdout.splitlines() == [
        "Chase list as of 2025-03-21 (due within 3 days)", "",
        "Ann Lead:", "  E002 Launch post: 1 days overdue (planned end 2025-03-20, in_progress)", "",
        "Bob Art:", "  E003 Store display: due today (planned end 2025-03-21, not_started)", "",
        "Cat Sales:", "  E001 Ads: 5 days overdue (planned end 2025-03-16, in_progress)"]


# --------------------------------------------------------------------------- archive


EXPECTED_ARCHIVE: dict[str, Any] = {
    "campaigns": [{"name": CAMPAIGN, "status_date": "2025-03-21", "snapshot": 3, "tasks": 7},
                  {"name": "Week Test Summer", "status_date": "2025-03-07", "snapshot": 4, "tasks": 7}],
    # Launch (week 3): Design M002 done 2 days late; Marketing M001 on time; Sales E004 on time.
    # Summer (week 1): Marketing M001 on time, nothing else done.
    "departments": [{"name": "Design", "campaigns": 2, "tasks": 4, "done": 1, "on_time": 0, "on_time_rate": 0.0},
                    {"name": "Marketing", "campaigns": 2, "tasks": 6, "done": 2, "on_time": 2, "on_time_rate": 1.0},
                    {"name": "Sales", "campaigns": 2, "tasks": 4, "done": 1, "on_time": 1, "on_time_rate": 1.0}],
    # Launch: E001 5 days (ad account paused), M002 2 (printer queue), E002 1 (no risk noted); Summer: none late.
    "delay_causes": [
        {"cause": "ad account paused", "days": 5, "tasks": 1, "campaigns": 1, "share": 0.625, "cumulative_share": 0.625},
        {"cause": "printer queue", "days": 2, "tasks": 1, "campaigns": 1, "share": 0.25, "cumulative_share": 0.875},
        {"cause": "no reason given", "days": 1, "tasks": 1, "campaigns": 1, "share": 0.125, "cumulative_share": 1.0}],
    # planned prep 3, 6, 3, 6 -> 4.5; actual M001 3 + M002 8 (03-04..03-11) + M001 3 -> 3.
    # planned execution 7 8 5 11 | 7 7 5 11 -> 7; actual E004 11. Wrap-up 6 (03-24..03-29) and 5 -> 5.5.
    "durations": [
        {"phase": "prep", "label": "Preparation", "planned_days": 4.5, "planned_tasks": 4, "actual_days": 3.0, "actual_tasks": 3},
        {"phase": "execution", "label": "Execution", "planned_days": 7.0, "planned_tasks": 8, "actual_days": 11.0,
         "actual_tasks": 1},
        {"phase": "wrapup", "label": "Wrap-up", "planned_days": 5.5, "planned_tasks": 2, "actual_days": None, "actual_tasks": 0}],
    # Orders 800 / 1000 and 150 / 1000; sign-ups 200 / 400 and 40 / 400.
    "kpis": [{"name": "Orders", "campaigns": [{"campaign": CAMPAIGN, "achievement": 0.8},
                                              {"campaign": "Week Test Summer", "achievement": 0.15}],
              "mean_achievement": 0.475, "met": 0},
             {"name": "Sign-ups", "campaigns": [{"campaign": CAMPAIGN, "achievement": 0.5},
                                                {"campaign": "Week Test Summer", "achievement": 0.1}],
              "mean_achievement": 0.3, "met": 0}],
}


def test_archive_adds_up_every_campaign(weeks: list[Path], other_campaign: Path, history_url: str) -> None:
    assert run_cli("snapshot", *map(str, weeks), str(other_campaign), "--db", history_url).returncode == 0
    assert _json("archive", "--db", history_url, "--format", "json") == EXPECTED_ARCHIVE


def test_archive_text(weeks: list[Path], tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'h.db'}"
    assert run_cli("snapshot", str(weeks[2]), "--db", url).returncode == 0
    done = run_cli("archive", "--db", url)
    assert done.stdout.splitlines()[:6] == [
        f"Archive of 1 campaign: {CAMPAIGN} (2025-03-21)", "", "On time per department:",
        "  Design: 0% (0 of 1 done on time)", "  Marketing: 100% (1 of 1 done on time)", "  Sales: 100% (1 of 1 done on time)"]


# --------------------------------------------------------------------------- pages in a real Chromium


@pytest.fixture(scope="module")
def pages(weeks: list[Path], other_campaign: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("pages")
    url = f"sqlite:///{folder / 'h.db'}"
    assert run_cli("snapshot", *map(str, weeks), "--db", url).returncode == 0
    assert run_cli("status", "--db", url, "--html", str(folder / "status.html")).returncode == 0
    assert run_cli("snapshot", str(other_campaign), "--db", url).returncode == 0
    assert run_cli("archive", "--db", url, "--html", str(folder / "archive.html")).returncode == 0
    return {"status": folder / "status.html", "archive": folder / "archive.html"}


@pytest.mark.chromium
@pytest.mark.parametrize("name", ["status", "archive"])
def test_chromium_opens_the_page_with_no_errors_no_requests_and_no_script(pages: dict[str, Path], name: str,
                                                                          chromium: Any) -> None:
    seen = visit(chromium, pages[name])
    tab = seen.tab
    assert seen.quiet == ([], [pages[name].as_uri()], 0)
    assert tab.evaluate("document.documentElement.scrollWidth") <= 1000
    tab.close()


@pytest.mark.chromium
def test_chromium_shows_the_status_figures(pages: dict[str, Path], chromium: Any) -> None:
    tab = chromium.new_page(viewport={"width": 1000, "height": 1400})
    tab.goto(pages["status"].as_uri())
    assert tab.inner_text("h1") == f"{CAMPAIGN} · status"
    rows = tab.locator("#changes table").nth(1).locator("tr")
    assert [rows.nth(i).inner_text().split("\t") for i in range(rows.count())] == [
        ["ID", "task", "owner", "planned end", "days late"],
        ["E001", "Ads", "Cat Sales", "2025-03-16", "5"], ["E002", "Launch post", "Ann Lead", "2025-03-20", "1"]]
    phone = chromium.new_page(viewport={"width": 390, "height": 844})
    phone.goto(pages["status"].as_uri())
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    tab.close()
    phone.close()
