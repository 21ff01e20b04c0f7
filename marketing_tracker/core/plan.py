"""The campaign plan: plain dataclasses, loaded from YAML or built in Python.

A plan is checked as a whole before anything is written, and every problem is reported
at once with its place in the file (``tasks[3].end``), because a planner fixing a plan
one error per run would give up.

Example::

    from marketing_tracker import load_plan, write_tracker
    plan = load_plan("618.yaml")
    write_tracker(plan, "618-tracker.xlsx")
"""

from __future__ import annotations

import math
import os
import reprlib
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, fields
from datetime import date, datetime, timedelta
from typing import Any

from marketing_tracker.core.dates import parse_date
from marketing_tracker.core.errors import PlanError, Problem, shown
from marketing_tracker.core.fileio import gc_paused
from marketing_tracker.core.schema import AGGREGATES, DEFAULT_LOCALE, DEFAULT_PHASE_WEIGHTS, DIRECTIONS, LOCALES, PHASES, Locale


@dataclass
class Campaign:
    """What the campaign is and when it runs."""

    name: str
    start: date
    end: date
    locale: Locale = DEFAULT_LOCALE
    plan_owner: str = ""
    exec_owner: str = ""
    goals: list[str] = field(default_factory=list)
    status_date: date | None = None  # the day the workbook computes delays as of; None: today


@dataclass
class Phase:
    """A stretch of the campaign; ``key`` is one of the standard phases or a custom one."""

    key: str
    start: date
    end: date
    name: str | None = None

    def label(self, locale: Locale) -> str:
        """The phase's display name: the plan's own name, or the standard label in ``locale``.

        A name that is exactly a standard label (``筹备期``, ``Preparation``) follows the
        workbook's language; any other name (``筹备``, ``Groundwork``) is the planner's word, kept.
        """
        standard = PHASES.lookup(self.key)
        if standard is not None and (not self.name or self.name in (standard.label.zh, standard.label.en)):
            return standard.label.get(locale)
        return self.name or self.key

    @property
    def prefix(self) -> str | None:
        standard = PHASES.lookup(self.key)
        return standard.prefix if standard else None


@dataclass
class Person:
    """Someone who owns or is told about tasks."""

    name: str
    department: str = ""
    role: str = ""
    contact: str = ""


@dataclass
class Kpi:
    """A result the campaign is judged by.

    ``aggregate`` says how daily actuals become one actual: ``sum`` (sales, sign-ups) or
    ``latest`` (rates and costs per unit, which do not add up). When a plan leaves it out,
    percentages and lower-is-better KPIs take ``latest``, the rest ``sum``.
    """

    key: str
    name: str
    target: float
    unit: str = ""
    direction: str = "higher"
    aggregate: str = ""

    def __post_init__(self) -> None:
        if not self.aggregate:
            rate_like = self.unit.strip() in {"%", "％"} or self.direction == "lower"
            self.aggregate = "latest" if rate_like else "sum"


@dataclass
class Milestone:
    """A date that must be met, reviewed every week."""

    name: str
    phase: str
    due: date
    owner: str = ""
    impact: str = ""
    id: str = ""


@dataclass
class Task:
    """One row of the task sheet as planned; the team fills in the actuals."""

    id: str
    name: str
    phase: str
    owner: str = ""
    accountable: str = ""
    consulted: list[str] = field(default_factory=list)
    informed: list[str] = field(default_factory=list)
    start: date | None = None
    end: date | None = None
    depends_on: list[str] = field(default_factory=list)
    budget: float | None = None
    description: str = ""


@dataclass
class Plan:
    """A whole campaign plan. Build one in Python or with :func:`load_plan`."""

    campaign: Campaign
    phases: list[Phase] = field(default_factory=list)
    people: list[Person] = field(default_factory=list)
    kpis: list[Kpi] = field(default_factory=list)
    milestones: list[Milestone] = field(default_factory=list)
    tasks: list[Task] = field(default_factory=list)

    def __post_init__(self) -> None:
        start, end = self.campaign.start, self.campaign.end
        if not self.phases and _is_date(start) and _is_date(end):  # other types are a problem problems() lists
            self.phases = default_phases(start, end)
        for index, milestone in enumerate(self.milestones):
            if not milestone.id:
                milestone.id = f"MS{index + 1:02d}"

    def phase(self, key: str) -> Phase | None:
        """The plan's phase that ``key`` (a key or any label of it) names."""
        for p in self.phases:
            if key == p.key or key == p.name:
                return p
        standard = PHASES.lookup(key)
        if standard is not None:
            for p in self.phases:
                if p.key == standard.key:
                    return p
        return None

    def people_names(self) -> list[str]:
        """Everyone the workbook's owner dropdown offers, in plan order.

        A plan without a people list still gets a dropdown: everyone the plan names.
        """
        if self.people:
            return [p.name for p in self.people]
        names = [self.campaign.plan_owner, self.campaign.exec_owner]
        for t in self.tasks:
            names += [t.owner, t.accountable, *t.consulted, *t.informed]
        names += [m.owner for m in self.milestones]
        return list(dict.fromkeys(n for n in names if n))

    def problems(self) -> list[Problem]:
        """Everything that makes this plan unusable, each with its place; empty when fine."""
        return _check(self)

    def check(self, source: str = "plan") -> Plan:
        """Raise :class:`PlanError` listing every problem; return the plan when there are none."""
        problems = self.problems()
        if problems:
            raise PlanError(problems, source)
        return self


def default_phases(start: date, end: date) -> list[Phase]:
    """The four standard phases spread over the campaign period."""
    days = (end - start).days + 1
    if days < len(DEFAULT_PHASE_WEIGHTS):
        return [Phase("execution", start, end)] if days > 0 else []
    phases: list[Phase] = []
    cursor, cumulative = start, 0.0
    keys = list(DEFAULT_PHASE_WEIGHTS)
    for index, key in enumerate(keys):
        cumulative += DEFAULT_PHASE_WEIGHTS[key]
        remaining = len(keys) - index - 1
        last = end if remaining == 0 else start + timedelta(days=round(days * cumulative) - 1)
        last = min(max(last, cursor), end - timedelta(days=remaining))
        phases.append(Phase(key, cursor, last))
        cursor = last + timedelta(days=1)
    return phases


# --------------------------------------------------------------------------- loading

# Bounds on what a plan may hold, so that a small file cannot cost gigabytes (issue 14):
MAX_TEXT = 32_767  # characters in an Excel cell; the writer would cut a longer text
FIRST_DAY, LAST_DAY = date(1900, 1, 1), date(9998, 12, 31)  # Excel's days, with a year to compute in
MAX_NUMBER = 1e15  # beyond Excel's 15 significant digits a budget or target means nothing
MAX_REPEATED_VALUES = 100_000  # values YAML aliases may repeat in all (a "billion laughs" repeats billions)


def load_plan(path: str | os.PathLike[str], *, locale: Locale | None = None) -> Plan:
    """Read and check a plan file (YAML). Raise :class:`PlanError` listing every problem.

    ``locale`` overrides the plan's own ``campaign.locale``.
    """
    import yaml

    name = os.fspath(path)
    try:
        with open(name, "rb") as handle:
            raw = handle.read()
    except OSError as exc:
        raise PlanError([Problem("", f"cannot read the file ({exc.strerror})")], name) from None
    # The base loader keeps every scalar as written: the plan's own types decide what a
    # value is, so ID 0123 stays "0123" (YAML 1.1 would read an octal 83) and "no" stays text.
    loader = getattr(yaml, "CBaseLoader", yaml.BaseLoader)
    try:
        with gc_paused():
            data = yaml.load(raw, Loader=loader)  # noqa: S506 - the base loader builds no objects
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}" if mark is not None else ""
        reason = getattr(exc, "problem", None) or "not valid YAML"
        raise PlanError([Problem(where, str(reason))], name) from None
    except UnicodeDecodeError:
        raise PlanError([Problem("", "not a text file (save it as UTF-8)")], name) from None
    except RecursionError:
        raise PlanError([Problem("", "nested too deeply to be a plan")], name) from None
    _refuse_alias_bombs(data, name)
    return plan_from_dict(data, source=name, locale=locale)


def _refuse_alias_bombs(data: object, source: str) -> None:
    """Refuse a plan whose YAML aliases repeat more than :data:`MAX_REPEATED_VALUES` values.

    The loader shares an aliased value instead of copying it, so a 400-byte "billion laughs"
    loads in no time; it is whatever walks the value in full (a message showing it, a list of
    names) that would then take gigabytes. Counting each shared value once (memoised by
    identity) costs time in proportion to the file, and a plan that uses a few anchors for
    shared fields stays far below the bound.
    """
    sizes: dict[int, int] = {}
    repeated = 0

    def expanded(value: object, open_: set[int]) -> int:
        nonlocal repeated
        if not isinstance(value, (list, dict)):
            return 1
        key = id(value)
        if key in sizes:
            repeated += sizes[key]
            return sizes[key]
        if key in open_:
            raise PlanError([Problem("", "an alias refers to the value that contains it (a recursive value)")], source)
        open_.add(key)
        total = 1 + sum(expanded(child, open_) for child in (value.values() if isinstance(value, dict) else value))
        open_.discard(key)
        sizes[key] = total
        if repeated > MAX_REPEATED_VALUES:
            raise PlanError([Problem("", f"YAML aliases repeat more than {MAX_REPEATED_VALUES:,} values "
                                         "(an alias bomb?); write the values out instead")], source)
        return total

    try:
        expanded(data, set())
    except RecursionError:
        raise PlanError([Problem("", "nested too deeply to be a plan")], source) from None


def plan_from_dict(data: object, *, source: str = "plan", locale: Locale | None = None) -> Plan:
    """Build and check a plan from plain data (what ``yaml.safe_load`` gives)."""
    reader = _Reader()
    plan = reader.plan(data, locale)
    problems = reader.problems + (plan.problems() if plan is not None else [])
    if problems or plan is None:
        raise PlanError(problems, source)
    return plan


_NULLS = ("", "~", "null", "Null", "NULL")


def _short_number(value: object) -> bool:
    # str() of an int above 4,300 digits raises; a number that long is no budget anyway
    return not isinstance(value, int) or value.bit_length() < 4_000


def _usable_number(number: float) -> bool:
    return math.isfinite(number) and abs(number) <= MAX_NUMBER


def _unusable_number(value: object) -> str:
    return f"{shown(value)} is not a usable number (it must be finite and at most {MAX_NUMBER:,.0f})"


def _outside_days(day: date) -> str:
    return f"{day} is outside the days a spreadsheet can hold ({FIRST_DAY} to {LAST_DAY})"


def _too_long(length: int | None) -> str:
    size = f"{length:,} characters" if length is not None else "too long"
    return f"is {size}; an Excel cell holds at most {MAX_TEXT:,}, so the tracker would cut it"


def _missing(value: object) -> bool:
    return value is None or (isinstance(value, str) and value.strip() in _NULLS)


class _Reader:
    """Turns loose data into dataclasses, collecting every problem instead of stopping."""

    def __init__(self) -> None:
        self.problems: list[Problem] = []

    def fail(self, path: str, message: str) -> None:
        self.problems.append(Problem(path, message))

    def mapping(self, value: object, path: str, allowed: Iterable[str]) -> Mapping[str, Any] | None:
        if not isinstance(value, Mapping):
            self.fail(path, "expected a mapping of fields")
            return None
        allowed = list(allowed)
        for key in value:
            if key not in allowed:
                self.fail(f"{path}.{key}" if path else str(key), f"unknown field (expected one of: {', '.join(allowed)})")
        return value

    def present(self, data: Mapping[str, Any], key: str, path: str, required: bool) -> Any:
        """The field's value, or ``None`` when it is empty (a problem if it is required)."""
        value = data.get(key)
        if not _missing(value):
            return value
        if required:
            self.fail(f"{path}.{key}", "is required")
        return None

    def text(self, data: Mapping[str, Any], key: str, path: str, required: bool = False) -> str:
        value = self.present(data, key, path, required)
        if value is None:
            return ""
        if isinstance(value, (str, int, float)) and not isinstance(value, bool):
            if not _short_number(value):
                self.fail(f"{path}.{key}", _too_long(None))
                return ""
            text = str(value).strip()
            if len(text) > MAX_TEXT:
                self.fail(f"{path}.{key}", _too_long(len(text)))
                return ""
            return text
        self.fail(f"{path}.{key}", f"expected text, got {type(value).__name__}")
        return ""

    def day(self, data: Mapping[str, Any], key: str, path: str, required: bool = False) -> date | None:
        value = self.present(data, key, path, required)
        if value is None:
            return None
        parsed = parse_date(value)
        if parsed is None:
            self.fail(f"{path}.{key}", f"{shown(value)} is not a date (write it as 2024-05-01)")
        elif not FIRST_DAY <= parsed <= LAST_DAY:
            self.fail(f"{path}.{key}", _outside_days(parsed))
            return None
        return parsed

    def number(self, data: Mapping[str, Any], key: str, path: str, required: bool = False) -> float | None:
        value = self.present(data, key, path, required)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, (int, float, str)):
            self.fail(f"{path}.{key}", f"{shown(value)} is not a number")
            return None
        try:
            number = float(str(value).replace(",", "").strip()) if _short_number(value) else math.nan
        except ValueError:
            self.fail(f"{path}.{key}", f"{shown(value)} is not a number")
            return None
        if not _usable_number(number):
            self.fail(f"{path}.{key}", _unusable_number(value))
            return None
        return number

    def names(self, data: Mapping[str, Any], key: str, path: str) -> list[str]:
        value = data.get(key)
        if _missing(value):
            return []
        if isinstance(value, str):
            return [part.strip() for part in value.replace("，", ",").split(",") if part.strip()]
        if isinstance(value, list) and all(isinstance(v, (str, int)) for v in value):
            return [str(v).strip() for v in value]
        self.fail(f"{path}.{key}", "expected a list of names")
        return []

    def items(self, data: Mapping[str, Any], key: str) -> list[Any]:
        value = data.get(key)
        if _missing(value):
            return []
        if not isinstance(value, list):
            self.fail(key, "expected a list")
            return []
        return value

    def each(self, data: Mapping[str, Any], key: str, build: Callable[[Any, str], Any]) -> list[Any]:
        built = (build(item, f"{key}[{i}]") for i, item in enumerate(self.items(data, key)))
        return [b for b in built if b is not None]

    def plan(self, data: object, locale: Locale | None) -> Plan | None:
        top = self.mapping(data, "", ("campaign", "phases", "people", "kpis", "milestones", "tasks"))
        if top is None:
            return None
        if "campaign" not in top:
            self.fail("campaign", "is required")
            return None
        campaign = self.campaign(top["campaign"], locale)
        phases = self.each(top, "phases", self.phase)
        people = self.each(top, "people", self.person)
        kpis = self.each(top, "kpis", self.kpi)
        milestones = self.each(top, "milestones", self.milestone)
        tasks = self.each(top, "tasks", self.task)
        if campaign is None:
            return None
        return Plan(campaign, phases, people, kpis, milestones, tasks)

    def campaign(self, value: object, locale: Locale | None) -> Campaign | None:
        allowed = ("name", "start", "end", "locale", "plan_owner", "exec_owner", "goals", "status_date")
        data = self.mapping(value, "campaign", allowed)
        if data is None:
            return None
        name = self.text(data, "name", "campaign", required=True)
        start = self.day(data, "start", "campaign", required=True)
        end = self.day(data, "end", "campaign", required=True)
        chosen = locale or normalise_locale(self.text(data, "locale", "campaign") or DEFAULT_LOCALE)
        if chosen is None:
            self.fail("campaign.locale", f"{shown(data.get('locale'))} is not a supported language (zh-CN or en)")
        if start is None or end is None:
            return None
        return Campaign(name, start, end, chosen or DEFAULT_LOCALE, self.text(data, "plan_owner", "campaign"),
                        self.text(data, "exec_owner", "campaign"), self.names(data, "goals", "campaign"),
                        self.day(data, "status_date", "campaign"))

    def phase(self, value: object, path: str) -> Phase | None:
        data = self.mapping(value, path, ("key", "name", "start", "end"))
        if data is None:
            return None
        key = self.text(data, "key", path, required=True)
        start, end = self.day(data, "start", path, True), self.day(data, "end", path, True)
        if not key or start is None or end is None:
            return None
        return Phase(key, start, end, self.text(data, "name", path) or None)

    def person(self, value: object, path: str) -> Person | None:
        data = self.mapping(value, path, ("name", "department", "role", "contact"))
        if data is None:
            return None
        name = self.text(data, "name", path, required=True)
        return Person(name, *(self.text(data, k, path) for k in ("department", "role", "contact"))) if name else None

    def kpi(self, value: object, path: str) -> Kpi | None:
        data = self.mapping(value, path, ("key", "name", "unit", "target", "direction", "aggregate"))
        if data is None:
            return None
        key = self.text(data, "key", path, required=True)
        target = self.number(data, "target", path, required=True)
        direction = self.text(data, "direction", path) or "higher"
        if DIRECTIONS.lookup(direction) is None:
            self.fail(f"{path}.direction", f"{shown(direction)} is not one of: higher, lower")
        aggregate = self.text(data, "aggregate", path)
        if aggregate and AGGREGATES.lookup(aggregate) is None:
            self.fail(f"{path}.aggregate", f"{shown(aggregate)} is not one of: sum, latest")
        if not key or target is None:
            return None
        direction_member = DIRECTIONS.lookup(direction)
        aggregate_member = AGGREGATES.lookup(aggregate) if aggregate else None
        return Kpi(key, self.text(data, "name", path) or key, target, self.text(data, "unit", path),
                   direction_member.key if direction_member else "higher",
                   aggregate_member.key if aggregate_member else "")

    def milestone(self, value: object, path: str) -> Milestone | None:
        data = self.mapping(value, path, ("id", "name", "phase", "due", "owner", "impact"))
        if data is None:
            return None
        name = self.text(data, "name", path, required=True)
        phase = self.text(data, "phase", path, required=True)
        due = self.day(data, "due", path, required=True)
        if not name or due is None:
            return None
        return Milestone(name, phase, due, self.text(data, "owner", path), self.text(data, "impact", path),
                         self.text(data, "id", path))

    def task(self, value: object, path: str) -> Task | None:
        data = self.mapping(value, path, _TASK_FIELDS)
        if data is None:
            return None
        task_id = self.text(data, "id", path, required=True)
        name = self.text(data, "name", path, required=True)
        phase = self.text(data, "phase", path, required=True)
        task = Task(
            task_id, name, phase,
            owner=self.text(data, "owner", path),
            accountable=self.text(data, "accountable", path),
            consulted=self.names(data, "consulted", path),
            informed=self.names(data, "informed", path),
            start=self.day(data, "start", path),
            end=self.day(data, "end", path),
            depends_on=self.names(data, "depends_on", path),
            budget=self.number(data, "budget", path),
            description=self.text(data, "description", path),
        )
        return task if task_id else None


_TASK_FIELDS = tuple(f.name for f in fields(Task))


def normalise_locale(value: str) -> Locale | None:
    """``zh``, ``zh_CN``, ``zh-cn`` -> ``zh-CN``; ``en``, ``en-US`` -> ``en``; else ``None``."""
    lowered = value.strip().lower().replace("_", "-")
    for locale in LOCALES:
        if lowered == locale.lower() or lowered.split("-")[0] == locale.split("-")[0].lower():
            return locale
    return None


# --------------------------------------------------------------------------- checking


def _is_date(value: object) -> bool:
    return isinstance(value, date) and not isinstance(value, datetime)


def _date_fields(plan: Plan) -> Iterable[tuple[str, object, bool]]:
    """Every date a plan holds: (path, value, may be None)."""
    c = plan.campaign
    yield "campaign.start", c.start, False
    yield "campaign.end", c.end, False
    yield "campaign.status_date", c.status_date, True
    for i, p in enumerate(plan.phases):
        yield f"phases[{i}].start", p.start, False
        yield f"phases[{i}].end", p.end, False
    for i, m in enumerate(plan.milestones):
        yield f"milestones[{i}].due", m.due, False
    for i, t in enumerate(plan.tasks):
        yield f"tasks[{i}].start", t.start, True
        yield f"tasks[{i}].end", t.end, True


def _type_problems(plan: Plan) -> list[Problem]:
    """Dates that are no ``datetime.date`` (a plan built in Python with ``"2025-05-05"``).

    The other checks compare dates, so a plan with these is judged on them alone.
    """
    problems = []
    for path, value, optional in _date_fields(plan):
        if (value is None and optional) or _is_date(value):
            continue
        shown = reprlib.repr(value)  # bounded, whatever the value holds
        problems.append(Problem(path, f"{shown} is not a date; give a datetime.date such as datetime.date(2025, 5, 1)"))
    return problems


def _check(plan: Plan) -> list[Problem]:
    """Every problem of a plan, in the order a person fixes them: bounds, the campaign, then each list."""
    typed = _type_problems(plan)
    if typed:
        return typed
    check = _PlanCheck(plan, _out_of_bounds(plan))
    for step in (check.campaign, check.phases, check.people, check.campaign_owners, check.kpis, check.milestones,
                 check.tasks, check.dependencies):
        step()
    return check.problems


@dataclass
class _PlanCheck:
    """One plan being checked: the problems found so far, and what the steps look up.

    Each step checks one part of the plan and adds its problems; the order of the steps is
    the order of the problems in the message.
    """

    plan: Plan
    problems: list[Problem]
    people_named: set[str] = field(init=False)
    task_rows: dict[str, int] = field(init=False, default_factory=dict)  # task ID -> the index of its first task

    def __post_init__(self) -> None:
        self.people_named = {p.name for p in self.plan.people}

    def fail(self, path: str, message: str) -> None:
        self.problems.append(Problem(path, message))

    def order(self, path: str, start: date | None, end: date | None, what: str = "") -> None:
        if start is not None and end is not None and end < start:
            self.fail(f"{path}.end", f"{what}end {end} is before start {start}")

    def known(self, path: str, name: str) -> None:
        """A person named in the plan is one of its people (when it lists any)."""
        if name and self.people_named and name not in self.people_named:
            self.fail(path, f"{shown(name)} is not among the campaign's people")

    def campaign(self) -> None:
        c = self.plan.campaign
        if not c.name:
            self.fail("campaign.name", "is required")
        self.order("campaign", c.start, c.end)
        if c.locale not in LOCALES:
            self.fail("campaign.locale", f"{shown(c.locale)} is not a supported language (zh-CN or en)")
        if not self.plan.phases:
            self.fail("phases", "the campaign period is empty, so there is no phase to put tasks in")

    def phases(self) -> None:
        c = self.plan.campaign
        seen: set[str] = set()
        for i, p in enumerate(self.plan.phases):
            path = f"phases[{i}]"
            if PHASES.lookup(p.key) is None and not p.name:
                self.fail(f"{path}.name",
                          f"custom phase {shown(p.key)} needs a name (standard keys: prep, warmup, execution, wrapup)")
            if p.key in seen:
                self.fail(f"{path}.key", f"phase {shown(p.key)} is listed twice")
            seen.add(p.key)
            self.order(path, p.start, p.end)
            if p.start < c.start or p.end > c.end:
                self.fail(path, f"{p.start}..{p.end} lies outside the campaign period {c.start}..{c.end}")

    def people(self) -> None:
        seen: set[str] = set()
        for i, person in enumerate(self.plan.people):
            if person.name in seen:
                self.fail(f"people[{i}].name", f"{shown(person.name)} is listed twice")
            seen.add(person.name)

    def campaign_owners(self) -> None:
        self.known("campaign.plan_owner", self.plan.campaign.plan_owner)
        self.known("campaign.exec_owner", self.plan.campaign.exec_owner)

    def kpis(self) -> None:
        for attr in ("key", "name"):
            seen: set[str] = set()
            for i, k in enumerate(self.plan.kpis):
                value = getattr(k, attr)
                if value in seen:
                    self.fail(f"kpis[{i}].{attr}", f"KPI {shown(value)} is listed twice")
                seen.add(value)
        for i, k in enumerate(self.plan.kpis):
            if DIRECTIONS.lookup(k.direction) is None:
                self.fail(f"kpis[{i}].direction", f"{shown(k.direction)} is not one of: higher, lower")
            if AGGREGATES.lookup(k.aggregate) is None:
                self.fail(f"kpis[{i}].aggregate", f"{shown(k.aggregate)} is not one of: sum, latest")

    def milestones(self) -> None:
        for i, m in enumerate(self.plan.milestones):
            path = f"milestones[{i}]"
            if self.plan.phase(m.phase) is None:
                self.fail(f"{path}.phase", f"unknown phase {shown(m.phase)}")
            self.known(f"{path}.owner", m.owner)

    def tasks(self) -> None:
        for i, t in enumerate(self.plan.tasks):
            self.task(f"tasks[{i}]", i, t)

    def task(self, path: str, index: int, t: Task) -> None:
        if t.id in self.task_rows:
            self.fail(f"{path}.id", f"task ID {shown(t.id)} is already used by tasks[{self.task_rows[t.id]}]")
        self.task_rows.setdefault(t.id, index)
        if not t.name:
            self.fail(f"{path}.name", "is required")
        if self.plan.phase(t.phase) is None:
            self.fail(f"{path}.phase", f"unknown phase {shown(t.phase)} "
                                       f"(the plan's phases: {', '.join(p.key for p in self.plan.phases)})")
        self.order(path, t.start, t.end, f"{t.id}: ")
        for role in ("owner", "accountable"):
            self.known(f"{path}.{role}", getattr(t, role))
        for role in ("consulted", "informed"):
            for j, name in enumerate(getattr(t, role)):
                self.known(f"{path}.{role}[{j}]", name)
        if t.budget is not None and t.budget < 0:
            self.fail(f"{path}.budget", f"{t.budget:g} is negative")

    def dependencies(self) -> None:
        """Each dependency names another task of the plan, and they form no cycle (after :meth:`tasks`)."""
        ids = self.task_rows
        for i, t in enumerate(self.plan.tasks):
            for j, dep in enumerate(t.depends_on):
                if dep not in ids:
                    self.fail(f"tasks[{i}].depends_on[{j}]", f"{t.id} depends on unknown task {shown(dep)}")
                elif dep == t.id:
                    self.fail(f"tasks[{i}].depends_on[{j}]", f"{t.id} depends on itself")
        cycle = find_cycle({t.id: [d for d in t.depends_on if d in ids and d != t.id] for t in self.plan.tasks})
        if cycle:
            self.fail(f"tasks[{ids[cycle[0]]}].depends_on", "dependency cycle: " + " -> ".join([*cycle, cycle[0]]))


def _out_of_bounds(plan: Plan) -> list[Problem]:
    """Dates, numbers and texts a workbook cannot hold, in a plan built in Python.

    A plan read from YAML has had them refused already, each at its field; this catches the
    same in dataclasses made by hand, before the writer meets them. It runs on every plan the
    writer is given (95,000 values for 5,000 tasks), so the values that are plainly fine (a
    short text, a date in range, a whole or finite number) are passed by their exact type first and only
    the others go through :func:`_bound_problem`.
    """
    problems: list[Problem] = []
    parts: list[tuple[str, object]] = [("campaign", plan.campaign)]
    for what in ("phases", "people", "kpis", "milestones", "tasks"):
        parts += [(f"{what}[{i}]", item) for i, item in enumerate(getattr(plan, what))]
    names_of: dict[type, tuple[str, ...]] = {}
    str_type, date_type, int_type, float_type, list_type = str, date, int, float, list
    for path, item in parts:
        names = names_of.get(item.__class__)
        if names is None:
            names = names_of[item.__class__] = tuple(spec.name for spec in fields(item))  # type: ignore[arg-type]
        for name in names:
            value = getattr(item, name)
            for one in value if value.__class__ is list_type else (value,):
                kind = one.__class__
                if (kind is str_type and len(one) <= MAX_TEXT) or kind is int_type or one is None or (
                        kind is date_type and FIRST_DAY <= one <= LAST_DAY) or (
                        kind is float_type and -MAX_NUMBER <= one <= MAX_NUMBER):  # nan and inf fail this
                    continue
                problem = _bound_problem(one)
                if problem:
                    problems.append(Problem(f"{path}.{name}", problem))
                    break
    return problems


def _bound_problem(value: object) -> str | None:
    if isinstance(value, date):
        return _outside_days(value) if not FIRST_DAY <= value <= LAST_DAY else None
    if isinstance(value, float) and not isinstance(value, bool):
        return _unusable_number(value) if not _usable_number(value) else None
    if isinstance(value, str) and len(value) > MAX_TEXT:
        return _too_long(len(value))
    return None


def find_cycle(graph: dict[str, list[str]]) -> list[str] | None:
    """One dependency cycle if there is any (iterative, so 50,000 tasks do not recurse).

    Shared by the plan check and the tracker validator.
    """
    state: dict[str, int] = {}  # 1 on the current path, 2 finished
    for root in graph:
        if state.get(root):
            continue
        stack: list[tuple[str, int]] = [(root, 0)]
        path: list[str] = [root]
        state[root] = 1
        while stack:
            node, index = stack[-1]
            children = graph.get(node, [])
            if index < len(children):
                stack[-1] = (node, index + 1)
                child = children[index]
                if state.get(child) == 1:
                    return path[path.index(child):]
                if not state.get(child):
                    state[child] = 1
                    stack.append((child, 0))
                    path.append(child)
            else:
                state[node] = 2
                stack.pop()
                path.pop()
    return None
