"""Members, their dated membership events, and who was a member on a given day."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from enum import StrEnum

from app.domain.id_number import IdNumberError, parse_id_number
from app.domain.partial_date import PartialDate
from app.domain.problems import Problem, Severity


class Status(StrEnum):
    PROBATIONARY = "probationary"
    FULL = "full"


STATUS_LABELS = {Status.PROBATIONARY: "预备党员", Status.FULL: "正式党员"}


class Category(StrEnum):
    EMPLOYED = "employed"
    RETIRED = "retired"
    ANNUAL_SALARY = "annual_salary"
    SELF_EMPLOYED = "self_employed"
    FARMER = "farmer"
    STUDENT = "student"
    UNEMPLOYED = "unemployed"
    LOW_INCOME = "low_income"


CATEGORY_LABELS = {
    Category.EMPLOYED: "在职",
    Category.RETIRED: "离退休",
    Category.ANNUAL_SALARY: "年薪制",
    Category.SELF_EMPLOYED: "个体及灵活就业",
    Category.FARMER: "农民",
    Category.STUDENT: "学生",
    Category.UNEMPLOYED: "下岗失业",
    Category.LOW_INCOME: "低保及困难",
}

# Words found in real rosters for each category, matched after the exact labels.
CATEGORY_SYNONYMS = {
    Category.EMPLOYED: ("在职", "在岗", "职工", "在职职工", "在职党员", "干部", "工人"),
    Category.RETIRED: ("离退休", "退休", "离休", "退休职工", "离退休党员", "退休党员"),
    Category.ANNUAL_SALARY: ("年薪制", "年薪"),
    Category.SELF_EMPLOYED: ("个体及灵活就业", "个体", "个体户", "个体经营", "灵活就业", "自由职业"),
    Category.FARMER: ("农民", "农民党员", "务农"),
    Category.STUDENT: ("学生", "学生党员", "在校学生"),
    Category.UNEMPLOYED: ("下岗失业", "下岗", "失业", "待业", "无业"),
    Category.LOW_INCOME: ("低保及困难", "低保", "困难", "救济", "抚恤"),
}


class Post(StrEnum):
    SECRETARY = "书记"
    DEPUTY_SECRETARY = "副书记"
    ORGANISATION = "组织委员"
    PROPAGANDA = "宣传委员"
    DISCIPLINE = "纪检委员"
    COMMITTEE_MEMBER = "委员"
    GROUP_LEADER = "党小组长"


COMMITTEE_POSTS = (
    Post.SECRETARY,
    Post.DEPUTY_SECRETARY,
    Post.ORGANISATION,
    Post.PROPAGANDA,
    Post.DISCIPLINE,
    Post.COMMITTEE_MEMBER,
)

# Longest first, so 副书记 is not read as 书记.
_POST_WORDS = (
    ("党小组组长", Post.GROUP_LEADER),
    ("党小组长", Post.GROUP_LEADER),
    ("小组长", Post.GROUP_LEADER),
    ("组长", Post.GROUP_LEADER),
    ("副书记", Post.DEPUTY_SECRETARY),
    ("书记", Post.SECRETARY),
    ("组织委员", Post.ORGANISATION),
    ("宣传委员", Post.PROPAGANDA),
    ("纪检委员", Post.DISCIPLINE),
    ("纪律检查委员", Post.DISCIPLINE),
    ("委员", Post.COMMITTEE_MEMBER),
)

NO_POST_WORDS = {"", "无", "党员", "普通党员", "-", "—", "/"}


def parse_post(text: str) -> Post | None:
    """党内职务 as written (党支部书记, 支部副书记, 党小组组长 …) → Post; None for none."""
    text = text.replace(" ", "")
    if text in NO_POST_WORDS:
        return None
    for word, post in _POST_WORDS:
        if text.endswith(word) or text == word:
            return post
    raise ValueError(
        f"“{text}”不是可识别的党内职务（书记、副书记、组织委员、宣传委员、纪检委员、委员、党小组长）"
    )


def parse_category(text: str) -> Category:
    text = text.replace(" ", "")
    for category, label in CATEGORY_LABELS.items():
        if text == label or text == category.value:
            return category
    for category, words in CATEGORY_SYNONYMS.items():
        if text in words:
            return category
    labels = "、".join(CATEGORY_LABELS.values())
    raise ValueError(f"“{text}”不是可识别的人员类别（{labels}）")


class EventKind(StrEnum):
    ADMITTED = "admitted"  # 支部大会 passed as probationary member
    FULL = "full"
    EXTENDED = "extended"  # 延长预备期
    TRANSFER_IN = "transfer_in"
    TRANSFER_OUT = "transfer_out"
    SUSPENDED = "suspended"  # 停止党籍
    RESTORED = "restored"  # 恢复党籍
    DISQUALIFIED = "disqualified"  # 取消预备党员资格
    LEFT = "left"  # 出党、退党、除名
    DIED = "died"


EVENT_LABELS = {
    EventKind.ADMITTED: "入党（接收为预备党员）",
    EventKind.FULL: "转为正式党员",
    EventKind.EXTENDED: "延长预备期",
    EventKind.TRANSFER_IN: "组织关系转入",
    EventKind.TRANSFER_OUT: "组织关系转出",
    EventKind.SUSPENDED: "停止党籍",
    EventKind.RESTORED: "恢复党籍",
    EventKind.DISQUALIFIED: "取消预备党员资格",
    EventKind.LEFT: "出党",
    EventKind.DIED: "去世",
}

_EVENT_ORDER = {kind: index for index, kind in enumerate(EventKind)}
_ENTRIES = {EventKind.TRANSFER_IN, EventKind.RESTORED}
_EXITS = {
    EventKind.TRANSFER_OUT,
    EventKind.SUSPENDED,
    EventKind.DISQUALIFIED,
    EventKind.LEFT,
    EventKind.DIED,
}


@dataclass(frozen=True)
class MembershipEvent:
    kind: EventKind
    on: PartialDate | None  # None = date unknown (不详)
    elsewhere: bool = False  # admitted or made full by another branch, before a transfer in
    note: str = ""

    def happened_by(self, day: dt.date) -> bool:
        # An unknown date means "before our records begin"; a year-month counts from its first day.
        return self.on is None or self.on.earliest() <= day

    def sort_key(self) -> tuple[dt.date, int]:
        return (self.on.earliest() if self.on else dt.date.min, _EVENT_ORDER[self.kind])


@dataclass(frozen=True)
class Standing:
    """A member's place in the branch on one day."""

    in_branch: bool
    status: Status | None


def sort_events(events: Iterable[MembershipEvent]) -> tuple[MembershipEvent, ...]:
    return tuple(sorted(events, key=MembershipEvent.sort_key))


def standing_on(events: Iterable[MembershipEvent], day: dt.date, *, presorted: bool = False) -> Standing:
    """Replay the member's events up to and including `day` (pass presorted=True for sort_events output)."""
    in_branch = False
    status: Status | None = None
    for event in events if presorted else sort_events(events):
        if not event.happened_by(day):
            break
        if event.kind is EventKind.ADMITTED:
            status = Status.PROBATIONARY
            in_branch = in_branch or not event.elsewhere
        elif event.kind is EventKind.FULL:
            status = Status.FULL
            in_branch = in_branch or not event.elsewhere
        elif event.kind in _ENTRIES:
            in_branch = True
        elif event.kind in _EXITS:
            in_branch = False
    return Standing(in_branch and status is not None, status if in_branch else None)


def first_event(events: Sequence[MembershipEvent], kind: EventKind) -> MembershipEvent | None:
    matching = [e for e in events if e.kind is kind]
    return min(matching, key=MembershipEvent.sort_key) if matching else None


def add_years(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def _same_at_common_precision(a: PartialDate, b: PartialDate) -> bool:
    if a.year != b.year:
        return False
    if a.month is None or b.month is None:
        return True
    if a.month != b.month:
        return False
    return a.day is None or b.day is None or a.day == b.day


@dataclass
class MemberDraft:
    """Everything a secretary enters about a member; the form, the sheet row and the store agree on it."""

    name: str
    gender: str = ""
    ethnicity: str = ""
    birth_date: PartialDate | None = None
    id_number: str = ""
    education: str = ""
    native_place: str = ""
    work_start: PartialDate | None = None
    job: str = ""
    post: Post | None = None
    category: Category | None = None
    phone: str = ""
    group: str = ""  # party group name; "" = none
    team: str = ""
    is_mobile: bool = False
    mobile_to: str = ""
    note: str = ""
    status: Status = Status.FULL
    joined_on: PartialDate | None = None
    full_on: PartialDate | None = None


# Chinese labels of the draft fields, for messages and change reports.
FIELD_LABELS = {
    "name": "姓名",
    "gender": "性别",
    "ethnicity": "民族",
    "birth_date": "出生日期",
    "id_number": "身份证号",
    "education": "学历",
    "native_place": "籍贯",
    "work_start": "参加工作日期",
    "job": "工作岗位",
    "post": "党内职务",
    "category": "党员类别",
    "phone": "联系电话",
    "group": "党小组",
    "team": "班组",
    "is_mobile": "流动党员",
    "mobile_to": "外出流向",
    "note": "备注",
    "status": "人员类别",
    "joined_on": "入党日期",
    "full_on": "转正日期",
}


def complete_from_id(draft: MemberDraft) -> MemberDraft:
    """Fill an empty gender or birth date from a valid ID number; normalise the ID's form."""
    if not draft.id_number:
        return draft
    try:
        parsed = parse_id_number(draft.id_number)
    except IdNumberError:
        return draft
    return replace(
        draft,
        id_number=parsed.value,
        gender=draft.gender or parsed.gender,
        birth_date=draft.birth_date or PartialDate.of(parsed.birth_date),
    )


def draft_events(draft: MemberDraft) -> list[MembershipEvent]:
    """The admission and full-membership events a draft stands for."""
    events = [MembershipEvent(EventKind.ADMITTED, draft.joined_on)]
    if draft.status is Status.FULL:
        events.append(MembershipEvent(EventKind.FULL, draft.full_on))
    return events


def check_member(facts: MemberDraft, today: dt.date, probation_years: int = 1) -> list[Problem]:
    """Everything wrong or odd about one member's data; errors refuse, warnings inform."""
    problems: list[Problem] = []

    def error(fieldname: str, message: str) -> None:
        problems.append(Problem(fieldname, message, Severity.ERROR))

    def warn(fieldname: str, message: str) -> None:
        problems.append(Problem(fieldname, message, Severity.WARNING))

    if not facts.name.strip():
        error("姓名", "不能为空")
    if facts.gender and facts.gender not in ("男", "女"):
        error("性别", f"应为“男”或“女”，现为“{facts.gender}”")

    if not facts.id_number:
        error("身份证号", "不能为空（再次导入时以身份证号识别党员）")
    else:
        try:
            parsed = parse_id_number(facts.id_number)
        except IdNumberError as exc:
            error("身份证号", str(exc))
        else:
            if facts.gender in ("男", "女") and facts.gender != parsed.gender:
                error("性别", f"与身份证号不符（身份证号显示为{parsed.gender}）")
            if facts.birth_date and not _same_at_common_precision(
                facts.birth_date, PartialDate.of(parsed.birth_date)
            ):
                error(
                    "出生日期",
                    f"{facts.birth_date.display()} 与身份证号中的 {parsed.birth_date:%Y.%m.%d} 不符",
                )

    dated = [
        ("出生日期", facts.birth_date),
        ("参加工作日期", facts.work_start),
        ("入党日期", facts.joined_on),
        ("转正日期", facts.full_on),
    ]
    for label, value in dated:
        if value and value.earliest() > today:
            error(label, f"{value.display()} 晚于今天")

    if facts.birth_date and facts.joined_on:
        if facts.joined_on.earliest() <= facts.birth_date.earliest():
            error("入党日期", "早于出生日期")
        elif facts.joined_on.earliest() < add_years(facts.birth_date.earliest(), 18):
            warn("入党日期", "入党时未满18周岁，请核对")
    if facts.birth_date and facts.work_start and facts.work_start.earliest() <= facts.birth_date.earliest():
        error("参加工作日期", "早于出生日期")

    if facts.full_on and facts.joined_on:
        if facts.full_on.earliest() < facts.joined_on.earliest() or (
            facts.full_on.year == facts.joined_on.year
            and facts.full_on.month is not None
            and facts.joined_on.month is not None
            and facts.full_on.month < facts.joined_on.month
        ):
            error("转正日期", "早于入党日期")
        else:
            expected = add_years(facts.joined_on.earliest(), probation_years)
            if not _same_at_common_precision(facts.full_on, PartialDate.of(expected)):
                warn(
                    "转正日期",
                    f"不是入党满{probation_years}年（应为 {PartialDate.of(expected).display()} 前后）；"
                    "如预备期延长可忽略",
                )
    if facts.status is Status.FULL and facts.full_on is None and facts.joined_on is not None:
        warn("转正日期", "正式党员未填转正日期，记为不详")
    if facts.status is Status.PROBATIONARY and facts.full_on is not None:
        error("转正日期", "预备党员不应有转正日期")
    if facts.status is Status.PROBATIONARY and facts.joined_on and facts.joined_on.is_full:
        due = add_years(facts.joined_on.earliest(), probation_years)
        if due < today:
            warn("人员类别", f"预备期已于 {due:%Y.%m.%d} 届满，尚未转正")
    return problems
