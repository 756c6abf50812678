"""`branchbook`: the command line over the same services as the GUI. Contract: shared/CLI.md."""

from __future__ import annotations

import argparse
import datetime as dt
import json
import logging
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from app import __version__
from app.domain.branch import BranchClass
from app.domain.partial_date import PartialDate
from app.services import workspaces
from app.services.errors import UserError
from app.services.json_views import finding_json, record_json, roster_member_json
from app.storage.workspace import Workspace, WorkspaceKind

EXIT_OK, EXIT_INVALID, EXIT_USAGE = 0, 1, 2
log = logging.getLogger("branchbook")


class CliError(Exception):
    """Usage is right but the command cannot proceed; exit 1 with the message."""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # usage errors exit 2, in Chinese where we can
        self.print_usage(sys.stderr)
        print(f"用法错误：{message}", file=sys.stderr)
        sys.exit(EXIT_USAGE)


def _workspace_path(args: argparse.Namespace) -> Path:
    if args.workspace:
        return Path(args.workspace)
    if env := os.environ.get("BRANCHBOOK_WORKSPACE"):
        return Path(env)
    return workspaces.default_workspace_path()


def _open(args: argparse.Namespace, kind: WorkspaceKind | None = None) -> Workspace:
    path = _workspace_path(args)
    if not path.exists():
        raise CliError(f"找不到工作区 {path}；请先运行 branchbook init，或用 --workspace 指定")
    ws = workspaces.open_existing(path)
    if kind is not None and ws.kind is not kind:
        ws.close()
        what = "支部" if kind is WorkspaceKind.BRANCH else "上级党委"
        raise CliError(f"{path.name} 不是{what}工作区，此命令不能用于它")
    return ws


def _emit(args: argparse.Namespace, data: Any, text: Callable[[], str]) -> None:
    if args.json:
        print(json.dumps(data, ensure_ascii=False, indent=2))
    else:
        print(text())


def _date(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"日期应写成 YYYY-MM-DD：{value}") from None


def plain_money(text: str, option: str) -> Any:
    """A plain decimal amount (48 or 48.00); 1e4, NaN and the like exit 1 naming the option."""
    from app.domain.dues import DuesError, money

    try:
        return money(text, option)
    except DuesError as exc:
        raise CliError(str(exc)) from None


def _iso(value: PartialDate | None) -> str | None:
    return value.iso() if value is not None else None


# ---- init -------------------------------------------------------------------------------


def cmd_init(args: argparse.Namespace) -> int:
    path = _workspace_path(args)
    if args.kind == "branch":
        org_class = BranchClass(args.category) if args.category else None
        ws = workspaces.create_branch(
            path,
            name=args.name,
            code=args.code,
            org_class=org_class,
            higher_committee=args.committee or "",
            started_on=args.started_on,
        )
    else:
        ws = workspaces.create_committee(path, name=args.name, code=args.code)
    workspaces.close(ws)
    _emit(
        args,
        {"workspace": str(path), "kind": args.kind, "name": args.name, "code": args.code},
        lambda: f"已创建{'支部' if args.kind == 'branch' else '上级党委'}工作区：{path}",
    )
    return EXIT_OK


# ---- roster -----------------------------------------------------------------------------


def cmd_roster_list(args: argparse.Namespace) -> int:
    from app.services.roster import load_roster

    ws = _open(args, WorkspaceKind.BRANCH)
    try:
        members = load_roster(ws, args.at)
    finally:
        workspaces.close(ws)
    data = [roster_member_json(m) for m in members]

    def text() -> str:
        from app.domain.members import STATUS_LABELS, posts_text

        lines = [
            f"{m.draft.name}\t{STATUS_LABELS[m.standing.status or m.draft.status]}\t"
            f"{m.draft.group}\t{posts_text(m.draft.posts)}" + ("" if m.full_on_known else "\t转正日期不详")
            for m in members
        ]
        return "\n".join([*lines, f"共 {len(members)} 人"])

    _emit(args, data, text)
    return EXIT_OK


def cmd_roster_import(args: argparse.Namespace) -> int:
    from app.services.roster_import import ACTION_LABELS, Action, apply_roster_import, plan_roster_import

    ws = _open(args, WorkspaceKind.BRANCH)
    try:
        plan = plan_roster_import(ws, Path(args.file), in_branch_from=args.in_branch_from)
        refused = not plan.clean and not args.skip_invalid
        renames = plan.renames() if not args.confirm_renames else []
        result = None
        if not args.dry_run and not refused and not renames:
            result = apply_roster_import(
                ws, plan, skip_invalid=args.skip_invalid, confirm_renames=args.confirm_renames
            )
    finally:
        workspaces.close(ws)
    data = {
        "file": str(args.file),
        "sheet": plan.sheet,
        "header_row": plan.header_row,
        "dry_run": args.dry_run,
        "written": result is not None,
        "counts": {a.value: plan.count(a) for a in Action},
        "rows": [
            {
                "row": r.row,
                "action": r.action.value,
                "name": r.draft.name if r.draft else None,
                "changes": [{"field": f, "before": b, "after": a} for f, b, a in r.changes],
            }
            for r in plan.rows
        ],
        "problems": [
            {"row": p.row, "column": p.field, "severity": p.severity.value, "message": p.message}
            for p in plan.problems()
        ],
        "ignored_headers": plan.ignored_headers,
        "new_groups": plan.new_groups,
        "not_in_sheet": plan.not_in_sheet,
        "in_branch_from": plan.in_branch_from.isoformat() if plan.in_branch_from else None,
        "renames": plan.renames(),
        "warnings": plan.warnings,
    }

    def text() -> str:
        lines = [f"{args.file}：工作表“{plan.sheet}”，表头在第 {plan.header_row} 行；{plan.summary()}"]
        lines += [str(p) for p in plan.problems()]
        lines += plan.warnings
        for r in plan.rows:
            if r.action in (Action.UPDATE, Action.RENAME) and r.draft:
                changes = "；".join(f"{f}：{b} → {a}" for f, b, a in r.changes)
                lines.append(f"第{r.row}行 {r.draft.name} {ACTION_LABELS[r.action]}：{changes}")
        if plan.ignored_headers:
            lines.append("未识别的列（已忽略）：" + "、".join(plan.ignored_headers))
        if plan.new_groups:
            lines.append("将新建党小组：" + "、".join(plan.new_groups))
        if plan.not_in_sheet:
            lines.append(
                f"表中没有的党员 {len(plan.not_in_sheet)} 人（不会删除）："
                + "、".join(plan.not_in_sheet[:20])
            )
        if plan.count(Action.NEW) and "in_branch_from" not in plan.columns and plan.in_branch_from:
            lines.append(f"表中没有“进入本支部日期”列：新党员记为 {plan.in_branch_from:%Y-%m-%d} 进入本支部")
        if args.dry_run:
            lines.append("试导入：未写入任何数据。")
        elif renames:
            lines += renames
            lines.append(
                "身份证号相同而姓名不同，未写入任何数据。如确属改名，请加 --confirm-renames 重新导入。"
            )
        elif refused:
            lines.append("有错误的行，未写入任何数据。改正后重新导入，或加 --skip-invalid 跳过有错误的行。")
        elif result:
            lines.append(
                f"已导入：新增 {result.added}，更新 {result.updated}，无变化 {result.unchanged}，"
                f"跳过 {result.skipped}。"
            )
        return "\n".join(lines)

    failed = (refused or bool(renames)) and not args.dry_run
    if failed and not args.json:
        print(text(), file=sys.stderr)
    else:
        _emit(args, data, text)
    if failed and args.json:
        why = (
            f"{plan.count(Action.INVALID)} 行有错误"
            if refused
            else f"{len(renames)} 行身份证号相同而姓名不同"
        )
        print(f"{args.file}：{why}，未写入任何数据", file=sys.stderr)
    return EXIT_INVALID if refused or (renames and not args.dry_run) else EXIT_OK


def cmd_roster_export(args: argparse.Namespace) -> int:
    from app.services.roster_export import export_roster

    ws = _open(args, WorkspaceKind.BRANCH)
    try:
        count = export_roster(ws, Path(args.file), args.at)
    finally:
        workspaces.close(ws)
    _emit(args, {"file": str(args.file), "members": count}, lambda: f"已导出 {count} 名党员到 {args.file}")
    return EXIT_OK


# ---- record book and checks -------------------------------------------------------------


def _period(text: str):  # type: ignore[no-untyped-def]
    from app.domain.periods import Period, PeriodError

    try:
        return Period.parse(text)
    except PeriodError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def cmd_records_import(args: argparse.Namespace) -> int:
    from app.services.records_import import import_records

    ws = _open(args, WorkspaceKind.BRANCH)
    try:
        uuids, problems = import_records(ws, Path(args.file))
    finally:
        workspaces.close(ws)
    for problem in problems:
        print(str(problem), file=sys.stderr)
    _emit(
        args,
        {"imported": len(uuids), "uuids": uuids, "warnings": [str(p) for p in problems]},
        lambda: f"已导入 {len(uuids)} 条记录",
    )
    return EXIT_OK


def cmd_records_list(args: argparse.Namespace) -> int:
    from app.services.branch_profile import load_profile
    from app.services.records import load_records

    ws = _open(args, WorkspaceKind.BRANCH)
    try:
        views = load_records(ws, args.period)
        groups = {g.uuid: g.name for g in load_profile(ws).groups}
    finally:
        workspaces.close(ws)
    data = [record_json(v, groups) for v in views]

    def text() -> str:
        lines = []
        for v in views:
            q = v.facts.quorum
            quorum_text = "" if q is None else ("，有效" if q.quorate else "，不足法定人数")
            lines.append(
                f"{v.draft.date:%Y-%m-%d}\t{v.type_label}\t应到 {len(v.facts.attendance.expected)}"
                f" 实到 {len(v.facts.attendance.present)}{quorum_text}\t{'、'.join(v.draft.topics)}"
                + (f"\t（名册已变：{v.drift.describe()}）" if v.drift else "")
            )
        return "\n".join([*lines, f"共 {len(views)} 条"])

    _emit(args, data, text)
    return EXIT_OK


def cmd_check(args: argparse.Namespace) -> int:
    from app.services.compliance import check_period

    ws = _open(args, WorkspaceKind.BRANCH)
    try:
        findings = check_period(ws, args.period)
    finally:
        workspaces.close(ws)
    data = [finding_json(f) for f in findings]

    def text() -> str:
        if not findings:
            return f"{args.period.label()}：未发现问题"
        from app.domain.compliance import SEVERITY_LABELS

        return "\n".join(f"[{SEVERITY_LABELS[f.severity]}] {f.subject}：{f.message}" for f in findings)

    _emit(args, data, text)
    return EXIT_OK


# ---- dues ------------------------------------------------------------------------------------


def cmd_dues_rate(args: argparse.Namespace) -> int:
    from app.domain.dues import DuesError, monthly_dues
    from app.domain.members import Category
    from app.io.rules import load_rulebook

    day = args.date or dt.date.today()
    try:
        category = Category(args.category)
        base = plain_money(args.base, "--base") if args.base is not None else None
        rate = monthly_dues(
            category,
            base if category is not Category.FARMER else None,
            day,
            load_rulebook(),
            fixed=base if category is Category.FARMER else None,
        )
    except DuesError as exc:
        raise CliError(str(exc)) from None
    data = {
        "monthly": f"{rate.monthly:.2f}",
        "rate": str(rate.rate) if rate.rate is not None else None,
        "rule": rate.rule,
        "band": rate.band,
    }
    _emit(args, data, lambda: f"每月 {rate.monthly:.2f} 元（{rate.band}；规则 {rate.rule}）")
    return EXIT_OK


def cmd_dues_status(args: argparse.Namespace) -> int:
    from app.domain.periods import month_of, parse_month
    from app.services.dues import dues_status

    try:
        at = parse_month(args.at) if args.at else month_of(dt.date.today())
    except ValueError as exc:
        raise CliError(str(exc)) from None
    ws = _open(args, WorkspaceKind.BRANCH)
    try:
        rows = dues_status(ws, at)
    finally:
        workspaces.close(ws)
    data = [
        {
            "uuid": r.uuid,
            "name": r.name,
            "paid_through": r.paid_through,
            "months_unpaid": r.months_unpaid,
            "flags": list(r.flags),
        }
        for r in rows
    ]
    _emit(
        args,
        data,
        lambda: "\n".join(
            f"{r.name}\t党费交至 {r.paid_through or '—'}\t未交 {r.months_unpaid} 个月"
            + ("\t连续6个月未交，请支部研究处理" if "arrears_6_months" in r.flags else "")
            for r in rows
        ),
    )
    return EXIT_OK


# ---- journal and backups -----------------------------------------------------------------


def cmd_journal_verify(args: argparse.Namespace) -> int:
    from app.services.journal_check import verify_journal

    ws = _open(args)
    try:
        result = verify_journal(ws)
    finally:
        ws.close()  # no backup of a workspace under suspicion
    data = {
        "ok": result.ok,
        "entries": result.entries,
        "records": result.records,
        "head": result.head,
        "faults": [
            {"seq": f.seq, "entity": f.entity, "uuid": f.uuid, "message": f.message} for f in result.faults
        ],
    }
    if result.ok:
        _emit(
            args,
            data,
            lambda: (
                f"变更日志完好：{result.entries} 条日志，{result.records} 条记录与日志一致。\n"
                f"日志链末端哈希：{result.head}"
            ),
        )
        return EXIT_OK
    if args.json:
        print(json.dumps(data, ensure_ascii=False, indent=2))
    for fault in result.faults:
        print(f"校验失败：{fault}", file=sys.stderr)
    return EXIT_INVALID


def cmd_backup(args: argparse.Namespace) -> int:
    from app.storage.backups import backup_if_changed, list_backups

    ws = _open(args)
    try:
        made = backup_if_changed(ws)
        backups = list_backups(ws)
    finally:
        ws.close()
    data = {
        "created": str(made) if made else None,
        "backups": [{"file": str(b.path), "taken": b.taken.isoformat()} for b in backups],
    }
    _emit(
        args,
        data,
        lambda: (
            (f"已备份到 {made}" if made else "自上次备份以来没有变化，未新建备份。")
            + f"\n现有自动备份 {len(backups)} 份，位于 {backups[0].path.parent if backups else ''}"
        ),
    )
    return EXIT_OK


def cmd_restore(args: argparse.Namespace) -> int:
    from app.storage.backups import RestoreRefused, restore

    ws = _open(args)
    try:
        safety = restore(ws, Path(args.backup))
    except RestoreRefused as exc:
        raise CliError(str(exc)) from exc
    finally:
        ws.close()
    workspaces.close(workspaces.open_existing(_workspace_path(args)))  # migrate if the backup is older
    _emit(
        args,
        {"restored": str(args.backup), "previous_saved_as": str(safety)},
        lambda: f"已从 {args.backup} 恢复。恢复前的数据已另存为 {safety}",
    )
    return EXIT_OK


def cmd_demo(args: argparse.Namespace) -> int:
    from app.services.demo import create_demo_workspace

    path = _workspace_path(args)
    workspaces.close(create_demo_workspace(path))
    _emit(args, {"workspace": str(path)}, lambda: f"已创建示例工作区：{path}")
    return EXIT_OK


def cmd_gui(args: argparse.Namespace) -> int:
    from app.ui.main import run_gui

    return run_gui(Path(args.workspace) if args.workspace else None, demo=args.demo)


# ---- parser ------------------------------------------------------------------------------


def build_parser() -> argparse.ArgumentParser:
    from app.cli_text import install

    install()
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--workspace",
        default=argparse.SUPPRESS,
        help="工作区文件（默认：环境变量 BRANCHBOOK_WORKSPACE，或用户数据目录中的默认工作区）",
    )
    common.add_argument("--json", action="store_true", default=argparse.SUPPRESS, help="以 JSON 输出结果")

    parser = _Parser(prog="branchbook", description="支部记录本", parents=[common])
    parser.add_argument("--version", action="version", version=f"branchbook {__version__}")
    parser.add_argument("--demo", action="store_true", help="没有工作区时，创建示例工作区并打开")
    sub = parser.add_subparsers(dest="command", parser_class=_Parser)

    p = sub.add_parser("init", parents=[common], help="新建工作区")
    p.add_argument("--kind", choices=["branch", "committee"], required=True)
    p.add_argument("--name", required=True)
    p.add_argument("--code", required=True)
    p.add_argument("--category", type=int, choices=[1, 2, 3, 4], help="支部类别：1 主体生产 … 4 机关科室")
    p.add_argument("--committee", help="上级党委名称")
    p.add_argument(
        "--started-on", type=_date, help="支部：开始在本软件中记录的日期（此前的检查显示为未录入）"
    )
    p.set_defaults(func=cmd_init)

    roster = sub.add_parser("roster", help="党员名册").add_subparsers(
        dest="roster_command", required=True, parser_class=_Parser
    )
    p = roster.add_parser("import", parents=[common], help="从 Excel 导入名册")
    p.add_argument("file")
    p.add_argument("--dry-run", action="store_true", help="只检查，不写入")
    p.add_argument("--skip-invalid", action="store_true", help="跳过有错误的行，导入其余")
    p.add_argument(
        "--in-branch-from",
        type=_date,
        help="表中没有“进入本支部日期”列时，新党员进入本支部的日期（默认今天）",
    )
    p.add_argument("--confirm-renames", action="store_true", help="确认身份证号相同而姓名不同的行确属改名")
    p.set_defaults(func=cmd_roster_import)
    p = roster.add_parser("export", parents=[common], help="导出名册为 Excel（可再次导入）")
    p.add_argument("file")
    p.add_argument("--at", type=_date, help="某日的名册（默认今天）")
    p.set_defaults(func=cmd_roster_export)
    p = roster.add_parser("list", parents=[common], help="列出某日的党员")
    p.add_argument("--at", type=_date, help="YYYY-MM-DD（默认今天）")
    p.set_defaults(func=cmd_roster_list)

    records = sub.add_parser("records", help="记录本").add_subparsers(
        dest="records_command", required=True, parser_class=_Parser
    )
    p = records.add_parser("import", parents=[common], help="从 JSON 文件导入记录（全部无误才写入）")
    p.add_argument("file")
    p.set_defaults(func=cmd_records_import)
    p = records.add_parser("list", parents=[common], help="列出记录及应到、实到、缺席、是否有效和表决结果")
    p.add_argument("--period", type=_period, help="YYYY-MM、YYYYQn 或 YYYY")
    p.set_defaults(func=cmd_records_list)
    p = sub.add_parser("check", parents=[common], help="按规则检查一个期间的记录")
    p.add_argument("--period", type=_period, required=True, help="YYYY-MM、YYYYQn 或 YYYY")
    p.set_defaults(func=cmd_check)

    dues = sub.add_parser("dues", help="党费").add_subparsers(
        dest="dues_command", required=True, parser_class=_Parser
    )
    p = dues.add_parser("rate", parents=[common], help="按规定计算每月党费")
    p.add_argument(
        "--category",
        required=True,
        choices=[
            "employed",
            "retired",
            "annual_salary",
            "self_employed",
            "farmer",
            "student",
            "unemployed",
            "low_income",
        ],
    )
    p.add_argument("--base", help="税后月收入、离退休费，或农民党员每月金额")
    p.add_argument("--date", type=_date, help="按哪一天的规定（默认今天）")
    p.set_defaults(func=cmd_dues_rate)
    p = dues.add_parser("status", parents=[common], help="每名党员党费交至哪月、未交几个月")
    p.add_argument("--at", help="YYYY-MM（默认本月）")
    p.set_defaults(func=cmd_dues_status)

    journal = sub.add_parser("journal", help="变更日志").add_subparsers(
        dest="journal_command", required=True, parser_class=_Parser
    )
    p = journal.add_parser("verify", parents=[common], help="校验日志链和数据是否一致")
    p.set_defaults(func=cmd_journal_verify)

    p = sub.add_parser("backup", parents=[common], help="立即备份（数据有变化时）并列出备份")
    p.set_defaults(func=cmd_backup)
    p = sub.add_parser("restore", parents=[common], help="从备份恢复（先检查备份是否完好）")
    p.add_argument("backup")
    p.set_defaults(func=cmd_restore)
    from app.cli_archive import add_commands as add_archive_commands
    from app.cli_members import add_commands as add_member_commands
    from app.cli_packages import add_commands
    from app.cli_print import add_commands as add_print_commands

    add_commands(sub, common, _Parser)
    add_print_commands(sub, common, _Parser)
    add_archive_commands(sub, common, _Parser)
    add_member_commands(roster, dues, records, sub, common, _Parser)

    p = sub.add_parser("demo", parents=[common], help="新建示例支部工作区")
    p.set_defaults(func=cmd_demo)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    # --workspace and --json may stand before or after the subcommand.
    args.workspace = getattr(args, "workspace", None)
    args.json = getattr(args, "json", False)
    func = getattr(args, "func", None)
    try:
        if func is None:
            return cmd_gui(args)
        return func(args)
    except (UserError, CliError) as exc:
        print(f"错误：{exc}", file=sys.stderr)
        return EXIT_INVALID
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        # The reader (`| head`) went away after the work was done; the data is as the command left it.
        _silence_stdout()
        return EXIT_OK
    except Exception:  # never a traceback in front of a user
        from app.services.crash_log import write_crash_log

        where = write_crash_log("cli " + " ".join(argv if argv is not None else sys.argv[1:]))
        # Every write is one transaction: either all of it is in the workspace or none. Which one, the
        # command cannot know here, so it does not claim either (`journal verify` shows the state).
        print(
            f"发生意外错误。详细信息已记录在 {where}。每次写入要么全部完成、要么没有写入，"
            "可运行 branchbook journal verify 检查数据",
            file=sys.stderr,
        )
        return EXIT_INVALID


def _silence_stdout() -> None:
    """Point stdout at /dev/null so Python's exit flush does not fail on the closed pipe again."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except OSError:
        pass


if __name__ == "__main__":
    # Run the module's importable copy: app.cli_packages imports app.cli, and its CliError must be the
    # one main() catches, not a second copy loaded beside __main__.
    from app.cli import main as _main

    sys.exit(_main())
