"""打印表格: pick a form and a period (or a meeting), make the PDF in the background, open it; Excel too."""

from __future__ import annotations

import datetime as dt
import threading
from pathlib import Path

from PySide6.QtCore import QObject, Qt, QUrl, Signal
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.domain.entries import ENTRY_TYPE_LABELS, EntryType
from app.domain.periods import Period, PeriodKind, last_finished, recent_periods
from app.services import branch_profile, records
from app.services.errors import UserError
from app.services.excel_exports import TABLE_KINDS, export_table
from app.services.printing import FORM_TITLES, PlannedMeeting, PrintRequest, print_form
from app.ui.crash_handler import report_exception
from app.ui.form_fields import DateField, message_label, set_role, show_message
from app.ui.pages import action_button
from app.ui.session import Session
from app.ui.signing_key_tab import documents_folder
from app.ui.workers import BackgroundTask

FORM_HINTS = {
    "recordbook": "一个期间的全部会议和活动记录，带封面、目录、页码和每条记录的日志哈希，可装订存档。",
    "minutes": "一次会议的完整记录，含出席、缺席及原因、表决情况，留主持人、记录人签字处。",
    "signin": "会前打印：列出应到会的党员，留签到栏。可选已有记录，或新会议。",
    "roster": "期末（或今天）在册党员的全部信息，按正式、预备党员统计人数。",
    "dues": "一年中每名党员每月交纳党费的情况和合计（只印档次，不印工资）。",
    "review": "一个期间民主评议党员的评定等次汇总，检查“优秀”比例。",
    "check": "按规定检查一个期间的记录得出的违规和提醒。",
}
FORM_ORDER = ("recordbook", "minutes", "signin", "roster", "dues", "review", "check")
YEAR_ONLY = {"dues", "review"}
MEETING_FORMS = {"minutes", "signin"}
KINDS = ((PeriodKind.MONTH, "按月"), (PeriodKind.QUARTER, "按季度"), (PeriodKind.YEAR, "按年"))
PERIODS_BACK = {PeriodKind.MONTH: 24, PeriodKind.QUARTER: 8, PeriodKind.YEAR: 5}
ALL_IN_PERIOD = "__all__"
NEW_MEETING = "__new__"


class PrintCancelled(Exception):
    """The secretary pressed 取消 while the PDF was being laid out."""


class _PageRelay(QObject):
    page_done = Signal(int)  # emitted from the worker thread; delivered on the GUI thread


def initial_period(form: str, kind: PeriodKind, today: dt.date) -> Period:
    if form == "check":
        return last_finished(kind, today)
    return Period.containing(today, kind)


def suggested_name(form: str, request: PrintRequest, meeting_text: str = "") -> str:
    title = FORM_TITLES[form]
    if request.meeting is not None:
        return f"{title}-{request.meeting.date.isoformat()}-{ENTRY_TYPE_LABELS[request.meeting.type]}.pdf"
    if meeting_text:
        return f"{title}-{meeting_text}.pdf"
    return f"{title}-{request.period.code() if request.period else ''}.pdf"


class PrintTab(QWidget):
    printed = Signal(Path)

    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.folder: Path | None = None
        self.last_file: Path | None = None
        self.task: BackgroundTask | None = None
        self._cancel = threading.Event()
        self._relay = _PageRelay()
        self._relay.page_done.connect(self._page_done)

        # -- which form --
        self.forms = QListWidget()
        for form in FORM_ORDER:
            item = QListWidgetItem(FORM_TITLES[form])
            item.setData(Qt.ItemDataRole.UserRole, form)
            item.setToolTip(FORM_HINTS[form])
            self.forms.addItem(item)
        self.forms.setMaximumWidth(self.forms.sizeHintForColumn(0) + 48)
        forms_label = QLabel("表格(&B)：")
        forms_label.setBuddy(self.forms)

        # -- for what --
        self.hint = QLabel()
        self.hint.setWordWrap(True)
        set_role(self.hint, "hint")
        self.kind = QComboBox()
        for kind, text in KINDS:
            self.kind.addItem(text, kind)
        self.period = QComboBox()
        self.period.setMinimumContentsLength(16)
        self.meeting = QComboBox()
        self.meeting.setMinimumContentsLength(28)
        self.meeting_type = QComboBox()
        for entry_type in EntryType:
            if entry_type not in (EntryType.MAKEUP, EntryType.HEART_TALK):
                self.meeting_type.addItem(ENTRY_TYPE_LABELS[entry_type], entry_type.value)
        self.meeting_date = DateField(dt.date.today())
        self.meeting_date.setMinimumWidth(160)
        self.group = QComboBox()
        self.place = QLineEdit()
        self.place.setPlaceholderText("可不填")
        self.place.setMinimumWidth(320)
        period_row = QHBoxLayout()
        period_row.addWidget(self.kind)
        period_row.addWidget(self.period, 1)
        self.options = QFormLayout()
        self.options.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.FieldsStayAtSizeHint)
        self.options.addRow(self.hint)
        self.options.addRow("期间(&P)：", period_row)
        self.options.addRow("会议(&M)：", self.meeting)
        self.options.addRow("会议类型：", self.meeting_type)
        self.options.addRow("会议日期：", self.meeting_date)
        self.options.addRow("党小组：", self.group)
        self.options.addRow("地点：", self.place)

        # -- make it --
        self.print_button = action_button("生成 PDF…", "选择保存位置，生成表格")
        font = self.print_button.font()
        font.setBold(True)
        self.print_button.setFont(font)
        self.print_button.setMinimumSize(
            self.print_button.sizeHint().width() + 32, self.print_button.sizeHint().height() + 8
        )
        self.open_after = QCheckBox("生成后打开")
        self.open_after.setChecked(True)
        self.bar = QProgressBar()
        self.bar.setRange(0, 0)
        self.bar.setTextVisible(False)
        self.bar.setFixedWidth(220)
        self.bar.hide()
        self.progress = QLabel()
        set_role(self.progress, "hint")
        self.cancel_button = action_button("取消", "停止生成，不写文件")
        self.cancel_button.hide()
        run_row = QHBoxLayout()
        run_row.addWidget(self.print_button)
        run_row.addWidget(self.open_after)
        run_row.addWidget(self.bar)
        run_row.addWidget(self.progress)
        run_row.addWidget(self.cancel_button)
        run_row.addStretch(1)
        self.result = message_label("ok", self)
        self.result.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.open_button = action_button("打开文件", "用系统的 PDF 阅读器打开")
        self.folder_button = action_button("打开所在文件夹")
        self.open_button.hide()
        self.folder_button.hide()
        result_row = QHBoxLayout()
        result_row.addWidget(self.result, 1)
        result_row.addWidget(self.open_button)
        result_row.addWidget(self.folder_button)

        self.form_box = QGroupBox()
        form_layout = QVBoxLayout(self.form_box)
        form_layout.addLayout(self.options)
        form_layout.addStretch(1)
        form_layout.addLayout(run_row)
        form_layout.addLayout(result_row)

        # -- Excel --
        excel_box = QGroupBox("导出 Excel（按上面选择的期间）")
        excel_row = QHBoxLayout(excel_box)
        self.excel_buttons: dict[str, QPushButton] = {}
        for kind, text in TABLE_KINDS.items():
            button = action_button(f"{text}…", f"把{text}导出为 Excel 文件")
            button.clicked.connect(lambda _c=False, k=kind: self.choose_and_export_xlsx(k))
            self.excel_buttons[kind] = button
            excel_row.addWidget(button)
        excel_row.addStretch(1)

        left = QVBoxLayout()
        left.addWidget(forms_label)
        left.addWidget(self.forms, 1)
        right = QVBoxLayout()
        right.addWidget(self.form_box, 1)
        right.addWidget(excel_box)
        layout = QHBoxLayout(self)
        layout.addLayout(left)
        layout.addLayout(right, 1)

        self.forms.currentRowChanged.connect(lambda _r: self._form_changed())
        self.kind.currentIndexChanged.connect(lambda _i: self._fill_periods(default=True))
        self.period.currentIndexChanged.connect(lambda _i: self._fill_meetings())
        self.meeting.currentIndexChanged.connect(lambda _i: self._update_fields())
        self.meeting_type.currentIndexChanged.connect(lambda _i: self._update_fields())
        self.print_button.clicked.connect(self.choose_and_print)
        self.cancel_button.clicked.connect(self.cancel)
        self.open_button.clicked.connect(lambda: self.last_file and self.open_file(self.last_file))
        self.folder_button.clicked.connect(lambda: self.last_file and self.open_file(self.last_file.parent))
        self.forms.setCurrentRow(0)

    # -- choosing ----------------------------------------------------------------------------------

    def form(self) -> str:
        item = self.forms.currentItem()
        return str(item.data(Qt.ItemDataRole.UserRole)) if item else FORM_ORDER[0]

    def select_form(self, form: str) -> None:
        self.forms.setCurrentRow(FORM_ORDER.index(form))

    def select_period(self, period: Period) -> None:
        self.kind.setCurrentIndex(self.kind.findData(period.kind))
        index = self.period.findData(period.code())
        if index < 0:
            raise ValueError(f"{period.label()} is not offered")
        self.period.setCurrentIndex(index)

    def chosen_period(self) -> Period | None:
        code = self.period.currentData()
        return Period.parse(code) if code else None

    def reload(self) -> None:
        self.group.clear()
        for name in branch_profile.group_names(self.session.ws):
            self.group.addItem(name)
        self._fill_meetings()

    def _form_changed(self) -> None:
        form = self.form()
        self.hint.setText(FORM_HINTS[form])
        self.form_box.setTitle(FORM_TITLES[form])
        self.kind.blockSignals(True)
        if form in YEAR_ONLY:
            self.kind.setCurrentIndex(self.kind.findData(PeriodKind.YEAR))
        elif form in MEETING_FORMS and self.kind.currentData() == PeriodKind.YEAR:
            self.kind.setCurrentIndex(self.kind.findData(PeriodKind.QUARTER))
        self.kind.setEnabled(form not in YEAR_ONLY)
        self.kind.blockSignals(False)
        self._fill_periods(default=True)

    def _fill_periods(self, default: bool) -> None:
        today = dt.date.today()
        kind = PeriodKind(self.kind.currentData())
        keep = None if default else self.period.currentData()
        wanted = keep or initial_period(self.form(), kind, today).code()
        self.period.blockSignals(True)
        self.period.clear()
        for period in recent_periods(kind, today, PERIODS_BACK[kind]):
            self.period.addItem(period.label() + ("（未结束）" if period.end >= today else ""), period.code())
        self.period.setCurrentIndex(max(self.period.findData(wanted), 0))
        self.period.blockSignals(False)
        self._fill_meetings()

    def _fill_meetings(self) -> None:
        form = self.form()
        self.meeting.blockSignals(True)
        self.meeting.clear()
        if form in MEETING_FORMS:
            if form == "signin":
                self.meeting.addItem("新会议（会前打印签到表）", NEW_MEETING)
            period = self.chosen_period()
            views = records.load_records(self.session.ws, period) if period else []
            if form == "minutes" and views:
                self.meeting.addItem(f"本期全部会议（{len(views)} 次）", ALL_IN_PERIOD)
            for view in views:
                name = view.draft.title or view.type_label
                self.meeting.addItem(f"{view.draft.date.isoformat()}　{name}", view.uuid)
            if self.meeting.count() == 0:
                self.meeting.addItem("（本期间没有记录）", None)
        self.meeting.blockSignals(False)
        self._update_fields()

    def _update_fields(self) -> None:
        form = self.form()
        new_meeting = form == "signin" and self.meeting.currentData() == NEW_MEETING
        group_meeting = self.meeting_type.currentData() == EntryType.GROUP_MEETING.value
        for widget, shown in (
            (self.meeting, form in MEETING_FORMS),
            (self.meeting_type, new_meeting),
            (self.meeting_date, new_meeting),
            (self.group, new_meeting and group_meeting),
            (self.place, new_meeting),
        ):
            widget.setVisible(shown)
            label = self.options.labelForField(widget)
            if label is not None:
                label.setVisible(shown)
        self.print_button.setEnabled(self.task is None and self._request_or_none() is not None)

    def _request_or_none(self) -> PrintRequest | None:
        form = self.form()
        period = self.chosen_period()
        if form not in MEETING_FORMS:
            return PrintRequest(form, period)
        chosen = self.meeting.currentData()
        if chosen is None:
            return None
        if chosen == NEW_MEETING:
            meeting_type = EntryType(self.meeting_type.currentData())
            group = self.group.currentText() if meeting_type is EntryType.GROUP_MEETING else None
            planned = PlannedMeeting(
                meeting_type, self.meeting_date.day(), group=group, place=self.place.text().strip()
            )
            return PrintRequest(form, meeting=planned)
        if chosen == ALL_IN_PERIOD:
            return PrintRequest(form, period)
        return PrintRequest(form, entry_uuid=str(chosen))

    # -- printing ----------------------------------------------------------------------------------

    def choose_and_print(self) -> None:
        request = self._request_or_none()
        if request is None:
            return
        meeting_text = ""
        if request.entry_uuid:
            meeting_text = self.meeting.currentText().replace("　", "-")
        folder = self.folder or documents_folder()
        chosen, _ = QFileDialog.getSaveFileName(
            self,
            "保存表格",
            str(folder / suggested_name(request.form, request, meeting_text)),
            "PDF 文件 (*.pdf)",
        )
        if not chosen:
            return
        target = Path(chosen)
        if target.suffix.lower() != ".pdf":
            target = target.with_name(target.name + ".pdf")
        self.folder = target.parent
        self.start_print(request, target)

    def start_print(self, request: PrintRequest, target: Path) -> BackgroundTask:
        ws = self.session.ws
        self._cancel.clear()
        relay, cancel = self._relay, self._cancel

        def on_page(page: int) -> None:
            if cancel.is_set():
                raise PrintCancelled
            relay.page_done.emit(page)

        def work() -> tuple[Path, int]:
            return target, print_form(ws, request, target, on_page=on_page)

        self._set_busy(True, f"正在生成{FORM_TITLES[request.form]}……")
        task = BackgroundTask(work)
        task.succeeded.connect(self._printed)
        task.failed.connect(self._failed)
        self.task = task
        task.start()
        return task

    def cancel(self) -> None:
        self._cancel.set()
        self.progress.setText("正在停止……")

    def _page_done(self, page: int) -> None:
        if self.task is not None:
            self.progress.setText(f"已排好 {page} 页")

    def _set_busy(self, busy: bool, text: str = "") -> None:
        self.bar.setVisible(busy)
        self.cancel_button.setVisible(busy)
        self.progress.setText(text)
        self.forms.setEnabled(not busy)
        for button in self.excel_buttons.values():
            button.setEnabled(not busy)
        if busy:
            self.print_button.setEnabled(False)
            show_message(self.result, "")
            self.open_button.hide()
            self.folder_button.hide()

    def _finish(self) -> None:
        self.task = None
        self._set_busy(False)
        self._update_fields()

    def _printed(self, result: tuple[Path, int]) -> None:
        self._finish()
        target, pages = result
        self.last_file = target
        show_message(self.result, f"已生成：{target}（共 {pages} 页）", "ok")
        self.open_button.show()
        self.folder_button.show()
        self.printed.emit(target)
        if self.open_after.isChecked():
            self.open_file(target)

    def _failed(self, exc: BaseException) -> None:
        self._finish()
        if isinstance(exc, PrintCancelled):
            show_message(self.result, "已取消，没有生成文件。", "hint")
        elif isinstance(exc, UserError):
            show_message(self.result, str(exc), "error")
        else:
            report_exception(exc, self, self.session.log_folder(), "生成表格")

    def open_file(self, path: Path) -> bool:
        return QDesktopServices.openUrl(QUrl.fromLocalFile(str(path)))

    # -- Excel -------------------------------------------------------------------------------------

    def choose_and_export_xlsx(self, kind: str) -> None:
        period = self.chosen_period()
        title = TABLE_KINDS[kind]
        folder = self.folder or documents_folder()
        suffix = period.code() if period else ""
        chosen, _ = QFileDialog.getSaveFileName(
            self, f"导出{title}", str(folder / f"{title}-{suffix}.xlsx"), "Excel 文件 (*.xlsx)"
        )
        if not chosen:
            return
        target = Path(chosen)
        if target.suffix.lower() != ".xlsx":
            target = target.with_name(target.name + ".xlsx")
        self.folder = target.parent
        self.export_xlsx(kind, period, target)

    def export_xlsx(self, kind: str, period: Period | None, target: Path) -> int | None:
        today = dt.date.today()
        period = period or Period.year(today.year)
        try:
            rows = export_table(self.session.ws, kind, period, target, today)
        except UserError as exc:
            show_message(self.result, str(exc), "error")
            return None
        show_message(self.result, f"已导出{TABLE_KINDS[kind]}：{target}（{rows} 行）", "ok")
        self.last_file = target
        self.open_button.show()
        self.folder_button.show()
        return rows
