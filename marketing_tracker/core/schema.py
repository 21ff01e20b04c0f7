"""The declarative description of a tracker workbook.

Every sheet, column, label, enumeration, colour and computed formula lives here and
nowhere else. The writer lays out the workbook from it, the reader finds and coerces
columns with it, the validator and the reports take their labels and rules from it.
Adding a column is one edit to one tuple below.

Formulas are templates: ``{planned_end}`` is the cell of that column on the same row,
``{asof}`` the workbook's "today" (the campaign-info cell that defaults to TODAY()),
``{status:done}`` the quoted label of an enumeration member in the workbook's locale.
They use only functions that Excel 2007+, LibreOffice and WPS all evaluate.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Locale = Literal["zh-CN", "en"]
LOCALES: tuple[Locale, ...] = ("zh-CN", "en")
DEFAULT_LOCALE: Locale = "zh-CN"

#: Identifies our workbooks; stored on the hidden meta sheet.
TEMPLATE_NAME = "marketing_tracker"
#: Bumped whenever a sheet or column changes in a way a reader must know about.
SCHEMA_VERSION = 1


@dataclass(frozen=True)
class Text:
    """A user-facing string in both supported languages."""

    zh: str
    en: str

    def get(self, locale: Locale) -> str:
        return self.zh if locale == "zh-CN" else self.en


# --------------------------------------------------------------------------- enumerations


@dataclass(frozen=True)
class Member:
    """One allowed value of an enumeration (a status, a phase, a RACI letter, ...).

    ``synonyms`` are further spellings people type that mean the same thing; the reader
    accepts them and reports a ``normalized`` finding.
    """

    key: str
    label: Text
    synonyms: tuple[str, ...] = ()
    colour: str | None = None  # fill colour for conditional formatting, "#RRGGBB"
    font: str | None = None  # font colour to go with the fill
    prefix: str | None = None  # task ID prefix, for phases


@dataclass(frozen=True)
class Enumeration:
    """A closed list of values shown as a dropdown fed from the lists sheet."""

    key: str
    title: Text
    members: tuple[Member, ...]

    def labels(self, locale: Locale) -> list[str]:
        return [m.label.get(locale) for m in self.members]

    def member(self, key: str) -> Member:
        for m in self.members:
            if m.key == key:
                return m
        raise KeyError(f"{self.key} has no member {key!r}")

    def label(self, key: str, locale: Locale) -> str:
        return self.member(key).label.get(locale)

    def lookup(self, text: str) -> Member | None:
        """The member a typed value means: its key, a label in any language or a synonym."""
        wanted = text.strip().casefold()
        for m in self.members:
            names = (m.key, m.label.zh, m.label.en, *m.synonyms)
            if any(wanted == n.casefold() for n in names):
                return m
        return None


PHASES = Enumeration(
    "phase",
    Text("所属阶段", "Phase"),
    (
        Member("prep", Text("筹备期", "Preparation"), ("筹备", "准备期", "prep"), prefix="M"),
        Member("warmup", Text("预热期", "Warm-up"), ("预热", "warmup", "warm up"), prefix="P"),
        Member("execution", Text("执行期", "Execution"), ("执行", "正式期", "exec"), prefix="E"),
        Member("wrapup", Text("收尾期", "Wrap-up"), ("收尾", "复盘期", "wrapup", "wrap up"), prefix="C"),
    ),
)

#: Share of the campaign each standard phase takes when a plan lists no phases.
DEFAULT_PHASE_WEIGHTS: dict[str, float] = {"prep": 0.30, "warmup": 0.20, "execution": 0.35, "wrapup": 0.15}

GREEN, GREEN_FONT = "#C6EFCE", "#006100"
YELLOW, YELLOW_FONT = "#FFEB9C", "#9C5700"
RED, RED_FONT = "#FFC7CE", "#9C0006"
GREY, GREY_FONT = "#E7E6E6", "#595959"

STATUSES = Enumeration(
    "status",
    Text("当前状态", "Status"),
    (
        Member("not_started", Text("未开始", "Not started"), ("未启动", "待开始", "todo", "to do", "not begun"), GREY, GREY_FONT),
        Member("in_progress", Text("进行中", "In progress"), ("执行中", "处理中", "doing", "ongoing", "wip"), YELLOW, YELLOW_FONT),
        Member("done", Text("已完成", "Done"), ("完成", "已结束", "complete", "completed", "finished"), GREEN, GREEN_FONT),
        Member("delayed", Text("已延期", "Delayed"), ("延期", "延迟", "逾期", "late", "overdue"), RED, RED_FONT),
        Member("blocked", Text("阻塞", "Blocked"), ("受阻", "卡住", "等待中", "waiting", "on hold"), RED, RED_FONT),
    ),
)

ISSUE_STATES = Enumeration(
    "issue_state",
    Text("状态", "Status"),
    (
        Member("resolved", Text("已解决", "Resolved"), ("解决", "已关闭", "closed", "fixed", "done"), GREEN, GREEN_FONT),
        Member("in_progress", Text("处理中", "In progress"), ("进行中", "跟进中", "open", "working"), YELLOW, YELLOW_FONT),
        Member("follow_up", Text("待跟进", "To follow up"), ("待处理", "新建", "new", "follow up", "todo"), RED, RED_FONT),
    ),
)

RACI = Enumeration(
    "raci",
    Text("职责", "Role"),
    (
        Member("R", Text("R", "R"), ("负责", "执行", "responsible")),
        Member("A", Text("A", "A"), ("批准", "审批", "accountable")),
        Member("RA", Text("R/A", "R/A"), ("A/R", "RA", "AR", "R+A")),
        Member("C", Text("C", "C"), ("咨询", "consulted")),
        Member("I", Text("I", "I"), ("知会", "告知", "informed")),
    ),
)

DIRECTIONS = Enumeration(
    "direction",
    Text("方向", "Direction"),
    (
        Member("higher", Text("越高越好", "Higher is better"), ("higher", "高", "up", "max")),
        Member("lower", Text("越低越好", "Lower is better"), ("lower", "低", "down", "min")),
    ),
)

AGGREGATES = Enumeration(
    "aggregate",
    Text("汇总方式", "Aggregation"),
    (
        Member("sum", Text("累计", "Sum"), ("合计", "求和", "total")),
        Member("latest", Text("取最新", "Latest"), ("最新", "last", "latest value")),
    ),
)

HEALTH = Enumeration(
    "health",
    Text("健康度", "Health"),
    (
        Member("done", Text("已完成", "Done"), (), GREEN, GREEN_FONT),
        Member("on_track", Text("正常", "On track"), (), "#DDEBF7", "#1F4E78"),
        Member("at_risk", Text("有风险", "At risk"), (), YELLOW, YELLOW_FONT),
        Member("late", Text("滞后", "Late"), (), RED, RED_FONT),
    ),
)

MILESTONE_STATES = Enumeration(
    "milestone_state",
    Text("达成情况", "Result"),
    (
        Member("met", Text("按时达成", "Met"), (), GREEN, GREEN_FONT),
        Member("met_late", Text("延迟达成", "Met late"), (), YELLOW, YELLOW_FONT),
        Member("missed", Text("已错过", "Missed"), (), RED, RED_FONT),
        Member("pending", Text("待完成", "Pending"), (), GREY, GREY_FONT),
    ),
)

ENUMERATIONS: dict[str, Enumeration] = {
    e.key: e for e in (PHASES, STATUSES, ISSUE_STATES, RACI, DIRECTIONS, AGGREGATES, HEALTH, MILESTONE_STATES)
}

#: A task whose progress trails the expected progress by more than this many points is at risk.
AT_RISK_GAP = 20


# --------------------------------------------------------------------------- column types

Kind = Literal["text", "id", "date", "percent", "money", "number", "choice", "person", "ids", "formula"]


@dataclass(frozen=True)
class Limits:
    """What a column's cells may hold: a number's bounds, a text's length (None: no limit)."""

    minimum: float | None = None
    maximum: float | None = None
    max_length: int | None = None


#: The limits a column of each kind has unless it declares its own. They feed both the
#: workbook's data validation (writer) and the one rule that checks a pasted value (validate).
# Beyond Excel's 15 significant digits a budget, progress or target means nothing; above this
# (or not finite: "nan", "inf", "1e400") a value is not taken as a number, so that it can
# never reach a sum, a figure or the JSON (docs/security.md); the number columns' limits.
MAX_NUMBER = 1e15

KIND_LIMITS: dict[str, Limits] = {
    "id": Limits(max_length=20),
    "text": Limits(max_length=500),
    "ids": Limits(max_length=500),
    "percent": Limits(0, 100),
    "money": Limits(0),
    "number": Limits(-MAX_NUMBER, MAX_NUMBER),
}


@dataclass(frozen=True)
class Column:
    """One column of a table sheet.

    ``kind`` decides the Excel validation, the number format and, on import, the parser.
    ``choices`` names the enumeration (or ``"person"``/``"task"``/``"kpi"`` list) a choice
    column takes its values from. ``formula`` makes the column computed and locked.
    """

    key: str
    label: Text
    kind: Kind
    width: float = 12
    required: bool = False
    choices: str | None = None
    help: Text | None = None
    aliases: tuple[str, ...] = ()
    formula: str | None = None
    unique: bool = False
    after: str | None = None  # for dates: not before this column on the same row
    max_length: int | None = None  # None: the kind's (KIND_LIMITS)
    num_format: str | None = None  # for computed columns; input kinds have their own
    minimum: float | None = None  # None: the kind's
    maximum: float | None = None
    locked: bool = False  # written by the generator and protected (the baseline dates), read like an input
    #: What a new row holds before anyone fills it (the generator writes it; a copy still holding it has not
    #: filled the field, which the merge and the update need to know). A choice column's is the member's key.
    default: float | str | None = None

    @property
    def computed(self) -> bool:
        return self.formula is not None

    @property
    def limits(self) -> Limits:
        """This column's bounds and length: its own where declared, else its kind's."""
        kind = KIND_LIMITS.get(self.kind, Limits())
        return Limits(kind.minimum if self.minimum is None else self.minimum,
                      kind.maximum if self.maximum is None else self.maximum,
                      kind.max_length if self.max_length is None else self.max_length)


@dataclass(frozen=True)
class Sheet:
    """A table sheet: a title row, a notes row, a header row, then one record per row."""

    key: str
    title: Text
    columns: tuple[Column, ...]
    help: Text
    id_column: str | None = None
    freeze_columns: int = 1
    min_spare_rows: int = 200

    def column(self, key: str) -> Column:
        for c in self.columns:
            if c.key == key:
                return c
        raise KeyError(f"sheet {self.key} has no column {key!r}")

    def index(self, key: str) -> int:
        return [c.key for c in self.columns].index(key)

    @property
    def defaults(self) -> dict[str, float | str]:
        """The columns a new row starts filled, with their :attr:`Column.default`: ``{"progress": 0, ...}``."""
        return {c.key: c.default for c in self.columns if c.default is not None}


#: Row layout shared by every table sheet (0-based): title, notes/flags, header, data.
TITLE_ROW, NOTE_ROW, HEADER_ROW, FIRST_DATA_ROW = 0, 1, 2, 3

_DATE_HELP = Text("请输入日期，格式 2024-05-01", "Enter a date such as 2024-05-01")
_OWNER_HELP = Text("从下拉列表选择负责人（须为活动参与人员）", "Pick the owner from the list of campaign people")

TASKS = Sheet(
    "tasks",
    Text("执行任务跟踪表", "Tasks"),
    (
        Column("task_id", Text("任务ID", "Task ID"), "id", 10, True, unique=True,
               help=Text("唯一编号，前缀对应阶段：M 筹备 / P 预热 / E 执行 / C 收尾", "Unique ID; prefix by phase: M prep / P warm-up / E execution / C wrap-up"),
               aliases=("任务编号", "编号", "序号", "ID", "Task No", "Task #", "No.")),
        Column("name", Text("任务名称", "Task name"), "text", 28, True, aliases=("任务", "事项", "工作事项", "Task", "Name"), max_length=200),
        Column("description", Text("任务描述", "Description"), "text", 30, aliases=("描述", "任务说明", "Details")),
        Column("phase", Text("所属阶段", "Phase"), "choice", 10, True, choices="phase", aliases=("阶段", "Stage")),
        Column("owner", Text("负责人", "Owner"), "person", 10, True, choices="person", help=_OWNER_HELP,
               aliases=("责任人", "执行人", "Responsible", "Assignee")),
        Column("planned_start", Text("计划开始时间", "Planned start"), "date", 12, True, help=_DATE_HELP,
               aliases=("计划开始", "开始时间", "开始日期", "Start", "Start date", "Plan start")),
        Column("planned_end", Text("计划结束时间", "Planned end"), "date", 12, True, after="planned_start", help=_DATE_HELP,
               aliases=("计划结束", "结束时间", "截止日期", "截止时间", "End", "Due", "Due date", "Plan end")),
        Column("actual_start", Text("实际开始时间", "Actual start"), "date", 12, help=_DATE_HELP, aliases=("实际开始", "Started")),
        Column("actual_end", Text("实际结束时间", "Actual end"), "date", 12, after="actual_start", help=_DATE_HELP,
               aliases=("实际结束", "完成时间", "完成日期", "Finished", "Completed on")),
        Column("progress", Text("进度(%)", "Progress (%)"), "percent", 9,
               help=Text("0 到 100 之间的数字，100 表示完成", "A number from 0 to 100; 100 means done"),
               aliases=("进度", "完成进度", "完成度", "Progress", "% complete", "Progress %"), default=0),
        Column("status", Text("当前状态", "Status"), "choice", 10, True, choices="status", aliases=("状态", "State"),
               default="not_started"),
        Column("summary", Text("实际执行情况简述", "Execution summary"), "text", 26, aliases=("执行情况", "进展说明", "Summary", "Progress notes")),
        Column("risk", Text("风险/问题", "Risk / issue"), "text", 22, aliases=("风险", "问题", "风险问题", "Risk", "Issue", "Risks")),
        Column("resolution", Text("解决措施", "Resolution"), "text", 22, aliases=("解决方案", "应对措施", "Mitigation", "Action")),
        Column("notes", Text("备注", "Notes"), "text", 18, aliases=("说明", "Remarks", "Comment", "Comments")),
        Column("depends_on", Text("前置任务", "Depends on"), "ids", 12,
               help=Text("依赖的任务ID，多个用逗号分隔，如 M001,M002", "IDs of tasks this one waits for, comma separated: M001,M002"),
               aliases=("依赖任务", "依赖", "前置", "Dependencies", "Predecessors")),
        Column("budget_planned", Text("计划预算(元)", "Planned budget"), "money", 12, aliases=("预算", "计划预算", "Budget")),
        Column("budget_actual", Text("实际花费(元)", "Actual cost"), "money", 12, aliases=("实际花费", "实际费用", "花费", "Cost", "Spend", "Actual spend")),
        Column("delay_days", Text("延期天数", "Days late"), "formula", 9, num_format="0",
               formula='IFERROR(IF({planned_end}="","",IF({actual_end}<>"",MAX(0,{actual_end}-{planned_end}),'
                       'IF(OR({status}={status:done},N({progress})>=100),0,MAX(0,{asof}-{planned_end})))),"")'),
        Column("expected_progress", Text("应达进度(%)", "Expected (%)"), "formula", 10, num_format="0",
               formula='IFERROR(IF(OR({planned_start}="",{planned_end}=""),"",'
                       'MAX(0,MIN(100,ROUND(({asof}-{planned_start}+1)/({planned_end}-{planned_start}+1)*100,0)))),"")'),
        Column("health", Text("健康度", "Health"), "formula", 9,
               formula='IFERROR(IF(AND({task_id}="",{name}=""),"",'
                       'IF(OR({status}={status:done},N({progress})>=100),{health:done},'
                       'IF(OR({status}={status:delayed},AND(N({planned_end})>0,{asof}>N({planned_end}))),{health:late},'
                       'IF(OR({status}={status:blocked},N({progress})<N({expected_progress})-' + str(AT_RISK_GAP) + '),'
                       '{health:at_risk},{health:on_track})))),"")'),
        # The first plan's dates, written when the tracker is first generated and carried by ``update``,
        # so a re-planned date shows as slippage against what was first promised (REPLANNED_RULE).
        Column("baseline_start", Text("基线开始时间", "Baseline start"), "date", 12, locked=True,
               aliases=("基线开始", "Baseline start date")),
        Column("baseline_end", Text("基线结束时间", "Baseline end"), "date", 12, locked=True,
               aliases=("基线结束", "Baseline end date")),
    ),
    Text("每位负责人只更新自己负责的任务行；灰色表头与公式列不可编辑。右侧为甘特图。",
         "Each owner updates only their own rows; grey headers and formula columns are locked. The Gantt chart is on the right."),
    id_column="task_id",
    freeze_columns=2,
)

MILESTONES = Sheet(
    "milestones",
    Text("里程碑", "Milestones"),
    (
        Column("milestone_id", Text("编号", "ID"), "id", 8, True, unique=True, aliases=("里程碑编号", "序号", "No.")),
        Column("name", Text("里程碑", "Milestone"), "text", 28, True, aliases=("里程碑名称", "名称", "Name")),
        Column("phase", Text("所属阶段", "Phase"), "choice", 10, True, choices="phase", aliases=("阶段", "Stage")),
        Column("due", Text("截止日期", "Due date"), "date", 12, True, help=_DATE_HELP, aliases=("计划日期", "到期日", "Due", "Deadline")),
        Column("owner", Text("负责人", "Owner"), "person", 10, True, choices="person", help=_OWNER_HELP, aliases=("责任人", "Responsible")),
        Column("done", Text("完成日期", "Done on"), "date", 12, help=_DATE_HELP, aliases=("实际完成", "达成日期", "Completed", "Done date")),
        Column("impact", Text("未达成影响", "Impact if missed"), "text", 26, aliases=("影响", "Impact")),
        Column("notes", Text("备注", "Notes"), "text", 18, aliases=("说明", "Remarks")),
        Column("result", Text("达成情况", "Result"), "formula", 10,
               formula='IFERROR(IF({due}="","",IF({done}<>"",IF({done}<={due},{milestone_state:met},{milestone_state:met_late}),'
                       'IF({asof}>{due},{milestone_state:missed},{milestone_state:pending}))),"")'),
    ),
    Text("每周一例会检查里程碑；到期未完成的里程碑显示为红色。", "Review every Monday; milestones past due and not done turn red."),
    id_column="milestone_id",
    min_spare_rows=30,
)

KPIS = Sheet(
    "kpis",
    Text("关键指标", "KPIs"),
    (
        Column("kpi_key", Text("指标代码", "KPI code"), "id", 12, True, unique=True, aliases=("代码", "Code", "Key")),
        Column("name", Text("指标名称", "KPI"), "text", 18, True, unique=True, aliases=("指标", "名称", "Name", "Metric")),
        Column("unit", Text("单位", "Unit"), "text", 8, aliases=("Units",), max_length=20),
        Column("target", Text("目标值", "Target"), "number", 12, True, aliases=("目标", "Goal")),
        Column("direction", Text("方向", "Direction"), "choice", 12, True, choices="direction", aliases=("Better",)),
        Column("aggregate", Text("汇总方式", "Aggregation"), "choice", 10, True, choices="aggregate", aliases=("汇总", "Aggregate")),
        Column("actual", Text("实际值", "Actual"), "formula", 12,
               formula='IFERROR(IF({name}="","",IF({aggregate}={aggregate:latest},'
                       'AVERAGEIFS(mt_log_value,mt_log_kpi,{name},mt_log_date,'
                       'SUMPRODUCT(MAX((mt_log_kpi={name})*(mt_log_value<>"")*mt_log_date))),'
                       'SUMIF(mt_log_kpi,{name},mt_log_value))),"")'),
        Column("achievement", Text("达成率", "Achievement"), "formula", 10, num_format="0.0%",
               formula='IFERROR(IF(OR({name}="",N({target})=0),"",IF({direction}={direction:lower},'
                       '{target}/{actual},{actual}/{target})),"")'),
    ),
    Text("实际值由「指标日报」自动汇总；达成率 = 实际/目标（越低越好的指标取 目标/实际）。",
         "Actuals add up from the KPI log; achievement = actual / target (target / actual where lower is better)."),
    id_column="kpi_key",
    min_spare_rows=20,
)

KPI_LOG = Sheet(
    "kpi_log",
    Text("指标日报", "KPI log"),
    (
        Column("date", Text("日期", "Date"), "date", 12, True, help=_DATE_HELP, aliases=("统计日期", "Day")),
        Column("kpi", Text("指标名称", "KPI"), "choice", 18, True, choices="kpi", aliases=("指标", "Metric")),
        Column("channel", Text("渠道", "Channel"), "text", 14, aliases=("平台", "来源", "Source", "Platform"), max_length=100),
        Column("value", Text("实际值", "Value"), "number", 14, True, aliases=("数值", "当日值", "Actual", "Amount")),
        Column("notes", Text("备注", "Notes"), "text", 24, aliases=("说明", "Remarks")),
    ),
    Text("每天每个指标（可按渠道）记录一行。", "One row per KPI per day (per channel if you track channels)."),
    freeze_columns=1,
    min_spare_rows=500,
)

ISSUES = Sheet(
    "issues",
    Text("问题记录", "Issue log"),
    (
        Column("issue_id", Text("问题编号", "Issue ID"), "id", 10, True, unique=True, aliases=("编号", "序号", "ID", "No.")),
        Column("raised", Text("提出日期", "Raised on"), "date", 12, True, help=_DATE_HELP, aliases=("发现日期", "日期", "Date", "Opened")),
        Column("description", Text("问题描述", "Description"), "text", 30, True, aliases=("问题", "描述", "Issue")),
        Column("impact", Text("影响", "Impact"), "text", 22, aliases=("影响程度", "影响范围")),
        Column("task_id", Text("关联任务", "Task ID"), "choice", 10, choices="task", aliases=("相关任务", "任务ID", "Task", "Related task")),
        Column("owner", Text("负责人", "Owner"), "person", 10, True, choices="person", help=_OWNER_HELP, aliases=("责任人", "跟进人", "Responsible")),
        Column("resolution", Text("解决措施", "Resolution"), "text", 26, aliases=("解决方案", "措施", "Action")),
        Column("status", Text("状态", "Status"), "choice", 10, True, choices="issue_state", aliases=("处理状态", "State")),
        Column("resolved", Text("解决日期", "Resolved on"), "date", 12, after="raised", help=_DATE_HELP, aliases=("关闭日期", "Closed")),
        Column("notes", Text("备注", "Notes"), "text", 18, aliases=("说明", "Remarks")),
    ),
    Text("发现问题当天登记；解决后填写解决日期并把状态改为「已解决」。",
         "Log an issue the day it appears; when it is fixed, set the date and the status Resolved."),
    id_column="issue_id",
    min_spare_rows=100,
)

RACI_SHEET = Sheet(
    "raci",
    Text("责任矩阵", "RACI"),
    (
        Column("task_id", Text("任务ID", "Task ID"), "choice", 10, True, choices="task", aliases=("任务编号", "编号", "ID")),
        Column("task_name", Text("任务名称", "Task name"), "formula", 28,
               formula='IFERROR(IF({task_id}="","",INDEX(mt_task_name,MATCH({task_id},mt_task_id,0))),"")'),
    ),
    Text("R 执行负责（每个任务仅一个）· A 最终批准（仅一个）· C 需咨询 · I 需知会。任务ID变红：该行不是恰好一个 R 和一个 A。",
         "R responsible (exactly one per task) · A accountable (exactly one) · C consulted · I informed. "
         "A red task ID: the row does not have exactly one R and one A."),
    id_column="task_id",
    freeze_columns=2,
)
#: Conditional format on a task's planned dates: re-planned, unlike its baseline (a rule costs nothing per row).
REPLANNED_RULE = 'AND(ISNUMBER({baseline_end}),OR({planned_start}<>{baseline_start},{planned_end}<>{baseline_end}))'
REPLANNED_FILL = "#F8CBAD"
REPLANNED_LEGEND = Text("计划日期与基线不同：已重新计划（见「基线开始/结束时间」）",
                        "Planned dates unlike the baseline: re-planned (see Baseline start / end)")

#: Conditional format on a RACI row's task ID: true when the row lacks exactly one R and one A.
#: A rule over the whole range costs nothing per row, unlike a formula column.
RACI_RULE = ('AND({task_id}<>"",OR(COUNTIF({people},{raci:R})+COUNTIF({people},{raci:RA})<>1,'
             'COUNTIF({people},{raci:A})+COUNTIF({people},{raci:RA})<>1))')
RACI_RULE_LEGEND = Text("责任矩阵：任务ID变红表示不是恰好一个 R 和一个 A", "RACI: a red task ID lacks exactly one R and one A")

TABLE_SHEETS: tuple[Sheet, ...] = (TASKS, MILESTONES, KPIS, KPI_LOG, ISSUES, RACI_SHEET)


# --------------------------------------------------------------------------- campaign info sheet


@dataclass(frozen=True)
class Field:
    """One labelled value on the campaign-info sheet (label in column A, value in B)."""

    key: str
    label: Text
    kind: Kind
    help: Text | None = None
    computed: bool = False


INFO_TITLE = Text("活动基本信息", "Campaign info")
INFO_FIELDS: tuple[Field, ...] = (
    Field("name", Text("活动名称", "Campaign"), "text"),
    Field("start", Text("活动开始日期", "Start date"), "date"),
    Field("end", Text("活动结束日期", "End date"), "date"),
    Field("plan_owner", Text("策划案负责人", "Plan owner"), "text"),
    Field("exec_owner", Text("执行总负责人", "Execution owner"), "text"),
    Field("as_of_input", Text("数据截止日", "Status date"), "date",
          Text("留空表示今天；填写后所有延期与健康度按该日期计算", "Leave empty for today; set it to compute delays as of that day")),
    Field("as_of", Text("当前计算日期", "Computed as of"), "date", computed=True),
)
INFO_GOALS = Text("核心目标", "Core goals")
INFO_PHASES = Text("关键节点", "Key dates")
INFO_PHASE_COLUMNS = (Text("阶段", "Phase"), Text("开始日期", "Start"), Text("结束日期", "End"), Text("任务ID前缀", "ID prefix"))
#: The key dates' start and end on the campaign-info sheet, as columns (to read them and to name them in findings).
INFO_PHASE_DATES = (Column("phase_start", INFO_PHASE_COLUMNS[1], "date"), Column("phase_end", INFO_PHASE_COLUMNS[2], "date"))
INFO_PEOPLE = Text("参与部门/人员", "Departments and people")
INFO_PEOPLE_COLUMNS = (Text("姓名", "Name"), Text("部门", "Department"), Text("角色", "Role"), Text("联系方式", "Contact"))

GUIDE_TITLE = Text("填写说明", "How to fill in")
LISTS_TITLE = Text("下拉列表", "Lists")
META_SHEET = "_mt_meta"

Shows = Literal["text", "date", "percent", "days", "money", "status", "health", "phase"]


@dataclass(frozen=True)
class ReportColumn:
    """A column of the recap's task list, declared once for the JSON, the workbook and the page.

    ``source`` is the tasks-sheet column it is read from; without one the recap computes it
    (the effective status, days late, health). ``label`` is a recap word (``words.RECAP_TEXT``);
    without one the tasks sheet's own header is used. ``page`` puts it on the HTML page too,
    which keeps to what a phone can show. Adding a tasks-sheet column to the recap is one entry here.
    """

    key: str
    shows: Shows
    width: float
    source: str | None = None
    label: str | None = None
    page: bool = False


RECAP_TASKS: tuple[ReportColumn, ...] = (
    ReportColumn("id", "text", 8, "task_id", "id", page=True),
    ReportColumn("name", "text", 26, "name", "name", page=True),
    ReportColumn("phase", "phase", 10, "phase", "phase"),
    ReportColumn("owner", "text", 10, "owner", "owner", page=True),
    ReportColumn("planned_start", "date", 12, "planned_start", "planned_start"),
    ReportColumn("planned_end", "date", 12, "planned_end", "planned_end", page=True),
    ReportColumn("actual_end", "date", 12, "actual_end", "actual_end", page=True),
    ReportColumn("progress", "percent", 8, "progress", "progress", page=True),
    ReportColumn("status", "status", 10, label="status", page=True),
    ReportColumn("days_late", "days", 8, label="delay_days", page=True),
    ReportColumn("health", "health", 8, label="health"),
    ReportColumn("budget_planned", "money", 12, "budget_planned", "budget_planned"),
    ReportColumn("budget_actual", "money", 12, "budget_actual", "budget_actual"),
)

#: The dropdown lists, each a named range ``mt_list_<key>`` with its heading on the lists sheet. An
#: enumeration's list holds its labels; phase, person and kpi lists come from the plan (the writer's
#: ``_list_values``), so that a column's ``choices`` is all it takes to give it a dropdown.
LIST_SOURCES: tuple[tuple[str, Text], ...] = (
    ("phase", PHASES.title),
    ("status", STATUSES.title),
    ("person", Text("人员", "People")),
    ("issue_state", Text("问题状态", "Issue status")),
    ("raci", RACI.title),
    ("kpi", Text("指标", "KPIs")),
    ("direction", DIRECTIONS.title),
    ("aggregate", AGGREGATES.title),
)

#: Gantt strip colours, in the order the rules are applied (first match wins).
GANTT_LEGEND: tuple[tuple[str, str, Text], ...] = (
    ("slip", "#F4B183", Text("实际执行（超出计划）", "Actual, outside the plan")),
    ("progress", "#2E75B6", Text("计划（已完成部分）", "Planned, done part")),
    ("actual", "#9DC3E6", Text("计划且已实际执行", "Planned and under way")),
    ("planned", "#DDEBF7", Text("计划", "Planned")),
    ("today", "#FF9999", Text("今天 / 数据截止日", "Today / status date")),
    ("weekend", "#F2F2F2", Text("周末", "Weekend")),
)
GANTT_TITLE = Text("甘特图", "Gantt")
GANTT_DAILY_MAX_DAYS = 120  # longer campaigns get one Gantt column per week
MILESTONE_FLAG = "◆"
MILESTONE_FLAG_LEGEND = Text("甘特图顶部：里程碑截止日", "Gantt top row: milestone due")

HEADER_FILL = "#D9D9D9"
COMPUTED_FILL = "#F2F2F2"
TITLE_FONT = "#1F4E78"


#: Sheet order in a tracker; "meta" is the hidden identity sheet.
SHEET_ORDER: tuple[str, ...] = ("guide", "info", "tasks", "milestones", "kpis", "kpi_log", "issues", "raci", "lists", "meta")


def sheet_title(key: str, locale: Locale) -> str:
    """The tab name of a sheet in a locale (always within Excel's 31-character limit)."""
    titles = {s.key: s.title for s in TABLE_SHEETS}
    titles.update(guide=GUIDE_TITLE, info=INFO_TITLE, lists=LISTS_TITLE)
    if key == "meta":
        return META_SHEET
    return titles[key].get(locale)[:31]


# --------------------------------------------------------------------------- workbook texts

#: Number formats of the input kinds (computed columns carry their own ``num_format``).
NUMBER_FORMATS: dict[str, str] = {"date": "yyyy-mm-dd", "percent": "General", "money": "#,##0.00", "number": "General"}

#: Excel's data-validation messages, by column kind: (title, text). ``{label}`` is the column.
VALIDATION_ERRORS: dict[str, tuple[Text, Text]] = {
    "id": (Text("编号重复", "Duplicate ID"),
           Text("「{label}」必须唯一且不超过{max}个字符，请换一个编号。", "{label} must be unique and at most {max} characters; choose another ID.")),
    "text": (Text("内容过长", "Text too long"),
             Text("「{label}」最多 {max} 个字符。", "{label} takes at most {max} characters.")),
    "date": (Text("日期无效", "Invalid date"),
             Text("「{label}」须为 {first} 至 {last} 之间的日期，格式如 2024-05-01。",
                  "{label} must be a date between {first} and {last}, written like 2024-05-01.")),
    "date_after": (Text("日期无效", "Invalid date"),
                   Text("「{label}」须为 {first} 至 {last} 之间的日期，且不早于「{after}」。",
                        "{label} must be a date between {first} and {last}, and not before {after}.")),
    "percent": (Text("进度无效", "Invalid progress"),
                Text("「{label}」请填写 0 到 100 之间的数字（60 表示 60%）。", "{label}: enter a number from 0 to 100 (60 means 60%).")),
    "money": (Text("金额无效", "Invalid amount"),
              Text("「{label}」请填写不小于 0 的金额。", "{label}: enter an amount of 0 or more.")),
    "number": (Text("数值无效", "Invalid number"), Text("「{label}」请填写数字。", "{label}: enter a number.")),
    "choice": (Text("请从列表选择", "Pick from the list"),
               Text("「{label}」请从下拉列表中选择。", "{label}: pick a value from the dropdown list.")),
    "person": (Text("不在人员名单中", "Not a campaign member"),
               Text("「{label}」不在活动人员名单中。仍要使用请点「是」，并在「活动基本信息」中补充该人员。",
                    "{label} is not among the campaign's people. Click Yes to keep it, and add the person on the Campaign info sheet.")),
    "ids": (Text("内容过长", "Text too long"),
            Text("「{label}」请填写任务ID，用逗号分隔。", "{label}: enter task IDs separated by commas.")),
}

#: How much earlier / later than the campaign a date may be before Excel refuses it.
DATE_WINDOW_DAYS = 60

GUIDE_STEPS: tuple[Text, ...] = (
    Text("在「执行任务跟踪表」中找到自己负责的任务行，每天更新实际开始/结束时间、进度(%)与当前状态。",
         "On the Tasks sheet, find the rows you own and update actual start/end, progress (%) and status every day."),
    Text("进度填 0 到 100 的数字；完成时进度填 100，状态选「已完成」，并填写实际结束时间。",
         "Progress is a number from 0 to 100; when a task is done, enter 100, choose Done and fill in the actual end."),
    Text("遇到风险或问题：在任务行填写「风险/问题」与「解决措施」，并在「问题记录」中登记。",
         "When something goes wrong, describe it in Risk / issue and Resolution, and log it on the Issue log."),
    Text("新增任务请使用表格下方的空行，编号前缀对应阶段：M 筹备、P 预热、E 执行、C 收尾。",
         "Add new tasks in the empty rows below; the ID prefix follows the phase: M prep, P warm-up, E execution, C wrap-up."),
    Text("指标实际值每天记入「指标日报」，「关键指标」会自动汇总并计算达成率。",
         "Record KPI actuals daily on the KPI log; the KPIs sheet adds them up and computes achievement."),
    Text("灰色表头、公式列与下拉列表已锁定，无需密码即可取消保护，但请勿修改。",
         "Grey headers, formula columns and the lists are locked; protection has no password, but please leave them as they are."),
    Text("日期均按「活动基本信息」中的数据截止日计算（留空即今天）。",
         "Delays and health are computed as of the status date on the Campaign info sheet (empty means today)."),
)
GUIDE_LEGEND = Text("颜色说明", "Colour legend")
GUIDE_SHEETS = Text("工作表", "Sheets")
OVERDUE_LEGEND = Text("整行浅红：计划结束时间已过但未完成", "Light red row: planned end has passed and the task is not done")
OVERDUE_FILL = "#FDE9E7"


# Spare task rows a tracker may have: more took a minute and 1.7 GB to write (a million) and
# made a file whose task sheet the reader's cell bound refuses (issue 14).
MAX_SPARE_ROWS = 10_000
