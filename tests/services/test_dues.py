import datetime as dt
from decimal import Decimal

import pytest

from app.domain.dues import AdjustmentKind, BaseTiming, Deductions, PaymentKind
from app.domain.members import Category, MemberDraft, Status
from app.domain.partial_date import PartialDate
from app.domain.periods import month_index, parse_month
from app.services.dues import (
    add_adjustment,
    add_base,
    dues_status,
    load_dues,
    record_payment,
    set_policy,
    year_summary,
)
from app.services.errors import ValidationFailed
from app.services.roster import add_member
from app.storage.journal import verify
from app.storage.workspace import Workspace
from tests.fixtures.people import make_id


def member(ws: Workspace, name: str, joined: PartialDate, status: Status = Status.FULL) -> str:
    return add_member(
        ws,
        MemberDraft(
            name=name,
            id_number=make_id(
                dt.date(1960 + sum(map(ord, name)) % 30, 3, 3), "男", serial=sum(map(ord, name)) % 90 + 10
            ),
            joined_on=joined,
            status=status,
            full_on=PartialDate(joined.year + 1, joined.month or 1, joined.day or 1)
            if status is Status.FULL
            else None,
        ),
    )


def dues_of(ws: Workspace, uuid: str, year: int = 2026) -> dict[str, Decimal]:
    book = load_dues(ws, month_index(year, 12))
    [m] = [m for m in book.members if m.uuid == uuid]
    return {f"{k // 12}-{k % 12 + 1:02d}": d.amount for k, d in m.dues.items() if k // 12 == year}


def test_mid_year_wage_change_under_both_policies(branch_ws: Workspace) -> None:
    uuid = member(branch_ws, "张三", PartialDate(2000, 1, 1))
    add_base(branch_ws, uuid, "2025-01", Category.EMPLOYED, gross="4800")
    add_base(branch_ws, uuid, "2026-07", Category.EMPLOYED, gross="5100")  # raise paid from July
    by_change = dues_of(branch_ws, uuid)
    assert by_change["2026-06"] == Decimal("48.00") and by_change["2026-07"] == Decimal("76.50")
    set_policy(branch_ws, BaseTiming.ANNUAL_LOCK, Deductions.TAX_ONLY)
    locked = dues_of(branch_ws, uuid)
    assert locked["2026-07"] == Decimal("48.00") and locked["2026-12"] == Decimal("48.00")
    assert dues_of(branch_ws, uuid, 2027)["2027-01"] == Decimal("76.50")


def test_deduction_policy_applies_to_the_stored_inputs(branch_ws: Workspace) -> None:
    uuid = member(branch_ws, "李四", PartialDate(2000, 1, 1))
    add_base(branch_ws, uuid, "2026-01", Category.EMPLOYED, gross="5600", income_tax="100", social="800")
    assert dues_of(branch_ws, uuid)["2026-01"] == Decimal("82.50")  # 5500 × 1.5%
    set_policy(branch_ws, BaseTiming.WAGE_CHANGE_MONTH, Deductions.TAX_AND_SOCIAL)
    assert dues_of(branch_ws, uuid)["2026-01"] == Decimal("47.00")  # 4700 × 1%


def test_probationary_member_owes_from_the_admission_month(branch_ws: Workspace) -> None:
    uuid = member(branch_ws, "王预备", PartialDate(2026, 3, 20), Status.PROBATIONARY)
    add_base(branch_ws, uuid, "2026-01", Category.EMPLOYED, gross="4000")
    owed = dues_of(branch_ws, uuid)
    assert "2026-02" not in owed and owed["2026-03"] == Decimal("40.00")


def test_payment_moves_paid_through_and_seven_month_catch_up_warns(branch_ws: Workspace) -> None:
    uuid = member(branch_ws, "赵五", PartialDate(2000, 1, 1))
    add_base(branch_ws, uuid, "2026-01", Category.EMPLOYED, gross="4800")
    at = parse_month("2026-10")
    assert dues_status(branch_ws, at)[0].paid_through is None
    _, warnings = record_payment(
        branch_ws,
        uuid,
        paid_on=dt.date(2026, 10, 15),
        months=[f"2026-{m:02d}" for m in range(1, 8)],
        amount="336.00",
        receipt="No.001",
    )
    assert any("补交 7 个月" in w for w in warnings)
    [status] = dues_status(branch_ws, at)
    assert status.paid_through == "2026-07" and status.months_unpaid == 2  # October is in progress


def test_six_months_unpaid_flag(branch_ws: Workspace) -> None:
    uuid = member(branch_ws, "钱六", PartialDate(2000, 1, 1))
    add_base(branch_ws, uuid, "2026-01", Category.RETIRED, gross="3000")
    assert dues_status(branch_ws, parse_month("2026-06"))[0].flags == ()  # June itself is in progress
    assert dues_status(branch_ws, parse_month("2026-07"))[0].flags == ("arrears_6_months",)


def test_exemption_with_approval_makes_nothing_due(branch_ws: Workspace) -> None:
    uuid = member(branch_ws, "孙七", PartialDate(2000, 1, 1))
    add_base(branch_ws, uuid, "2026-01", Category.EMPLOYED, gross="4800")
    add_adjustment(branch_ws, uuid, "2026-03", "2026-05", AdjustmentKind.EXEMPT, "某党委〔2026〕3号")
    owed = dues_of(branch_ws, uuid)
    assert owed["2026-03"] == Decimal("0.00") and owed["2026-06"] == Decimal("48.00")


def test_bad_inputs_are_refused_and_nothing_is_written(branch_ws: Workspace) -> None:
    uuid = member(branch_ws, "周八", PartialDate(2000, 1, 1))
    with branch_ws.read() as conn:
        before = conn.exec_driver_sql("SELECT count(*) FROM journal").scalar()
    for kwargs in ({"gross": "-5"}, {"gross": "abc"}, {"gross": "12.345"}):
        with pytest.raises(ValidationFailed):
            add_base(branch_ws, uuid, "2026-01", Category.EMPLOYED, **kwargs)
    with pytest.raises(ValidationFailed, match=r"0\.20"):
        add_base(branch_ws, uuid, "2026-01", Category.FARMER, fixed="1.20")
    with pytest.raises(ValidationFailed, match="垫交"):
        record_payment(
            branch_ws, uuid, paid_on=dt.date(2026, 1, 5), months=["2026-01"], amount="48", method="支部垫交"
        )
    with branch_ws.read() as conn:
        assert conn.exec_driver_sql("SELECT count(*) FROM journal").scalar() == before
        assert verify(conn).ok


def test_large_voluntary_dues_are_not_regular(branch_ws: Workspace) -> None:
    uuid = member(branch_ws, "吴九", PartialDate(2000, 1, 1))
    add_base(branch_ws, uuid, "2026-01", Category.EMPLOYED, gross="4800")
    _, warnings = record_payment(
        branch_ws, uuid, paid_on=dt.date(2026, 2, 1), months=[], amount="1000", kind=PaymentKind.VOLUNTARY
    )
    assert any("大额党费" in w for w in warnings)
    months, voluntary, large = year_summary(branch_ws, 2026)
    assert large == Decimal("1000.00") and voluntary == Decimal("0.00")
    assert sum(m.collected for m in months) == Decimal("0.00")
    assert months[0].due == Decimal("48.00")
    assert "large_voluntary" in dues_status(branch_ws, parse_month("2026-02"))[0].flags


def test_all_present_paid_this_month_in_one_action(branch_ws: Workspace) -> None:
    from app.services.dues import pay_all_present

    a = member(branch_ws, "甲一", PartialDate(2000, 1, 1))
    b = member(branch_ws, "乙二", PartialDate(2000, 1, 1))
    add_base(branch_ws, a, "2026-01", Category.EMPLOYED, gross="4800")
    add_base(branch_ws, b, "2026-01", Category.RETIRED, gross="5200")
    record_payment(branch_ws, a, paid_on=dt.date(2026, 3, 2), months=["2026-03"], amount="20")  # under-paid
    assert pay_all_present(branch_ws, "2026-03", paid_on=dt.date(2026, 3, 5), collector="组织委员") == 2
    book = load_dues(branch_ws, parse_month("2026-03"))
    march = parse_month("2026-03")
    assert {m.name: m.paid[march] for m in book.members} == {
        "甲一": Decimal("48.00"),
        "乙二": Decimal("52.00"),
    }
    assert pay_all_present(branch_ws, "2026-03", paid_on=dt.date(2026, 3, 6)) == 0


def test_base_history_shows_band_and_disclosure_has_no_salary(branch_ws: Workspace) -> None:
    from app.services.dues import base_history, disclosure

    uuid = member(branch_ws, "郑十", PartialDate(2000, 1, 1))
    add_base(branch_ws, uuid, "2026-01", Category.EMPLOYED, gross="4800")
    [record] = base_history(branch_ws, uuid)
    assert record.monthly == Decimal("48.00") and "1%" in record.band and "4800" not in record.band
    record_payment(branch_ws, uuid, paid_on=dt.date(2026, 2, 1), months=["2026-01", "2026-02"], amount="96")
    [row] = disclosure(branch_ws, 2026)
    assert (row.name, row.months_paid, row.regular) == ("郑十", 2, Decimal("96.00"))
    assert "4800" not in repr(row)


def test_check_and_dashboard_show_the_six_month_dues_flag(branch_ws: Workspace) -> None:
    from app.domain.periods import Period
    from app.services.compliance import check_period, dashboard

    uuid = member(branch_ws, "冯欠", PartialDate(2000, 1, 1))
    add_base(branch_ws, uuid, "2026-01", Category.EMPLOYED, gross="4800")
    today = dt.date(2026, 11, 21)
    may = [
        f for f in check_period(branch_ws, Period.parse("2026-05"), today) if f.rule == "dues.arrears_flag"
    ]
    june = [
        f for f in check_period(branch_ws, Period.parse("2026-06"), today) if f.rule == "dues.arrears_flag"
    ]
    assert may == [] and [f.subject for f in june] == ["冯欠"]
    assert "不会自动除名" in june[0].message
    assert [f.subject for f in dashboard(branch_ws, today).dues_flags] == ["冯欠"]


def test_a_second_base_for_the_same_month_corrects_the_first(branch_ws: Workspace) -> None:
    from app.services.dues import base_history

    uuid = member(branch_ws, "褚改", PartialDate(2000, 1, 1))
    first = add_base(branch_ws, uuid, "2026-01", Category.EMPLOYED, gross="4800")
    again = add_base(branch_ws, uuid, "2026-01", Category.EMPLOYED, gross="5100")
    assert first == again
    [record] = base_history(branch_ws, uuid)
    assert record.monthly == Decimal("76.50")
    with branch_ws.read() as conn:
        assert (
            conn.exec_driver_sql(
                "SELECT count(*) FROM journal WHERE entity='dues_base' AND op='update'"
            ).scalar()
            == 1
        )


def test_regular_payment_needs_a_base_and_remittance_takes_quarters(branch_ws: Workspace) -> None:
    from app.services.dues import add_remittance, load_dues

    uuid = member(branch_ws, "卫无", PartialDate(2000, 1, 1))
    with pytest.raises(ValidationFailed, match="尚未录入党费基数"):
        record_payment(branch_ws, uuid, paid_on=dt.date(2026, 1, 5), months=["2026-01"], amount="10")
    add_remittance(branch_ws, dt.date(2026, 4, 2), "1200.50", "2026q1")
    assert load_dues(branch_ws, parse_month("2026-04")).remittances[0][1:3] == (Decimal("1200.50"), "2026Q1")
