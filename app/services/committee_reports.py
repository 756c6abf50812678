"""What a committee sees across its branches: key status, completeness, summary, roster statistics.

All of it reads the tables the import fills (branch_period, branch_member, received_package), so a
summary over thousands of branches is a few indexed queries, not a pass over the packages.
"""

from __future__ import annotations

import datetime as dt
import json
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from app.domain.compliance import SEVERITY_LABELS
from app.domain.members import CATEGORY_LABELS, STATUS_LABELS, Category, Status
from app.domain.periods import Period, PeriodKind
from app.io.rules import load_rulebook
from app.services.committee_keys import KEY_STATES, enrolled_branches, enrolled_keys, require_committee
from app.services.errors import UserError
from app.storage.workspace import Workspace

ZERO = Decimal("0.00")


def class_marks(org_class: int | None, day: dt.date) -> tuple[str, int | None, int | None]:
    """(label, pass mark, advanced mark) of a branch class, from the committee's rule file."""
    if org_class is None:
        return "未定类", None, None
    rule = load_rulebook().judging("branch_class_marks", day)[0]
    marks = rule["marks"].get(str(org_class))
    label = rule["labels"].get(str(org_class), f"{org_class}类")
    return (label, marks[0], marks[1]) if marks else (label, None, None)


def _months(period: Period) -> set[tuple[int, int]]:
    return {(p.start.year, p.start.month) for p in period.subperiods(PeriodKind.MONTH)}


def _codes_touching(period: Period) -> list[str]:
    """Codes of every month, quarter and year that overlaps `period`."""
    codes = {Period.year(period.start.year).code()}
    for kind in (PeriodKind.QUARTER, PeriodKind.MONTH):
        codes.update(p.code() for p in Period.year(period.start.year).subperiods(kind) if p.overlaps(period))
    return sorted(codes)


@dataclass(frozen=True)
class _Reported:
    period: Period
    sequence: int
    created_at: str
    members: int
    entries: int
    dues_due: Decimal
    dues_collected: Decimal
    violations: int
    warnings: int
    findings: str
    not_entered: int


def _reported(ws: Workspace, period: Period) -> dict[str, list[_Reported]]:
    codes = _codes_touching(period)
    marks = ",".join("?" * len(codes))
    with ws.read() as conn:
        rows = conn.exec_driver_sql(
            "SELECT branch_code, period, sequence, created_at, members, entries, dues_due, dues_collected, "
            f"violations, warnings, findings, not_entered FROM branch_period WHERE period IN ({marks})",
            tuple(codes),
        ).all()
    out: dict[str, list[_Reported]] = {}
    for r in rows:
        out.setdefault(r.branch_code, []).append(
            _Reported(
                Period.parse(r.period), r.sequence, r.created_at, r.members, r.entries,
                Decimal(r.dues_due), Decimal(r.dues_collected), r.violations, r.warnings, r.findings,
                r.not_entered or 0,
            )
        )  # fmt: skip
    return out


def _deadline(period: Period) -> dt.date:
    days = load_rulebook().judging("package_deadline", period.end)[0]["days_after_period_end"]
    return period.end + dt.timedelta(days=int(days))


def _cover(rows: Iterable[_Reported], period: Period) -> list[_Reported]:
    """The latest reports inside `period` that do not overlap each other (a re-sent quarter beats
    the months it covers when it is newer, and the other way round)."""
    chosen: list[_Reported] = []
    for row in sorted(rows, key=lambda r: -r.sequence):
        inside = period.start <= row.period.start and row.period.end <= period.end
        if inside and not any(row.period.overlaps(c.period) for c in chosen):
            chosen.append(row)
    return chosen


# ---- per-branch summary ----------------------------------------------------------------------------


@dataclass(frozen=True)
class SummaryRow:
    code: str
    name: str
    org_class: int | None
    class_label: str
    pass_mark: int | None
    advanced_mark: int | None
    received: bool  # every month of the period is covered by an imported package
    verified: bool  # …and no covering package was signed by a key revoked since
    late: bool
    members: int | None
    entries: int
    dues_due: Decimal
    dues_collected: Decimal
    violations: int
    warnings: int
    not_entered: int  # 未录入: periods before the branch kept its book in BranchBook, shown apart
    sequences: tuple[int, ...]
    gaps: tuple[int, ...]
    findings: tuple[dict[str, Any], ...]

    def as_json(self) -> dict[str, Any]:
        return {
            "branch": self.code,
            "name": self.name,
            "class": self.org_class,
            "pass_mark": self.pass_mark,
            "advanced_mark": self.advanced_mark,
            "received": self.received,
            "verified": self.verified,
            "late": self.late,
            "members": self.members,
            "entries": self.entries,
            "dues_due": f"{self.dues_due:.2f}",
            "dues_collected": f"{self.dues_collected:.2f}",
            "findings": self.violations + self.warnings,
            "violations": self.violations,
            "warnings": self.warnings,
            "not_entered": self.not_entered,
            "packages": list(self.sequences),
            "gaps": list(self.gaps),
        }


def _sequences(ws: Workspace) -> tuple[dict[str, set[int]], dict[tuple[str, int], str]]:
    with ws.read() as conn:
        rows = conn.exec_driver_sql(
            "SELECT p.branch_code, p.sequence, k.state FROM received_package p "
            "LEFT JOIN enrolled_key k ON k.key_id = p.key_id"
        ).all()
    seqs: dict[str, set[int]] = {}
    states: dict[tuple[str, int], str] = {}
    for r in rows:
        seqs.setdefault(r.branch_code, set()).add(r.sequence)
        states[(r.branch_code, r.sequence)] = r.state or "revoked"
    return seqs, states


def gaps_of(seqs: set[int]) -> tuple[int, ...]:
    return tuple(n for n in range(1, max(seqs, default=0)) if n not in seqs)


def summary(ws: Workspace, period: Period, today: dt.date | None = None) -> list[SummaryRow]:
    require_committee(ws)
    today = today or dt.date.today()
    reported = _reported(ws, period)
    seqs, key_states = _sequences(ws)
    want = _months(period)
    rows = []
    for branch in enrolled_branches(ws):
        label, pass_mark, advanced = class_marks(branch.org_class, period.end)
        mine = reported.get(branch.code, [])
        covering = [r for r in mine if r.period.overlaps(period)]
        covered = set().union(*(_months(r.period) & want for r in covering)) if covering else set()
        chosen = _cover(mine, period)
        latest = max(covering, key=lambda r: (r.period.end, r.sequence), default=None)
        received = covered == want
        findings: list[dict[str, Any]] = []
        for r in chosen:
            findings.extend(json.loads(r.findings))
        rows.append(
            SummaryRow(
                code=branch.code,
                name=branch.name,
                org_class=branch.org_class,
                class_label=label,
                pass_mark=pass_mark,
                advanced_mark=advanced,
                received=received,
                verified=received
                and all(key_states.get((branch.code, r.sequence)) != "revoked" for r in covering),
                late=any(r.created_at[:10] > _deadline(r.period).isoformat() for r in chosen),
                members=latest.members if latest else None,
                entries=sum(r.entries for r in chosen),
                dues_due=sum((r.dues_due for r in chosen), ZERO),
                dues_collected=sum((r.dues_collected for r in chosen), ZERO),
                violations=sum(r.violations for r in chosen),
                warnings=sum(r.warnings for r in chosen),
                not_entered=sum(r.not_entered for r in chosen),
                sequences=tuple(sorted({r.sequence for r in covering})),
                gaps=gaps_of(seqs.get(branch.code, set())),
                findings=tuple(findings),
            )
        )
    return rows


# ---- completeness matrix -------------------------------------------------------------------------

CELL_LABELS = {
    "received": "已收",
    "late": "逾期收到",
    "missing": "未收",
    "not_due": "未到期",
    "gap": "序号缺口",
}


@dataclass(frozen=True)
class Cell:
    state: str  # received / late / missing / not_due
    sequences: tuple[int, ...] = ()

    @property
    def label(self) -> str:
        return CELL_LABELS[self.state]


@dataclass(frozen=True)
class MatrixRow:
    code: str
    name: str
    cells: tuple[Cell, ...]
    gaps: tuple[int, ...]


def cadence(day: dt.date) -> PeriodKind:
    return PeriodKind(load_rulebook().judging("package_deadline", day)[0]["cadence"])


def completeness(
    ws: Workspace, year: int, kind: PeriodKind | None = None, today: dt.date | None = None
) -> tuple[list[Period], list[MatrixRow]]:
    """Branches × the year's reporting periods: received on time, late, missing, or not yet due."""
    require_committee(ws)
    today = today or dt.date.today()
    whole = Period.year(year)
    kind = kind or cadence(whole.end)
    periods = list(whole.subperiods(kind))
    reported = _reported(ws, whole)
    seqs, _ = _sequences(ws)
    rows = []
    for branch in enrolled_branches(ws):
        mine = reported.get(branch.code, [])
        cells = []
        for p in periods:
            want = _months(p)
            covering = [r for r in mine if r.period.overlaps(p)]
            covered = set().union(*(_months(r.period) & want for r in covering)) if covering else set()
            deadline = _deadline(p)
            if covered == want:
                # Late when the months were only complete after the deadline.
                on_time = set().union(
                    *(_months(r.period) & want for r in covering if r.created_at[:10] <= deadline.isoformat())
                ) if covering else set()  # fmt: skip
                state = "received" if on_time == want else "late"
            else:
                state = "missing" if today > deadline else "not_due"
            cells.append(Cell(state, tuple(sorted({r.sequence for r in covering}))))
        rows.append(MatrixRow(branch.code, branch.name, tuple(cells), gaps_of(seqs.get(branch.code, set()))))
    return periods, rows


# ---- branches with their keys and last package ------------------------------------------------------


@dataclass(frozen=True)
class BranchOverview:
    code: str
    name: str
    org_class: int | None
    class_label: str
    pass_mark: int | None
    advanced_mark: int | None
    key_id: str | None
    fingerprint: str | None
    key_state: str  # 有效 / 已吊销 / 已交接 / 无
    last_sequence: int | None
    last_periods: tuple[str, ...]
    last_created_at: str | None
    last_imported_at: str | None
    gaps: tuple[int, ...]


def branch_overview(ws: Workspace, today: dt.date | None = None) -> list[BranchOverview]:
    require_committee(ws)
    today = today or dt.date.today()
    keys: dict[str, list[Any]] = {}
    for k in enrolled_keys(ws):
        keys.setdefault(k.branch_code, []).append(k)
    with ws.read() as conn:
        last = {
            r.branch_code: r
            for r in conn.exec_driver_sql(
                "SELECT branch_code, sequence, periods, created_at, imported_at FROM received_package p "
                "WHERE sequence = (SELECT MAX(sequence) FROM received_package q WHERE q.branch_code = p.branch_code)"
            )
        }
    seqs, _ = _sequences(ws)
    out = []
    for b in enrolled_branches(ws):
        label, pass_mark, advanced = class_marks(b.org_class, today)
        mine = keys.get(b.code, [])
        key = next((k for k in reversed(mine) if k.state == "active"), mine[-1] if mine else None)
        row = last.get(b.code)
        out.append(
            BranchOverview(
                b.code, b.name, b.org_class, label, pass_mark, advanced,
                key.key_id if key else None, key.fingerprint if key else None,
                KEY_STATES[key.state] if key else "无",
                row.sequence if row else None, tuple(json.loads(row.periods)) if row else (),
                row.created_at if row else None, row.imported_at if row else None,
                gaps_of(seqs.get(b.code, set())),
            )
        )  # fmt: skip
    return out


# ---- roster statistics ---------------------------------------------------------------------------


@dataclass(frozen=True)
class RosterStats:
    as_of: dt.date
    total: int
    branches: int
    by_status: dict[str, int]
    by_gender: dict[str, int]
    by_age: dict[str, int]
    by_education: dict[str, int]
    by_category: dict[str, int]

    def groups(self) -> list[tuple[str, dict[str, int]]]:
        """The table committees produce, in its usual order: (group title, counts by label)."""
        return [
            ("党员状态", self.by_status),
            ("性别", self.by_gender),
            ("年龄段", self.by_age),
            ("学历", self.by_education),
            ("类别", self.by_category),
        ]

    def as_json(self) -> dict[str, Any]:
        return {
            "as_of": self.as_of.isoformat(),
            "total": self.total,
            "branches": self.branches,
            "status": self.by_status,
            "gender": self.by_gender,
            "age": self.by_age,
            "education": self.by_education,
            "category": self.by_category,
        }


def _age_label(year: int | None, month: int | None, at: dt.date, bounds: list[int], labels: list[str]) -> str:
    if year is None:
        return "未填"
    age = at.year - year - (1 if month and month > at.month else 0)
    for bound, label in zip(bounds, labels, strict=False):
        if age <= bound:
            return label
    return labels[-1]


def _education_label(text: str, bands: list[dict[str, Any]], unknown: str) -> str:
    if not text.strip():
        return unknown
    for band in bands:
        if any(word in text for word in band["words"]):
            return band["label"]
    return "其他"


def roster_stats(
    ws: Workspace, at: dt.date | None = None, branch_codes: Iterable[str] | None = None
) -> RosterStats:
    """Members across branches, from each branch's latest reported roster, counted the committee's way."""
    require_committee(ws)
    at = at or dt.date.today()
    rule = load_rulebook().judging("statistics_bands", at)[0]
    bounds, age_labels = list(rule["age_bands"]), list(rule["age_labels"])
    query = "SELECT status, gender, birth_year, birth_month, education, category, COUNT(*) AS n FROM branch_member"
    where, params = "", ()
    if branch_codes is not None:
        codes = tuple(branch_codes)
        where, params = f" WHERE branch_code IN ({','.join('?' * len(codes))})", codes
    query += where + " GROUP BY status, gender, birth_year, birth_month, education, category"
    with ws.read() as conn:
        rows = conn.exec_driver_sql(query, params).all()
        branches = (
            conn.exec_driver_sql(
                f"SELECT COUNT(DISTINCT branch_code) FROM branch_member{where}", params
            ).scalar()
            or 0
        )
    status: Counter[str] = Counter({label: 0 for label in STATUS_LABELS.values()})
    gender: Counter[str] = Counter({"男": 0, "女": 0})
    age: Counter[str] = Counter({label: 0 for label in age_labels})
    education: Counter[str] = Counter({band["label"]: 0 for band in rule["education_bands"]})
    category: Counter[str] = Counter()
    education_cache: dict[str, str] = {}
    total = 0
    for r in rows:
        n = r.n
        total += n
        status[
            STATUS_LABELS.get(Status(r.status), r.status) if r.status in Status._value2member_map_ else "未填"
        ] += n
        gender[r.gender or "未填"] += n
        age[_age_label(r.birth_year, r.birth_month, at, bounds, age_labels)] += n
        if r.education not in education_cache:
            education_cache[r.education] = _education_label(
                r.education, rule["education_bands"], rule["education_unknown"]
            )
        education[education_cache[r.education]] += n
        label = (
            CATEGORY_LABELS.get(Category(r.category)) if r.category in Category._value2member_map_ else None
        )
        category[label or "未填"] += n
    return RosterStats(
        at, total, branches, dict(status), dict(gender), dict(age), dict(education), dict(category)
    )


# ---- Excel ---------------------------------------------------------------------------------------


def export_summary(ws: Workspace, period: Period, target: Path, today: dt.date | None = None) -> Path:
    """The summary, the completeness of the year and the roster statistics as one workbook."""
    from app.io.excel.table_workbook import write_tables

    rows = summary(ws, period, today)
    periods, matrix = completeness(ws, period.start.year, today=today)
    stats = roster_stats(ws, period.end)
    yes = {True: "是", False: "否"}
    summary_rows = [
        [
            r.code, r.name, r.class_label, r.pass_mark, r.advanced_mark, yes[r.received], yes[r.verified],
            yes[r.late], r.members, r.entries, r.dues_due, r.dues_collected, r.violations, r.warnings,
            r.not_entered, "、".join(map(str, r.gaps)),
        ]
        for r in rows
    ]  # fmt: skip
    matrix_rows = [[m.code, m.name, *(c.label for c in m.cells), "、".join(map(str, m.gaps))] for m in matrix]
    stat_rows: list[list[Any]] = []
    for title, counts in stats.groups():
        stat_rows.extend([title, label, n] for label, n in counts.items())
    stat_rows.append(["合计", "", stats.total])
    finding_rows = [
        [
            r.code,
            r.name,
            SEVERITY_LABELS.get(f.get("severity"), "提醒"),
            f.get("subject", ""),
            f.get("message", ""),
        ]
        for r in rows
        for f in r.findings
    ]
    try:
        write_tables(
            Path(target),
            [
                (
                    "汇总",
                    f"{period.label()}各支部上报汇总",
                    ["支部代码", "支部名称", "类别", "达标分", "先进分", "已收到", "已核验", "逾期", "党员人数",
                     "记录条数", "应交党费", "实交党费", "违规", "提醒", "未录入", "序号缺口"],
                    summary_rows,
                ),
                (
                    "报送情况",
                    f"{period.start.year}年报送情况",
                    ["支部代码", "支部名称", *(p.label() for p in periods), "序号缺口"],
                    matrix_rows,
                ),
                ("党员统计", f"党员统计（截至 {stats.as_of.isoformat()}）", ["分组", "项目", "人数"], stat_rows),
                ("检查发现", f"{period.label()}检查发现", ["支部代码", "支部名称", "性质", "对象", "说明"], finding_rows),
            ],
        )  # fmt: skip
    except OSError as exc:
        raise UserError(f"无法写入 {target}：{exc.strerror or exc}") from None
    return Path(target)
