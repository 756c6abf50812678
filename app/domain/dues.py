"""Party dues: the monthly amount from the rules in force, what each member owes month by month, how payments
cover months, and arrears. Money is Decimal with two places throughout."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from enum import StrEnum

from app.domain.members import Category
from app.domain.periods import month_code, month_of
from app.domain.rulebook import RuleBook, RuleMissing

ZERO = Decimal("0.00")
CENT = Decimal("0.01")


class DuesError(ValueError):
    """Bad dues input; the message is for the user."""


class BaseTiming(StrEnum):
    WAGE_CHANGE_MONTH = "wage_change_month"  # 2008 规定 第十条 (default)
    ANNUAL_LOCK = "annual_lock"  # set at the start of the year, unchanged within it


class Deductions(StrEnum):
    TAX_ONLY = "tax_only"  # 税后 = minus personal income tax (default)
    TAX_AND_SOCIAL = "tax_and_social"  # also minus the personal 五险一金


TIMING_LABELS = {
    BaseTiming.WAGE_CHANGE_MONTH: "工资变动当月起按新基数（2008年规定第十条）",
    BaseTiming.ANNUAL_LOCK: "每年年初核定，年内不变",
}
DEDUCTION_LABELS = {
    Deductions.TAX_ONLY: "税后 = 扣除个人所得税",
    Deductions.TAX_AND_SOCIAL: "税后 = 扣除个人所得税和个人缴纳的五险一金",
}

WAGE_CATEGORIES = {Category.EMPLOYED, Category.ANNUAL_SALARY, Category.SELF_EMPLOYED}
FIXED_CATEGORIES = {Category.STUDENT, Category.UNEMPLOYED, Category.LOW_INCOME}


_PLAIN_AMOUNT = re.compile(r"-?[0-9]+(?:\.[0-9]+)?")


def money(value: object, field: str = "金额") -> Decimal:
    """Text or Decimal → Decimal with two places; refuses floats, text, NaN and negatives."""
    if isinstance(value, float):
        raise DuesError(f"{field}不能用浮点数表示，请用文字金额")
    if not isinstance(value, Decimal):
        text = str(value).strip().replace(",", "").replace("，", "")
        if not _PLAIN_AMOUNT.fullmatch(text):  # 1e4, 0x10, ٣ and the like are not amounts anyone writes
            raise DuesError(f"{field}“{value}”不是有效的金额（应写成 48 或 48.00 这样的数字）")
        value = text
    try:
        amount = Decimal(str(value))
    except (InvalidOperation, ValueError):
        raise DuesError(f"{field}“{value}”不是有效的金额") from None
    if not amount.is_finite():
        raise DuesError(f"{field}“{value}”不是有效的金额")
    if amount < 0:
        raise DuesError(f"{field}不能为负数：{value}")
    if amount != amount.quantize(CENT):
        raise DuesError(f"{field}最多精确到分：{value}")
    return amount.quantize(CENT)


def round_money(value: Decimal, rules: RuleBook, day: dt.date) -> Decimal:
    rule = rules.judging("dues.rounding", day)[0]
    mode = {"ROUND_HALF_UP": ROUND_HALF_UP}[rule["mode"]]
    return value.quantize(Decimal(rule["quantum"]), rounding=mode)


@dataclass(frozen=True)
class Rate:
    monthly: Decimal
    rate: Decimal | None  # None for the fixed amounts
    rule: str
    band: str  # the band in words, e.g. "3000 < 基数 ≤ 5000：1%" — what leaves the workspace instead of the salary


def _band_text(lower: Decimal | None, upper: Decimal | None, rate: Decimal) -> str:
    pct = f"{(rate * 100).normalize():f}%"
    if lower is None:
        return f"基数 ≤ {upper:f}：{pct}"
    if upper is None:
        return f"基数 > {lower:f}：{pct}"
    return f"{lower:f} < 基数 ≤ {upper:f}：{pct}"


def monthly_dues(
    category: Category, base: Decimal | None, day: dt.date, rules: RuleBook, fixed: Decimal | None = None
) -> Rate:
    """The monthly amount for a member of `category` with after-tax `base` in the month of `day`."""
    try:
        return _monthly_dues(category, base, day, rules, fixed)
    except RuleMissing:
        raise DuesError(f"规则库中没有 {day:%Y年%m月} 适用于该类党员的党费规定") from None


def _monthly_dues(
    category: Category, base: Decimal | None, day: dt.date, rules: RuleBook, fixed: Decimal | None
) -> Rate:
    if category in FIXED_CATEGORIES:
        rule = rules.in_force("dues.fixed", day)
        amount = Decimal(rule[category.value])
        return Rate(amount, None, rule.id, f"固定 {amount} 元/月")
    if category is Category.FARMER:
        rule = rules.in_force("dues.fixed", day)
        low, high = Decimal(rule["farmer_min"]), Decimal(rule["farmer_max"])
        if fixed is None:
            raise DuesError(f"农民党员须填写每月交纳金额（{low}–{high} 元）")
        amount = money(fixed, "农民党员每月金额")
        if not low <= amount <= high:
            raise DuesError(f"农民党员每月交纳 {low}–{high} 元，现为 {amount} 元")
        return Rate(amount, None, rule.id, f"农民党员 {amount} 元/月")
    if base is None:
        raise DuesError("须填写党费基数（税后月收入或离退休费）")
    base = money(base, "党费基数")
    rule_id = "dues.brackets.retired" if category is Category.RETIRED else "dues.brackets.wage"
    rule = rules.in_force(rule_id, day)
    lower: Decimal | None = None
    for band in rule["bands"]:
        upper = Decimal(band["upto"]) if "upto" in band else None
        if upper is None or base <= upper:  # bounds inclusive: 3000.00 is in the 0.5% band
            rate = Decimal(band["rate"])
            return Rate(round_money(base * rate, rules, day), rate, rule.id, _band_text(lower, upper, rate))
        lower = upper
    raise DuesError("规则文件中的党费比例表不完整")  # the last band has no upper bound


@dataclass(frozen=True)
class BaseEntry:
    """A base recorded for a member, in force from a month: the inputs, not just the result."""

    effective: int  # month index
    category: Category
    gross: Decimal | None = None  # wage items, pension, the month's pay or the previous quarter's average
    income_tax: Decimal = ZERO
    social: Decimal = ZERO  # personal 五险一金
    fixed: Decimal | None = None  # farmers
    uuid: str = ""

    def base(self, deductions: Deductions) -> Decimal | None:
        if self.gross is None:
            return None
        base = self.gross - self.income_tax
        if deductions is Deductions.TAX_AND_SOCIAL and self.category is not Category.RETIRED:
            base -= self.social
        if base < 0:
            raise DuesError("扣除后的基数为负数，请核对收入和扣除额")
        return base.quantize(CENT)


def entry_in_force(entries: Sequence[BaseEntry], month: int, timing: BaseTiming) -> BaseEntry | None:
    """The base entry that sets the dues of `month` under the branch's timing policy."""
    ordered = sorted(entries, key=lambda e: e.effective)
    if timing is BaseTiming.ANNUAL_LOCK:
        january = month - month % 12
        before_year = [e for e in ordered if e.effective <= january]
        if before_year:
            return before_year[-1]
        # First base recorded within the year (a new member): it holds for the rest of that year.
        within = [e for e in ordered if january < e.effective <= month]
        return within[0] if within else None
    in_force = [e for e in ordered if e.effective <= month]
    return in_force[-1] if in_force else None


class AdjustmentKind(StrEnum):
    EXEMPT = "exempt"
    REDUCE = "reduce"


@dataclass(frozen=True)
class Adjustment:
    """Hardship 减免, approved by the higher committee (规定 第七条)."""

    start: int
    end: int | None
    kind: AdjustmentKind
    amount: Decimal  # the reduced monthly amount; 0 when exempt
    approval: str

    def covers(self, month: int) -> bool:
        return self.start <= month and (self.end is None or month <= self.end)


@dataclass(frozen=True)
class MonthDue:
    month: int
    amount: Decimal
    rate: Rate | None
    note: str = ""  # 减免 with the approval reference, or why nothing is due


def due_for_month(
    month: int,
    owes: bool,
    entries: Sequence[BaseEntry],
    adjustments: Sequence[Adjustment],
    timing: BaseTiming,
    deductions: Deductions,
    rules: RuleBook,
) -> MonthDue:
    if not owes:
        return MonthDue(month, ZERO, None, "不在本支部")
    entry = entry_in_force(entries, month, timing)
    if entry is None:
        return MonthDue(month, ZERO, None, "未填党费基数")
    day = dt.date(month // 12, month % 12 + 1, 1)
    rate = monthly_dues(entry.category, entry.base(deductions), day, rules, entry.fixed)
    for adj in adjustments:
        if adj.covers(month):
            amount = ZERO if adj.kind is AdjustmentKind.EXEMPT else min(adj.amount, rate.monthly)
            word = "免交" if adj.kind is AdjustmentKind.EXEMPT else "减交"
            return MonthDue(month, amount, rate, f"{word}（批准：{adj.approval}）")
    return MonthDue(month, rate.monthly, rate)


class PaymentKind(StrEnum):
    REGULAR = "regular"
    VOLUNTARY = "voluntary"  # 自愿多交


PAYMENT_METHODS = ("现金", "银行转账", "微信", "支付宝", "其他")
FORBIDDEN_METHOD_WORDS = ("垫交", "垫付", "代垫", "扣缴", "代扣", "工资扣")


@dataclass(frozen=True)
class Payment:
    paid_on: dt.date
    months: tuple[int, ...]
    amount: Decimal
    kind: PaymentKind = PaymentKind.REGULAR
    receipt: str = ""
    collector: str = ""
    method: str = "现金"
    uuid: str = ""


def check_payment(p: Payment, rules: RuleBook) -> tuple[list[str], list[str]]:
    """(errors, warnings) for a payment before it is recorded."""
    errors, warnings = [], []
    if p.amount <= 0:
        errors.append("金额须大于 0")
    if p.kind is PaymentKind.REGULAR and not p.months:
        errors.append("请选择所交的月份")
    if len(set(p.months)) != len(p.months):
        errors.append("所交月份有重复")
    if any(word in p.method for word in FORBIDDEN_METHOD_WORDS):
        errors.append("党组织不得垫交或扣缴党费（规定第十四条），党费须由党员本人交纳")
    limit = rules.judging("dues.catch_up_limit", p.paid_on)[0]
    back = [m for m in p.months if m < month_of(p.paid_on)]
    if len(back) > int(limit["months"]):
        warnings.append(
            f"补交 {len(back)} 个月，超过一般不超过 {limit['months']} 个月的规定（{limit.source}）"
        )
    if p.kind is PaymentKind.VOLUNTARY and is_large(p, rules):
        warnings.append("一次性自愿多交 1000 元以上，属大额党费，须全额上缴，不计入平时党费")
    return errors, warnings


def is_large(p: Payment, rules: RuleBook) -> bool:
    return p.kind is PaymentKind.VOLUNTARY and p.amount >= Decimal(
        rules.judging("dues.large_voluntary", p.paid_on)[0]["threshold"]
    )


def allocate(payments: Sequence[Payment], dues: Mapping[int, Decimal]) -> dict[int, Decimal]:
    """Regular payments spread over the months they name, each month filled up to its due in order; what is
    left goes to the last month named (an over-payment shows as such)."""
    paid: dict[int, Decimal] = {}
    for p in sorted(payments, key=lambda p: (p.paid_on, p.uuid)):
        if p.kind is not PaymentKind.REGULAR or not p.months:
            continue
        left = p.amount
        months = sorted(p.months)
        for m in months:
            take = min(left, max(dues.get(m, ZERO) - paid.get(m, ZERO), ZERO))
            paid[m] = paid.get(m, ZERO) + take
            left -= take
        if left > 0:
            paid[months[-1]] = paid.get(months[-1], ZERO) + left
    return paid


class MonthState(StrEnum):
    PAID = "paid"
    UNDER = "under"
    UNPAID = "unpaid"
    PREPAID = "prepaid"
    NOT_DUE = "not_due"


MONTH_STATE_LABELS = {
    MonthState.PAID: "已交",
    MonthState.UNDER: "少交",
    MonthState.UNPAID: "未交",
    MonthState.PREPAID: "预交",
    MonthState.NOT_DUE: "—",
}


def month_state(due: Decimal, paid: Decimal, month: int, current: int) -> MonthState:
    if due == 0 and paid == 0:
        return MonthState.NOT_DUE
    if paid >= due:
        return MonthState.PREPAID if month > current else MonthState.PAID
    return MonthState.UNDER if paid > 0 else MonthState.UNPAID


@dataclass(frozen=True)
class Arrears:
    paid_through: int | None  # the last month up to which every owed month is paid
    months_unpaid: int  # owed months not fully paid, up to the month asked about
    longest_run: int  # the longest run of consecutive unpaid months
    flagged: bool  # ≥ the rule's months in a row: the branch must handle it (党章 第九条); never automatic

    def paid_through_code(self) -> str | None:
        return month_code(self.paid_through) if self.paid_through is not None else None


def arrears(
    dues: Mapping[int, Decimal],
    paid: Mapping[int, Decimal],
    first: int | None,
    at: int,
    flag_months: int,
    opening: int | None = None,
) -> Arrears:
    """`dues` for every month the member owes from `first`; paid-through runs over prepaid months too.
    The month in progress (`at`) is never in arrears; months up to `opening` (党费交至 when the book began
    here) are settled."""
    if opening is not None:
        first = max(first, opening + 1) if first is not None else opening + 1
    if first is None:
        return Arrears(None, 0, 0, False)
    through: int | None = opening if opening is not None and opening < first else None
    month = first
    while dues.get(month, ZERO) <= paid.get(month, ZERO) and (month <= at or month in paid):
        through = month
        month += 1
    unpaid = [m for m in range(first, at) if paid.get(m, ZERO) < dues.get(m, ZERO)]
    longest = run = 0
    for m in range(first, at):
        if paid.get(m, ZERO) < dues.get(m, ZERO):
            run += 1
            longest = max(longest, run)
        else:
            run = 0
    return Arrears(through, len(unpaid), longest, longest >= flag_months)
