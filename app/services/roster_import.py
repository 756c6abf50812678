"""Import the roster from a secretary's own Excel sheet: plan (a dry run), then apply.

Nothing is written unless every row is clean, or the user asks to skip the invalid rows.
Members are matched by ID number; a re-import updates them and reports what changed.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from enum import StrEnum
from pathlib import Path

from app.domain.id_number import normalise_id_number
from app.domain.members import (
    FIELD_LABELS,
    MemberDraft,
    Status,
    add_years,
    check_member,
    complete_from_id,
    parse_category,
    parse_posts,
)
from app.domain.partial_date import DateFormatError, PartialDate, parse_partial_date
from app.domain.problems import Problem, Severity
from app.io.excel.roster_sheet import RosterSheet, SheetError, read_roster_sheet
from app.services.dues_opening import write_opening
from app.services.errors import UserError
from app.services.roster import (
    draft_changes,
    group_uuids,
    load_roster,
    write_member_update,
    write_new_members,
)
from app.services.roster_on_day import probation_years
from app.storage.journal import head_hash
from app.storage.workspace import Workspace

_STATUS_WORDS = {
    "正式党员": Status.FULL,
    "正式": Status.FULL,
    "预备党员": Status.PROBATIONARY,
    "预备": Status.PROBATIONARY,
}
_GENDER_WORDS = {"男": "男", "男性": "男", "女": "女", "女性": "女"}
_YES = {"是", "流动", "流动党员", "Y", "y"}
_NO = {"否", "无", "不是", "N", "n"}
_TEXT_FIELDS = ("name", "ethnicity", "education", "native_place", "job", "group", "team", "note")
_DATE_FIELDS = ("birth_date", "work_start", "joined_on", "full_on")
# check_member names fields by our labels; map back to quote the sheet's own header.
_KEY_BY_LABEL = {label: key for key, label in FIELD_LABELS.items()}


class Action(StrEnum):
    NEW = "new"
    UPDATE = "update"
    RENAME = "rename"  # an existing member's ID number under another name: asked, never quiet
    UNCHANGED = "unchanged"
    INVALID = "invalid"


ACTION_LABELS = {
    Action.NEW: "新增",
    Action.UPDATE: "更新",
    Action.RENAME: "改名待确认",
    Action.UNCHANGED: "无变化",
    Action.INVALID: "有错误",
}


@dataclass
class PlannedRow:
    row: int
    name: str  # as written in the sheet, also for rows that could not be read
    draft: MemberDraft | None
    problems: list[Problem]
    action: Action
    existing_uuid: str | None = None
    changes: list[tuple[str, str, str]] = field(default_factory=list)
    dues_paid_through: str | None = None  # 党费交至 from the sheet, YYYY-MM
    existing_name: str = ""


@dataclass
class ImportPlan:
    path: Path
    sheet: str
    header_row: int
    columns: dict[str, str]
    ignored_headers: list[str]
    rows: list[PlannedRow]
    head: str  # the journal head the plan was made against
    not_in_sheet: list[str]  # names of current members the sheet does not list (never deleted)
    new_groups: list[str]
    in_branch_from: dt.date | None = None  # for new members when the sheet has no such column
    warnings: list[str] = field(default_factory=list)  # about the sheet as a whole

    def count(self, action: Action) -> int:
        return sum(1 for r in self.rows if r.action is action)

    @property
    def clean(self) -> bool:
        return self.count(Action.INVALID) == 0

    def problems(self) -> list[Problem]:
        return [p for r in self.rows for p in r.problems]

    def summary(self) -> str:
        parts = [f"共 {len(self.rows)} 行"]
        parts += [f"{ACTION_LABELS[a]} {self.count(a)}" for a in Action if self.count(a)]
        return "，".join(parts)

    def renames(self) -> list[str]:
        """「第5行：身份证号与张三相同，姓名却是冒名者」 for every row that would rename a member."""
        return [
            f"第{r.row}行：身份证号与已有党员“{r.existing_name}”相同，姓名却是“{r.name}”"
            for r in self.rows
            if r.action is Action.RENAME
        ]


@dataclass(frozen=True)
class ImportResult:
    added: int
    updated: int
    unchanged: int
    skipped: int


def _text(value: object) -> str:
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, dt.datetime | dt.date):
        return PartialDate.of(value if isinstance(value, dt.date) else value.date()).display()
    return str(value).strip()


def draft_from_cells(
    values: Mapping[str, object], labels: Mapping[str, str], row: int, today: dt.date
) -> tuple[MemberDraft | None, list[Problem]]:
    """One sheet row → a draft and every problem with it, named by the sheet's own header."""
    problems: list[Problem] = []

    def problem(key: str, message: str, severity: Severity = Severity.ERROR) -> None:
        problems.append(Problem(labels.get(key, key), message, severity, row))

    data: dict[str, object] = {k: _text(values[k]) for k in _TEXT_FIELDS if k in values}
    data.setdefault("name", "")

    for key in _DATE_FIELDS:
        if key in values:
            try:
                data[key] = parse_partial_date(values[key])
            except DateFormatError as exc:
                problem(key, str(exc))

    if "gender" in values:
        gender = _text(values["gender"])
        if gender in _GENDER_WORDS:
            data["gender"] = _GENDER_WORDS[gender]
        else:
            problem("gender", f"应为“男”或“女”，现为“{gender}”")

    if "id_number" in values:
        raw = values["id_number"]
        if isinstance(raw, float):
            problem("id_number", "被 Excel 存成了数字，末几位可能已经丢失；请把该列设为“文本”后重新填写")
        else:
            data["id_number"] = normalise_id_number(_text(raw))

    if "phone" in values:
        data["phone"] = _text(values["phone"])

    status: Status | None = None
    for key in ("status", "category"):  # either column may hold either meaning
        if key not in values:
            continue
        word = _text(values[key]).replace(" ", "")
        if word in _STATUS_WORDS:
            status = _STATUS_WORDS[word]
        else:
            try:
                data["category"] = parse_category(word)
            except ValueError as exc:
                problem(key, str(exc))

    if "post" in values:
        try:
            posts = parse_posts(_text(values["post"]))
        except ValueError as exc:
            problem("post", str(exc))
        else:
            data["post"] = posts[0] if posts else None
            data["other_posts"] = posts[1:]

    if "in_branch_from" in values:
        try:
            came = parse_partial_date(values["in_branch_from"])
        except DateFormatError as exc:
            problem("in_branch_from", str(exc))
        else:
            if came is not None and not came.is_full:
                problem("in_branch_from", f"“{came.display()}”须写到日，如 {came.earliest():%Y.%m.%d}")
            elif came is not None:
                data["in_branch_from"] = came.earliest()

    if "mobile" in values:
        word = _text(values["mobile"])
        if word in _YES:
            data["is_mobile"] = True
        elif word not in _NO:
            data["is_mobile"], data["mobile_to"] = True, word

    if status is None:
        joined = data.get("joined_on")
        if data.get("full_on") or not isinstance(joined, PartialDate):
            status = Status.FULL
        else:
            status = Status.PROBATIONARY if add_years(joined.earliest(), 1) > today else Status.FULL
            if status is Status.FULL:
                problem("full_on", "未填转正日期，按正式党员记录（转正日期记为不详）", Severity.WARNING)
    data["status"] = status

    draft = complete_from_id(MemberDraft(**data))  # type: ignore[arg-type]
    field_labels = dict(labels)
    for p in check_member(draft, today, probation_years(day=today)):
        key = _KEY_BY_LABEL.get(p.field)
        problems.append(replace(p, field=field_labels.get(key, p.field) if key else p.field, row=row))
    if any(p.severity is Severity.ERROR for p in problems):
        return None, problems
    return draft, problems


def _paid_through(
    values: Mapping[str, object], labels: Mapping[str, str], row: int
) -> tuple[str | None, list[Problem]]:
    if "dues_paid_through" not in values:
        return None, []
    label = labels.get("dues_paid_through", "党费交至")
    try:
        month = parse_partial_date(values["dues_paid_through"])
    except DateFormatError as exc:
        return None, [Problem(label, str(exc), Severity.ERROR, row)]
    if month is None:
        return None, []
    if month.month is None:
        return None, [Problem(label, f"“{month.display()}”须写到月，如 {month.year}.06", Severity.ERROR, row)]
    return f"{month.year:04d}-{month.month:02d}", []


def plan_roster_import(
    ws: Workspace, path: Path, today: dt.date | None = None, in_branch_from: dt.date | None = None
) -> ImportPlan:
    """Read and check the whole sheet against the workspace; writes nothing. Members new to the branch came
    in on the sheet's 进入本支部日期, else on `in_branch_from` (default: today), never on their 入党日期."""
    today = today or dt.date.today()
    in_branch_from = in_branch_from or today
    if in_branch_from > today:
        raise UserError(f"进入本支部日期 {in_branch_from:%Y-%m-%d} 晚于今天")
    try:
        sheet: RosterSheet = read_roster_sheet(Path(path))
    except SheetError as exc:
        raise UserError(str(exc)) from exc
    current = load_roster(ws, today, include_former=True)
    with ws.read() as conn:
        head = head_hash(conn)
        known_groups = set(group_uuids(conn))
    by_id = {v.draft.id_number: v for v in current if v.draft.id_number}
    seen: dict[str, int] = {}
    planned: list[PlannedRow] = []
    new_groups: list[str] = []
    for sheet_row in sheet.rows:
        name = _text(sheet_row.values.get("name", ""))
        draft, problems = draft_from_cells(sheet_row.values, sheet.columns, sheet_row.row, today)
        paid_through, dues_problems = _paid_through(sheet_row.values, sheet.columns, sheet_row.row)
        problems += dues_problems
        if dues_problems:
            draft = None
        if sheet_row.row in sheet.hidden_rows:
            problems.append(
                Problem(
                    "整行",
                    "该行在 Excel 中被隐藏，也一并导入；如不应导入请删除该行",
                    Severity.WARNING,
                    sheet_row.row,
                )
            )
        if draft is not None and draft.id_number in seen:
            problems.append(
                Problem(
                    sheet.columns.get("id_number", "身份证号"),
                    f"与第{seen[draft.id_number]}行重复",
                    Severity.ERROR,
                    sheet_row.row,
                )
            )
            draft = None
        if draft is None:
            planned.append(PlannedRow(sheet_row.row, name, None, problems, Action.INVALID))
            continue
        seen[draft.id_number] = sheet_row.row
        if draft.group and draft.group not in known_groups and draft.group not in new_groups:
            new_groups.append(draft.group)
        existing = by_id.get(draft.id_number)
        if existing is None:
            if draft.in_branch_from is None:
                draft = replace(draft, in_branch_from=in_branch_from)
            planned.append(
                PlannedRow(sheet_row.row, name, draft, problems, Action.NEW, dues_paid_through=paid_through)
            )
            continue
        if draft.in_branch_from is None:  # a blank cell does not move the day they came
            draft = replace(draft, in_branch_from=existing.draft.in_branch_from)
        if "post" not in sheet.columns:
            draft = replace(draft, post=existing.draft.post, other_posts=existing.draft.other_posts)
        changes = draft_changes(existing.draft, draft)
        action = Action.UPDATE if changes else Action.UNCHANGED
        if existing.draft.name != draft.name:
            action = Action.RENAME
        planned.append(
            PlannedRow(
                sheet_row.row,
                name,
                draft,
                problems,
                action,
                existing.uuid,
                changes,
                paid_through,
                existing.draft.name,
            )
        )
    listed = {r.draft.id_number for r in planned if r.draft}
    not_in_sheet = [v.name for v in current if v.standing.in_branch and v.draft.id_number not in listed]
    return ImportPlan(
        Path(path),
        sheet.sheet_name,
        sheet.header_row,
        sheet.columns,
        sheet.ignored_headers,
        planned,
        head,
        not_in_sheet,
        new_groups,
        in_branch_from,
        _sheet_warnings(sheet),
    )


def _sheet_warnings(sheet: RosterSheet) -> list[str]:
    if not sheet.after_gap:
        return []
    first, count = sheet.after_gap[0], len(sheet.after_gap)
    return [
        f"第{first}行起有 {count} 行数据在两个以上空行之下，没有导入；"
        "如果它们也是本支部党员，请删去中间的空行后重新导入"
    ]


def apply_roster_import(
    ws: Workspace,
    plan: ImportPlan,
    *,
    skip_invalid: bool = False,
    confirm_renames: bool = False,
    actor: str = "书记",
) -> ImportResult:
    """Write the plan in one transaction, or refuse and write nothing. A row that would rename a member
    (same ID number, other name) is written only when the renames were confirmed."""
    if not plan.clean and not skip_invalid:
        raise UserError(
            f"表中有 {plan.count(Action.INVALID)} 行有错误，未导入任何数据。"
            "请改正后重新导入，或选择“跳过有错误的行”。"
        )
    if plan.renames() and not confirm_renames:
        raise UserError(
            "以下行的身份证号与已有党员相同，但姓名不同，未导入任何数据：\n"
            + "\n".join(plan.renames())
            + "\n如确属改名，请确认改名后再导入（命令行加 --confirm-renames）；否则请核对身份证号。"
        )
    with ws.write(actor) as writer:
        if head_hash(writer.conn) != plan.head:
            raise UserError("预览之后工作区的数据又有变化，请重新预览后再导入。")
        groups = group_uuids(writer.conn)
        new_rows = [r for r in plan.rows if r.action is Action.NEW and r.draft]
        uuids = write_new_members(writer, [r.draft for r in new_rows if r.draft], groups)
        openings = {u: r.dues_paid_through for u, r in zip(uuids, new_rows, strict=True)}
        for r in plan.rows:
            if r.action in (Action.UPDATE, Action.RENAME) and r.draft and r.existing_uuid:
                write_member_update(writer, r.existing_uuid, r.draft, groups)
            if r.existing_uuid and r.action is not Action.INVALID:
                openings[r.existing_uuid] = r.dues_paid_through
        for member_uuid, paid_through in openings.items():
            if paid_through is not None:
                write_opening(writer, member_uuid, paid_through, replace_existing=False)
    return ImportResult(
        plan.count(Action.NEW),
        plan.count(Action.UPDATE) + plan.count(Action.RENAME),
        plan.count(Action.UNCHANGED),
        plan.count(Action.INVALID),
    )
