"""导入 (committee): check the packages on a USB stick without writing (dry run), then import them.

Both steps run in the background with a progress bar and can be stopped between packages. The import
service checks every package again when it writes, so a file changed after the check is still caught.
Encrypted packages are found by the check itself (it refuses them for want of the receiving key's
passphrase); the passphrase is then asked once, verified, and kept for this page's lifetime.
"""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Sequence
from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QVBoxLayout,
    QWidget,
)

from app.services import committee_keys, package_import
from app.services.package_import import Outcome
from app.storage.workspace import Workspace
from app.ui.committee_widgets import (
    GREEN,
    GREY,
    GREY_TEXT,
    RED,
    RED_TEXT,
    Column,
    Row,
    RowsModel,
    follow_current,
    gaps_text,
    hint_label,
    make_table,
    period_text,
)
from app.ui.crash_handler import report_exception
from app.ui.form_fields import message_label, set_role, show_message
from app.ui.pages import Page, action_button
from app.ui.passphrase_dialog import WorkDialog, passphrase_field
from app.ui.session import Session
from app.ui.signing_key_tab import documents_folder
from app.ui.workers import BackgroundTask

INTRO = (
    "导入各支部交来的上报包（.bbpkg）。先逐个核对签名、完整性和序号，预览将写入的内容，此时不写入任何数据；"
    "确认后点“导入”。被改动过、签名不符、密钥未登记或已吊销、序号不对的上报包一律拒收。"
)
COLUMNS = (
    Column("文件", 12),
    Column("支部", 12),
    Column("序号", 2.5, numeric=True),
    Column("期间", 6.5),
    Column("结果", 3.5),
    Column("新增", 2.5, numeric=True, tip="本党委还没有的记录"),
    Column("更新", 2.5, numeric=True, tip="支部更正过或期内修改过的记录"),
    Column("未变", 2.5, numeric=True, tip="与已收到的完全相同的记录"),
    Column("冲突", 2.5, numeric=True, tip="已上报过、这次内容不同却没有更正说明的记录"),
    Column("序号缺口", 5, tip="该支部还有哪些序号的上报包没有收到"),
    Column("说明", 20),
)
RESULT_COLOURS = {"would_import": GREEN, "imported": GREEN, "unchanged": GREY, "rejected": RED}
CHECK_ORDER = ("would_import", "unchanged", "rejected")
IMPORT_ORDER = ("imported", "unchanged", "rejected")
FILE_FILTER = "上报包 (*.bbpkg *.age);;所有文件 (*)"


def _row(outcome: Outcome, names: dict[str, str]) -> Row:
    path = Path(outcome.file)
    # A refused package's name is not trusted; the committee's own name for the code is shown instead.
    name = outcome.branch_name or names.get(outcome.branch or "")
    branch = " ".join(x for x in (outcome.branch, name) if x)
    d = outcome.diff
    has_counts = outcome.status != "rejected" or d.new + d.updated + d.unchanged + d.conflicting > 0
    counts = tuple(str(n) if has_counts else "" for n in (d.new, d.updated, d.unchanged, d.conflicting))
    foreground = {-1: GREY_TEXT} if outcome.status == "unchanged" else {}
    if outcome.status == "rejected":
        foreground[10] = RED_TEXT
    if d.conflicting:
        foreground[8] = RED_TEXT
    if outcome.gaps:
        foreground[9] = RED_TEXT
    tip = outcome.message + ("\n" + "\n".join(d.conflicts) if d.conflicts else "")
    return Row(
        (
            path.name,
            branch,
            str(outcome.seq) if outcome.seq is not None else "",
            period_text(outcome.periods),
            outcome.status_label,
            *counts,
            gaps_text(outcome.gaps),
            outcome.message,
        ),
        payload=outcome,
        background={4: RESULT_COLOURS[outcome.status]},
        foreground=foreground,
        tooltips={0: str(path), 10: tip},
    )


def detail(row: Row) -> str:
    outcome: Outcome = row.payload
    conflicts = "".join(f"\n· {c}" for c in outcome.diff.conflicts)
    return f"{Path(outcome.file).name}（{outcome.status_label}）：{outcome.message}{conflicts}"


def tally(outcomes: Sequence[Outcome], order: Sequence[str]) -> str:
    counts = Counter(o.status for o in outcomes)
    return "，".join(f"{package_import.STATUS_LABELS[s]} {counts[s]} 个" for s in order)


class ReceivingPassphraseDialog(WorkDialog):
    """The passphrase of the committee's receiving key, checked (slow KDF, in the background) before use."""

    def __init__(
        self, ws: Workspace, count: int, parent: QWidget | None = None, log_folder: Path | None = None
    ) -> None:
        super().__init__("输入接收密钥口令", parent, log_folder)
        intro = QLabel(
            f"有 {count} 个上报包是加密的，只有本党委的接收加密密钥能打开。请输入设置接收密钥时定下的口令。"
        )
        intro.setWordWrap(True)
        self.passphrase = passphrase_field()
        label = QLabel("接收密钥口令(&P)：")
        label.setBuddy(self.passphrase)
        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.ExpandingFieldsGrow)
        form.addRow(label, self.passphrase)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(form)
        self._add_feedback(layout)
        layout.addWidget(self._buttons("确定"))
        self._inputs = [self.passphrase]
        self._ws = ws
        self.passphrase.setFocus()
        self.resize(max(self.sizeHint().width(), 520), self.sizeHint().height())

    def submit(self) -> None:
        if self.busy:
            return
        text = self.passphrase.text()
        if not text:
            self.refuse("请输入接收密钥的口令", self.passphrase)
            return
        ws = self._ws

        def work(_say: object) -> str:
            committee_keys.unlock_receiving(ws, text)  # raises UserError for a wrong passphrase
            return text

        self.run(work, "正在核对口令……")


class CommitteeImportPage(Page):
    progress_said = Signal(int, int, str)  # emitted from the worker thread; delivered on the GUI thread

    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(session, "导入", parent)
        self.paths: list[Path] = []
        self.outcomes: list[Outcome] = []
        self.stage = "idle"  # idle / checking / checked / importing / imported
        self.passphrase: str | None = None
        self.folder: Path | None = None
        self.was_cancelled = False
        self._asked_passphrase = False
        self.stop_requested = threading.Event()
        self._task: BackgroundTask | None = None
        self.model = RowsModel(COLUMNS)

        self.files_button = action_button("选择上报包…", "选择一个或多个上报包文件（.bbpkg）")
        self.folder_button = action_button("选择文件夹…", "导入一个文件夹（如整个U盘）中的全部上报包")
        self.import_button = action_button("导入", "把检查通过（可导入）的上报包写入本党委的数据")
        font = self.import_button.font()
        font.setBold(True)
        self.import_button.setFont(font)
        self.import_button.setMinimumWidth(self.import_button.sizeHint().width() + 32)
        self.cancel_button = action_button("停止", "处理完当前这个上报包后停止")
        actions = QHBoxLayout()
        actions.addWidget(self.files_button)
        actions.addWidget(self.folder_button)
        actions.addSpacing(24)
        actions.addWidget(self.import_button)
        actions.addStretch(1)

        self.bar = QProgressBar()
        self.bar.setTextVisible(True)
        self.bar.setFormat("%v / %m")
        self.status = QLabel()
        set_role(self.status, "hint")
        progress = QHBoxLayout()
        progress.addWidget(self.bar, 1)
        progress.addWidget(self.cancel_button)
        self.progress_box = QWidget()
        progress_column = QVBoxLayout(self.progress_box)
        progress_column.setContentsMargins(0, 0, 0, 0)
        progress_column.addLayout(progress)
        progress_column.addWidget(self.status)
        self.progress_box.hide()

        self.stage_label = QLabel()
        set_role(self.stage_label, "page-title")
        self.stage_label.hide()
        self.key_hint = message_label("warning", self)
        self.table = make_table(self.model, sortable=False)  # in the order the packages were applied
        self.detail = QLabel()
        self.detail.setWordWrap(True)
        self.detail.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        follow_current(self.table, self.model, self.detail, detail)
        self.total = message_label("ok", self)
        font = self.total.font()
        font.setBold(True)
        self.total.setFont(font)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 12, 16, 8)
        layout.addWidget(hint_label(INTRO))
        layout.addLayout(actions)
        layout.addWidget(self.progress_box)
        layout.addWidget(self.key_hint)
        layout.addWidget(self.stage_label)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.detail)
        layout.addWidget(self.total)

        self.files_button.clicked.connect(self.choose_files)
        self.folder_button.clicked.connect(self.choose_folder)
        self.import_button.clicked.connect(self.import_now)
        self.cancel_button.clicked.connect(self.cancel)
        self.progress_said.connect(self._progress)
        self._update_buttons()

    def reload(self) -> None:
        self._stale = False  # the results shown stay: they describe what was just done

    # -- choosing ------------------------------------------------------------------------------------

    def _start_folder(self) -> str:
        return str(self.folder or documents_folder())

    def choose_files(self) -> None:
        chosen, _ = QFileDialog.getOpenFileNames(self, "选择上报包", self._start_folder(), FILE_FILTER)
        if chosen:
            self.folder = Path(chosen[0]).parent
            self.check_paths([Path(p) for p in chosen])

    def choose_folder(self) -> None:
        chosen = QFileDialog.getExistingDirectory(
            self, "选择上报包所在的文件夹（如U盘）", self._start_folder()
        )
        if chosen:
            self.folder = Path(chosen)
            self.check_paths([Path(chosen)])

    def check_paths(self, paths: Sequence[Path]) -> BackgroundTask | None:
        """Find the packages and check them all without writing."""
        if self.busy():
            return None
        files = package_import.package_files(paths)
        self.paths = files
        self.outcomes = []
        self.model.set_rows([])
        self._asked_passphrase = False
        show_message(self.total, "")
        show_message(self.key_hint, "")
        if not files:
            self.stage = "idle"
            self.stage_label.hide()
            show_message(self.total, "所选位置没有上报包（.bbpkg 文件）。", "warning")
            self._update_buttons()
            return None
        return self._start(dry_run=True)

    # -- running -------------------------------------------------------------------------------------

    def busy(self) -> bool:
        return self.stage in ("checking", "importing")

    def _start(self, dry_run: bool) -> BackgroundTask:
        ws, paths, passphrase = self.session.ws, list(self.paths), self.passphrase
        self.stop_requested = cancel = threading.Event()
        say = self.progress_said.emit

        def work() -> list[Outcome]:
            return package_import.import_packages(
                ws,
                paths,
                dry_run=dry_run,
                passphrase=passphrase,
                progress=say,
                cancelled=cancel.is_set,
            )

        self.stage = "checking" if dry_run else "importing"
        self.was_cancelled = False
        self.bar.setRange(0, len(paths))
        self.bar.setValue(0)
        self.status.setText(("正在检查" if dry_run else "正在导入") + f" {len(paths)} 个上报包……")
        self.progress_box.show()
        self.cancel_button.setEnabled(True)
        self._update_buttons()
        task = BackgroundTask(work)
        # Not task.cancel(): a stopped import has written the packages done so far, and says which.
        task.succeeded.connect(lambda outcomes: self._done(outcomes, dry_run))
        task.failed.connect(self._failed)
        self._task = task
        task.start()
        return task

    def task(self) -> BackgroundTask | None:
        return self._task

    def _progress(self, done: int, total: int, name: str) -> None:
        if not self.busy():
            return
        self.bar.setRange(0, total)
        self.bar.setValue(done)
        verb = "检查" if self.stage == "checking" else "导入"
        self.status.setText(f"已{verb} {done} / {total}：{name}")

    def cancel(self) -> None:
        if self.busy():
            self.stop_requested.set()
            self.cancel_button.setEnabled(False)
            self.status.setText("正在停止：处理完当前这个上报包后停止……")

    def _finish_running(self) -> None:
        self.progress_box.hide()

    def _failed(self, exc: BaseException) -> None:
        self._finish_running()
        self.stage = "idle"
        self._update_buttons()
        report_exception(exc, self, self.session.log_folder(), "导入上报包")

    def _done(self, outcomes: list[Outcome], dry_run: bool) -> None:
        self._finish_running()
        # Stopped only if the stop came before the last package (it may arrive just after).
        self.was_cancelled = self.stop_requested.is_set() and len(outcomes) < len(self.paths)
        encrypted = sum(o.reason == "encrypted" for o in outcomes)
        if dry_run and encrypted and self.passphrase is None and not self._asked_passphrase:
            self._asked_passphrase = True
            if committee_keys.receiving_recipient(self.session.ws) is None:
                show_message(
                    self.key_hint,
                    f"有 {encrypted} 个上报包是加密的，但本党委还没有接收加密密钥，无法打开。"
                    "请在“设置 → 接收加密密钥”中查看。",
                    "warning",
                )
            elif self._ask_passphrase(encrypted):
                self._start(dry_run=True)  # again, now able to open them
                return
        self.outcomes = outcomes
        names = {b.code: b.name for b in committee_keys.enrolled_branches(self.session.ws)}
        self.model.set_rows([_row(o, names) for o in outcomes])
        first = next((r for r, o in enumerate(outcomes) if o.status == "rejected"), 0 if outcomes else None)
        if first is not None:
            self.table.selectRow(first)  # a refusal's reason is the first thing to read
        self.stage_label.show()
        if dry_run:
            self.stage = "checked"
            self.stage_label.setText("检查结果（尚未写入）")
            self._show_check_total()
        else:
            self.stage = "imported"
            self.stage_label.setText("导入结果")
            self._show_import_total()
            if any(o.status == "imported" for o in outcomes):
                self.session.notify_changed()
                self.status_message.emit(f"已导入 {sum(o.status == 'imported' for o in outcomes)} 个上报包")
        self._update_buttons()

    def _show_check_total(self) -> None:
        outcomes = self.outcomes
        text = f"检查了 {len(outcomes)} 个上报包：{tally(outcomes, CHECK_ORDER)}。"
        if self.was_cancelled:
            show_message(
                self.total,
                text + f"已停止，其余 {len(self.paths) - len(outcomes)} 个未检查；请重新选择后再检查。",
                "warning",
            )
        elif any(o.status == "would_import" for o in outcomes):
            show_message(self.total, text + "核对无误后点“导入”写入。", "ok")
        else:
            show_message(self.total, text + "没有需要导入的上报包。", "warning")

    def _show_import_total(self) -> None:
        outcomes = self.outcomes
        text = f"导入完毕：共 {len(outcomes)} 个上报包，{tally(outcomes, IMPORT_ORDER)}。"
        if self.was_cancelled:
            text = (
                f"已停止：处理了 {len(outcomes)} 个上报包，{tally(outcomes, IMPORT_ORDER)}；"
                f"其余 {len(self.paths) - len(outcomes)} 个未导入。已导入的已经写入。"
            )
        rejected = any(o.status == "rejected" for o in outcomes)
        show_message(self.total, text, "warning" if rejected or self.was_cancelled else "ok")

    def _ask_passphrase(self, count: int) -> bool:
        dialog = ReceivingPassphraseDialog(self.session.ws, count, self, self.session.log_folder())
        accepted = dialog.exec() == ReceivingPassphraseDialog.DialogCode.Accepted
        dialog.deleteLater()  # parented to the page, which lives on
        if accepted:
            self.passphrase = dialog.result_value
        return accepted

    def can_import(self) -> bool:
        """After a complete check that found something to import."""
        return (
            self.stage == "checked"
            and not self.was_cancelled
            and any(o.status == "would_import" for o in self.outcomes)
        )

    def import_now(self) -> BackgroundTask | None:
        if not self.can_import():
            return None
        return self._start(dry_run=False)

    def _update_buttons(self) -> None:
        busy = self.busy()
        self.files_button.setEnabled(not busy)
        self.folder_button.setEnabled(not busy)
        self.import_button.setEnabled(self.can_import())
