"""The smaller dues dialogs: the branch's base policy, 本月全部已交, 上缴登记 and 减免."""

from __future__ import annotations

import re
from decimal import Decimal

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QButtonGroup,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QLabel,
    QLineEdit,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from app.domain.dues import (
    DEDUCTION_LABELS,
    PAYMENT_METHODS,
    TIMING_LABELS,
    AdjustmentKind,
    BaseTiming,
    Deductions,
)
from app.domain.periods import month_code, month_label
from app.services import dues, dues_opening
from app.services.errors import UserError
from app.ui.dues_forms import (
    amount_field,
    chain_tabs,
    current_month,
    date_field,
    date_of,
    fit_height,
    member_combo,
    month_field,
    ok_cancel,
    read_amount,
    read_month,
)
from app.ui.dues_model import RosterEntry, yuan
from app.ui.form_fields import FieldBox, message_label, set_role, show_message
from app.ui.session import Session


def _hint(text: str) -> QLabel:
    label = QLabel(text)
    label.setWordWrap(True)
    set_role(label, "hint")
    return label


def policy_summary(timing: BaseTiming, deductions: Deductions) -> str:
    return f"基数核定：{TIMING_LABELS[timing]}；{DEDUCTION_LABELS[deductions]}"


class PolicyDialog(QDialog):
    """Which base applies when, and what 税后 deducts: practice differs by locality (rules.md §10)."""

    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.setWindowTitle("党费基数的核定办法")
        timing, deductions = dues.policy(session.ws)
        self.timing_buttons = QButtonGroup(self)
        self.deduction_buttons = QButtonGroup(self)
        layout = QVBoxLayout(self)
        layout.addWidget(
            _hint("各地党委的要求不完全一样，请按上级党委的规定选择。改动后，各月应交金额按新办法重新计算。")
        )
        chain: list[QWidget] = []
        for title, labels, group, chosen, note in (
            (
                "新基数从何时起适用",
                TIMING_LABELS,
                self.timing_buttons,
                timing,
                "2008年规定第十条：工资变动从新工资发放的当月起按新基数交纳；"
                "有的党委要求每年年初核定一次，年内不变。",
            ),
            (
                "税后收入扣除哪些项目",
                DEDUCTION_LABELS,
                self.deduction_buttons,
                deductions,
                "2008年的答问只扣除个人所得税；后来的答问不计入五险一金，许多地方扣除个人缴纳的五险一金。",
            ),
        ):
            box = QGroupBox(title)
            box_layout = QVBoxLayout(box)
            for value, text in labels.items():
                button = QRadioButton(text)
                button.setProperty("value", value.value)
                button.setChecked(value == chosen)
                group.addButton(button)
                box_layout.addWidget(button)
                chain.append(button)
            box_layout.addWidget(_hint(note))
            layout.addWidget(box)
        self.general = message_label("error", self)
        layout.addWidget(self.general)
        buttons, self.save_button, self.cancel_button = ok_cancel(self, "保存")
        buttons.accepted.connect(self.save)
        layout.addWidget(buttons)
        fit_height(self, 640)

    def chosen(self) -> tuple[BaseTiming, Deductions]:
        timing = self.timing_buttons.checkedButton().property("value")
        deductions = self.deduction_buttons.checkedButton().property("value")
        return BaseTiming(timing), Deductions(deductions)

    def save(self) -> None:
        timing, deductions = self.chosen()
        try:
            dues.set_policy(self.session.ws, timing, deductions)
        except UserError as exc:
            show_message(self.general, str(exc))
            return
        self.accept()
        self.session.notify_changed()


class PayAllDialog(QDialog):
    """本月全部已交: states how many members and how much, asks for the date and collector, then records."""

    def __init__(
        self,
        session: Session,
        month: int,
        owing: int,
        total: Decimal,
        without_base: int,
        collector: str = "",
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.session = session
        self.month = month
        self.recorded = 0
        self.setWindowTitle("本月全部已交")
        text = (
            f"{month_label(month)}还有 {owing} 名党员未交足本月党费，合计 {yuan(total)} 元。\n"
            f"确定后为这 {owing} 人各登记一笔交费，金额为各人本月未交的部分，备注“本月集中收缴”。"
        )
        if without_base:
            text += f"\n另有 {without_base} 名党员尚未录入党费基数，不在其中。"
        self.message = QLabel(text)
        self.message.setWordWrap(True)
        self.paid_on = date_field()
        self.collector = QLineEdit(collector)
        self.collector.setPlaceholderText("收党费的人")
        self.method = QComboBox()
        self.method.addItems(list(PAYMENT_METHODS))
        form = QFormLayout()
        form.addRow("交费日期：", self.paid_on)
        form.addRow("收款人：", self.collector)
        form.addRow("方式：", self.method)
        self.general = message_label("error", self)
        buttons = QDialogButtonBox()
        self.ok_button = buttons.addButton(f"为 {owing} 人登记已交", QDialogButtonBox.ButtonRole.AcceptRole)
        self.cancel_button = buttons.addButton("取消", QDialogButtonBox.ButtonRole.RejectRole)
        self.cancel_button.setDefault(True)  # many records at once: Enter alone must not write them
        self.ok_button.setAutoDefault(False)
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.message)
        layout.addLayout(form)
        layout.addWidget(self.general)
        layout.addWidget(buttons)
        chain_tabs([self.paid_on, self.collector, self.method, self.ok_button, self.cancel_button])
        fit_height(self, 560)

    def save(self) -> None:
        try:
            self.recorded = dues.pay_all_present(
                self.session.ws,
                month_code(self.month),
                paid_on=date_of(self.paid_on),
                collector=self.collector.text().strip(),
                method=self.method.currentText(),
            )
        except UserError as exc:
            show_message(self.general, str(exc))
            return
        self.accept()
        self.session.notify_changed()


def read_period(text: str) -> str:
    """2026 or 2026年 → "2026"; a month in any accepted spelling → "2026-03"."""
    text = text.strip()
    if m := re.fullmatch(r"(\d{4})\s*年?", text):
        return m[1]
    try:
        return month_code(read_month(text))
    except ValueError:
        raise ValueError("所属期间请写年份（如 2026）或月份（如 2026-03）") from None


class RemittanceDialog(QDialog):
    """上缴登记: dues passed up to the higher committee."""

    def __init__(self, session: Session, year: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.setWindowTitle("上缴登记")
        self.remitted_on = date_field()
        self.amount = amount_field("如 1200")
        self.period = QLineEdit(str(year))
        self.period.setPlaceholderText("如 2026（全年）或 2026-03（某月）")
        self.note = QLineEdit()
        self.note.setPlaceholderText("如：上缴公司党委；大额党费请注明")
        self.boxes = {"amount": FieldBox(self.amount), "period": FieldBox(self.period)}
        form = QFormLayout()
        form.setLabelAlignment(Qt.AlignmentFlag.AlignRight)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.ExpandingFieldsGrow)
        form.addRow("上缴日期：", self.remitted_on)
        form.addRow("金额（元）：", self.boxes["amount"])
        form.addRow("所属期间：", self.boxes["period"])
        form.addRow("备注：", self.note)
        self.general = message_label("error", self)
        buttons, self.save_button, self.cancel_button = ok_cancel(self, "保存")
        buttons.accepted.connect(self.save)
        layout = QVBoxLayout(self)
        layout.addWidget(_hint("记录交给上级党委的党费。"))
        layout.addLayout(form)
        layout.addWidget(self.general)
        layout.addWidget(buttons)
        chain_tabs(
            [self.remitted_on, self.amount, self.period, self.note, self.save_button, self.cancel_button]
        )
        self.amount.setFocus()
        fit_height(self, 520)

    def save(self) -> None:
        amount, message = read_amount(self.amount.text(), "金额", required=True)
        if amount is not None and amount == 0:
            message = "金额须大于 0"
        self.boxes["amount"].set_problems([message] if message else [], [])
        try:
            period = read_period(self.period.text())
            self.boxes["period"].clear()
        except ValueError as exc:
            self.boxes["period"].set_problems([str(exc)], [])
            period = ""
        if message or not period:
            (self.amount if message else self.period).setFocus()
            return
        try:
            dues.add_remittance(
                self.session.ws,
                date_of(self.remitted_on),
                self.amount.text().strip(),
                period,
                self.note.text().strip(),
            )
        except UserError as exc:
            show_message(self.general, str(exc))
            return
        self.accept()
        self.session.notify_changed()


ADJUSTMENT_KINDS = {AdjustmentKind.EXEMPT: "免交", AdjustmentKind.REDUCE: "减交"}


class AdjustmentDialog(QDialog):
    """减免: a member in genuine hardship pays less or nothing, approved by the higher committee (第七条)."""

    def __init__(
        self,
        session: Session,
        members: list[RosterEntry],
        selected: str | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.session = session
        self.setWindowTitle("党费减免")
        self.member = member_combo(members, selected)
        self.kind = QComboBox()
        for kind, label in ADJUSTMENT_KINDS.items():
            self.kind.addItem(label, kind.value)
        self.start = month_field(current_month())
        self.end = month_field()
        self.end.setPlaceholderText("可空着：一直减免到另行决定")
        self.end.setMaximumWidth(16777215)
        self.amount = amount_field("减免后每月交纳的金额")
        self.approval = QLineEdit()
        self.approval.setPlaceholderText("如：公司党委 2026年3月5日 批准（文号）")
        self.boxes = {key: FieldBox(getattr(self, key)) for key in ("start", "end", "amount", "approval")}
        self.form = QFormLayout()
        self.form.setLabelAlignment(Qt.AlignmentFlag.AlignRight)
        self.form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.ExpandingFieldsGrow)
        self.form.addRow("党员：", self.member)
        self.form.addRow("减免方式：", self.kind)
        self.form.addRow("起始月份：", self.boxes["start"])
        self.form.addRow("结束月份：", self.boxes["end"])
        self.form.addRow("减免后每月（元）：", self.boxes["amount"])
        self.form.addRow("上级党委批准：", self.boxes["approval"])
        self.general = message_label("error", self)
        buttons, self.save_button, self.cancel_button = ok_cancel(self, "保存")
        buttons.accepted.connect(self.save)
        layout = QVBoxLayout(self)
        layout.addWidget(
            _hint("生活确有困难的党员，经党支部研究、报上一级党委批准，可以少交或免交党费（规定第七条）。")
        )
        layout.addLayout(self.form)
        layout.addWidget(self.general)
        layout.addWidget(buttons)
        chain_tabs(
            [
                self.member,
                self.kind,
                self.start,
                self.end,
                self.amount,
                self.approval,
                self.save_button,
                self.cancel_button,
            ]
        )
        self.kind.currentIndexChanged.connect(self._kind_changed)
        self._kind_changed()
        fit_height(self, 600)

    def adjustment_kind(self) -> AdjustmentKind:
        return AdjustmentKind(self.kind.currentData())

    def _kind_changed(self) -> None:
        self.form.setRowVisible(self.boxes["amount"], self.adjustment_kind() is AdjustmentKind.REDUCE)

    def save(self) -> None:
        errors: dict[str, str] = {}
        start = end = None
        try:
            start = read_month(self.start.text())
        except ValueError as exc:
            errors["start"] = str(exc)
        if self.end.text().strip():
            try:
                end = read_month(self.end.text())
            except ValueError as exc:
                errors["end"] = str(exc)
        if start is not None and end is not None and end < start:
            errors["end"] = "结束月份不能早于起始月份"
        reduce = self.adjustment_kind() is AdjustmentKind.REDUCE
        if reduce:
            _, message = read_amount(self.amount.text(), "减免后金额", required=True)
            if message:
                errors["amount"] = message
        if not self.approval.text().strip():
            errors["approval"] = "减免须经上级党委批准，请填写批准文号或批准情况"
        for key, box in self.boxes.items():
            box.set_problems([errors[key]] if key in errors else [], [])
        if errors:
            getattr(self, next(k for k in self.boxes if k in errors)).setFocus()
            return
        assert start is not None
        try:
            dues.add_adjustment(
                self.session.ws,
                self.member.currentData(),
                month_code(start),
                month_code(end) if end is not None else None,
                self.adjustment_kind(),
                self.approval.text().strip(),
                self.amount.text().strip() if reduce else "0",
            )
        except UserError as exc:
            show_message(self.general, str(exc))
            return
        self.accept()
        self.session.notify_changed()


class OpeningDialog(QDialog):
    """党费交至 when the branch started keeping dues here: earlier months are settled, not arrears."""

    def __init__(
        self,
        session: Session,
        members: list[RosterEntry],
        selected: str | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.session = session
        self.setWindowTitle("启用时党费交至")
        self.member = member_combo(members, selected)
        self.month = month_field(current_month() - 1)
        self.box = FieldBox(self.month)
        form = QFormLayout()
        form.setLabelAlignment(Qt.AlignmentFlag.AlignRight)
        form.addRow("党员：", self.member)
        form.addRow("党费交至：", self.box)
        self.general = message_label("error", self)
        buttons, self.save_button, self.cancel_button = ok_cancel(self, "保存")
        buttons.accepted.connect(self.save)
        layout = QVBoxLayout(self)
        layout.addWidget(
            _hint(
                "开始用本软件记党费时，这名党员的党费已经交到哪个月（见原来的党费收缴登记表）。"
                "此前的月份不算欠交，也不算补交。"
            )
        )
        layout.addLayout(form)
        layout.addWidget(self.general)
        layout.addWidget(buttons)
        chain_tabs([self.member, self.month, self.save_button, self.cancel_button])
        fit_height(self, 480)

    def save(self) -> None:
        try:
            month = read_month(self.month.text())
        except ValueError as exc:
            self.box.set_problems([str(exc)], [])
            self.month.setFocus()
            return
        self.box.set_problems([], [])
        try:
            dues_opening.set_opening(self.session.ws, self.member.currentData(), month_code(month))
        except UserError as exc:
            show_message(self.general, str(exc))
            return
        self.accept()
        self.session.notify_changed()
