"""Members: what a secretary enters about each, and the checks on it (events and timelines: membership.py)."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, replace
from enum import StrEnum

from app.domain.id_number import IdNumberError, parse_id_number
from app.domain.membership import EVENT_LABELS as EVENT_LABELS
from app.domain.membership import (
    FULL_ON_UNKNOWN,
    MembershipEvent,
    Status,
    add_months,
    add_years,
)
from app.domain.membership import STATUS_LABELS as STATUS_LABELS
from app.domain.membership import EventKind as EventKind
from app.domain.partial_date import PartialDate
from app.domain.problems import Problem, Severity


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


_POST_SEPARATORS = re.compile(r"[、，,；;/／\s]+")


def parse_posts(text: str) -> tuple[Post, ...]:
    """「书记、委员」 → both posts, in the order written; () for none."""
    out: list[Post] = []
    for part in _POST_SEPARATORS.split(text.strip()):
        post = parse_post(part)
        if post is not None and post not in out:
            out.append(post)
    return tuple(out)


def posts_text(posts: Sequence[Post]) -> str:
    return "、".join(p.value for p in posts)


def on_committee(posts: Sequence[Post]) -> bool:
    return any(p in COMMITTEE_POSTS for p in posts)


MAX_NAME_LENGTH = 40


def name_problem(name: str) -> str | None:
    """Why a name cannot be stored as written: control or direction characters, or a runaway length."""
    if not name.strip():
        return "不能为空"
    hidden = [c for c in name if unicodedata.category(c) in ("Cc", "Cf")]
    if hidden:
        return f"含有不可见的控制字符（U+{ord(hidden[0]):04X}），请重新输入"
    if len(name) > MAX_NAME_LENGTH:
        return f"长度为 {len(name)} 个字，超过 {MAX_NAME_LENGTH} 个字"
    return None


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
    other_posts: tuple[Post, ...] = ()  # 兼任: 「书记、委员」 keeps both
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
    in_branch_from: dt.date | None = None  # 进入本支部日期; None or ≤ 入党 = admitted here

    @property
    def posts(self) -> tuple[Post, ...]:
        return ((self.post,) if self.post else ()) + tuple(p for p in self.other_posts if p != self.post)

    @property
    def admitted_here(self) -> bool:
        if self.in_branch_from is None:
            return True
        return self.joined_on is not None and self.in_branch_from <= self.joined_on.earliest()


def with_posts(draft: MemberDraft, posts: Sequence[Post]) -> MemberDraft:
    return replace(draft, post=posts[0] if posts else None, other_posts=tuple(posts[1:]))


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
    "in_branch_from": "进入本支部日期",
    "other_posts": "兼任职务",
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
    """The admission, full-membership and coming-in events a draft stands for."""
    elsewhere = not draft.admitted_here
    events = [MembershipEvent(EventKind.ADMITTED, draft.joined_on, elsewhere)]
    if draft.status is Status.FULL:
        events.append(MembershipEvent(EventKind.FULL, draft.full_on, elsewhere))
    if elsewhere and draft.in_branch_from is not None:
        events.append(MembershipEvent(EventKind.TRANSFER_IN, PartialDate.of(draft.in_branch_from)))
    return events


def check_member(
    facts: MemberDraft, today: dt.date, probation_years: int = 1, extension_months: int = 0
) -> list[Problem]:
    """Everything wrong or odd about one member's data; errors refuse, warnings inform."""
    problems: list[Problem] = []

    def error(fieldname: str, message: str) -> None:
        problems.append(Problem(fieldname, message, Severity.ERROR))

    def warn(fieldname: str, message: str) -> None:
        problems.append(Problem(fieldname, message, Severity.WARNING))

    bad_name = name_problem(facts.name)
    if bad_name:
        error("姓名", bad_name)
    if facts.in_branch_from is not None and facts.in_branch_from > today:
        error("进入本支部日期", f"{facts.in_branch_from:%Y.%m.%d} 晚于今天")
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
        warn("转正日期", f"正式党员未填转正日期，记为{FULL_ON_UNKNOWN}（按入党满预备期时转正计算表决权）")
    if facts.status is Status.PROBATIONARY and facts.full_on is not None:
        error("转正日期", "预备党员不应有转正日期")
    if facts.status is Status.PROBATIONARY and facts.joined_on and facts.joined_on.is_full:
        due = add_months(add_years(facts.joined_on.earliest(), probation_years), extension_months)
        if due < today:
            warn("人员类别", f"预备期已于 {due:%Y.%m.%d} 届满，尚未转正")
    return problems
