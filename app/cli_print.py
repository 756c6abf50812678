"""`branchbook print` and `branchbook xlsx`: the printed forms and the Excel exports of a branch workspace."""

from __future__ import annotations

import argparse
import datetime as dt
from pathlib import Path
from typing import Any

from app.cli import EXIT_OK, CliError, _date, _emit, _open, _period
from app.domain.entries import ENTRY_TYPE_LABELS, EntryType
from app.services import workspaces
from app.storage.workspace import WorkspaceKind


def _request(args: argparse.Namespace) -> Any:
    from app.services.printing import PlannedMeeting, PrintRequest

    meeting = None
    if args.type or args.date:
        if args.form != "signin":
            raise CliError("--type 和 --date 只用于会议签到表（print signin）")
        if not (args.type and args.date):
            raise CliError("打印会前签到表须同时给出 --type 和 --date")
        meeting = PlannedMeeting(
            EntryType(args.type),
            args.date,
            group=args.group,
            title=args.title or "",
            place=args.place or "",
            start=args.start,
            host=args.host or "",
        )
    if args.entry and args.form not in ("signin", "minutes"):
        raise CliError("--entry 只用于会议记录（minutes）和会议签到表（signin）")
    if args.form in ("signin", "minutes") and not (meeting or args.entry or args.period):
        how = "--entry UUID、--period P" + ("，或 --type 与 --date" if args.form == "signin" else "")
        raise CliError(f"请指明打印哪次会议：{how}")
    return PrintRequest(args.form, args.period, args.entry, meeting)


def cmd_print(args: argparse.Namespace) -> int:
    from app.services.printing import FORM_TITLES, print_form

    request = _request(args)  # without --period each form takes its own default (printing.default_period)
    today = dt.date.today()
    target = Path(args.output)
    if target.suffix.lower() != ".pdf":
        raise CliError(f"输出文件名应以 .pdf 结尾：{target.name}")
    ws = _open(args, WorkspaceKind.BRANCH)
    try:
        pages = print_form(ws, request, target, today=today)
    finally:
        workspaces.close(ws)
    title = FORM_TITLES[request.form]
    data = {"form": request.form, "title": title, "file": str(target), "pages": pages}
    _emit(args, data, lambda: f"已生成{title}：{target}（共 {pages} 页）")
    return EXIT_OK


def cmd_xlsx(args: argparse.Namespace) -> int:
    from app.services.excel_exports import TABLE_KINDS, export_table
    from app.services.printing import default_period

    today = dt.date.today()
    target = Path(args.output)
    if target.suffix.lower() != ".xlsx":
        raise CliError(f"输出文件名应以 .xlsx 结尾：{target.name}")
    default_for = {"roster": "roster", "dues": "dues", "records": "recordbook", "check": "check"}
    period = args.period or default_period(default_for[args.kind], today)
    ws = _open(args, WorkspaceKind.BRANCH)
    try:
        rows = export_table(ws, args.kind, period, target, today)
    finally:
        workspaces.close(ws)
    title = TABLE_KINDS[args.kind]
    data = {"kind": args.kind, "file": str(target), "rows": rows}
    _emit(args, data, lambda: f"已导出{title}：{target}（{rows} 行）")
    return EXIT_OK


def add_commands(sub: Any, common: argparse.ArgumentParser, parser_class: type) -> None:
    from app.services.printing import FORM_TITLES

    forms = "；".join(f"{k} {v}" for k, v in FORM_TITLES.items())
    p = sub.add_parser("print", parents=[common], help="打印表格（PDF）", description=f"表格：{forms}")
    p.add_argument("form", choices=list(FORM_TITLES), metavar="FORM", help=forms)
    p.add_argument("--period", type=_period, help="YYYY-MM、YYYYQn 或 YYYY")
    p.add_argument("-o", "--output", required=True, help="FILE.pdf")
    p.add_argument("--entry", help="记录的 uuid（会议记录、会议签到表）")
    types = "、".join(f"{t.value} {ENTRY_TYPE_LABELS[t]}" for t in EntryType)
    p.add_argument(
        "--type", choices=[t.value for t in EntryType], metavar="TYPE", help=f"会前签到表的会议类型：{types}"
    )
    p.add_argument("--date", type=_date, help="会前签到表的会议日期 YYYY-MM-DD")
    p.add_argument("--group", help="党小组会的党小组名称")
    p.add_argument("--title", help="会议名称")
    p.add_argument("--place", help="地点")
    p.add_argument("--start", help="开始时间 HH:MM")
    p.add_argument("--host", help="主持人")
    p.set_defaults(func=cmd_print)

    from app.services.excel_exports import TABLE_KINDS

    kinds = "；".join(f"{k} {v}" for k, v in TABLE_KINDS.items())
    p = sub.add_parser("xlsx", parents=[common], help="导出 Excel 表", description=f"表：{kinds}")
    p.add_argument("kind", choices=list(TABLE_KINDS), metavar="KIND", help=kinds)
    p.add_argument("--period", type=_period, help="YYYY-MM、YYYYQn 或 YYYY")
    p.add_argument("-o", "--output", required=True, help="FILE.xlsx")
    p.set_defaults(func=cmd_xlsx)
