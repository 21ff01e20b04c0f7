"""The ``marketing-tracker`` command: parse, call the library, print, set the exit code.

Exit codes (docs/cli.md): 0 fine, 1 the files were read and have errors, 2 unusable input
or arguments, 3 a bug; 128 + N when signal N (SIGINT, SIGTERM, SIGHUP) stopped the run.
Expected failures print one line (a refused plan adds one line per problem) and never a
traceback; set ``MARKETING_TRACKER_DEBUG=1`` to see one for bugs.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import signal
import sys
from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import Any, NoReturn

from marketing_tracker import __version__
from marketing_tracker.core.errors import PlanError, TrackerError, first_line, visible

EXIT_OK, EXIT_FINDINGS, EXIT_UNUSABLE, EXIT_INTERNAL = 0, 1, 2, 3
PROG = "marketing-tracker"
ENDING_SIGNALS = tuple(getattr(signal, name) for name in ("SIGINT", "SIGTERM", "SIGHUP") if hasattr(signal, name))


class _OneLineParser(argparse.ArgumentParser):
    """argparse, with a wrong option said in one line (the usage block is for ``--help``)."""

    def error(self, message: str) -> NoReturn:
        self.exit(EXIT_UNUSABLE, f"{self.prog}: error: {message} (--help lists the options)\n")


class Stopped(BaseException):
    """A signal ended the run: raised from the handler so every clean-up on the way runs.

    A BaseException like KeyboardInterrupt, so that no ``except Exception`` swallows it.
    """

    def __init__(self, signum: int) -> None:
        super().__init__(signum)
        self.signum = signum


def _stop(signum: int, _frame: object) -> None:
    for ending in ENDING_SIGNALS:  # the clean-up is not interrupted in turn
        signal.signal(ending, signal.SIG_IGN)
    raise Stopped(signum)


def _parser() -> argparse.ArgumentParser:
    parser = _OneLineParser(
        prog=PROG,
        description="Generate, check and summarise marketing campaign trackers (Excel workbooks).",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    new = commands.add_parser("new", help="write a blank tracker workbook from a plan file",
                              description="Write a blank tracker workbook from a campaign plan (YAML).")
    new.add_argument("plan", metavar="PLAN.yaml", help="the campaign plan")
    new.add_argument("-o", "--output", metavar="FILE.xlsx",
                     help="where to write the tracker (default: the plan's name with .xlsx, here)")
    new.add_argument("--locale", choices=["zh-CN", "en"], help="label language (default: the plan's campaign.locale)")
    new.add_argument("--password", help="protect the sheets with this password (default: protected, no password)")
    new.add_argument("--spare-rows", type=_spare_rows, default=None, metavar="N",
                     help="empty task rows for work added later (default: 200, at most 10,000)")

    check = commands.add_parser("validate", help="check filled trackers and list every problem with its cell",
                                description="Check filled trackers; exit 1 when any has errors.")
    check.add_argument("files", nargs="+", metavar="FILE.xlsx", help="filled trackers (.xlsx, .xlsm, .xls, .ods)")
    check.add_argument("--format", choices=["text", "json"], default="text", help="output format (default: text)")
    _common_check_options(check)
    check.add_argument("-v", "--verbose", action="store_true", help="also list values that were understood and normalised")

    note = commands.add_parser("annotate", help="write a copy of a filled tracker with every finding on its cell",
                               description="Write a copy with each finding as a comment and a fill on its cell, "
                                           "and a findings sheet with links. The original is never changed.")
    note.add_argument("file", metavar="FILE.xlsx", help="a filled tracker (.xlsx or .xlsm)")
    note.add_argument("-o", "--output", metavar="OUT.xlsx", help="the copy (default: FILE.checked.xlsx beside FILE)")
    _common_check_options(note)

    combine = commands.add_parser("merge", help="merge several teams' copies of one tracker into one",
                                  description="Merge filled copies of one campaign's tracker into a fresh tracker. "
                                              "A field filled differently in two copies is a conflict; the first file wins.")
    combine.add_argument("files", nargs="+", metavar="FILE.xlsx", help="filled copies, first one wins conflicts")
    combine.add_argument("-o", "--output", metavar="merged.xlsx", required=True, help="the merged tracker")

    report = commands.add_parser("recap", help="write the campaign recap: workbook, HTML page and figures",
                                 description="Compute the recap of one or more filled trackers (several copies are "
                                             "merged first) and write it as a workbook with charts, an HTML page "
                                             "and JSON figures.")
    report.add_argument("files", nargs="+", metavar="FILE.xlsx", help="filled trackers of one campaign")
    report.add_argument("-o", "--output", metavar="recap.xlsx", help="the recap workbook")
    report.add_argument("--html", metavar="recap.html", help="also write the HTML recap")
    report.add_argument("--json", metavar="figures.json", help="also write the figures as JSON")
    report.add_argument("--as-of", type=_day, metavar="YYYY-MM-DD",
                        help="compute as of this day (default: the workbook's status date, else today)")
    report.add_argument("--db", metavar="URL", help="a history database (SQLAlchemy URL) holding snapshots of the "
                                                    "campaign: the recap gains trend charts (docs/history.md)")

    _loop_commands(commands)

    demo = commands.add_parser("demo", help="run the sample 618 campaign through the whole loop",
                               description="Write the sample 618 campaign's files into a folder.")
    demo.add_argument("-o", "--output", metavar="DIR", default="marketing-tracker-demo",
                      help="folder to write into (default: ./marketing-tracker-demo)")
    _history_parsers(commands)
    return parser


# --------------------------------------------------------------------------- the loop over weeks (history)


def _history_parsers(commands: Any) -> None:
    """snapshot, status, remind, archive (docs/history.md); the work is in marketing_tracker.history."""
    db_help = "SQLAlchemy URL of the history (default: $MARKETING_TRACKER_DB, else sqlite:///marketing-tracker.db)"
    store = commands.add_parser("snapshot", help="store filled copies as dated snapshots in the history database",
                                description="Read, check and store each copy as a dated snapshot (one transaction "
                                            "per file). The same content stored twice is one snapshot.")
    store.add_argument("files", nargs="+", metavar="FILE", help="filled trackers or merged trackers")
    store.add_argument("--db", metavar="URL", help=db_help)

    week = commands.add_parser("status", help="the Monday report: what changed since the snapshot before",
                               description="Compare the latest snapshot of a campaign with the one before "
                                           "(or the last one on or before --since).")
    week.add_argument("--db", metavar="URL", help=db_help)
    week.add_argument("--campaign", metavar="NAME", help="the campaign (default: the one stored last)")
    week.add_argument("--since", type=_day, metavar="YYYY-MM-DD", help="compare with the last snapshot on or before this day")
    week.add_argument("--format", choices=["text", "markdown", "json"], default="text", help="output format (default: text)")
    week.add_argument("--html", metavar="F.html", help="also write the report as a page")
    week.add_argument("-o", "--output", metavar="F.xlsx", help="also write the report as a workbook")

    chase = commands.add_parser("remind", help="per owner, the tasks overdue or due soon (no database)",
                                description="The chase list of one copy: per owner, open tasks overdue or due "
                                            "within --within days.")
    chase.add_argument("file", metavar="FILE", help="a filled tracker")
    chase.add_argument("--within", type=_positive, default=3, metavar="DAYS", help="due within this many days (default: 3)")
    chase.add_argument("--as-of", type=_day, metavar="YYYY-MM-DD",
                       help="as of this day (default: the workbook's status date, else today)")
    chase.add_argument("--format", choices=["text", "markdown", "json"], default="text", help="output format (default: text)")

    lessons = commands.add_parser("archive", help="lessons across every campaign in the history",
                                  description="On-time rate per department, delay causes, typical durations per "
                                              "phase and KPI achievement, across campaigns.")
    lessons.add_argument("--db", metavar="URL", help=db_help)
    lessons.add_argument("--format", choices=["text", "json"], default="text", help="output format (default: text)")
    lessons.add_argument("--html", metavar="F.html", help="also write the lessons as a page")


def _snapshot(args: argparse.Namespace) -> int:
    from marketing_tracker.history.prepared import joined, prepare_in_parts
    from marketing_tracker.reading.ahead import ReadAhead

    # The copies are read, encoded and checked in a child while this process imports SQLAlchemy and
    # opens the database; it inserts each copy's records while the child is still checking it.
    with ReadAhead(args.files, prepare_in_parts) as ahead:
        from marketing_tracker.history import History
        from marketing_tracker.history.snapshot import snapshot_files

        with History(args.db) as history:
            results = snapshot_files(history, args.files, read=lambda path: joined(ahead.take(path)))
    for result in results:
        if result.snapshot is None:
            print(f"{PROG}: error: {result.error}", file=sys.stderr)
            continue
        s = result.snapshot
        state = "stored" if s.new else "already stored"
        print(f"{result.path}: {state} as snapshot {s.id} of {s.campaign} as of {s.status_date} "
              f"({s.tasks} tasks, {s.findings} findings)")
    return EXIT_UNUSABLE if any(r.snapshot is None for r in results) else EXIT_OK


def _status(args: argparse.Namespace) -> int:
    from marketing_tracker.history import History
    from marketing_tracker.history.status import render_json, render_text, status_report

    with History(args.db, create=False) as history:
        report = status_report(history, campaign=args.campaign, since=args.since)
    if args.html or args.output:  # the page and workbook writers load only when asked for
        from marketing_tracker.history.pages import status_html, write_html, write_status_xlsx

        if args.html:
            write_html(status_html(report), args.html)
        if args.output:
            write_status_xlsx(report, args.output)
    print(render_json(report) if args.format == "json" else render_text(report, markdown=args.format == "markdown"),
          end="\n" if args.format == "json" else "")
    return EXIT_OK


def _remind(args: argparse.Namespace) -> int:
    from marketing_tracker.history.remind import reminders, render_json, render_text
    from marketing_tracker.reading.reader import read_tracker

    chase = reminders(read_tracker(args.file), within=args.within, as_of=args.as_of)
    print(render_json(chase) if args.format == "json" else render_text(chase, markdown=args.format == "markdown"),
          end="\n" if args.format == "json" else "")
    return EXIT_OK


def _archive(args: argparse.Namespace) -> int:
    from marketing_tracker.history import History
    from marketing_tracker.history.archive import archive, render_json, render_text
    from marketing_tracker.history.pages import archive_html, write_html

    with History(args.db, create=False) as history:
        lessons = archive(history)
    if args.html:
        write_html(archive_html(lessons), args.html)
    print(render_json(lessons) if args.format == "json" else render_text(lessons), end="\n" if args.format == "json" else "")
    return EXIT_OK


HISTORY_HANDLERS = {"snapshot": _snapshot, "status": _status, "remind": _remind, "archive": _archive}




def _loop_commands(commands: Any) -> None:
    """Sending out and re-planning: ``split`` and ``update`` (docs/distribution.md)."""
    split = commands.add_parser("split", help="write one tracker per department or owner, to send out",
                                description="Write one tracker per department (or owner) with that group's tasks, "
                                            "milestones, issues and RACI rows; merge the filled copies back with merge.")
    split.add_argument("file", metavar="TRACKER.xlsx", help="the tracker to split (blank or filled)")
    split.add_argument("--by", choices=["department", "owner"], required=True, help="one copy per department or owner")
    split.add_argument("-o", "--output", metavar="DIR", required=True, help="folder to write the copies into")


    update = commands.add_parser("update", help="carry a filled tracker over to a changed plan, nothing filled lost",
                                 description="Write the tracker of a changed plan keeping every value filled in the "
                                             "tracker; the first plan's dates stay as the baseline.")
    update.add_argument("file", metavar="FILLED.xlsx", help="the filled tracker (.xlsx, .xlsm, .xls, .ods)")
    update.add_argument("plan", metavar="PLAN.yaml", help="the changed plan of the same campaign")
    update.add_argument("-o", "--output", metavar="NEXT.xlsx", required=True, help="the new tracker")
    update.add_argument("--format", choices=["text", "json"], default="text", help="output format (default: text)")


def _update(args: argparse.Namespace) -> int:
    import json

    from marketing_tracker.loop.update import update_tracker

    if Path(args.output).suffix.lower() != ".xlsx":
        raise TrackerError(f"{args.output}: the tracker is an Excel workbook; give the file name an .xlsx ending")
    result = update_tracker(args.file, args.plan, args.output)
    if args.format == "json":
        print(json.dumps(result.to_dict(), ensure_ascii=False, indent=1))
    else:
        print(f"updated {args.file} to {args.plan}: wrote {args.output}: {len(result.added)} added, "
              f"{len(result.removed)} removed, {len(result.moved)} moved, {result.kept_values} values kept, "
              f"{len(result.conflicts)} conflicts")
        lines = [*(f"  added     {i}" for i in result.added), *(f"  removed   {i}" for i in result.removed),
                 *(f"  moved     {m.id} {m.field} {m.before} -> {m.after}" for m in result.moved),
                 *(f"  conflict  {c['id']}: {c['reason']}" for c in result.conflicts),
                 *(f"  kept      {i} (added in the tracker, not in the plan)" for i in result.kept_added)]
        for line in lines:
            print(line)
    return EXIT_FINDINGS if result.conflicts else EXIT_OK


def _split(args: argparse.Namespace) -> int:
    from marketing_tracker.loop.split import split_tracker

    copies = split_tracker(args.file, by=args.by, folder=args.output)
    print(f"split {args.file} by {args.by} into {len(copies)} trackers:")
    for part in copies:
        print(f"  {part.group}: {part.tasks} tasks -> {part.path}")
    return EXIT_OK


def _common_check_options(command: argparse.ArgumentParser) -> None:
    command.add_argument("--as-of", type=_day, metavar="YYYY-MM-DD",
                         help="judge dates as of this day (default: the workbook's status date, else today)")
    command.add_argument("--lang", choices=["zh-CN", "en"], help="message language (default: the workbook's)")


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date like 2024-05-24") from None


def _positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if value < 1:
        raise argparse.ArgumentTypeError("must be 1 or more")
    return value


def _spare_rows(text: str) -> int:
    from marketing_tracker.core.schema import MAX_SPARE_ROWS

    value = _positive(text)
    if value > MAX_SPARE_ROWS:
        raise argparse.ArgumentTypeError(f"at most {MAX_SPARE_ROWS:,} spare rows (add rows later with a new tracker)")
    return value


def _refuse_clashes(outputs: Sequence[str | os.PathLike[str] | None], inputs: Sequence[str]) -> None:
    """Before any work: no output may be an input, and no two outputs one file (fileio.refuse_clashes)."""
    from marketing_tracker.core.fileio import refuse_clashes

    refuse_clashes(outputs, inputs)


def _new(args: argparse.Namespace) -> int:
    from marketing_tracker.core.plan import load_plan
    from marketing_tracker.workbook.writer import write_tracker

    output = Path(args.output) if args.output else Path(Path(args.plan).stem + ".xlsx")
    if output.suffix.lower() != ".xlsx":
        raise TrackerError(f"{output}: the tracker is an Excel workbook; give the file name an .xlsx ending")
    _refuse_clashes([output], [args.plan])
    plan = load_plan(args.plan, locale=args.locale)
    write_tracker(plan, output, locale=args.locale, password=args.password, spare_rows=args.spare_rows)
    print(f"wrote {output} ({len(plan.tasks)} tasks, {args.locale or plan.campaign.locale})")
    return EXIT_OK


def _validate(args: argparse.Namespace) -> int:
    from marketing_tracker.checks.run import CheckedFile, check_files
    from marketing_tracker.reports.text import render_json, render_text, render_unreadable

    show_progress = args.format == "text" and len(args.files) > 1 and sys.stderr.isatty()
    results: list[CheckedFile] = check_files(args.files, as_of=args.as_of, lang=args.lang, progress=show_progress)
    if args.format == "json":
        print(render_json(results, lang=args.lang))
    else:
        print(render_text(results, lang=args.lang, verbose=args.verbose), end="")
        for line in render_unreadable(results, lang=args.lang):
            print(f"{PROG}: error: {line}", file=sys.stderr)
    return max(result.exit_code for result in results)


def _annotate(args: argparse.Namespace) -> int:
    from marketing_tracker.checks.run import check_file
    from marketing_tracker.core.findings import count_by_severity
    from marketing_tracker.workbook.annotate import annotate

    source = Path(args.file)
    output = Path(args.output) if args.output else source.with_name(f"{source.stem}.checked{source.suffix}")
    _refuse_clashes([output], [args.file])
    result = check_file(source, as_of=args.as_of, lang=args.lang)
    if result.error is not None:
        raise TrackerError(result.error)
    annotate(source, result.findings, output, locale=args.lang or result.locale)
    counts = count_by_severity(result.findings)
    print(f"wrote {output} ({counts['errors']} errors, {counts['warnings']} warnings, {counts['infos']} infos)")
    return result.exit_code


def _merge(args: argparse.Namespace) -> int:
    from marketing_tracker.loop.merge import merge_trackers, write_merged

    _refuse_clashes([args.output], args.files)
    merged = merge_trackers(args.files)
    write_merged(merged, args.output, inputs=tuple(args.files))
    tasks = len(merged.records.get("tasks", []))
    deleted = f", {len(merged.deleted)} deleted" if merged.deleted else ""
    print(f"merged {len(args.files)} files into {args.output}: {tasks} tasks, {len(merged.conflicts)} conflicts{deleted}")
    for finding in merged.findings:
        print(visible(f"  {finding.code}: {finding.message(merged.locale)}"))
    return EXIT_FINDINGS if merged.conflicts else EXIT_OK


def _recap(args: argparse.Namespace) -> int:
    from marketing_tracker.reports.run import run_recap

    if not (args.output or args.html or args.json):
        raise TrackerError("say what to write: -o recap.xlsx, --html recap.html and/or --json figures.json")
    _refuse_clashes([args.output, args.html, args.json], args.files)
    with contextlib.ExitStack() as stack:
        trends = None
        if args.db:  # the history opens first: a wrong URL is refused before any file is read
            from marketing_tracker.history import History
            from marketing_tracker.history.trends import trend_source

            trends = trend_source(stack.enter_context(History(args.db, create=False)))
        written, figures = run_recap(args.files, xlsx=args.output, html=args.html, json_path=args.json,
                                     as_of=args.as_of, trends=trends)
    overall = figures.overall

    def share(rate: float | None) -> str:
        return "–" if rate is None else f"{rate:.0%}"

    print(visible(f"recap of {figures.campaign['name']} as of {figures.campaign['as_of']}: {overall['tasks']} tasks, "
                  f"{share(overall['completion_rate'])} done, {share(overall['on_time_rate'])} on time, "
                  f"{overall['late_tasks']} late"))
    if args.db:
        print(f"trends: {len(figures.trends)} snapshot{'s' if len(figures.trends) != 1 else ''} of the campaign in the history"
              if figures.trends else "trends: no snapshot of this campaign in the history, so no trend charts")
    conflicts = figures.findings.get("merge-conflict", 0)
    if len(args.files) > 1:
        print(f"merged {len(args.files)} copies: {conflicts} conflict{'s' if conflicts != 1 else ''}"
              + (" (see the data-quality part of the recap)" if conflicts else ""))
    for path in written:
        print(f"wrote {path}")
    return EXIT_OK


def _demo(args: argparse.Namespace) -> int:
    from marketing_tracker.demo import run_demo

    files = run_demo(args.output)
    print(f"demo campaign written to {Path(args.output).resolve()}:")
    for item in files:
        print(f"  {item.path.name:<32} {item.what}")
    return EXIT_OK


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit code.

    The run gets a temporary folder of its own (fileio.private_scratch), removed however it
    ends; a signal (see :func:`run`) ends it with one line and 128 + the signal's number.
    """
    from marketing_tracker.core.fileio import private_scratch

    handlers = {"new": _new, "validate": _validate, "annotate": _annotate, "merge": _merge, "recap": _recap,
                "demo": _demo, "split": _split, "update": _update, **HISTORY_HANDLERS}
    try:
        args = _parser().parse_args(argv)
        with private_scratch():
            return handlers[args.command](args)
    except Stopped as stop:
        print(f"{PROG}: stopped by {signal.Signals(stop.signum).name}; nothing was left behind", file=sys.stderr)
        return 128 + stop.signum
    except PlanError as exc:
        count = len(exc.problems)
        print(visible(f"{PROG}: error: {exc.source}: the plan has {count} problem{'s' if count != 1 else ''}:"),
              file=sys.stderr)
        for problem in exc.problems:
            print(visible(f"  - {problem}"), file=sys.stderr)
        return EXIT_UNUSABLE
    except TrackerError as exc:
        print(visible(f"{PROG}: error: {exc}"), file=sys.stderr)
        return EXIT_UNUSABLE
    except KeyboardInterrupt:
        print(f"{PROG}: interrupted", file=sys.stderr)
        return 128 + signal.SIGINT
    except OSError as exc:  # the system's temporary folder cannot be written, a name too long, a closed pipe
        print(f"{PROG}: error: " + (f"{exc.filename}: " if exc.filename else "") + f"{exc.strerror or exc}",
              file=sys.stderr)
        return EXIT_UNUSABLE
    except Exception as exc:  # a bug: say so in one line; the traceback on request
        if os.environ.get("MARKETING_TRACKER_DEBUG"):
            raise
        print(visible(f"{PROG}: internal error: {type(exc).__name__}: {first_line(exc)} "
                      "(please report it; MARKETING_TRACKER_DEBUG=1 shows the traceback)"), file=sys.stderr)
        return EXIT_INTERNAL


def _install_signal_handlers() -> None:
    for ending in ENDING_SIGNALS:
        signal.signal(ending, _stop)


def _quiet_native_stderr() -> None:
    """Keep the parser's own messages off the terminal; Python's stay.

    A damaged .xls can make python-calamine panic: the reader turns that into one line, but Rust
    first prints the panic to the process's standard error. Python's ``sys.stderr`` is moved to a
    copy of that descriptor and the descriptor itself to /dev/null, so only native code is silenced.
    Should the process abort all the same, faulthandler still says so on the real stderr.
    ``MARKETING_TRACKER_DEBUG=1`` leaves everything as it is.
    """
    if os.environ.get("MARKETING_TRACKER_DEBUG"):
        return
    try:
        kept = os.dup(2)
        sys.stderr.flush()
        sys.stderr = open(kept, "w", encoding=sys.stderr.encoding, errors=sys.stderr.errors,  # noqa: SIM115
                          buffering=1, closefd=True)
        silent = os.open(os.devnull, os.O_WRONLY)
        os.dup2(silent, 2)
        os.close(silent)
        import faulthandler

        faulthandler.enable(file=sys.stderr)
    except (OSError, ValueError, AttributeError):  # no stderr to speak of (a service, a closed descriptor)
        return


def run() -> None:
    """Console-script entry point.

    Once the command is done the process ends at once: every output is already written whole and
    closed, and freeing a 50,000-task tracker object by object at interpreter exit cost a tenth of
    a second for nothing (measured with bench/bench_validate.py). Standard streams are flushed first.

    From here on SIGINT, SIGTERM and SIGHUP raise :class:`Stopped`, so that the output being
    staged and the run's temporary folder are removed on the way out (issue 14).
    """
    _install_signal_handlers()
    try:
        _quiet_native_stderr()
        code = main()
    except Stopped as stop:  # between two steps of start-up: nothing was made yet
        print(f"{PROG}: stopped by {signal.Signals(stop.signum).name}", file=sys.stderr)
        code = 128 + stop.signum
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except (OSError, ValueError):  # a closed pipe (``| head``): nothing more can be said
        code = code or EXIT_UNUSABLE
    os._exit(code)


if __name__ == "__main__":
    run()
