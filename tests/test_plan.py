"""The plan file: loading, defaults, and refusing wrong plans with every problem at its place."""

from __future__ import annotations

import itertools
from datetime import date
from pathlib import Path
from typing import Any

import pytest
import yaml

from marketing_tracker import Campaign, Plan, PlanError, Task, load_plan, plan_from_dict
from marketing_tracker.core.plan import default_phases, normalise_locale

from .conftest import PLAN_618, PLAN_SPRING


def minimal(**overrides: Any) -> dict[str, Any]:
    plan: dict[str, Any] = {
        "campaign": {"name": "Launch", "start": date(2025, 3, 1), "end": date(2025, 3, 31), "locale": "en"},
        "people": [{"name": "Ann"}, {"name": "Bo"}],
        "tasks": [
            {"id": "M001", "name": "Brief", "phase": "prep", "owner": "Ann", "start": date(2025, 3, 1), "end": date(2025, 3, 3)},
            {"id": "E001", "name": "Go live", "phase": "execution", "owner": "Bo", "depends_on": ["M001"]},
        ],
    }
    plan.update(overrides)
    return plan


def problems_of(data: dict[str, Any]) -> dict[str, str]:
    with pytest.raises(PlanError) as caught:
        plan_from_dict(data)
    return {p.path: p.message for p in caught.value.problems}


def test_the_618_sample_loads_with_its_four_phases_and_tasks() -> None:
    plan = load_plan(PLAN_618)
    assert plan.campaign.name == "品牌618周年庆"
    assert [p.key for p in plan.phases] == ["prep", "warmup", "execution", "wrapup"]
    assert [t.id for t in plan.tasks][:3] == ["M001", "M002", "M003"]
    assert plan.tasks[2].depends_on == ["M002"]
    assert plan.campaign.locale == "zh-CN"


def test_the_english_sample_uses_three_phases_and_standard_labels() -> None:
    plan = load_plan(PLAN_SPRING)
    assert [p.label("en") for p in plan.phases] == ["Preparation", "Execution", "Wrap-up"]
    assert [p.label("zh-CN") for p in plan.phases] == ["筹备期", "执行期", "收尾期"]


def test_a_renamed_standard_phase_keeps_the_plan_name() -> None:
    plan = plan_from_dict(minimal(phases=[{"key": "prep", "name": "Groundwork", "start": "2025-03-01", "end": "2025-03-31"}],
                                  tasks=[]))
    assert plan.phases[0].label("en") == "Groundwork"


def test_without_phases_the_four_standard_ones_cover_the_period() -> None:
    phases = default_phases(date(2024, 5, 1), date(2024, 6, 30))
    assert [p.key for p in phases] == ["prep", "warmup", "execution", "wrapup"]
    assert phases[0].start == date(2024, 5, 1)
    assert phases[-1].end == date(2024, 6, 30)
    for before, after in itertools.pairwise(phases):
        assert (after.start - before.end).days == 1


def test_default_phases_of_a_four_day_campaign_are_one_day_each() -> None:
    phases = default_phases(date(2024, 5, 1), date(2024, 5, 4))
    assert [(p.start.day, p.end.day) for p in phases] == [(1, 1), (2, 2), (3, 3), (4, 4)]


def test_kpi_aggregation_defaults_to_latest_for_rates_and_costs() -> None:
    plan = load_plan(PLAN_618)
    assert {k.key: k.aggregate for k in plan.kpis} == {"gmv": "sum", "members": "sum", "exposure": "sum", "live_cvr": "latest"}
    assert load_plan(PLAN_SPRING).kpis[2].aggregate == "latest"  # cost per acquisition, lower is better


@pytest.mark.parametrize(
    ("change", "path", "words"),
    [
        (lambda p: p["tasks"][0].update(end=date(2025, 2, 1)), "tasks[0].end", "before start"),
        (lambda p: p["tasks"][1].update(phase="launch"), "tasks[1].phase", "unknown phase 'launch'"),
        (lambda p: p["tasks"][1].update(owner="Zed"), "tasks[1].owner", "'Zed' is not among the campaign's people"),
        (lambda p: p["tasks"][1].update(depends_on=["M404"]), "tasks[1].depends_on[0]", "unknown task 'M404'"),
        (lambda p: p["tasks"][1].update(id="M001"), "tasks[1].id", "already used by tasks[0]"),
        (lambda p: p["tasks"][0].update(start="2025-13-01"), "tasks[0].start", "is not a date"),
        (lambda p: p["campaign"].update(end=date(2025, 2, 1)), "campaign.end", "before start"),
        (lambda p: p["tasks"][0].update(budget=-5), "tasks[0].budget", "negative"),
        (lambda p: p["tasks"][0].update(colour="red"), "tasks[0].colour", "unknown field"),
        (lambda p: p["campaign"].update(locale="fr"), "campaign.locale", "not a supported language"),
        (lambda p: p["tasks"][0].update(consulted=["Nobody"]), "tasks[0].consulted[0]", "not among"),
        (lambda p: p.update(kpis=[{"key": "cpa", "name": "CPA", "target": 5, "direction": "sideways"}]),
         "kpis[0].direction", "not one of"),
        (lambda p: p.update(milestones=[{"name": "Assets", "phase": "nowhere", "due": "2025-03-10"}]),
         "milestones[0].phase", "unknown phase"),
        (lambda p: p["tasks"][0].pop("name"), "tasks[0].name", "is required"),
    ],
)
def test_a_wrong_plan_is_refused_naming_the_place(change: Any, path: str, words: str) -> None:
    data = minimal()
    change(data)
    problems = problems_of(data)
    assert path in problems, problems
    assert words in problems[path]


def test_every_problem_is_reported_at_once() -> None:
    data = minimal()
    data["tasks"][0]["end"] = date(2025, 2, 1)
    data["tasks"][1]["phase"] = "launch"
    data["tasks"][1]["owner"] = "Zed"
    assert set(problems_of(data)) == {"tasks[0].end", "tasks[1].phase", "tasks[1].owner"}


def test_a_dependency_cycle_is_refused_with_the_circle_spelled_out() -> None:
    data = minimal()
    data["tasks"][0]["depends_on"] = ["E001"]
    problems = problems_of(data)
    assert problems == {"tasks[0].depends_on": "dependency cycle: M001 -> E001 -> M001"}


def test_the_error_message_is_one_line_listing_each_place() -> None:
    data = minimal()
    data["tasks"][0]["end"] = date(2025, 2, 1)
    with pytest.raises(PlanError) as caught:
        plan_from_dict(data, source="launch.yaml")
    assert str(caught.value) == "launch.yaml: 1 problem: tasks[0].end: M001: end 2025-02-01 is before start 2025-03-01"


def test_a_plan_without_people_offers_everyone_it_names() -> None:
    plan = plan_from_dict(minimal(people=[]))
    assert plan.people_names() == ["Ann", "Bo"]


def test_a_plan_built_in_python_is_checked_the_same_way() -> None:
    plan = Plan(Campaign("Launch", date(2025, 3, 1), date(2025, 3, 31)),
                tasks=[Task("M001", "Brief", "prep", start=date(2025, 3, 5), end=date(2025, 3, 1))])
    assert [p.path for p in plan.problems()] == ["tasks[0].end"]


@pytest.mark.parametrize(("text", "expected"), [("zh", "zh-CN"), ("zh_CN", "zh-CN"), ("en-US", "en"), ("EN", "en"), ("fr", None)])
def test_locale_spellings(text: str, expected: str | None) -> None:
    assert normalise_locale(text) == expected


def test_the_locale_argument_overrides_the_plan() -> None:
    assert load_plan(PLAN_618, locale="en").campaign.locale == "en"


@pytest.mark.parametrize(
    ("content", "words"),
    [
        ("campaign: [unclosed", "line"),
        ("- just\n- a list\n", "expected a mapping"),
        ("phases: []\n", "campaign"),
    ],
)
def test_a_broken_file_is_refused_with_a_reason(tmp_path: Path, content: str, words: str) -> None:
    path = tmp_path / "plan.yaml"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(PlanError) as caught:
        load_plan(path)
    assert words in str(caught.value)


def test_a_missing_file_is_a_plan_error(tmp_path: Path) -> None:
    with pytest.raises(PlanError, match="cannot read the file"):
        load_plan(tmp_path / "nope.yaml")


def test_dates_written_as_text_are_read(tmp_path: Path) -> None:
    data = minimal()
    data["tasks"][0].update(start="2025/3/2", end="2025年3月4日")
    path = tmp_path / "plan.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    task = load_plan(path).tasks[0]
    assert (task.start, task.end) == (date(2025, 3, 2), date(2025, 3, 4))


def test_ids_and_names_keep_exactly_what_was_written(tmp_path: Path) -> None:
    path = tmp_path / "plan.yaml"
    path.write_text(
        "campaign: {name: 2025, start: 2025-03-01, end: 2025-03-31}\n"
        "tasks:\n"
        "  - {id: 0123, name: no, phase: prep, budget: '1,500'}\n"
        "  - {id: 001, name: 'on', phase: prep, owner: null}\n",
        encoding="utf-8",
    )
    plan = load_plan(path)
    assert plan.campaign.name == "2025"
    assert [(t.id, t.name) for t in plan.tasks] == [("0123", "no"), ("001", "on")]
    assert plan.tasks[0].budget == 1500
    assert plan.tasks[1].owner == ""


def test_a_plan_s_own_phase_names_are_kept_in_the_workbook_s_words() -> None:
    phases = [{"key": "prep", "name": "筹备", "start": "2025-03-01", "end": "2025-03-10"},
              {"key": "execution", "name": "执行", "start": "2025-03-11", "end": "2025-03-20"},
              {"key": "wrapup", "name": "收尾", "start": "2025-03-21", "end": "2025-03-31"}]
    plan = plan_from_dict(minimal(phases=phases, tasks=[]))
    assert [p.label("zh-CN") for p in plan.phases] == ["筹备", "执行", "收尾"]
    assert [p.label("en") for p in plan.phases] == ["筹备", "执行", "收尾"]


def test_a_standard_label_as_a_phase_name_follows_the_workbook_language() -> None:
    phases = [{"key": "prep", "name": "筹备期", "start": "2025-03-01", "end": "2025-03-31"}]
    plan = plan_from_dict(minimal(phases=phases, tasks=[]))
    assert plan.phases[0].label("en") == "Preparation"


def test_a_plan_built_in_python_with_text_dates_lists_the_problem() -> None:
    problems = Plan(Campaign("S", "2025-05-05", "2025-06-01")).problems()  # type: ignore[arg-type]
    assert [(p.path, p.message) for p in problems] == [
        ("campaign.start", "'2025-05-05' is not a date; give a datetime.date such as datetime.date(2025, 5, 1)"),
        ("campaign.end", "'2025-06-01' is not a date; give a datetime.date such as datetime.date(2025, 5, 1)"),
    ]


def test_a_task_date_given_as_text_in_python_is_a_problem_at_its_place() -> None:
    plan = Plan(Campaign("S", date(2025, 5, 5), date(2025, 6, 1)),
                tasks=[Task("E001", "Launch", "execution", end="2025-05-20")])  # type: ignore[arg-type]
    assert [p.path for p in plan.problems()] == ["tasks[0].end"]
