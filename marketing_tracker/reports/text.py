"""Checked files -> their findings as text for people, or as the JSON of docs/cli.md for machines."""

from __future__ import annotations

import json
from itertools import groupby

from marketing_tracker.checks.run import CheckedFile, check_file, check_files
from marketing_tracker.core.errors import json_visible, visible
from marketing_tracker.core.findings import SEVERITIES, SEVERITY_ORDER, Finding, count_by_severity
from marketing_tracker.core.schema import Locale

# check_file and check_files lived here in 0.1 (marketing_tracker.report_text); they stay importable from here.
__all__ = ["COUNTED_TABLES", "CheckedFile", "check_file", "check_files", "render_json", "render_text"]

COUNTED_TABLES = ("tasks", "milestones", "kpis", "issues")


_WORDS = {
    "zh-CN": {"error": "错误", "warning": "警告", "info": "提示", "unreadable": "无法读取",
              "normalized": "{n} 个值已自动识别并规范化（加 --verbose 查看）", "clean": "没有发现问题",
              "tasks": "个任务"},
    "en": {"error": "errors", "warning": "warnings", "info": "infos", "unreadable": "cannot be read",
           "normalized": "{n} values were understood and normalised (--verbose lists them)", "clean": "no problems found",
           "tasks": "tasks"},
}


def _counts(findings: list[Finding], locale: Locale) -> str:
    words = _WORDS[locale]
    counts = count_by_severity(findings)
    parts = [f"{counts[key + 's']} {words[key]}" for key in SEVERITIES if counts[key + "s"]]
    return ", ".join(parts) if parts else words["clean"]


def render_unreadable(results: list[CheckedFile], *, lang: Locale | None = None) -> list[str]:
    """One line per file that cannot be read: ``PATH: cannot be read: REASON``, for standard error."""
    lines = []
    for result in results:
        if result.error is not None:
            reason = result.error.removeprefix(f"{result.path}: ")
            lines.append(f"{result.path}: {_WORDS[lang or result.locale]['unreadable']}: {reason}")
    return lines


def render_text(results: list[CheckedFile], *, lang: Locale | None = None, verbose: bool = False) -> str:
    """Findings grouped by file and sheet, errors first, each with its cell and a message.

    Files that cannot be read are left out: they are errors, one line each on standard
    error (:func:`render_unreadable`), as every error of the command is.
    """
    lines: list[str] = []
    for result in results:
        locale = lang or result.locale
        words = _WORDS[locale]
        if result.error is not None:
            continue
        tracker = result.tracker
        assert tracker is not None
        tasks = len(tracker.records("tasks"))
        lines.append(f"{result.path}: {_counts(result.findings, locale)} ({tasks} {words['tasks']})")
        shown = [f for f in result.findings if verbose or f.code != "normalized"]
        ordered = sorted(shown, key=lambda f: f.sheet)
        for sheet, group in groupby(ordered, key=lambda f: f.sheet):
            items = sorted(group, key=lambda f: (SEVERITY_ORDER[f.severity], f.row or 0))
            lines.append(f"  {sheet or '-'}: {_counts(items, locale)}")
            for f in items:
                lines.append(f"    {f.severity:<7} {f.cell or '-':<6} {f.code:<24} {f.message(locale)}")
        hidden = len(result.findings) - len(shown)
        if hidden:
            lines.append("  " + words["normalized"].format(n=hidden))
    return "\n".join(visible(line) for line in lines) + "\n" if lines else ""  # a cell's ESC or newline shown, not obeyed


def render_json(results: list[CheckedFile], *, lang: Locale | None = None) -> str:
    """The JSON document of ``validate --format json``, as docs/cli.md spells it."""
    files: list[dict[str, object]] = []
    everything: list[Finding] = []
    for result in results:
        if result.error is not None or result.tracker is None:
            files.append({"path": result.path, "error": result.error})
            continue
        locale = lang or result.locale
        counts = {key: len(result.tracker.records(key)) for key in COUNTED_TABLES}
        files.append({"path": result.path, "locale": result.tracker.locale, "counts": counts,
                      "findings": [f.to_dict(locale) for f in result.findings]})
        everything += result.findings
    summary = count_by_severity(everything)
    summary["unreadable"] = sum(1 for r in results if r.error is not None)
    document = json.dumps({"files": files, "summary": summary}, ensure_ascii=False)  # no indent: the C encoder
    return json_visible(document)
