"""Roster events, dues inputs and the branch profile from the command line (shared/CLI.md, second round)."""

from __future__ import annotations

import argparse
import datetime as dt
from typing import Any

from app.domain.members import Category
from app.domain.membership import EVENT_LABELS, EventKind
from app.domain.partial_date import PartialDate
from app.services import workspaces
from app.storage.workspace import Workspace, WorkspaceKind

# The CLI's kind names (shared/CLI.md) → the stored event kinds; 留党察看 is a flag, not an event.
EVENT_KINDS = {
    "transfer_in": EventKind.TRANSFER_IN,
    "transfer_out": EventKind.TRANSFER_OUT,
    "full": EventKind.FULL,
    "extend_probation": EventKind.EXTENDED,
    "cancel_probation": EventKind.DISQUALIFIED,
    "lost_contact": EventKind.LOST_CONTACT,
    "contact_restored": EventKind.CONTACT_RESTORED,
    "suspend": EventKind.SUSPENDED,
    "restore": EventKind.RESTORED,
    "remove": EventKind.LEFT,
    "death": EventKind.DIED,
}
DISCIPLINE = "discipline"
CATEGORIES = [c.value for c in Category]


def _cli() -> Any:
    from app import cli  # the parser module owns _open, _emit and the exit codes

    return cli


def _member(ws: Workspace, ref: str) -> tuple[str, str]:
    """(uuid, name) of the member named by name (unique), ID number or uuid."""
    from app.services.roster_on_day import MemberRefs, RosterSource

    with ws.read() as conn:
        source = RosterSource.load(conn)
    try:
        uuid = MemberRefs(source).member(ref)
    except ValueError as exc:
        raise _cli().CliError(str(exc)) from None
    return uuid, source.name(uuid)


def cmd_roster_event(args: argparse.Namespace) -> int:
    from app.services.records import add_watch
    from app.services.roster import record_event

    cli = _cli()
    ws = cli._open(args, WorkspaceKind.BRANCH)
    try:
        uuid, name = _member(ws, args.member)
        note = "；".join(t for t in (args.reason or "", f"转往 {args.to}" if args.to else "") if t)
        if args.kind == DISCIPLINE:
            if args.months is None or not 1 <= args.months <= 24:
                raise cli.CliError("留党察看须用 --months 写明期限（1–24 个月）")
            from app.domain.membership import add_months

            end = add_months(args.date, args.months) - dt.timedelta(days=1)
            made = add_watch(ws, uuid, args.date, end, note)
            label = "留党察看"
        else:
            kind = EVENT_KINDS[args.kind]
            made = record_event(ws, uuid, kind, PartialDate.of(args.date), note, months=args.months)
            label = EVENT_LABELS[kind]
    finally:
        workspaces.close(ws)
    data = {"uuid": made, "member": uuid, "name": name, "kind": args.kind, "date": args.date.isoformat()}
    cli._emit(args, data, lambda: f"已登记：{name} {args.date:%Y-%m-%d} {label}")
    return cli.EXIT_OK


def cmd_dues_base(args: argparse.Namespace) -> int:
    from app.services.dues import add_base

    cli = _cli()
    ws = cli._open(args, WorkspaceKind.BRANCH)
    try:
        uuid, name = _member(ws, args.member)
        category = Category(args.category)
        base = cli.plain_money(args.base, "--base") if args.base is not None else None
        made = add_base(
            ws,
            uuid,
            args.month,
            category,
            gross=base if category is not Category.FARMER else None,
            fixed=base if category is Category.FARMER else None,
        )
    finally:
        workspaces.close(ws)
    cli._emit(args, {"uuid": made, "member": uuid}, lambda: f"已登记 {name} 自 {args.month} 起的党费基数")
    return cli.EXIT_OK


def cmd_dues_opening(args: argparse.Namespace) -> int:
    from app.services.dues_opening import set_opening

    cli = _cli()
    ws = cli._open(args, WorkspaceKind.BRANCH)
    try:
        uuid, name = _member(ws, args.member)
        changed = set_opening(ws, uuid, args.paid_through)
    finally:
        workspaces.close(ws)
    data = {"member": uuid, "paid_through": args.paid_through, "changed": changed}
    cli._emit(args, data, lambda: f"{name}：开始使用本软件时党费交至 {args.paid_through}")
    return cli.EXIT_OK


def cmd_dues_pay(args: argparse.Namespace) -> int:
    from app.domain.periods import month_code, parse_month
    from app.services.dues import load_dues, record_payment

    cli = _cli()
    try:
        through = parse_month(args.through)
    except ValueError as exc:
        raise cli.CliError(str(exc)) from None
    amount = cli.plain_money(args.amount, "--amount")
    ws = cli._open(args, WorkspaceKind.BRANCH)
    try:
        uuid, name = _member(ws, args.member)
        book = load_dues(ws, horizon=max(through, 0))
        mine = next((m for m in book.members if m.uuid == uuid), None)
        if mine is None:
            raise cli.CliError(f"{name} 还没有党费基数，请先用 dues base 登记")
        state = book.arrears(mine)
        start = (state.paid_through + 1) if state.paid_through is not None else mine.first
        if start is None or start > through:
            raise cli.CliError(
                f"{name} 的党费已交至 {state.paid_through_code() or '—'}，无需再交至 {args.through}"
            )
        months = [month_code(m) for m in range(start, through + 1)]
        made, warnings = record_payment(ws, uuid, paid_on=args.date, months=months, amount=amount)
    finally:
        workspaces.close(ws)
    data = {"uuid": made, "member": uuid, "months": months, "amount": f"{amount:.2f}", "warnings": warnings}
    cli._emit(
        args,
        data,
        lambda: "\n".join([f"已登记 {name} 交纳 {months[0]}–{months[-1]} 党费 {amount:.2f} 元", *warnings]),
    )
    return cli.EXIT_OK


def _profile_json(ws: Workspace) -> dict[str, Any]:
    from app.services.branch_profile import load_profile

    p = load_profile(ws)
    end = p.term_end()
    return {
        "name": p.name,
        "code": p.code,
        "started_on": p.started_on.isoformat() if p.started_on else None,
        "term_start": p.term_start.isoformat() if p.term_start else None,
        "term_years": p.term_years(),
        "term_end": end.isoformat() if end else None,
        "term_rule": p.term_rule_source() or None,
    }


def cmd_profile_show(args: argparse.Namespace) -> int:
    cli = _cli()
    ws = cli._open(args, WorkspaceKind.BRANCH)
    try:
        data = _profile_json(ws)
    finally:
        workspaces.close(ws)
    cli._emit(
        args,
        data,
        lambda: "\n".join(
            f"{label}：{data[key] or '未设'}"
            for key, label in (
                ("name", "支部名称"),
                ("code", "支部代码"),
                ("started_on", "开始使用日期"),
                ("term_start", "本届任期开始"),
                ("term_end", "本届任期届满"),
            )
        ),
    )
    return cli.EXIT_OK


def cmd_profile_set(args: argparse.Namespace) -> int:
    from app.services.branch_profile import change_profile

    cli = _cli()
    if args.started_on is None and args.term_start is None and args.term_years is None:
        raise cli.CliError("请至少给出 --started-on、--term-start 或 --term-years 之一")
    ws = cli._open(args, WorkspaceKind.BRANCH)
    try:
        change_profile(
            ws, started_on=args.started_on, term_start=args.term_start, term_years_set=args.term_years
        )
        data = _profile_json(ws)
    finally:
        workspaces.close(ws)
    cli._emit(args, data, lambda: f"已保存支部信息（开始使用日期 {data['started_on'] or '未设'}）")
    return cli.EXIT_OK


def cmd_records_take_roster(args: argparse.Namespace) -> int:
    from app.services.records import take_in_roster

    cli = _cli()
    ws = cli._open(args, WorkspaceKind.BRANCH)
    try:
        changed = take_in_roster(ws, args.entry)
    finally:
        workspaces.close(ws)
    cli._emit(
        args,
        {"entry": args.entry, "changed": changed},
        lambda: "已按名册更新应到名单" if changed else "应到名单与名册一致，未作改动",
    )
    return cli.EXIT_OK


def add_commands(
    roster: Any, dues: Any, records: Any, sub: Any, common: argparse.ArgumentParser, parser_class: type
) -> None:
    date = _cli()._date
    p = roster.add_parser("event", parents=[common], help="登记党籍变动（转入、转出、转正、延长预备期……）")
    p.add_argument("member", help="姓名（唯一）、身份证号或 uuid")
    p.add_argument("kind", choices=[*EVENT_KINDS, DISCIPLINE])
    p.add_argument("--date", type=date, required=True, help="YYYY-MM-DD")
    p.add_argument("--months", type=int, help="延长预备期或留党察看的月数")
    p.add_argument("--to", help="转往的组织")
    p.add_argument("--reason", help="原因或说明")
    p.set_defaults(func=cmd_roster_event)

    p = dues.add_parser("base", parents=[common], help="登记党员自某月起的党费基数")
    p.add_argument("member")
    p.add_argument("--from", dest="month", required=True, help="YYYY-MM")
    p.add_argument("--category", required=True, choices=CATEGORIES)
    p.add_argument("--base", help="税后月收入、离退休费，或农民党员每月金额（如 4800.00）")
    p.set_defaults(func=cmd_dues_base)
    p = dues.add_parser("opening", parents=[common], help="开始使用本软件时党员的党费交至月份")
    p.add_argument("member")
    p.add_argument("--paid-through", required=True, help="YYYY-MM")
    p.set_defaults(func=cmd_dues_opening)
    p = dues.add_parser("pay", parents=[common], help="登记一笔党费（从已交至的下一月交到 --through）")
    p.add_argument("member")
    p.add_argument("--through", required=True, help="YYYY-MM")
    p.add_argument("--amount", required=True, help="金额，如 48.00")
    p.add_argument("--date", type=date, required=True, help="交纳日期 YYYY-MM-DD")
    p.set_defaults(func=cmd_dues_pay)

    profile = sub.add_parser("profile", help="支部信息").add_subparsers(
        dest="profile_command", required=True, parser_class=parser_class
    )
    p = profile.add_parser("show", parents=[common], help="显示支部信息")
    p.set_defaults(func=cmd_profile_show)
    p = profile.add_parser("set", parents=[common], help="修改开始使用日期或本届任期")
    p.add_argument("--started-on", type=date, help="本支部开始在本软件中记录的日期")
    p.add_argument("--term-start", type=date, help="本届支委会任期开始日期")
    p.add_argument("--term-years", type=int, help="任期年限（1–5）")
    p.set_defaults(func=cmd_profile_set)

    p = records.add_parser("take-roster", parents=[common], help="按名册更新一条未锁定记录的应到名单")
    p.add_argument("entry", help="记录的 uuid")
    p.set_defaults(func=cmd_records_take_roster)
