"""录入党费基数: the inputs that apply to the member's category, a live preview of the base, the monthly
dues and the band, errors at the field, and the member's base history. Enter saves, Esc cancels."""

from __future__ import annotations

from decimal import Decimal

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QFormLayout,
    QGroupBox,
    QHeaderView,
    QLabel,
    QLineEdit,
    QSizePolicy,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.domain.dues import (
    WAGE_CATEGORIES,
    BaseEntry,
    BaseTiming,
    Deductions,
    DuesError,
    Rate,
    monthly_dues,
)
from app.domain.members import CATEGORY_LABELS, Category
from app.domain.periods import month_code, month_first_day, month_label
from app.io.rules import load_rulebook
from app.services import dues
from app.services.errors import UserError, ValidationFailed
from app.ui.dues_forms import (
    amount_field,
    chain_tabs,
    current_month,
    member_combo,
    month_field,
    ok_cancel,
    read_amount,
    read_month,
)
from app.ui.dues_model import RosterEntry, yuan
from app.ui.form_fields import FieldBox, message_label, set_role, show_message
from app.ui.session import Session

GROSS_LABELS = {
    Category.EMPLOYED: "应发工资（计入基数的项目合计）",
    Category.ANNUAL_SALARY: "当月实得收入（计入基数的项目合计）",
    Category.SELF_EMPLOYED: "上季度月平均纯收入",
    Category.RETIRED: "离退休费（每月总额）",
}
CATEGORY_HINTS = {  # one line each: a hint spans the form
    Category.EMPLOYED: "计入岗位（职务）、薪级（级别）、绩效工资和津贴补贴；不计入公积金和改革性补贴。",
    Category.ANNUAL_SALARY: "年薪制党员按当月实际领取的收入计算（规定第三条）。",
    Category.SELF_EMPLOYED: "没有固定月工资的，按上一季度月平均纯收入计算（规定第四条）。",
    Category.RETIRED: "按离退休费总额：5000元以下（含）交0.5%，5000元以上交1%（规定第五条）。",
    Category.FARMER: "农民党员每月交纳 0.20 元至 1.00 元（规定第六条）。",
}
FIXED_HINT = "学生、下岗失业、低保及困难党员每月固定交纳 0.20 元，不用填金额（规定第六条）。"
FIELDS = ("month", "gross", "income_tax", "social", "fixed")


def _hint() -> QLabel:
    label = QLabel()
    label.setWordWrap(True)
    label.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)  # grows in a form row
    set_role(label, "hint")
    return label


class BaseDialog(QDialog):
    """After exec() returns Accepted the base is saved and the session notified."""

    def __init__(
        self,
        session: Session,
        members: list[RosterEntry],
        selected: str | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.session = session
        self.setWindowTitle("录入党费基数")
        self._members = {m.uuid: m for m in members}
        self._tried = False  # after a first 保存, empty required fields show their message too
        self.timing, self.deductions = dues.policy(session.ws)
        self.saved_uuid: str | None = None

        self.member = member_combo(members, selected)
        self.month = month_field(current_month())
        self.month.setToolTip("从哪个月起按这个基数交纳（工资变动后，从新工资发放的当月起）")
        self.category = QComboBox()
        for category, label in CATEGORY_LABELS.items():
            self.category.addItem(label, category.value)
        self.category.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.gross = amount_field()
        self.income_tax = amount_field("没有可空着")
        self.social = amount_field("养老、医疗、失业保险和住房公积金的个人部分；没有可空着")
        self.fixed = amount_field("0.20 – 1.00")
        self.note = QLineEdit()
        self.note.setPlaceholderText("可空着，如：2026年起调整工资")
        self.category_hint = _hint()
        self.social_hint = _hint()

        self.boxes = {key: FieldBox(getattr(self, key)) for key in FIELDS}
        entry = QGroupBox("新的基数")
        self.form = QFormLayout(entry)
        self.form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.ExpandingFieldsGrow)
        self.form.setLabelAlignment(Qt.AlignmentFlag.AlignRight)
        # The label column keeps the width of the longest label, so it does not jump between categories.
        widest = max(self.fontMetrics().horizontalAdvance(f"{t}：") for t in GROSS_LABELS.values()) + 4
        self.gross_label = QLabel()
        for text, field in (
            ("党员：", self.member),
            ("起始月份：", self.boxes["month"]),
            ("类别：", self.category),
            (None, self.category_hint),
            (self.gross_label, self.boxes["gross"]),
            ("个人所得税：", self.boxes["income_tax"]),
            ("个人五险一金：", self.boxes["social"]),
            (None, self.social_hint),
            ("每月金额：", self.boxes["fixed"]),
            ("备注：", self.note),
        ):
            if text is None:  # a hint spans the form's width, so it needs few lines
                self.form.addRow(field)
                continue
            label = text if isinstance(text, QLabel) else QLabel(text)
            label.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            label.setMinimumWidth(widest)
            label.setBuddy(field)
            self.form.addRow(label, field)

        self.preview = QLabel()
        self.preview.setWordWrap(True)
        self.preview.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.preview.setMinimumHeight(self.fontMetrics().height() * 2 + 8)
        self.preview.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        preview_box = QGroupBox("计算结果")
        preview_layout = QVBoxLayout(preview_box)
        preview_layout.addWidget(self.preview)
        self.category_warning = _hint()
        set_role(self.category_warning, "warning")
        preview_layout.addWidget(self.category_warning)
        self.timing_hint = _hint()
        preview_layout.addWidget(self.timing_hint)

        self.history = QTableWidget(0, 6)
        self.history.setHorizontalHeaderLabels(["起始月份", "类别", "基数", "月交党费", "档次", "录入的金额"])
        self.history.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.history.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.history.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.history.verticalHeader().hide()
        self.history.setWordWrap(False)
        header = self.history.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(True)
        self.history.setMinimumHeight(self.fontMetrics().height() * 5)
        self.history_empty = QLabel("还没有录入过基数。")
        set_role(self.history_empty, "hint")
        history_box = QGroupBox("基数记录（只在本工作区内显示，不上报、不公示）")
        history_layout = QVBoxLayout(history_box)
        history_layout.addWidget(self.history)
        history_layout.addWidget(self.history_empty)

        self.general = message_label("error", self)
        buttons, self.save_button, self.cancel_button = ok_cancel(self, "保存")
        buttons.accepted.connect(self.save)

        layout = QVBoxLayout(self)
        layout.addWidget(entry)
        layout.addWidget(preview_box)
        layout.addWidget(history_box, 1)
        layout.addWidget(self.general)
        layout.addWidget(buttons)

        chain_tabs(
            [
                self.member,
                self.month,
                self.category,
                self.gross,
                self.income_tax,
                self.social,
                self.fixed,
                self.note,
                self.save_button,
                self.cancel_button,
            ]
        )
        self.member.currentIndexChanged.connect(self._member_changed)
        self.category.currentIndexChanged.connect(self._category_changed)
        for key in FIELDS:
            getattr(self, key).textChanged.connect(self.update_preview)
        self._member_changed()
        self.resize(760, 660)

    # -- reactions -----------------------------------------------------------------------------

    def selected_category(self) -> Category:
        return Category(self.category.currentData())

    def set_category(self, category: Category) -> None:
        self.category.setCurrentIndex(self.category.findData(category.value))

    def _member_changed(self) -> None:
        uuid = self.member.currentData()
        history = dues.base_history(self.session.ws, uuid) if uuid else []
        self._fill_history(history)
        member = self._members.get(uuid)
        if history:
            self.set_category(history[-1].category)
        elif member and member.category:
            self.set_category(member.category)
        self._category_changed()

    def _fill_history(self, history: list[dues.BaseRecord]) -> None:
        self.history.setRowCount(len(history))
        for row, record in enumerate(reversed(history)):  # the newest first
            values = [
                month_label(read_month(record.effective_month)),
                CATEGORY_LABELS[record.category],
                yuan(record.base) if record.base is not None else "—",
                yuan(record.monthly),
                record.band,
                record.inputs,
            ]
            for column, value in enumerate(values):
                item = QTableWidgetItem(value)
                if column in (2, 3):
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                self.history.setItem(row, column, item)
        self.history.setVisible(bool(history))
        self.history_empty.setVisible(not history)

    def _category_changed(self) -> None:
        category = self.selected_category()
        wage, retired = category in WAGE_CATEGORIES, category is Category.RETIRED
        self.gross_label.setText(f"{GROSS_LABELS.get(category, '收入')}：")
        self.form.setRowVisible(self.boxes["gross"], wage or retired)
        self.form.setRowVisible(self.boxes["income_tax"], wage)
        self.form.setRowVisible(self.boxes["social"], wage)
        self.form.setRowVisible(self.social_hint, wage)
        self.form.setRowVisible(self.boxes["fixed"], category is Category.FARMER)
        self.category_hint.setText(CATEGORY_HINTS.get(category, FIXED_HINT))
        member = self._members.get(self.member.currentData())
        if member and member.category and member.category is not category:
            self.category_warning.setText(
                f"提醒：党员名册中此人的类别是“{CATEGORY_LABELS[member.category]}”。"
                "如果情况已经变化，请也在“党员”页修改。"
            )
        self.category_warning.setVisible(bool(member and member.category and member.category is not category))
        if self.deductions is Deductions.TAX_ONLY:
            self.social_hint.setText("本支部现行规定只扣除个人所得税：五险一金只作记录，不从基数中扣除。")
        else:
            self.social_hint.setText("本支部现行规定：基数 = 应发工资 − 个人所得税 − 个人五险一金。")
        if self.timing is BaseTiming.ANNUAL_LOCK:
            self.timing_hint.setText(
                "本支部实行“每年年初核定，年内不变”：年中录入的新基数从下一年1月起适用"
                "（当年第一次录入基数的党员除外）。"
            )
        else:
            self.timing_hint.setText("新基数从起始月份起适用（工资变动当月起按新基数交纳）。")
        self.update_preview()
        first = self.fixed if category is Category.FARMER else self.gross
        if first.isVisibleTo(self):
            first.setFocus()

    # -- checking ---------------------------------------------------------------------------------

    def _inputs(self) -> tuple[dict[str, str], int | None, dict[str, Decimal | None]]:
        """Messages by field, the month, the amounts read from the fields that apply."""
        category = self.selected_category()
        errors: dict[str, str] = {}
        month: int | None = None
        try:
            month = read_month(self.month.text())
        except ValueError as exc:
            errors["month"] = str(exc)
        wage, retired = category in WAGE_CATEGORIES, category is Category.RETIRED
        specs = {
            "gross": ("离退休费" if retired else "应发工资", wage or retired, wage or retired),
            "income_tax": ("个人所得税", wage, False),
            "social": ("个人五险一金", wage, False),
            "fixed": ("每月金额", category is Category.FARMER, category is Category.FARMER),
        }
        amounts: dict[str, Decimal | None] = {}
        for key, (label, applies, required) in specs.items():
            if not applies:
                amounts[key] = None
                continue
            amounts[key], message = read_amount(getattr(self, key).text(), label, required)
            if message:
                errors[key] = message
        return errors, month, amounts

    def compute(self) -> tuple[dict[str, str], Decimal | None, Rate | None]:
        """(messages by field, the base, the rate) from the form; nothing is written."""
        errors, month, amounts = self._inputs()
        category = self.selected_category()
        if any(k in errors for k in ("gross", "income_tax", "social", "fixed")):
            return errors, None, None
        if (category in WAGE_CATEGORIES or category is Category.RETIRED) and amounts["gross"] is None:
            return errors, None, None
        if category is Category.FARMER and amounts["fixed"] is None:
            return errors, None, None
        entry = BaseEntry(
            month if month is not None else current_month(),
            category,
            amounts["gross"],
            amounts["income_tax"] or Decimal("0.00"),
            amounts["social"] or Decimal("0.00"),
            amounts["fixed"],
        )
        try:
            base = entry.base(self.deductions)
        except DuesError as exc:
            errors["income_tax"] = str(exc)
            return errors, None, None
        try:
            rate = monthly_dues(
                category, base, month_first_day(entry.effective), load_rulebook(), entry.fixed
            )
        except DuesError as exc:
            errors["fixed" if category is Category.FARMER else "gross"] = str(exc)
            return errors, None, None
        return errors, base, rate

    def update_preview(self) -> None:
        errors, base, rate = self.compute()
        for key, box in self.boxes.items():
            text = getattr(self, key).text().strip()
            message = errors.get(key, "")
            if message and (text or self._tried):
                box.set_problems([message], [])
            else:
                box.clear()
        if rate is None:
            shown = any(box.shown()[0] for box in self.boxes.values())
            self.preview.setText(
                "请先改正上面标红的内容。" if shown else "填好金额后，这里显示基数、月交党费和档次。"
            )
            set_role(self.preview, "hint")
            return
        lines = [f"基数：{self._formula(base)}"] if base is not None else []
        lines.append(f"月交党费：{yuan(rate.monthly)} 元　　档次：{rate.band}")
        self.preview.setText("\n".join(lines))
        set_role(self.preview, "ok")

    def _formula(self, base: Decimal) -> str:
        """基数 as the sum the secretary can check: 5,600.00 − 100.00 = 5,500.00 元."""
        _, _, amounts = self._inputs()
        minus = [amounts["income_tax"]]
        if self.deductions is Deductions.TAX_AND_SOCIAL:
            minus.append(amounts["social"])
        terms = [yuan(amounts["gross"]), *(yuan(m) for m in minus if m)]
        return f"{terms[0]} 元" if len(terms) == 1 else f"{' − '.join(terms)} = {yuan(base)} 元"

    def field_message(self, key: str) -> str:
        return self.boxes[key].shown()[0]

    # -- saving -----------------------------------------------------------------------------------

    def save(self) -> None:
        self._tried = True
        self.update_preview()
        errors, _, rate = self.compute()
        uuid = self.member.currentData()
        if not uuid:
            show_message(self.general, "请选择党员")
            return
        if errors or rate is None:
            for key in FIELDS:
                if key in errors:
                    getattr(self, key).setFocus()
                    break
            return
        _, month, _ = self._inputs()
        assert month is not None
        category = self.selected_category()
        wage, retired = category in WAGE_CATEGORIES, category is Category.RETIRED
        try:
            dues.add_base(
                self.session.ws,
                uuid,
                month_code(month),
                category,
                gross=self.gross.text().strip() if wage or retired else None,
                income_tax=self.income_tax.text().strip() if wage else "0",
                social=self.social.text().strip() if wage else "0",
                fixed=self.fixed.text().strip() if category is Category.FARMER else None,
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
