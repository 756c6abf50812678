"""Spreadsheets of the dues ledger, the record list and the check report: the same rows the printed forms
and `--json` show, money and counts as numeric cells. Each file is written whole or not at all."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from app.domain.compliance import SEVERITY_LABELS
from app.domain.periods import Period
from app.io.excel.table_workbook import Table, write_tables
from app.io.pdf.dues_form import HEADERS as LEDGER_HEADERS
from app.io.pdf.dues_form import LedgerRow
from app.services.branch_profile import branch_name, load_profile
from app.services.compliance import check_period
from app.services.errors import UserError
from app.services.form_dues import dues_ledger
from app.services.json_views import finding_json, record_json
from app.services.records import load_records
from app.services.roster_export import export_roster
from app.storage.workspace import Workspace

RECORD_HEADERS = (
    "日期",
    "类型",
    "名称",
    "地点",
    "主持人",
    "记录人",
    "应到",
    "实到",
    "缺席",
    "是否有效",
    "决议与表决结果",
    "更正次数",
)
FINDING_HEADERS = ("严重程度", "规则", "对象", "说明")


def _write(path: Path, tables: Sequence[Table]) -> None:
    path = Path(path)
    if path.suffix.lower() != ".xlsx":
        raise UserError(f"导出文件名应以 .xlsx 结尾：{path.name}")
    try:
        write_tables(path, tables)
    except OSError as exc:
        raise UserError(f"无法写入 {path}：{exc.strerror or exc}") from None


# ---- dues ledger --------------------------------------------------------------------------------


def _ledger_values(row: LedgerRow) -> list[Any]:
    # A month paid is a number, so Excel sums the column; a month not paid carries its mark as text.
    return [
        row.number,
        row.name,
        row.category,
        row.band,
        row.monthly,
        *(c.paid if c.paid is not None else c.mark for c in row.months),
        row.year_due,
        row.year_paid,
        row.paid_through,
        "；".join(row.notes),
    ]


def export_dues_ledger(ws: Workspace, year: int, path: Path, today: dt.date | None = None) -> int:
    """The year's 党费收缴登记表 as .xlsx, with the totals rows at the end; returns how many members."""
    ledger = dues_ledger(ws, year, today or dt.date.today())
    rows = [_ledger_values(r) for r in ledger.rows]
    rows.append(["", "应交合计", "", "", "", *ledger.month_due, ledger.year_due, "", "", ""])
    rows.append(["", "实交合计", "", "", "", *ledger.month_paid, "", ledger.year_paid, "", ""])
    title = (
        f"{branch_name(ws)} {year}年度党费收缴登记表（金额单位：元；统计截至 {ledger.as_of:%Y-%m-%d}；"
        f"自愿多交 {ledger.voluntary:.2f} 元，大额党费 {ledger.large:.2f} 元）"
    )
    _write(path, [("党费收缴登记表", title, [*LEDGER_HEADERS, "备注"], rows)])
    return len(ledger.rows)


# ---- record list --------------------------------------------------------------------------------


def _absent_text(data: dict[str, Any]) -> str:
    return "、".join(
        f"{a['name']}（{a['reason']}{'：' + a['text'] if a['text'] else ''}）" for a in data["absent_members"]
    )


def _valid_text(data: dict[str, Any]) -> str:
    if data["quorate"] is None:
        return "不适用"
    if data["quorate"]:
        return "有效"
    return "恰好半数，不足法定人数" if data["exactly_half"] else "不足法定人数"


def _resolutions_text(data: dict[str, Any]) -> str:
    parts = []
    for r in data["resolutions"]:
        if not r["recorded"]:
            result = "表决结果未录入"
        elif r["passed"] is None:
            result = "未表决"
        else:
            no, abstain = r["no"] + r["written_no"], r["abstain"] + r["written_abstain"]
            verdict = "通过" if r["passed"] else "未通过"
            result = f"赞成 {r['total_yes']} 票，反对 {no} 票，弃权 {abstain} 票，{verdict}"
        parts.append(f"{r['text']}：{result}")
    return "；".join(parts)


def _subject(data: dict[str, Any]) -> str:
    subject = data["title"] or "；".join(data["topics"])
    return f"【{data['group']}】{subject}" if data["group"] else subject


def export_records(ws: Workspace, period: Period, path: Path) -> int:
    """The record list of a period, attendance and results computed as `records list --json` shows them."""
    groups = {g.uuid: g.name for g in load_profile(ws).groups}
    rows = []
    for view in load_records(ws, period):
        data = record_json(view, groups)
        rows.append(
            [
                view.draft.date,
                data["type_label"],
                _subject(data),
                data["place"],
                data["host"],
                data["recorder"],
                data["expected"],
                data["present"],
                _absent_text(data),
                _valid_text(data),
                _resolutions_text(data),
                len(data["corrections"]),
            ]
        )
    title = f"{branch_name(ws)} {period.label()}记录清单（共 {len(rows)} 条）"
    _write(path, [("记录清单", title, RECORD_HEADERS, rows)])
    return len(rows)


# ---- check report -------------------------------------------------------------------------------


def export_findings(ws: Workspace, period: Period, path: Path, today: dt.date | None = None) -> int:
    """The period's check report, violations first."""
    findings = [finding_json(f) for f in check_period(ws, period, today)]
    rows = [[SEVERITY_LABELS[f["severity"]], f["rule"], f["subject"], f["message"]] for f in findings]
    violations = sum(1 for f in findings if f["severity"] == "violation")
    summary = f"违规 {violations} 项，提醒 {len(rows) - violations} 项" if rows else "未发现问题"
    title = f"{branch_name(ws)} {period.label()}检查报告（{summary}）"
    _write(path, [("检查报告", title, FINDING_HEADERS, rows)])
    return len(rows)


# ---- one entry point for the CLI and the 打印 page ----------------------------------------------

TABLE_KINDS = {"roster": "党员名册", "dues": "党费收缴登记表", "records": "记录清单", "check": "检查报告"}


def export_table(ws: Workspace, kind: str, period: Period, path: Path, today: dt.date) -> int:
    """The table `kind` for `period` (the roster at its end, or today; the dues ledger of its year)."""
    if kind == "roster":
        return export_roster(ws, path, min(period.end, today))
    if kind == "dues":
        return export_dues_ledger(ws, period.start.year, path, today)
    if kind == "records":
        return export_records(ws, period, path)
    if kind == "check":
        return export_findings(ws, period, path, today)
    raise UserError(f"没有这种表：{kind}（可选：{'、'.join(TABLE_KINDS)}）")
