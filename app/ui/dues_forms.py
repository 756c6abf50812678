"""Building blocks shared by the dues dialogs: amounts, months and dates typed as a secretary writes them."""

from __future__ import annotations

import datetime as dt
import itertools
import re
from collections.abc import Sequence
from decimal import Decimal

from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QLineEdit,
    QPushButton,
    QWidget,
)

from app.domain.dues import DuesError, money
from app.domain.members import CATEGORY_LABELS
from app.domain.periods import month_code, month_index, month_of
from app.ui.dues_model import RosterEntry
from app.ui.form_fields import to_qdate

MONTH_HINT = "如 2026-03"


def read_amount(text: str, label: str, required: bool) -> tuple[Decimal | None, str]:
    """(amount, "") or (None, the message to show at the field); blank is an error only if required."""
    if not text.strip():
        return None, f"请填写{label}" if required else ""
    try:
        return money(text, label), ""
    except DuesError as exc:
        return None, str(exc)


def read_month(text: str) -> int:
    """2026-03, 2026-3, 2026.3, 2026/03, 202603 or 2026年3月 → a month index; ValueError says how to write it."""
    text = text.strip()
    m = re.fullmatch(r"(\d{4})\s*(?:[-./]|年)\s*(\d{1,2})\s*月?", text) or re.fullmatch(
        r"(\d{4})(\d{2})", text
    )
    if not m:
        raise ValueError(f"月份请写成“年-月”，{MONTH_HINT}" if text else "请填写月份")
    year, month = int(m[1]), int(m[2])
    if not 1 <= month <= 12:
        raise ValueError(f"没有 {month} 月，{MONTH_HINT}")
    if not 1950 <= year <= 2100:
        raise ValueError(f"年份 {year} 不对，{MONTH_HINT}")
    return month_index(year, month)


def month_field(default: int | None = None) -> QLineEdit:
    field = QLineEdit(month_code(default) if default is not None else "")
    field.setPlaceholderText(MONTH_HINT)
    field.setMaxLength(10)
    field.setMaximumWidth(field.fontMetrics().horizontalAdvance("2026年12月") + 40)
    return field


def amount_field(placeholder: str = "如 4800 或 4800.50") -> QLineEdit:
    field = QLineEdit()
    field.setPlaceholderText(placeholder)
    field.setMaxLength(16)
    return field


def date_field(day: dt.date | None = None, not_after_today: bool = True) -> QDateEdit:
    today = dt.date.today()
    edit = QDateEdit(to_qdate(day or today))
    edit.setCalendarPopup(True)
    edit.setDisplayFormat("yyyy年M月d日")
    if not_after_today:
        edit.setMaximumDate(to_qdate(today))
        edit.setToolTip("不能晚于今天")
    return edit


def date_of(edit: QDateEdit) -> dt.date:
    value = edit.date().toPython()
    assert isinstance(value, dt.date)
    return value


def current_month() -> int:
    return month_of(dt.date.today())


def member_combo(members: Sequence[RosterEntry], selected: str | None) -> QComboBox:
    """Members by name (with the category when two share a name); the uuid is the item data."""
    combo = QComboBox()
    names = [m.name for m in members]
    for m in members:
        text = m.name
        if names.count(m.name) > 1 and m.category:
            text += f"（{CATEGORY_LABELS[m.category]}）"
        combo.addItem(text, m.uuid)
    combo.setMaxVisibleItems(20)
    index = combo.findData(selected) if selected else -1
    combo.setCurrentIndex(max(index, 0))
    combo.setMinimumWidth(combo.fontMetrics().horizontalAdvance("中") * 8 + 40)
    return combo


def ok_cancel(dialog: QDialog, ok_text: str) -> tuple[QDialogButtonBox, QPushButton, QPushButton]:
    """保存-style button that Enter presses, and 取消 that Esc presses."""
    buttons = QDialogButtonBox()
    ok = buttons.addButton(ok_text, QDialogButtonBox.ButtonRole.AcceptRole)
    cancel = buttons.addButton("取消", QDialogButtonBox.ButtonRole.RejectRole)
    ok.setDefault(True)
    cancel.setAutoDefault(False)
    buttons.rejected.connect(dialog.reject)
    return buttons, ok, cancel


def fit_height(dialog: QDialog, width: int) -> None:
    """Resize to `width` and tall enough for its wrapped labels at that width (sizeHint ignores wrapping)."""
    layout = dialog.layout()
    height = dialog.sizeHint().height()
    if layout is not None and layout.hasHeightForWidth():
        height = max(height, layout.totalHeightForWidth(width))
    dialog.resize(width, height)


def chain_tabs(widgets: Sequence[QWidget]) -> None:
    for first, second in itertools.pairwise(widgets):
        QWidget.setTabOrder(first, second)
