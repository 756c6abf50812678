"""上报: choose a finished period, see what its package will carry, sign and save it; earlier packages."""

from __future__ import annotations

import datetime as dt
import html
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFileDialog,
    QFrame,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QScrollArea,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.domain.compliance import SEVERITY_LABELS, SEVERITY_ORDER
from app.domain.periods import Period, PeriodKind, chinese_date, last_finished, recent_periods
from app.services import package_export, signing_keys
from app.services.errors import UserError
from app.services.package_export import PACKAGE_SUFFIX, ExportedPackage, ExportRecord
from app.ui.form_fields import message_label, set_role, show_message
from app.ui.messages import show_info
from app.ui.pages import Page, action_button, history_table
from app.ui.passphrase_dialog import PassphraseDialog
from app.ui.session import Session
from app.ui.settings_page import SettingsPage
from app.ui.signing_key_tab import documents_folder

KINDS = ((PeriodKind.MONTH, "按月"), (PeriodKind.QUARTER, "按季度"), (PeriodKind.YEAR, "按年"))
PERIODS_BACK = {PeriodKind.MONTH: 24, PeriodKind.QUARTER: 8, PeriodKind.YEAR: 5}
COUNTS = (
    ("members", "党员", "人", "期末名册上的党员"),
    ("entries", "记录", "条", "本期内的会议和活动记录"),
    ("corrections", "更正", "条", "上次上报以来对已上报记录的更正"),
    ("findings", "检查发现", "项", "按规定检查本期得出的问题（如会议次数不足），如实上报"),
)
HISTORY_HEADERS = ("序号", "期间", "生成时间", "文件", "加密")


def period_label(code: str) -> str:
    try:
        return Period.parse(code).label()
    except ValueError:
        return code


def _overlaps(code: str, period: Period) -> bool:
    try:
        return Period.parse(code).overlaps(period)
    except ValueError:
        return False


FINDING_COLOURS = {"violation": "#c62828", "warning": "#9a5b00", "not_entered": "#777777"}


def findings_html(findings: list[dict[str, object]]) -> str:
    """The findings the package carries, violations first; 未录入 apart, in grey."""
    order = {s.value: i for i, s in enumerate(SEVERITY_ORDER)}
    lines = []
    for f in sorted(findings, key=lambda f: order.get(str(f.get("severity")), 9)):
        severity = str(f.get("severity"))
        label = SEVERITY_LABELS.get(severity, severity)  # type: ignore[call-overload]
        colour = FINDING_COLOURS.get(severity, "#000000")
        text = html.escape(f"{f.get('subject', '')}：{f.get('message', '')}")
        lines.append(f'<span style="color:{colour}">[{label}]</span> {text}')
    return "<br>".join(lines)


def _count_tile(caption: str, unit: str, tip: str) -> tuple[QFrame, QLabel]:
    tile = QFrame()
    tile.setFrameShape(QFrame.Shape.StyledPanel)
    tile.setToolTip(tip)
    number = QLabel("—")
    number.setAlignment(Qt.AlignmentFlag.AlignCenter)
    font = number.font()
    font.setPointSizeF(font.pointSizeF() * 1.8)
    font.setBold(True)
    number.setFont(font)
    below = QLabel(f"{caption}（{unit}）")
    below.setAlignment(Qt.AlignmentFlag.AlignCenter)
    set_role(below, "hint")
    layout = QVBoxLayout(tile)
    layout.setContentsMargins(12, 6, 12, 6)
    layout.addWidget(number)
    layout.addWidget(below)
    return tile, number


class ReportPage(Page):
    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(session, "上报", parent)
        self.key: signing_keys.KeyInfo | None = None
        self.recipient = ""
        self.history: list[ExportRecord] = []
        self.counts: dict[str, int] = {}
        self.folder: Path | None = None  # where the last package was saved, for this session
        self.last_export: ExportedPackage | None = None
        self._encrypt_choice: bool | None = None  # what the secretary ticked, kept across reloads

        intro = QLabel(
            "把一个已结束期间的记录做成带本支部签名的上报包（一个文件），拷到U盘交给上级党委。"
            "上级党委核对签名后导入。"
        )
        intro.setWordWrap(True)
        set_role(intro, "hint")

        # -- no key: nothing can be signed --
        self.no_key = QFrame()
        self.no_key.setStyleSheet("QFrame#nokey { border: 1px solid #e0b4b4; background: #fdf3f3; }")
        self.no_key.setObjectName("nokey")
        no_key_text = QLabel("本支部还没有签名密钥，不能生成上报包。请先在“设置 → 签名密钥”中生成密钥。")
        no_key_text.setWordWrap(True)
        set_role(no_key_text, "error")
        self.go_to_key_button = action_button("去生成签名密钥…", "打开 设置 → 签名密钥")
        no_key_layout = QHBoxLayout(self.no_key)
        no_key_layout.addWidget(no_key_text, 1)
        no_key_layout.addWidget(self.go_to_key_button)

        # -- the period --
        self.kind = QComboBox()
        for kind, text in KINDS:
            self.kind.addItem(text, kind)
        self.period = QComboBox()
        self.period.setMinimumContentsLength(14)
        self.period.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        kind_label = QLabel("上报方式：")
        kind_label.setBuddy(self.kind)
        period_label_ = QLabel("期间：")
        period_label_.setBuddy(self.period)
        chooser = QHBoxLayout()
        chooser.addWidget(kind_label)
        chooser.addWidget(self.kind)
        chooser.addSpacing(16)
        chooser.addWidget(period_label_)
        chooser.addWidget(self.period)
        chooser.addStretch(1)

        # -- what the package will carry --
        self.preview_box = QGroupBox("本次上报内容")
        tiles = QGridLayout()
        self.count_labels: dict[str, QLabel] = {}
        for column, (key, caption, unit, tip) in enumerate(COUNTS):
            tile, number = _count_tile(caption, unit, tip)
            self.count_labels[key] = number
            tiles.addWidget(tile, 0, column)
        self.period_state = message_label("hint", self)
        self.lock_warning = QLabel()
        self.lock_warning.setWordWrap(True)
        set_role(self.lock_warning, "warning")
        self.findings = QLabel()
        self.findings.setWordWrap(True)
        self.findings.setTextFormat(Qt.TextFormat.RichText)
        self.findings.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.findings_area = QScrollArea()
        self.findings_area.setWidgetResizable(True)
        self.findings_area.setWidget(self.findings)
        self.findings_area.setMaximumHeight(self.fontMetrics().height() * 7)
        self.findings_area.hide()
        preview_layout = QVBoxLayout(self.preview_box)
        preview_layout.addLayout(tiles)
        preview_layout.addWidget(self.findings_area)
        preview_layout.addWidget(self.period_state)
        preview_layout.addWidget(self.lock_warning)

        # -- export --
        self.encrypt = QCheckBox("加密给上级党委")
        self.encrypt_hint = QLabel()
        self.encrypt_hint.setWordWrap(True)
        set_role(self.encrypt_hint, "hint")
        self.export_button = action_button("生成上报包…", "选择保存位置，输入签名密钥口令，生成并签名上报包")
        font = self.export_button.font()
        font.setBold(True)
        self.export_button.setFont(font)
        self.export_button.setMinimumSize(
            self.export_button.sizeHint().width() + 24, self.export_button.sizeHint().height() + 8
        )
        export_row = QHBoxLayout()
        export_row.addWidget(self.export_button)
        export_row.addSpacing(16)
        export_row.addWidget(self.encrypt)
        export_row.addWidget(self.encrypt_hint, 1)
        self.result = message_label("ok", self)
        self.result.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

        # -- earlier packages --
        history_box = QGroupBox("已生成的上报包")
        self.table = history_table(HISTORY_HEADERS, stretch=3)
        self.no_history = QLabel("还没有生成过上报包。")
        self.no_history.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        set_role(self.no_history, "hint")
        history_layout = QVBoxLayout(history_box)
        history_layout.addWidget(self.no_history)
        history_layout.addWidget(self.table, 1)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 12, 16, 12)
        layout.addWidget(intro)
        layout.addWidget(self.no_key)
        layout.addLayout(chooser)
        layout.addWidget(self.preview_box)
        layout.addLayout(export_row)
        layout.addWidget(self.result)
        layout.addWidget(history_box, 1)

        self._fill_periods(default=True, preview=False)  # the preview is made when the page is first shown
        self.kind.currentIndexChanged.connect(lambda _i: self._fill_periods(default=True))
        self.period.currentIndexChanged.connect(lambda _i: self._update_preview())
        self.encrypt.toggled.connect(self._encrypt_toggled)
        self.export_button.clicked.connect(self.choose_and_export)
        self.go_to_key_button.clicked.connect(self.go_to_key_settings)

    # -- showing ---------------------------------------------------------------------------------

    def reload(self) -> None:
        ws = self.session.ws
        self.key = signing_keys.current_key(ws)
        self.recipient = package_export.package_recipient(ws)
        self.history = package_export.history(ws)
        self.no_key.setVisible(self.key is None)
        self._fill_periods(default=False)
        self._fill_history()
        self._update_encrypt()

    def chosen_kind(self) -> PeriodKind:
        return PeriodKind(self.kind.currentData())  # the combo keeps the value as a plain str

    def chosen_period(self) -> Period:
        return Period.parse(self.period.currentData())

    def select_period(self, period: Period) -> None:
        """Choose a period in the two lists (for tests and for coming back to one)."""
        self.kind.setCurrentIndex(self.kind.findData(period.kind))
        index = self.period.findData(period.code())
        if index < 0:
            raise ValueError(f"{period.label()} is not offered")
        self.period.setCurrentIndex(index)

    def _exported(self, period: Period) -> list[ExportRecord]:
        """Earlier packages that covered this period or part of it (a month within a quarter sent)."""
        return [r for r in self.history if any(_overlaps(code, period) for code in r.periods)]

    def _fill_periods(self, default: bool, preview: bool = True) -> None:
        """The recent periods of the chosen kind, marked 未结束 or 已上报; keeps the choice unless `default`."""
        today = dt.date.today()
        kind = self.chosen_kind()
        keep = None if default else self.period.currentData()
        wanted = keep or last_finished(kind, today).code()
        self.period.blockSignals(True)
        self.period.clear()
        for period in recent_periods(kind, today, PERIODS_BACK[kind]):
            text = period.label()
            if period.end >= today:
                text += "（未结束）"
            elif self._exported(period):
                text += "（已上报）"
            self.period.addItem(text, period.code())
        self.period.setCurrentIndex(max(self.period.findData(wanted), 0))
        self.period.blockSignals(False)
        if preview:
            self._update_preview()

    def _update_preview(self) -> None:
        if self.period.currentIndex() < 0:
            return
        period = self.chosen_period()
        today = dt.date.today()
        show_message(self.result, "")
        ended = period.end < today
        ws = self.session.ws
        problem = ""
        findings: list[dict[str, object]] = []
        try:
            self.counts, findings = package_export.preview_package(ws, period, today)
        except UserError as exc:
            self.counts, problem = {}, str(exc)
        self.findings.setText(findings_html(findings))
        self.findings_area.setVisible(bool(findings))
        for key, label in self.count_labels.items():
            label.setText(str(self.counts[key]) if key in self.counts else "—")
        earlier = self._exported(period)
        if problem:
            show_message(self.period_state, problem, "error")
        elif not ended:
            show_message(
                self.period_state,
                f"{period.label()}尚未结束（到 {chinese_date(period.end)}），结束后才能上报。"
                "上面是到今天为止的内容。",
                "error",
            )
        elif earlier:
            sent = "、".join(
                f"第 {r.sequence} 号（{'、'.join(period_label(code) for code in r.periods)}）"
                for r in earlier
            )
            show_message(
                self.period_state,
                f"{period.label()}的记录已经上报过：{sent}。再次上报会另外生成新一号的上报包。",
                "warning",
            )
        else:
            show_message(self.period_state, "")
        self.lock_warning.setVisible(ended)
        self.lock_warning.setText(
            f"生成上报包后，{period.label()}将锁定为“已上报”：本期记录不能再直接修改，"
            "只能写明原因进行更正，更正随下一次上报报送。"
        )
        self._update_export_button(ended)

    def _update_export_button(self, ended: bool | None = None) -> None:
        if ended is None:
            ended = self.period.currentIndex() >= 0 and self.chosen_period().end < dt.date.today()
        self.export_button.setEnabled(self.key is not None and ended)
        if self.key is None:
            self.export_button.setToolTip("本支部还没有签名密钥，请先在“设置 → 签名密钥”中生成")
        elif not ended:
            self.export_button.setToolTip("所选期间尚未结束，结束后才能上报")
        else:
            self.export_button.setToolTip("选择保存位置，输入签名密钥口令，生成并签名上报包")

    def _update_encrypt(self) -> None:
        available = bool(self.recipient)
        self.encrypt.blockSignals(True)
        self.encrypt.setEnabled(available)
        self.encrypt.setChecked(available and (self._encrypt_choice is not False))
        self.encrypt.blockSignals(False)
        if available:
            self.encrypt_hint.setText("加密后只有上级党委能打开，U盘丢失也不会泄露身份证号等信息。")
        else:
            self.encrypt_hint.setText("未设置上级党委加密公钥（在“设置 → 签名密钥”中填写），上报包不加密。")
        self._update_export_button()

    def _encrypt_toggled(self, checked: bool) -> None:
        self._encrypt_choice = checked

    def _fill_history(self) -> None:
        rows = list(reversed(self.history))  # newest first
        self.table.setRowCount(len(rows))
        for row, record in enumerate(rows):
            try:
                made = dt.datetime.fromisoformat(record.created_at)
                made_text = f"{made:%Y-%m-%d %H:%M}"
            except ValueError:
                made_text = record.created_at
            cells = (
                f"第 {record.sequence} 号",
                "、".join(period_label(code) for code in record.periods),
                made_text,
                record.file_name,
                "已加密" if record.encrypted else "未加密",
            )
            for column, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setToolTip(f"SHA-256：{record.sha256}")
                self.table.setItem(row, column, item)
        self.no_history.setVisible(not rows)
        self.table.setVisible(bool(rows))

    # -- export --------------------------------------------------------------------------------------

    def suggested_path(self, period: Period) -> Path:
        folder = self.folder or documents_folder()
        return folder / package_export.default_file_name(self.session.ws, period)

    def choose_and_export(self) -> ExportedPackage | None:
        if self.key is None or self.period.currentIndex() < 0:
            return None
        period = self.chosen_period()
        chosen, _ = QFileDialog.getSaveFileName(
            self,
            "保存上报包",
            str(self.suggested_path(period)),
            f"上报包 (*{PACKAGE_SUFFIX});;所有文件 (*)",
        )
        if not chosen:
            return None
        target = Path(chosen)
        if target.suffix.lower() != PACKAGE_SUFFIX:
            target = target.with_name(target.name + PACKAGE_SUFFIX)
        self.folder = target.parent
        return self.export_to(period, target)

    def export_to(self, period: Period, target: Path) -> ExportedPackage | None:
        """Ask for the passphrase and export; the dialog shows a refusal and lets the secretary retry."""
        exported = self.export_dialog(period, target).ask()
        if exported is None:
            return None
        assert isinstance(exported, ExportedPackage)
        self._exported_one(exported)
        return exported

    def export_dialog(self, period: Period, target: Path) -> PassphraseDialog:
        ws = self.session.ws
        recipient = self.recipient if self.encrypt.isEnabled() and self.encrypt.isChecked() else None
        return PassphraseDialog(
            "签名并生成上报包",
            f"期间：{period.label()}\n保存到：{target}\n"
            f"加密：{'加密给上级党委' if recipient else '不加密'}\n\n"
            f"生成后，{period.label()}将锁定为“已上报”。请输入签名密钥的口令：",
            lambda passphrase, say: package_export.export_package(
                ws, period, target, passphrase, encrypt_to=recipient, progress=say
            ),
            ok_text="签名并生成",
            busy_text="正在生成上报包……",
            parent=self,
            log_folder=self.session.log_folder(),
        )

    def _exported_one(self, exported: ExportedPackage) -> None:
        self.last_export = exported
        self.session.notify_changed()  # the period is locked: the record book shows it read-only; so is this page
        labels = "、".join(period_label(code) for code in exported.periods)
        show_message(
            self.result,
            f"已生成第 {exported.sequence} 号上报包（{labels}）：{exported.path}",
            "ok",
        )
        self.status_message.emit(f"已生成第 {exported.sequence} 号上报包")
        show_info(
            self,
            f"已生成第 {exported.sequence} 号上报包（{labels}）。\n\n"
            f"文件：{exported.path}\n"
            f"SHA-256（前 16 位）：{exported.sha256[:16]}\n"
            f"{'已加密，只有上级党委能打开。' if exported.encrypted else '未加密。'}\n\n"
            f"{labels}已锁定为“已上报”。请把文件拷到U盘交给上级党委；"
            "上级党委可以电话核对上面的 SHA-256 前 16 位。",
            "上报包已生成",
        )

    def go_to_key_settings(self) -> None:
        from app.ui.main_window import MainWindow  # the window holds this page; imported late

        window = self.window()
        if not isinstance(window, MainWindow):
            return
        titles = window.section_titles()
        if "设置" not in titles:
            return
        window.show_section(titles.index("设置"))
        settings = window.page("设置")
        if isinstance(settings, SettingsPage) and settings.key_tab is not None:
            settings.tabs.setCurrentWidget(settings.key_tab)
            settings.key_tab.create_button.setFocus()
