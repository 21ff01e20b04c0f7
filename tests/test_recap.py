"""The recap figures of the 618 sample, filled as its paper template shows, against values worked out by hand.

Inputs (marketing_tracker/demo.py, SAMPLE_*): as of 2024-06-30, every task done but the data
recap C001 (60 %, due 06-25); M003 finished 05-13 (planned 05-12, "延期1天(服务器调试)"), P002
finished 05-27 (planned 05-26, "延期1天(物流延误)"); milestone MS01 met on 05-20, MS02 met on
06-11 (due 06-10); GMV 120 + 260 + 100 = 480 of 500; exposure 6,000,000 of 10,000,000;
live-stream conversion 3.2 then 3.5 % against 3.0 %; members 12,000 of 10,000.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from marketing_tracker import load_plan, read_tracker, write_tracker
from marketing_tracker.demo import SAMPLE_AS_OF, sample_records
from marketing_tracker.reports.recap import Recap, _average, recap

from .conftest import PLAN_618


@pytest.fixture(scope="module")
def figures(tmp_path_factory: pytest.TempPathFactory) -> Recap:
    plan = load_plan(PLAN_618)
    path = write_tracker(plan, tmp_path_factory.mktemp("recap") / "618.xlsx", records=sample_records(plan))
    return recap(read_tracker(path), as_of=SAMPLE_AS_OF)


def test_overall(figures: Recap) -> None:
    o = figures.overall
    assert (o["tasks"], o["done"], o["in_progress"], o["not_started"], o["delayed"], o["blocked"]) == (9, 8, 0, 0, 1, 0)
    assert o["completion_rate"] == pytest.approx(8 / 9, abs=1e-4)
    assert o["on_time_rate"] == 0.75          # 6 of the 8 done tasks on time (M003, P002 a day late)
    assert o["late_tasks"] == 3               # M003, P002, and C001 still open past 06-25
    assert o["avg_delay_days"] == 2.3         # (1 + 1 + 5) / 3, to one decimal
    assert o["max_delay_days"] == 5           # C001: 06-30 minus 06-25
    assert o["health"] == {"done": 8, "on_track": 0, "at_risk": 0, "late": 1}


def test_delays_worst_first_with_their_causes(figures: Recap) -> None:
    assert [(d["id"], d["days"], d["cause"], d["open"]) for d in figures.delays] == [
        ("C001", 5, "", True), ("M003", 1, "延期1天(服务器调试)", False), ("P002", 1, "延期1天(物流延误)", False)]


def test_delay_days_by_cause_as_a_pareto(figures: Recap) -> None:
    assert [(c["cause"], c["days"], c["share"], c["cumulative_share"]) for c in figures.delay_causes] == [
        ("未说明原因", 5, 0.7143, 0.7143), ("服务器调试", 1, 0.1429, 0.8571), ("物流延误", 1, 0.1429, 1.0)]


def test_late_tasks_that_pushed_dependents(figures: Recap) -> None:
    assert figures.pushed == [{"id": "M003", "name": "电商平台活动页搭建", "days": 1, "dependents": ["E001"]}]


def test_phases(figures: Recap) -> None:
    got = {p["key"]: (p["tasks"], p["done"], p["completion_rate"], p["on_time_rate"], p["delay_days"])
           for p in figures.phases}
    assert got == {"prep": (4, 4, 1.0, 0.75, 1), "warmup": (2, 2, 1.0, 0.5, 1), "execution": (2, 2, 1.0, 1.0, 0),
                   "wrapup": (1, 0, 0.0, None, 5)}  # no finished task: no on-time rate to speak of
    prep = figures.phases[0]
    assert (prep["planned_start"], prep["planned_end"], prep["actual_start"], prep["actual_end"]) == (
        date(2024, 5, 1), date(2024, 5, 20), date(2024, 5, 1), date(2024, 5, 13))


def test_owners_and_departments(figures: Recap) -> None:
    owners = {o["name"]: o for o in figures.owners}
    assert (owners["李数据"]["tasks"], owners["李数据"]["done"], owners["李数据"]["avg_delay_days"]) == (1, 0, 5)
    assert owners["赵主播"]["open_issues"] == 1
    departments = {d["name"]: d for d in figures.departments}
    assert (departments["市场部"]["tasks"], departments["市场部"]["on_time"]) == (2, 2)  # 陈经理 M001, 周总监 E001
    assert departments["技术部"]["avg_delay_days"] == 1


def test_milestones(figures: Recap) -> None:
    m = figures.milestones
    assert (m["met"], m["met_late"], m["missed"], m["pending"]) == (1, 1, 0, 0)


def test_kpis_with_direction_and_aggregation(figures: Recap) -> None:
    kpis = {k["key"]: k for k in figures.kpis}
    assert (kpis["gmv"]["actual"], kpis["gmv"]["achievement"], kpis["gmv"]["met"]) == (480, 0.96, False)
    assert kpis["exposure"]["achievement"] == 0.6
    assert (kpis["live_cvr"]["actual"], kpis["live_cvr"]["achievement"]) == (3.5, pytest.approx(1.1667))  # the latest day
    assert kpis["members"]["achievement"] == 1.2


def test_cumulative_actual_against_a_straight_line_pace(figures: Recap) -> None:
    series = {k["key"]: k["series"] for k in figures.kpis}["gmv"]
    # 61 campaign days; 06-01 is day 32, 06-10 day 41, 06-18 day 49
    assert [(s["cumulative"], s["pace"]) for s in series] == [
        (120, pytest.approx(500 * 32 / 61, abs=1e-3)), (380, pytest.approx(500 * 41 / 61, abs=1e-3)),
        (480, pytest.approx(500 * 49 / 61, abs=1e-3))]


def test_a_run_rate_forecast_while_the_campaign_runs(tmp_path: Path) -> None:
    plan = load_plan(PLAN_618)
    path = write_tracker(plan, tmp_path / "618.xlsx", records=sample_records(plan))
    gmv = next(k for k in recap(read_tracker(path), as_of=date(2024, 6, 10)).kpis if k["key"] == "gmv")
    # the log up to the as-of day is what the team had; all three entries are in the file, 480 over 41 days
    assert gmv["forecast"] == pytest.approx(480 / 41 * 61, abs=1e-3)


def test_budget(figures: Recap) -> None:
    b = figures.budget
    assert (b["planned"], b["actual"], b["variance"]) == (300_000, 305_000, 5_000)
    phases = {p["phase"]: (p["planned"], p["actual"]) for p in b["by_phase"]}
    assert phases["prep"] == (70_000, 72_000) and phases["warmup"] == (110_000, 115_000)


def test_issues(figures: Recap) -> None:
    i = figures.issues
    assert (i["total"], i["open"], i["resolved"], i["avg_days_to_resolve"]) == (2, 1, 1, 2)


@pytest.mark.parametrize(("days", "average"), [([2, 3], 2.5), ([0, 1], 0.5), ([0, 0, 0, 1], 0.3), ([1, 1, 5], 2.3),
                                               ([0, 0, 0, 0, 0, 0, 0, 1], 0.1), ([], None)])
def test_averages_keep_one_decimal_rounded_half_up(days: list[int], average: float | None) -> None:
    assert _average(days) == average  # round() would give 2, 0, 0.2: half to even


def test_a_phase_with_no_finished_task_has_no_on_time_rate_in_json(figures: Recap) -> None:
    wrapup = next(p for p in figures.to_dict()["phases"] if p["key"] == "wrapup")
    assert (wrapup["done"], wrapup["on_time_rate"]) == (0, None)


def test_data_quality_counts_the_findings(figures: Recap) -> None:
    assert figures.findings == {"overdue": 1, "starts-before-dependency": 3}


def test_figures_as_json_data_use_fractions_and_iso_dates(figures: Recap) -> None:
    data = figures.to_dict()
    assert data["overall"]["completion_rate"] == pytest.approx(0.8889)
    assert data["delays"][1]["planned_end"] == "2024-05-12"
    assert set(data) >= {"overall", "phases", "owners", "departments", "delays", "milestones", "kpis", "budget",
                         "issues", "findings"}


def test_each_goal_gets_the_verdict_of_the_kpi_it_names(figures: Recap) -> None:
    assert [(v["goal"], v["kpi"], v["met"]) for v in figures.campaign["verdicts"]] == [
        ("GMV 同比提升30%", "gmv", False), ("新增会员10万人", "members", True)]


def test_a_late_task_without_a_risk_note_takes_its_cause_from_the_issue_log(tmp_path: Path) -> None:
    plan = load_plan(PLAN_618)
    records = sample_records(plan)
    records["issues"] = [*records["issues"], {"issue_id": "I003", "raised": date(2024, 6, 26), "description": "数据口径未统一",
                                              "task_id": "C001", "owner": "李数据", "status": "in_progress"}]
    path = write_tracker(plan, tmp_path / "618.xlsx", records=records)
    delays = recap(read_tracker(path), as_of=SAMPLE_AS_OF).delays
    assert delays[0]["id"] == "C001" and delays[0]["cause"] == "数据口径未统一"


def test_a_task_added_after_the_tracker_went_out_counts_like_any_other(tmp_path: Path) -> None:
    plan = load_plan(PLAN_618)
    records = sample_records(plan)
    records["tasks"].append({"task_id": "E009", "name": "加急直播预告", "phase": "execution", "owner": "赵主播",
                             "planned_start": date(2024, 6, 5), "planned_end": date(2024, 6, 6),
                             "actual_start": date(2024, 6, 5), "actual_end": date(2024, 6, 8), "progress": 100,
                             "status": "done"})
    path = write_tracker(plan, tmp_path / "added.xlsx", records=records)  # the RACI matrix has no row for E009
    added = recap(read_tracker(path), as_of=SAMPLE_AS_OF)
    assert (added.overall["tasks"], added.overall["done"], added.overall["late_tasks"]) == (10, 9, 4)
    assert next(o for o in added.owners if o["name"] == "赵主播")["late"] == 1
    assert added.findings == {"overdue": 1, "raci-missing": 1, "starts-before-dependency": 3}
