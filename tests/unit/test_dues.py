"""Dues rates from the rule files: every bound, every category, 1998/2008, rounding, bad amounts."""

import datetime as dt
from decimal import Decimal

import pytest

from app.domain.dues import (
    BaseEntry,
    Deductions,
    DuesError,
    Payment,
    PaymentKind,
    allocate,
    arrears,
    check_payment,
    money,
    monthly_dues,
)
from app.domain.members import Category
from app.domain.periods import month_index
from app.io.rules import load_rulebook

RULES = load_rulebook()
NOW = dt.date(2026, 11, 1)


def rate(category: Category, base: str | None, day: dt.date = NOW, fixed: str | None = None) -> Decimal:
    return monthly_dues(
        category, Decimal(base) if base else None, day, RULES, Decimal(fixed) if fixed else None
    ).monthly


@pytest.mark.parametrize(
    ("base", "monthly"),
    [
        ("4800", "48.00"),
        ("3000.00", "15.00"),
        ("3000.01", "30.00"),
        ("5000", "50.00"),
        ("5000.01", "75.00"),
        ("5100", "76.50"),
        ("4900", "49.00"),
        ("10000", "150.00"),
        ("10000.01", "200.00"),
        ("0", "0.00"),
        ("2999.99", "15.00"),
        ("1234.57", "6.17"),
    ],
)
def test_wage_bands_whole_base_inclusive_bounds(base: str, monthly: str) -> None:
    assert rate(Category.EMPLOYED, base) == Decimal(monthly)


@pytest.mark.parametrize(("base", "monthly"), [("5200", "52.00"), ("5000", "25.00"), ("5000.01", "50.00")])
def test_retired_bands(base: str, monthly: str) -> None:
    assert rate(Category.RETIRED, base) == Decimal(monthly)


def test_annual_salary_and_self_employed_use_the_wage_table() -> None:
    assert rate(Category.ANNUAL_SALARY, "12000") == Decimal("240.00")
    assert rate(Category.SELF_EMPLOYED, "3500") == Decimal("35.00")


@pytest.mark.parametrize("category", [Category.STUDENT, Category.UNEMPLOYED, Category.LOW_INCOME])
def test_fixed_twenty_fen(category: Category) -> None:
    assert rate(category, None) == Decimal("0.20")


def test_farmer_amount_is_entered_and_checked() -> None:
    assert rate(Category.FARMER, None, fixed="0.50") == Decimal("0.50")
    for bad in ("0.10", "1.01"):
        with pytest.raises(DuesError, match=r"0\.20–1\.00"):
            rate(Category.FARMER, None, fixed=bad)
    with pytest.raises(DuesError, match="须填写"):
        rate(Category.FARMER, None)


def test_1998_table_before_april_2008() -> None:
    assert rate(Category.EMPLOYED, "1000", dt.date(2008, 3, 1)) == Decimal("20.00")  # 2% band of 1998
    assert rate(Category.EMPLOYED, "1000", dt.date(2008, 4, 1)) == Decimal("5.00")  # 0.5% from 2008-04
    assert rate(Category.EMPLOYED, "1600", dt.date(2000, 1, 1)) == Decimal("48.00")  # 3% above 1500


@pytest.mark.parametrize("bad", ["-1", "abc", "12.345", "NaN", ""])
def test_bad_amounts_are_refused_with_a_message(bad: str) -> None:
    with pytest.raises(DuesError):
        money(bad)


def test_floats_never_become_money() -> None:
    with pytest.raises(DuesError, match="浮点"):
        money(48.0)


def test_deductions_policy_changes_the_base() -> None:
    entry = BaseEntry(
        month_index(2026, 1), Category.EMPLOYED, Decimal("6000"), Decimal("200"), Decimal("900")
    )
    assert entry.base(Deductions.TAX_ONLY) == Decimal("5800.00")
    assert entry.base(Deductions.TAX_AND_SOCIAL) == Decimal("4900.00")


def test_payment_allocation_and_over_payment() -> None:
    m = month_index(2026, 1)
    dues = {m: Decimal("48.00"), m + 1: Decimal("48.00"), m + 2: Decimal("48.00")}
    paid = allocate([Payment(dt.date(2026, 3, 1), (m, m + 1), Decimal("100.00"))], dues)
    assert paid == {m: Decimal("48.00"), m + 1: Decimal("52.00")}


def test_catch_up_over_six_months_warns_and_advancing_is_refused() -> None:
    months = tuple(month_index(2026, k) for k in range(1, 8))
    _, warnings = check_payment(Payment(dt.date(2026, 10, 1), months, Decimal("336.00")), RULES)
    assert any("补交 7 个月" in w for w in warnings)
    _, six = check_payment(Payment(dt.date(2026, 10, 1), months[:6], Decimal("288.00")), RULES)
    assert six == []
    errors, _ = check_payment(
        Payment(dt.date(2026, 10, 1), months[:1], Decimal("48"), method="单位垫交"), RULES
    )
    assert errors


def test_large_voluntary_payment_is_flagged() -> None:
    _, warnings = check_payment(Payment(NOW, (), Decimal("1000.00"), PaymentKind.VOLUNTARY), RULES)
    assert any("大额党费" in w for w in warnings)


def test_six_month_flag_at_six_not_five_and_never_the_month_in_progress() -> None:
    first = month_index(2026, 1)
    dues = {first + k: Decimal("48.00") for k in range(12)}
    five = arrears(dues, {first: Decimal("48.00")}, first, first + 6, 6)  # in July: Feb–Jun unpaid
    six = arrears(dues, {first: Decimal("48.00")}, first, first + 7, 6)  # in August: Feb–Jul unpaid
    assert (five.months_unpaid, five.flagged) == (5, False)
    assert (six.months_unpaid, six.flagged) == (6, True)
    assert six.paid_through_code() == "2026-01"


def test_paid_through_june_is_flagged_in_january_not_december() -> None:
    july = month_index(2025, 7)
    dues = {july + k: Decimal("48.00") for k in range(12)}
    december = arrears(dues, {}, july, month_index(2025, 12), 6, opening=month_index(2025, 6))
    january = arrears(dues, {}, july, month_index(2026, 1), 6, opening=month_index(2025, 6))
    assert (december.months_unpaid, december.flagged) == (5, False)
    assert (january.months_unpaid, january.flagged) == (6, True)
    assert january.paid_through_code() == "2025-06"


def test_opening_balance_settles_earlier_months() -> None:
    first = month_index(2024, 1)
    dues = {first + k: Decimal("48.00") for k in range(36)}
    state = arrears(dues, {}, first, month_index(2026, 3), 6, opening=month_index(2026, 1))
    assert (state.paid_through_code(), state.months_unpaid, state.flagged) == ("2026-01", 1, False)
