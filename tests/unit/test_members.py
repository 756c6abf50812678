import datetime as dt

import pytest

from app.domain.members import (
    Category,
    MemberDraft,
    Post,
    check_member,
    complete_from_id,
    parse_category,
    parse_post,
)
from app.domain.membership import EventKind, MembershipEvent, Status, standing_on, timeline
from app.domain.partial_date import PartialDate
from app.domain.problems import Severity
from tests.fixtures.people import make_id

TODAY = dt.date(2026, 11, 21)


def stand(events, day):  # type: ignore[no-untyped-def]
    return standing_on(timeline(events, 1), day)


def draft(**kw: object) -> MemberDraft:
    birth = dt.date(1980, 5, 17)
    base = dict(
        name="张三",
        gender="男",
        birth_date=PartialDate.of(birth),
        id_number=make_id(birth, "男"),
        joined_on=PartialDate(2005, 7, 1),
        full_on=PartialDate(2006, 7, 1),
        status=Status.FULL,
    )
    base.update(kw)
    return MemberDraft(**base)  # type: ignore[arg-type]


def errors(d: MemberDraft) -> dict[str, str]:
    return {p.field: p.message for p in check_member(d, TODAY) if p.severity is Severity.ERROR}


def warnings(d: MemberDraft) -> dict[str, str]:
    return {p.field: p.message for p in check_member(d, TODAY) if p.severity is Severity.WARNING}


def test_clean_member_has_no_problems() -> None:
    assert check_member(draft(), TODAY) == []


def test_gender_must_agree_with_id_number() -> None:
    assert "性别" in errors(draft(gender="女"))


def test_birth_date_must_agree_with_id_number_at_its_precision() -> None:
    assert "出生日期" in errors(draft(birth_date=PartialDate(1980, 6, 17)))
    assert errors(draft(birth_date=PartialDate(1980, 5))) == {}  # year-month that agrees
    assert "出生日期" in errors(draft(birth_date=PartialDate(1981, 5)))


def test_full_date_one_year_after_probation_else_warning() -> None:
    assert warnings(draft()) == {}
    assert "转正日期" in warnings(draft(full_on=PartialDate(2007, 1, 1)))  # extended: warn only
    assert "转正日期" not in errors(draft(full_on=PartialDate(2007, 1, 1)))
    assert warnings(draft(joined_on=PartialDate(2005, 7), full_on=PartialDate(2006, 7))) == {}


def test_dates_in_order() -> None:
    assert "转正日期" in errors(draft(full_on=PartialDate(2005, 1, 1)))
    assert "入党日期" in errors(draft(joined_on=PartialDate(1979, 1, 1), full_on=None))
    assert "参加工作日期" in errors(draft(work_start=PartialDate(1970)))
    assert "入党日期" in errors(draft(joined_on=PartialDate(2030, 1, 1), full_on=None))  # future


def test_unknown_dates_are_allowed() -> None:
    assert errors(draft(joined_on=None, full_on=None)) == {}


def test_probationary_member_must_not_have_full_date() -> None:
    assert "转正日期" in errors(draft(status=Status.PROBATIONARY))


def test_probation_overdue_is_a_warning() -> None:
    d = draft(status=Status.PROBATIONARY, joined_on=PartialDate(2024, 3, 1), full_on=None)
    assert "人员类别" in warnings(d)


def test_id_number_is_required_and_checked() -> None:
    assert "身份证号" in errors(draft(id_number=""))
    assert "身份证号" in errors(draft(id_number="110105198005171230"))


def test_complete_from_id_fills_gender_and_birth_and_upper_cases_x() -> None:
    number = "11010519491231002x"
    completed = complete_from_id(MemberDraft(name="李四", id_number=number))
    assert completed.gender == "女"
    assert completed.birth_date == PartialDate(1949, 12, 31)
    assert completed.id_number == "11010519491231002X"


@pytest.mark.parametrize(
    ("text", "post"),
    [
        ("党支部书记", Post.SECRETARY),
        ("支部副书记", Post.DEPUTY_SECRETARY),
        ("组织委员", Post.ORGANISATION),
        ("党小组组长", Post.GROUP_LEADER),
        ("纪检委员", Post.DISCIPLINE),
        ("委员", Post.COMMITTEE_MEMBER),
        ("无", None),
        ("", None),
    ],
)
def test_post_words(text: str, post: Post | None) -> None:
    assert parse_post(text) == post


def test_unknown_post_refused() -> None:
    with pytest.raises(ValueError, match="党内职务"):
        parse_post("厂长")


@pytest.mark.parametrize(
    ("text", "category"),
    [
        ("在职", Category.EMPLOYED),
        ("退休", Category.RETIRED),
        ("离退休", Category.RETIRED),
        ("年薪制", Category.ANNUAL_SALARY),
        ("农民", Category.FARMER),
        ("学生", Category.STUDENT),
        ("下岗失业", Category.UNEMPLOYED),
        ("低保", Category.LOW_INCOME),
        ("个体", Category.SELF_EMPLOYED),
        ("employed", Category.EMPLOYED),
    ],
)
def test_category_words(text: str, category: Category) -> None:
    assert parse_category(text) is category


def ev(kind: EventKind, on: PartialDate | None, elsewhere: bool = False) -> MembershipEvent:
    return MembershipEvent(kind, on, elsewhere)


def test_admitted_mid_period_is_probationary_from_that_day() -> None:
    events = [ev(EventKind.ADMITTED, PartialDate(2026, 4, 15))]
    assert not stand(events, dt.date(2026, 4, 14)).in_branch
    on_day = stand(events, dt.date(2026, 4, 15))
    assert on_day.in_branch and on_day.status is Status.PROBATIONARY


def test_becomes_full_on_the_full_date() -> None:
    events = [ev(EventKind.ADMITTED, PartialDate(2025, 4, 15)), ev(EventKind.FULL, PartialDate(2026, 4, 15))]
    assert stand(events, dt.date(2026, 4, 14)).status is Status.PROBATIONARY
    assert stand(events, dt.date(2026, 4, 15)).status is Status.FULL


def test_transfer_out_ends_membership_of_this_branch() -> None:
    events = [
        ev(EventKind.ADMITTED, None),
        ev(EventKind.FULL, None),
        ev(EventKind.TRANSFER_OUT, PartialDate(2026, 6, 30)),
    ]
    assert stand(events, dt.date(2026, 6, 29)).in_branch
    after = stand(events, dt.date(2026, 7, 1))
    assert not after.in_branch and after.status is None


def test_transfer_in_starts_membership_even_if_admitted_elsewhere_earlier() -> None:
    events = [
        ev(EventKind.ADMITTED, PartialDate(2010, 1, 1), elsewhere=True),
        ev(EventKind.FULL, PartialDate(2011, 1, 1), elsewhere=True),
        ev(EventKind.TRANSFER_IN, PartialDate(2026, 3, 1)),
    ]
    assert not stand(events, dt.date(2020, 1, 1)).in_branch
    assert stand(events, dt.date(2026, 3, 1)).status is Status.FULL


def test_died_and_suspended_and_restored() -> None:
    base = [ev(EventKind.ADMITTED, PartialDate(2000, 1, 1)), ev(EventKind.FULL, PartialDate(2001, 1, 1))]
    assert not stand([*base, ev(EventKind.DIED, PartialDate(2026, 1, 1))], TODAY).in_branch
    suspended = [*base, ev(EventKind.SUSPENDED, PartialDate(2024, 1, 1))]
    assert not stand(suspended, TODAY).in_branch
    restored = [*suspended, ev(EventKind.RESTORED, PartialDate(2025, 1, 1))]
    assert stand(restored, TODAY).in_branch


def test_year_month_event_counts_from_the_first_of_the_month() -> None:
    events = [ev(EventKind.ADMITTED, PartialDate(1985, 3))]
    assert not stand(events, dt.date(1985, 2, 28)).in_branch
    assert stand(events, dt.date(1985, 3, 1)).in_branch
