"""登记交费: who paid, when, which months (each with what is still owed), how much, receipt and collector.
The payment is checked before it is written: errors at the field, warnings (补交 over six months,
大额党费) in a confirmation. Enter saves, Esc cancels."""

from __future__ import annotations

from decimal import Decimal

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from app.domain.dues import PAYMENT_METHODS, ZERO, Payment, PaymentKind, check_payment
from app.domain.periods import month_code, month_label
from app.io.rules import load_rulebook
from app.services import dues
from app.services.dues import MemberDues
from app.services.errors import UserError, ValidationFailed
from app.ui.dues_forms import (
    amount_field,
    chain_tabs,
    current_month,
    date_field,
    date_of,
    member_combo,
    ok_cancel,
    read_amount,
)
from app.ui.dues_model import RosterEntry, yuan
from app.ui.form_fields import FieldBox, message_label, set_role, show_message
from app.ui.messages import confirm
from app.ui.session import Session

KINDS = {PaymentKind.REGULAR: "按月交纳", PaymentKind.VOLUNTARY: "自愿多交"}
NO_BASE_MESSAGE = "这名党员还没有录入党费基数，请先点“录入基数…”"
PREPAY_AHEAD = 6  # months after this one offered for 预交


def _span(months: list[int]) -> str:
    """2026年1月–3月 for a run; otherwise the months one by one."""
    if not months:
        return ""
    if months == list(range(months[0], months[-1] + 1)) and len(months) > 1:
        first, last = months[0], months[-1]
        end = f"{last % 12 + 1}月" if first // 12 == last // 12 else month_label(last)
        return f"{month_label(first)}–{end}"
    return "、".join(month_label(m) for m in months)


class PaymentDialog(QDialog):
    """After exec() returns Accepted the payment is recorded and the session notified."""

    def __init__(
        self,
        session: Session,
        members: list[RosterEntry],
        selected: str | None = None,
        year: int | None = None,
        collector: str = "",
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.session = session
        self.setWindowTitle("登记交费")
        self.current = current_month()
        self.year = year if year is not None else self.current // 12
        self.horizon = max(self.year * 12 + 11, self.current + PREPAY_AHEAD)
        book = dues.load_dues(session.ws, self.current, self.horizon)
        self._dues = {m.uuid: m for m in book.members}
        self.saved_uuid: str | None = None
        self.warnings_seen: list[str] = []

        self.member = member_combo(members, selected)
        self.paid_on = date_field()
        self.kind = QComboBox()
        for kind, label in KINDS.items():
            self.kind.addItem(label, kind.value)
        self.months = QListWidget()
        self.months.setMinimumWidth(self.fontMetrics().horizontalAdvance("中") * 20)
        self.months.setToolTip("勾选这次交的月份：上下键移动，空格键勾选或取消")
        self.months_summary = QLabel()
        self.months_summary.setWordWrap(True)
        set_role(self.months_summary, "hint")
        self.amount = amount_field("如 144 或 144.50")
        self.receipt = QLineEdit()
        self.receipt.setPlaceholderText("没有可空着")
        self.collector = QLineEdit(collector)
        self.collector.setPlaceholderText("收党费的人，如：组织委员 张三")
        self.method = QComboBox()
        self.method.addItems(list(PAYMENT_METHODS))
        self.note = QLineEdit()
        self.note.setPlaceholderText("可空着")

        self.boxes = {"months": FieldBox(self.months), "amount": FieldBox(self.amount)}
        left = QGroupBox("交费")
        form = QFormLayout(left)
        form.setLabelAlignment(Qt.AlignmentFlag.AlignRight)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.ExpandingFieldsGrow)
        form.addRow("党员：", self.member)
        form.addRow("交费日期：", self.paid_on)
        form.addRow("类型：", self.kind)
        form.addRow("金额（元）：", self.boxes["amount"])
        form.addRow("收据号：", self.receipt)
        form.addRow("收款人：", self.collector)
        form.addRow("方式：", self.method)
        form.addRow("备注：", self.note)
        self.kind_hint = QLabel()
        self.kind_hint.setWordWrap(True)
        self.kind_hint.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        set_role(self.kind_hint, "hint")
        form.addRow("", self.kind_hint)

        right = QGroupBox("所交月份")
        right_layout = QVBoxLayout(right)
        right_layout.addWidget(self.boxes["months"], 1)
        right_layout.addWidget(self.months_summary)

        self.general = message_label("error", self)
        buttons, self.save_button, self.cancel_button = ok_cancel(self, "登记")
        buttons.accepted.connect(self.save)
        columns = QHBoxLayout()
        columns.addWidget(left, 5)
        columns.addWidget(right, 4)
        layout = QVBoxLayout(self)
        layout.addLayout(columns, 1)
        layout.addWidget(self.general)
        layout.addWidget(buttons)
        chain_tabs(
            [
                self.member,
                self.paid_on,
                self.kind,
                self.months,
                self.amount,
                self.receipt,
                self.collector,
                self.method,
                self.note,
                self.save_button,
                self.cancel_button,
            ]
        )

        self.member.currentIndexChanged.connect(self._member_changed)
        self.kind.currentIndexChanged.connect(self._kind_changed)
        self.months.itemChanged.connect(self._months_changed)
        self.amount.textChanged.connect(self._amount_changed)
        self._member_changed()
        self._kind_changed()
        self.resize(820, 540)
        self.amount.setFocus()
        self.amount.selectAll()

    # -- the months ------------------------------------------------------------------------------

    def member_dues(self) -> MemberDues | None:
        return self._dues.get(self.member.currentData())

    def _outstanding(self, m: MemberDues, month: int) -> Decimal:
        due = m.dues[month].amount if month in m.dues else ZERO
        return max(due - m.paid.get(month, ZERO), ZERO)

    def _range(self, m: MemberDues) -> range:
        start = self.year * 12
        owed = [k for k in m.dues if k <= self.current and self._outstanding(m, k) > 0]
        if owed:
            start = min(start, min(owed))
        if m.first is not None:
            start = max(start, m.first)
        return range(start, self.horizon + 1)

    def _month_text(self, m: MemberDues, month: int) -> str:
        due = m.dues[month].amount if month in m.dues else ZERO
        paid = m.paid.get(month, ZERO)
        if due == 0 and paid == 0:
            status = m.dues[month].note if month in m.dues and m.dues[month].note else "无需交纳"
            return f"{month_label(month)}　{status}"
        if paid >= due:
            status = "预交" if month > self.current else "已交"
        elif paid > 0:
            status = f"已交 {yuan(paid)}，还差 {yuan(due - paid)}"
        else:
            status = "未交" if month <= self.current else "未到期"
        return f"{month_label(month)}　应交 {yuan(due)}　{status}"

    def _member_changed(self) -> None:
        self.months.blockSignals(True)
        self.months.clear()
        m = self.member_dues()
        if m is not None and m.first is not None:
            outstanding = {k: self._outstanding(m, k) for k in self._range(m)}
            chosen = [k for k, v in outstanding.items() if v > 0 and k <= self.current]
            if not chosen:  # all paid up: offer the next month owed (预交)
                chosen = [k for k, v in outstanding.items() if v > 0][:1]
            for k in self._range(m):
                item = QListWidgetItem(self._month_text(m, k))
                item.setData(Qt.ItemDataRole.UserRole, k)
                item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
                item.setCheckState(Qt.CheckState.Checked if k in chosen else Qt.CheckState.Unchecked)
                if outstanding[k] == 0:
                    item.setForeground(Qt.GlobalColor.darkGray)
                self.months.addItem(item)
            first = next((i for i in range(self.months.count()) if self._item_month(i) in chosen), 0)
            self.months.setCurrentRow(first)
            self.months.scrollToItem(self.months.item(first))
        self.months.blockSignals(False)
        self._months_changed()

    def _item_month(self, row: int) -> int:
        return int(self.months.item(row).data(Qt.ItemDataRole.UserRole))

    def checked_months(self) -> list[int]:
        return [
            self._item_month(i)
            for i in range(self.months.count())
            if self.months.item(i).checkState() == Qt.CheckState.Checked
        ]

    def set_checked_months(self, months: list[int]) -> None:
        """Tick exactly these months (for tests and the keyboard-less)."""
        self.months.blockSignals(True)
        for i in range(self.months.count()):
            state = Qt.CheckState.Checked if self._item_month(i) in months else Qt.CheckState.Unchecked
            self.months.item(i).setCheckState(state)
        self.months.blockSignals(False)
        self._months_changed()

    def selected_outstanding(self) -> Decimal:
        m = self.member_dues()
        if m is None:
            return ZERO
        return sum((self._outstanding(m, k) for k in self.checked_months()), ZERO)

    def _months_changed(self) -> None:
        m = self.member_dues()
        regular = self.payment_kind() is PaymentKind.REGULAR
        if m is None or m.first is None:
            self.months_summary.setText("")
            if regular:
                self.boxes["months"].set_problems([NO_BASE_MESSAGE], [])
            return
        self.boxes["months"].clear()
        months = self.checked_months()
        if not regular:
            self.months_summary.setText("自愿多交不对应月份。")
            return
        if not months:
            self.months_summary.setText("还没有勾选月份。")
            return
        total = self.selected_outstanding()
        self.months_summary.setText(
            f"已选 {len(months)} 个月：{_span(months)}\n这些月份未交合计 {yuan(total)} 元"
        )
        self.amount.setText(f"{total:.2f}" if total > 0 else "")

    def payment_kind(self) -> PaymentKind:
        return PaymentKind(self.kind.currentData())

    def _kind_changed(self) -> None:
        regular = self.payment_kind() is PaymentKind.REGULAR
        self.months.setEnabled(regular)
        if regular:
            self.kind_hint.setText("按月交纳：勾选所交的月份，金额默认为这些月份未交的合计。")
            self._months_changed()
        else:
            self.kind_hint.setText(
                "自愿多交的党费不计入按月应交；一次交 1000 元以上的属大额党费，须全额上缴。"
            )
            self.amount.clear()
            self._months_changed()
            self.boxes["months"].clear()

    def _amount_changed(self) -> None:
        self.boxes["amount"].set_problems([], self._amount_warnings())

    def _amount_warnings(self) -> list[str]:
        if self.payment_kind() is not PaymentKind.REGULAR or not self.checked_months():
            return []
        amount, message = read_amount(self.amount.text(), "金额", required=False)
        total = self.selected_outstanding()
        if message or amount is None or amount == 0 or total == 0 or amount == total:
            return []
        if amount < total:
            return [f"金额比所选月份未交合计（{yuan(total)} 元）少 {yuan(total - amount)} 元，差额记为少交"]
        return [
            f"金额比所选月份未交合计（{yuan(total)} 元）多 {yuan(amount - total)} 元，多出部分记在最后一个所选月份"
        ]

    # -- saving -----------------------------------------------------------------------------------

    def save(self) -> None:
        show_message(self.general, "")
        uuid = self.member.currentData()
        kind = self.payment_kind()
        months = self.checked_months() if kind is PaymentKind.REGULAR else []
        amount, message = read_amount(self.amount.text(), "金额", required=True)
        errors: dict[str, list[str]] = {"months": [], "amount": [message] if message else []}
        m = self.member_dues()
        if kind is PaymentKind.REGULAR and (m is None or m.first is None):
            errors["months"].append(NO_BASE_MESSAGE)
        general: list[str] = []
        warnings: list[str] = []
        if amount is not None:
            payment = Payment(
                date_of(self.paid_on),
                tuple(months),
                amount,
                kind,
                self.receipt.text().strip(),
                self.collector.text().strip(),
                self.method.currentText(),
            )
            found, warnings = check_payment(payment, load_rulebook())
            for error in found:
                key = "amount" if "金额" in error else "months" if "月份" in error else ""
                (errors[key] if key else general).append(error)
        if any(errors.values()) or general:
            for key, box in self.boxes.items():
                box.set_problems(errors[key], [])
            show_message(self.general, "\n".join(general))
            (self.months if errors["months"] else self.amount).setFocus()
            return
        warnings = warnings + self._amount_warnings()
        self.warnings_seen = warnings
        if warnings and not confirm(
            self,
            "请核对",
            "\n".join(f"· {w}" for w in warnings) + "\n\n核对无误可以仍然登记。",
            yes="仍然登记",
            no="返回修改",
        ):
            return
        try:
            dues.record_payment(
                self.session.ws,
                uuid,
                paid_on=date_of(self.paid_on),
                months=[month_code(k) for k in months],
                amount=self.amount.text().strip(),
                kind=kind,
                receipt=self.receipt.text().strip(),
                collector=self.collector.text().strip(),
                method=self.method.currentText(),
                note=self.note.text().strip(),
            )
        except ValidationFailed as exc:
            show_message(self.general, "\n".join(p.message for p in exc.problems))
            return
        except UserError as exc:
            show_message(self.general, str(exc))
            return
        self.saved_uuid = uuid
        self.accept()
        self.session.notify_changed()

    def field_message(self, key: str) -> str:
        return self.boxes[key].shown()[0]
