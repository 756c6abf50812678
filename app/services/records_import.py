"""`records import`: entries from a JSON file (shared/CLI.md), validated as a whole, written in one go."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from app.domain.entries import (
    Absence,
    AbsenceReason,
    EntryDraft,
    EntryType,
    Grade,
    Resolution,
    ResolutionKind,
)
from app.domain.entry_checks import check_entry
from app.domain.problems import Problem, Severity
from app.services.errors import UserError
from app.services.records import locked_periods, write_entries
from app.services.roster_on_day import MemberRefs, RosterSource
from app.storage import repositories as repo
from app.storage.workspace import Workspace

MAX_FILE_BYTES = 50 * 1024 * 1024


@dataclass(frozen=True)
class EntryProblem:
    index: int  # 1-based position in the file
    problem: Problem

    def __str__(self) -> str:
        kind = "错误" if self.problem.severity is Severity.ERROR else "提醒"
        return f"{kind}：第{self.index}条「{self.problem.field}」{self.problem.message}"


def _date(value: object) -> dt.date:
    if not isinstance(value, str):
        raise ValueError("日期应写成 YYYY-MM-DD")
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise ValueError(f"日期应写成 YYYY-MM-DD：{value}") from None


def _time(value: object) -> dt.time | None:
    if value in (None, ""):
        return None
    try:
        return dt.datetime.strptime(str(value), "%H:%M").time()
    except ValueError:
        raise ValueError(f"时间应写成 HH:MM：{value}") from None


def _count(value: object) -> int:
    if value is None:
        return 0
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ValueError(f"票数应为不小于 0 的整数：{value!r}")
    return value


def _text_list(value: object) -> tuple[str, ...]:
    if value is None:
        return ()
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ValueError("应为文字列表")
    return tuple(v.strip() for v in value if v.strip())


ENTRY_KEYS = (
    "type",
    "date",
    "start",
    "end",
    "title",
    "place",
    "host",
    "recorder",
    "group",
    "makeup_of",
    "topics",
    "agenda",
    "minutes",
    "summary",
    "absent",
    "nonvoting",
    "resolutions",
    "grades",
    "participants",
)
ABSENCE_KEYS = ("member", "reason", "text", "written_opinion")
RESOLUTION_KEYS = (
    "text",
    "yes",
    "no",
    "abstain",
    "written_yes",
    "written_no",
    "written_abstain",
    "kind",
    "candidate",
)


def _unknown_keys(item: dict[str, Any], known: tuple[str, ...], where: str, add: Any) -> None:
    """A misspelt key ("absence" for "absent") would silently drop data: refuse it by name."""
    for key in item:
        if key not in known:
            add(where, f"不认识的字段“{key}”（可用的字段：{'、'.join(known)}）")


def _parse_entry(item: object, refs: MemberRefs, add: Any) -> EntryDraft | None:
    if not isinstance(item, dict):
        add("整条", "应为一个对象 {…}")
        return None
    _unknown_keys(item, ENTRY_KEYS, "整条", add)
    fields: dict[str, Any] = {}

    def take(key: str, label: str, parse: Any) -> None:
        if key in item and item[key] is not None:
            try:
                fields[key] = parse(item[key])
            except ValueError as exc:
                add(label, str(exc))

    try:
        fields["type"] = EntryType(item.get("type"))
    except ValueError:
        add("type", f"类型无效：{item.get('type')!r}（可用：{', '.join(t.value for t in EntryType)}）")
        return None
    try:
        fields["date"] = _date(item.get("date"))
    except ValueError as exc:
        add("date", str(exc))
    take("start", "start", _time)
    take("end", "end", _time)
    for key in ("place", "host", "recorder", "minutes", "agenda", "summary", "title", "makeup_of"):
        if key in item and item[key] is not None:
            if isinstance(item[key], str):
                fields[key] = item[key].strip()
            else:
                add(key, "应为文字")
    take("topics", "topics", _text_list)
    take("nonvoting", "nonvoting", _text_list)

    if item.get("group") is not None:
        if item["group"] in refs.groups:
            fields["group_uuid"] = refs.groups[item["group"]]
        else:
            add("group", f"找不到党小组“{item['group']}”")

    absences = []
    for a in item.get("absent") or []:
        try:
            if not isinstance(a, dict):
                raise ValueError('每个缺席人员应写成 {"member": …, "reason": …}')
            _unknown_keys(a, ABSENCE_KEYS, "absent", add)
            reason = AbsenceReason(a.get("reason", ""))
        except ValueError as exc:
            message = (
                str(exc)
                if "member" in str(exc)
                else (f"缺席原因应为 {'、'.join(r.value for r in AbsenceReason)} 之一：{a.get('reason')!r}")
            )
            add("absent", message)
            continue
        try:
            absences.append(
                Absence(
                    refs.member(a.get("member")),
                    reason,
                    str(a.get("text", "")).strip(),
                    bool(a.get("written_opinion", False)),
                )
            )
        except ValueError as exc:
            add("absent", str(exc))
    fields["absences"] = tuple(absences)

    participants = []
    for ref in item.get("participants") or []:
        try:
            participants.append(refs.member(ref))
        except ValueError as exc:
            add("participants", str(exc))
    fields["participants"] = tuple(participants)

    grades = {}
    for ref, grade in (item.get("grades") or {}).items():
        try:
            grades[refs.member(ref)] = Grade(grade)
        except ValueError as exc:
            add(
                "grades",
                str(exc) if "党员" in str(exc) else f"等次应为 优秀、合格、基本合格、不合格 之一：{grade!r}",
            )
    fields["grades"] = grades

    resolutions = []
    for number, r in enumerate(item.get("resolutions") or [], start=1):
        label = f"resolutions[{number}]"
        if not isinstance(r, dict):
            add(label, "应为一个对象")
            continue
        _unknown_keys(r, RESOLUTION_KEYS, label, add)
        try:
            kind = ResolutionKind(r.get("kind", "general"))
        except ValueError:
            add(label, f"表决类型应为 {'、'.join(k.value for k in ResolutionKind)} 之一：{r.get('kind')!r}")
            continue
        try:
            candidate = refs.member(r["candidate"]) if r.get("candidate") else None
            recorded = any(k in r for k in ("yes", "no", "abstain"))
            resolutions.append(
                Resolution(
                    str(r.get("text", "")).strip(),
                    _count(r.get("yes")),
                    _count(r.get("no")),
                    _count(r.get("abstain")),
                    _count(r.get("written_yes")),
                    _count(r.get("written_no")),
                    _count(r.get("written_abstain")),
                    kind,
                    candidate,
                    recorded,
                )
            )
        except ValueError as exc:
            add(label, str(exc))
    fields["resolutions"] = tuple(resolutions)
    if "date" not in fields:
        return None
    return EntryDraft(**fields)


def read_entries_file(path: Path) -> list[object]:
    path = Path(path)
    if not path.is_file():
        raise UserError(f"找不到文件：{path}")
    if path.stat().st_size > MAX_FILE_BYTES:
        raise UserError(f"“{path.name}”超过 {MAX_FILE_BYTES // 1024 // 1024} MB，不像是记录文件")
    try:
        data = json.loads(path.read_text(encoding="utf-8-sig"))
    except UnicodeDecodeError:
        raise UserError(f"“{path.name}”不是 UTF-8 编码的文本文件") from None
    except json.JSONDecodeError as exc:
        # The parser's own words are English; the place is what a secretary needs.
        raise UserError(
            f"“{path.name}”第 {exc.lineno} 行第 {exc.colno} 列附近 JSON 格式有误"
            "（常见原因：缺少或多了逗号、引号、括号）"
        ) from None
    if not isinstance(data, list):
        raise UserError(f"“{path.name}”应为记录的列表 [ {{…}}, … ]")
    return data


def plan_records_import(
    ws: Workspace, items: list[object], today: dt.date | None = None
) -> tuple[list[EntryDraft], list[EntryProblem]]:
    today = today or dt.date.today()
    with ws.read() as conn:
        source = RosterSource.load(conn)
        existing = {r.uuid for r in repo.entry_rows(conn)}
    refs = MemberRefs(source)
    drafts: list[EntryDraft] = []
    problems: list[EntryProblem] = []
    for index, item in enumerate(items, start=1):

        def add(field: str, message: str, index: int = index) -> None:
            problems.append(EntryProblem(index, Problem(field, message)))

        draft = _parse_entry(item, refs, add)
        if draft is None:
            continue
        for p in check_entry(draft, source.on(draft.date), today):
            problems.append(EntryProblem(index, p))
        if draft.makeup_of and draft.makeup_of not in existing:
            add("makeup_of", f"找不到所补的会议记录 {draft.makeup_of}")
        drafts.append(draft)
    return drafts, problems


def import_records(
    ws: Workspace, path: Path, actor: str = "书记", today: dt.date | None = None
) -> tuple[list[str], list[EntryProblem]]:
    """All or nothing: returns the new uuids, or raises with every problem listed."""
    drafts, problems = plan_records_import(ws, read_entries_file(path), today)
    errors = [p for p in problems if p.problem.severity is Severity.ERROR]
    if errors:
        raise UserError(
            "记录未导入，共 {} 处错误：\n{}".format(len(errors), "\n".join(str(p) for p in errors))
        )
    with ws.write(actor) as writer:
        locks = locked_periods(writer.conn)
        for index, draft in enumerate(drafts, start=1):
            for period, _ in locks:
                if period.contains(draft.date):
                    raise UserError(f"第{index}条：{period.label()}已上报或归档，不能再补记，请用“更正”")
        uuids = write_entries(writer, drafts)
    return uuids, problems
