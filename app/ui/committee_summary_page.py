"""汇总 (committee): per branch for a period — received, verified, late, members, dues, findings —
the year's completeness matrix, the findings, and the Excel workbook of all of it."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFileDialog, QHBoxLayout, QLabel, QTabWidget, QVBoxLayout, QWidget

from app.domain.compliance import SEVERITY_LABELS
from app.domain.periods import Period
from app.services import committee_reports
from app.services.committee_reports import CELL_LABELS, MatrixRow, SummaryRow
from app.ui.committee_widgets import (
    AMBER,
    AMBER_TEXT,
    GREEN,
    GREY,
    GREY_TEXT,
    RED,
    RED_TEXT,
    Column,
    PeriodChooser,
    Row,
    RowsModel,
    follow_current,
    gaps_text,
    hint_label,
    make_table,
    marks_text,
    set_column_widths,
)
from app.ui.crash_handler import report_exception
from app.ui.form_fields import message_label, show_message
from app.ui.pages import Page, action_button
from app.ui.session import Session
from app.ui.signing_key_tab import documents_folder
from app.ui.workers import BackgroundTask

SUMMARY_COLUMNS = (
    Column("代码", 5),
    Column("名称", 9),
    Column("类别", 6, tip="支部类别和它的达标分/先进分"),
    Column("已收到", 3, tip="本期每个月都有上报包覆盖"),
    Column("已核验", 3, tip="已收到，且签名所用密钥至今未被吊销"),
    Column("逾期", 2.5, tip="上报包在规定期限之后才生成"),
    Column("党员", 2.5, numeric=True, tip="最近一次上报的名册人数"),
    Column("记录", 2.5, numeric=True, tip="本期会议和活动记录条数"),
    Column("应交党费", 5, numeric=True),
    Column("实交党费", 5, numeric=True),
    Column("违规", 2.5, numeric=True, tip="按规定检查得出的违规项"),
    Column("提醒", 2.5, numeric=True, tip="需要注意但不算违规的事项"),
    Column("未录入", 3, numeric=True, tip="支部开始使用本软件之前的期间，没有记录可查，不算违规"),
    Column("上报包", 3.5, tip="覆盖本期的上报包序号"),
    Column("序号缺口", 5, tip="该支部还有哪些序号的上报包没有收到"),
)
SUMMARY_COL = {c.header: i for i, c in enumerate(SUMMARY_COLUMNS)}
FINDING_COLUMNS = (
    Column("代码", 5),
    Column("名称", 9),
    Column("性质", 2.5),
    Column("对象", 11),
    Column("说明", 40),
)
CELL_COLOURS = {"received": GREEN, "late": AMBER, "missing": RED, "not_due": GREY}
YES, NO = "是", "否"


def _yes(flag: bool) -> str:
    return YES if flag else NO


def class_text(label: str, pass_mark: int | None, advanced_mark: int | None) -> str:
    """ "二类 75/85": the class's short name and its marks; the full label is in the tooltip."""
    short = label.split("（")[0]
    return f"{short} {pass_mark}/{advanced_mark}" if pass_mark is not None else short


def summary_row(r: SummaryRow) -> Row:
    col = SUMMARY_COL
    foreground: dict[int, str] = {}
    background: dict[int, str] = {}
    if not r.received:
        background[col["已收到"]] = RED
        foreground[col["已核验"]] = GREY_TEXT
    if r.received and not r.verified:
        background[col["已核验"]] = AMBER
    if r.late:
        background[col["逾期"]] = AMBER
    if r.violations:
        foreground[col["违规"]] = RED_TEXT
    if r.warnings:
        foreground[col["提醒"]] = AMBER_TEXT
    if r.gaps:
        foreground[col["序号缺口"]] = RED_TEXT
    reported = r.received or bool(r.sequences)
    marks = marks_text(r.pass_mark, r.advanced_mark)
    return Row(
        (
            r.code,
            r.name,
            class_text(r.class_label, r.pass_mark, r.advanced_mark),
            _yes(r.received),
            _yes(r.verified),
            _yes(r.late) if reported else "",
            str(r.members) if r.members is not None else "",
            str(r.entries) if reported else "",
            f"{r.dues_due:,.2f}" if reported else "",
            f"{r.dues_collected:,.2f}" if reported else "",
            str(r.violations) if reported else "",
            str(r.warnings) if reported else "",
            str(r.not_entered) if reported else "",
            "、".join(map(str, r.sequences)),
            gaps_text(r.gaps),
        ),
        payload=r,
        keys={col["类别"]: r.org_class or 9, col["应交党费"]: r.dues_due, col["实交党费"]: r.dues_collected},
        background=background,
        foreground=foreground,
        tooltips={col["类别"]: f"{r.class_label}：达标 / 先进分 {marks}" if marks else r.class_label},
    )


def matrix_columns(periods: list[Period]) -> tuple[Column, ...]:
    return (
        Column("代码", 6),
        Column("名称", 11),
        *(Column(p.label(), 7) for p in periods),
        Column("序号缺口", 8),
    )


def matrix_row(m: MatrixRow) -> Row:
    cells = tuple(c.label for c in m.cells)
    return Row(
        (m.code, m.name, *cells, gaps_text(m.gaps)),
        payload=m,
        background={2 + i: CELL_COLOURS.get(c.state, "") for i, c in enumerate(m.cells)},
        tooltips={
            2 + i: f"上报包：{'、'.join(f'第{n}号' for n in c.sequences)}"
            if c.sequences
            else "没有覆盖本期的上报包"
            for i, c in enumerate(m.cells)
        },
        foreground={len(cells) + 2: RED_TEXT} if m.gaps else {},
    )


def legend() -> QLabel:
    swatches = "　".join(
        f'<span style="background:{CELL_COLOURS[state]};">&nbsp;&nbsp;&nbsp;&nbsp;</span> {CELL_LABELS[state]}'
        for state in ("received", "late", "missing", "not_due")
    )
    label = QLabel(f"{swatches}　　（报送期限为每期结束后本党委规定的天数；鼠标停留在格子上可看上报包序号）")
    label.setWordWrap(True)
    return label


class CommitteeSummaryPage(Page):
    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(session, "汇总", parent)
        self.rows: list[SummaryRow] = []
        self.folder: Path | None = None
        self._export_task: BackgroundTask | None = None
        self.chooser = PeriodChooser()
        self.export_button = action_button(
            "导出Excel…", "把汇总、报送情况、党员统计和检查发现导出为一个 Excel 工作簿"
        )
        top = QHBoxLayout()
        top.addWidget(self.chooser)
        top.addStretch(1)
        top.addWidget(self.export_button)
        self.headline = QLabel()
        font = self.headline.font()
        font.setBold(True)
        self.headline.setFont(font)
        self.message = message_label("ok", self)

        self.summary_model = RowsModel(SUMMARY_COLUMNS)
        self.summary_table = make_table(self.summary_model)
        self.matrix_model = RowsModel(matrix_columns([]))
        self.matrix_table = make_table(self.matrix_model)
        self.matrix_title = QLabel()
        self.findings_model = RowsModel(FINDING_COLUMNS)
        self.findings_table = make_table(self.findings_model)
        self.no_findings = hint_label("")

        matrix_tab = QWidget()
        matrix_layout = QVBoxLayout(matrix_tab)
        matrix_layout.addWidget(self.matrix_title)
        matrix_layout.addWidget(self.matrix_table, 1)
        matrix_layout.addWidget(legend())
        findings_tab = QWidget()
        findings_layout = QVBoxLayout(findings_tab)
        findings_layout.addWidget(self.no_findings)
        findings_layout.addWidget(self.findings_table, 1)
        self.finding_detail = QLabel()
        self.finding_detail.setWordWrap(True)
        self.finding_detail.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        findings_layout.addWidget(self.finding_detail)
        follow_current(
            self.findings_table,
            self.findings_model,
            self.finding_detail,
            lambda row: f"{row.cells[1]}　{row.cells[2]}：{row.cells[4]}",
        )
        self.tabs = QTabWidget()
        self.tabs.addTab(self.summary_table, "各支部汇总")
        self.tabs.addTab(matrix_tab, "报送情况")
        self.tabs.addTab(findings_tab, "检查发现")

        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 12, 16, 8)
        layout.addLayout(top)
        layout.addWidget(self.headline)
        layout.addWidget(self.message)
        layout.addWidget(self.tabs, 1)

        self.chooser.changed.connect(self.reload)
        self.export_button.clicked.connect(self.choose_export_file)

    def period(self) -> Period:
        return self.chooser.chosen()

    def reload(self) -> None:
        self._stale = False
        ws, period, today = self.session.ws, self.period(), dt.date.today()
        self.rows = committee_reports.summary(ws, period, today)
        self.summary_model.set_rows([summary_row(r) for r in self.rows])
        received = sum(r.received for r in self.rows)
        late = sum(r.received and r.late for r in self.rows)
        unverified = sum(r.received and not r.verified for r in self.rows)
        headline = (
            f"{period.label()}：共 {len(self.rows)} 个支部，已收到 {received} 个（其中逾期 {late} 个），"
            f"未收到 {len(self.rows) - received} 个"
        )
        if unverified:
            headline += f"；{unverified} 个所用密钥已吊销，未核验"
        self.headline.setText(headline if self.rows else "还没有登记支部。请先在“支部”中登记各支部的公钥卡。")

        periods, matrix = committee_reports.completeness(ws, period.start.year, today=today)
        columns = matrix_columns(periods)
        if columns != self.matrix_model.columns:
            self.matrix_model.set_rows([matrix_row(m) for m in matrix], columns)
            set_column_widths(self.matrix_table, columns)
        else:
            self.matrix_model.set_rows([matrix_row(m) for m in matrix])
        self.matrix_title.setText(f"{period.start.year}年各支部报送情况（按规定的报送周期）")

        findings = [
            Row(
                (
                    r.code,
                    r.name,
                    SEVERITY_LABELS.get(str(f.get("severity")), "提醒"),
                    str(f.get("subject", "")),
                    str(f.get("message", "")),
                ),
                foreground={2: RED_TEXT if f.get("severity") == "violation" else AMBER_TEXT},
                tooltips={4: str(f.get("message", ""))},
            )
            for r in self.rows
            for f in r.findings
        ]
        self.findings_model.set_rows(findings)
        self.no_findings.setText(
            f"{period.label()}共 {len(findings)} 项检查发现（来自各支部上报包中按规定检查得出的问题）。"
            if findings
            else f"{period.label()}已收到的上报包中没有检查发现。"
        )

    # -- Excel -------------------------------------------------------------------------------------------

    def choose_export_file(self) -> None:
        period = self.period()
        name = f"{self.session.display_name()}{period.label()}上报汇总.xlsx"
        folder = self.folder or documents_folder()
        path, _ = QFileDialog.getSaveFileName(self, "导出汇总", str(folder / name), "Excel 工作簿 (*.xlsx)")
        if path:
            self.export_to(Path(path))

    def export_to(self, path: Path) -> BackgroundTask:
        if path.suffix.lower() != ".xlsx":
            path = path.with_name(path.name + ".xlsx")
        self.folder = path.parent
        ws, period, today = self.session.ws, self.period(), dt.date.today()
        task = BackgroundTask(lambda: committee_reports.export_summary(ws, period, path, today))
        self.export_button.setEnabled(False)
        show_message(self.message, "正在导出……", "hint")
        task.succeeded.connect(lambda written: self._exported(Path(written)))
        task.failed.connect(self._export_failed)
        task.finished.connect(lambda: self.export_button.setEnabled(True))
        self._export_task = task
        task.start()
        return task

    def _exported(self, path: Path) -> None:
        show_message(self.message, f"已导出：{path}", "ok")
        self.status_message.emit(f"已导出汇总到 {path}")

    def _export_failed(self, exc: BaseException) -> None:
        show_message(self.message, "")
        report_exception(exc, self, self.session.log_folder(), "导出汇总")
