"""设置 → 地方规定: rules the 条例 does not set but a local committee may (e.g. 党课每季度); the branch
chooses which apply to it, and 首页 and the checks then count them."""

from __future__ import annotations

from PySide6.QtWidgets import QCheckBox, QGroupBox, QLabel, QVBoxLayout, QWidget

from app.io.rules import load_rulebook
from app.services import records
from app.services.errors import UserError
from app.ui.form_fields import message_label, set_role, show_message
from app.ui.session import Session

LABELS = {
    "frequency.party_lecture": "党课每季度至少 1 次（地方规定）",
}
NOTES = {
    "frequency.party_lecture": "《支部工作条例》没有规定支部党课的次数；不少地方党委要求每季度至少 1 次。"
    "上级党委有此要求时勾选，首页会按季度提示。",
}


class LocalRulesTab(QWidget):
    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.boxes: dict[str, QCheckBox] = {}
        group = QGroupBox("本支部选用的地方规定")
        group_layout = QVBoxLayout(group)
        rules = sorted(
            {r.id: r for r in load_rulebook().rules if r.local_option}.values(), key=lambda r: r.id
        )
        for rule in rules:
            box = QCheckBox(LABELS.get(rule.id, rule.source))
            box.setToolTip(rule.source)
            box.toggled.connect(lambda checked, rule_id=rule.id: self._toggled(rule_id, checked))
            self.boxes[rule.id] = box
            group_layout.addWidget(box)
            note = QLabel(NOTES.get(rule.id, rule.source))
            note.setWordWrap(True)
            set_role(note, "hint")
            group_layout.addWidget(note)
        self.saved = message_label("ok", self)
        layout = QVBoxLayout(self)
        layout.addWidget(group)
        layout.addWidget(self.saved)
        layout.addStretch(1)

    def reload(self) -> None:
        enabled = set(records.enabled_options(self.session.ws))
        for rule_id, box in self.boxes.items():
            box.blockSignals(True)
            box.setChecked(rule_id in enabled)
            box.blockSignals(False)

    def _toggled(self, rule_id: str, checked: bool) -> None:
        try:
            records.set_option(self.session.ws, rule_id, checked)
        except UserError as exc:
            show_message(self.saved, str(exc), "error")
            return
        show_message(
            self.saved, "已保存。首页和检查将按此计算。" if checked else "已保存：不再按此规定提示。", "ok"
        )
        self.session.notify_changed()
