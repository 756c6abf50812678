"""支部 (committee): the enrolled branches with their keys and last package; enrol, revoke, handover."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QFileDialog, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from app.services import committee_keys, committee_reports
from app.services.committee_reports import BranchOverview
from app.services.errors import UserError
from app.ui.committee_branch_dialogs import BranchEditDialog, RevokeDialog
from app.ui.committee_widgets import (
    AMBER_TEXT,
    GREY_TEXT,
    RED_TEXT,
    Column,
    Row,
    RowsModel,
    gaps_text,
    hint_label,
    local_time,
    make_table,
    marks_text,
    period_text,
)
from app.ui.enroll_dialog import EnrollDialog
from app.ui.form_fields import message_label, show_message
from app.ui.messages import confirm, show_error, show_info
from app.ui.pages import Page, action_button
from app.ui.session import Session
from app.ui.signing_key_tab import documents_folder

COLUMNS = (
    Column("代码", 6),
    Column("名称", 11),
    Column("类别", 8),
    Column("达标/先进分", 6, tip="按支部类别：达到达标分为合格，达到先进分可评先进"),
    Column("密钥编号", 9, tip="登记的签名密钥；鼠标停留可看指纹"),
    Column("密钥状态", 4.5),
    Column("最近上报", 11, tip="最近收到的上报包：序号和期间"),
    Column("生成时间", 8, tip="支部生成该上报包的时间"),
    Column("序号缺口", 10, tip="上报包按序号连续编号；缺号说明有上报包没有交来"),
)
KEY_STATE_COLOURS = {"已吊销": RED_TEXT, "已交接": GREY_TEXT, "无": AMBER_TEXT}
CARD_LIMIT = 64 * 1024  # a key card is two short lines; anything big is the wrong file
EMPTY_TEXT = (
    "还没有登记支部。请点“登记公钥卡…”，选择支部交来的公钥文件（.pub），"
    "与支部核对指纹后登记。登记后才能导入该支部的上报包。"
)


def _row(b: BranchOverview) -> Row:
    last = f"第{b.last_sequence}号　{period_text(b.last_periods)}" if b.last_sequence else "未收到"
    foreground = {5: KEY_STATE_COLOURS[b.key_state]} if b.key_state in KEY_STATE_COLOURS else {}
    if b.gaps:
        foreground[8] = RED_TEXT
    if not b.last_sequence:
        foreground[6] = GREY_TEXT
    return Row(
        (
            b.code,
            b.name,
            b.class_label,
            marks_text(b.pass_mark, b.advanced_mark),
            b.key_id or "",
            b.key_state,
            last,
            local_time(b.last_created_at),
            gaps_text(b.gaps),
        ),
        payload=b,
        keys={6: b.last_sequence, 7: b.last_created_at},
        foreground=foreground,
        tooltips={4: f"指纹：{b.fingerprint}" if b.fingerprint else "没有登记密钥"}
        | ({7: f"导入时间：{local_time(b.last_imported_at)}"} if b.last_imported_at else {}),
    )


class CommitteeBranchesPage(Page):
    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(session, "支部", parent)
        self.folder: Path | None = None  # where the last card or statement came from, this session
        self.model = RowsModel(COLUMNS)
        self.enroll_button = action_button("登记公钥卡…", "选择支部交来的公钥文件（.pub），核对指纹后登记")
        self.revoke_button = action_button("吊销密钥…", "密钥丢失或泄露时吊销，之后用它签名的上报包一律拒收")
        self.handover_button = action_button(
            "导入交接声明…", "支部换届换密钥时，导入旧密钥签名的交接声明（.json 和同名 .minisig）"
        )
        self.edit_button = action_button("修改名称/类别…", "修改选中支部的名称或类别（回车或双击）")
        actions = QHBoxLayout()
        for button in (self.enroll_button, self.handover_button, self.revoke_button):
            actions.addWidget(button)
        actions.addSpacing(24)
        actions.addWidget(self.edit_button)
        actions.addStretch(1)

        self.empty = hint_label(EMPTY_TEXT)
        self.table = make_table(self.model)
        self.message = message_label("ok", self)
        self.count_label = QLabel()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 12, 16, 8)
        layout.addLayout(actions)
        layout.addWidget(self.message)
        layout.addWidget(self.empty)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.count_label)

        self.enroll_button.clicked.connect(self.choose_card)
        self.revoke_button.clicked.connect(self.revoke_selected)
        self.handover_button.clicked.connect(self.choose_handover)
        self.edit_button.clicked.connect(self.edit_selected)
        self.table.doubleClicked.connect(lambda _index: self.edit_selected())
        self.table.open_requested.connect(self.edit_selected)
        self.table.selectionModel().selectionChanged.connect(lambda *_: self._update_buttons())
        self._update_buttons()

    # -- showing ---------------------------------------------------------------------------------

    def reload(self) -> None:
        self._stale = False
        keep = self.selected()
        branches = committee_reports.branch_overview(self.session.ws)
        self.model.set_rows([_row(b) for b in branches])
        self.empty.setVisible(not branches)
        active = sum(b.key_state == "有效" for b in branches)
        received = sum(b.last_sequence is not None for b in branches)
        self.count_label.setText(
            f"共 {len(branches)} 个支部，{active} 个有有效密钥，{received} 个已交来上报包" if branches else ""
        )
        if keep is not None:
            self.select_branch(keep.code)
        self._update_buttons()

    def selected(self) -> BranchOverview | None:
        rows = self.table.selectionModel().selectedRows()
        return self.model.payload_at(rows[0].row()) if rows else None

    def select_branch(self, code: str) -> bool:
        row = self.model.find("代码", code)
        if row is not None:
            self.table.selectRow(row)
        return row is not None

    def _update_buttons(self) -> None:
        branch = self.selected()
        self.edit_button.setEnabled(branch is not None)
        revocable = branch is not None and branch.key_id is not None and branch.key_state != "已吊销"
        self.revoke_button.setEnabled(revocable)

    def _changed(self, text: str, code: str | None = None) -> None:
        show_message(self.message, text, "ok")
        self.status_message.emit(text)
        self.session.notify_changed()
        if not self.isVisible():
            self.reload()
        if code:
            self.select_branch(code)

    def _start_folder(self) -> str:
        return str(self.folder or documents_folder())

    # -- enrol -------------------------------------------------------------------------------------

    def choose_card(self) -> None:
        chosen, _ = QFileDialog.getOpenFileName(
            self, "选择支部的公钥文件", self._start_folder(), "公钥文件 (*.pub);;所有文件 (*)"
        )
        if chosen:
            self.enroll_card(Path(chosen))

    def enroll_card(self, path: Path) -> bool:
        """Read the card, show its fingerprint, enrol once the clerk confirmed it."""
        self.folder = path.parent
        try:
            if path.stat().st_size > CARD_LIMIT:
                raise UserError(f"{path.name} 不是公钥文件（文件太大）")
            text = path.read_text(encoding="utf-8")
            card = committee_keys.read_key_card(text)
        except UserError as exc:
            show_error(self, str(exc), "无法登记")
            return False
        except (OSError, UnicodeDecodeError):
            show_error(self, f"无法读取 {path.name}：不是公钥文件，或文件已损坏", "无法登记")
            return False
        dialog = EnrollDialog(
            self.session.ws, text, card, committee_keys.enrolled_branches(self.session.ws), self
        )
        accepted = dialog.exec() == EnrollDialog.DialogCode.Accepted
        dialog.deleteLater()  # parented to the page, which lives on
        key = dialog.enrolled
        if not accepted or key is None:
            return False
        self._changed(f"已登记支部 {key.branch_code} 的签名密钥 {key.key_id}", key.branch_code)
        return True

    # -- revoke ------------------------------------------------------------------------------------

    def revoke_selected(self) -> bool:
        branch = self.selected()
        if branch is None or branch.key_id is None:
            return False
        dialog = RevokeDialog(branch, self)
        accepted = dialog.exec() == RevokeDialog.DialogCode.Accepted
        dialog.deleteLater()
        reason = dialog.reason_text()
        if not accepted:
            return False
        if not confirm(
            self,
            "确认吊销",
            f"确定吊销支部 {branch.code}（{branch.name}）的密钥 {branch.key_id} 吗？\n\n"
            f"原因：{reason}\n\n吊销不能撤销。之后该支部须重新交来新的公钥卡登记。",
            yes="吊销",
        ):
            return False
        try:
            committee_keys.revoke(self.session.ws, branch.key_id, reason)
        except UserError as exc:
            show_error(self, str(exc))
            return False
        self._changed(f"已吊销支部 {branch.code} 的密钥 {branch.key_id}", branch.code)
        return True

    # -- handover ----------------------------------------------------------------------------------

    def choose_handover(self) -> None:
        chosen, _ = QFileDialog.getOpenFileName(
            self, "选择换届交接声明", self._start_folder(), "交接声明 (*.json);;所有文件 (*)"
        )
        if chosen:
            self.accept_handover_file(Path(chosen))

    def accept_handover_file(self, path: Path) -> bool:
        """The statement and its signature beside it (name.json.minisig), as the branch saved them."""
        self.folder = path.parent
        signature_path = path.with_name(path.name + ".minisig")
        try:
            statement = path.read_bytes()
        except OSError as exc:
            show_error(self, f"无法读取 {path.name}：{exc.strerror or exc}", "无法导入交接声明")
            return False
        try:
            signature = signature_path.read_text(encoding="ascii")
        except (OSError, UnicodeDecodeError):
            show_error(
                self,
                f"找不到交接声明的签名文件 {signature_path.name}。\n\n"
                "请把支部交来的两个文件（.json 和 .json.minisig）放在同一文件夹中再导入。",
                "无法导入交接声明",
            )
            return False
        try:
            key = committee_keys.accept_handover(self.session.ws, statement, signature)
        except UserError as exc:
            show_error(self, str(exc), "无法导入交接声明")
            return False
        self._changed(f"支部 {key.branch_code} 已换用新密钥 {key.key_id}", key.branch_code)
        show_info(
            self,
            f"交接声明的签名核对无误，支部 {key.branch_code} 已换用新密钥 {key.key_id}，原密钥停用。\n\n"
            f"新密钥指纹：{key.fingerprint}\n\n请与支部交来的新公钥卡核对这串指纹。",
            "已导入交接声明",
        )
        return True

    # -- name and class ------------------------------------------------------------------------------

    def edit_selected(self) -> bool:
        branch = self.selected()
        if branch is None:
            return False
        dialog = BranchEditDialog(branch, self)
        accepted = dialog.exec() == BranchEditDialog.DialogCode.Accepted
        dialog.deleteLater()
        name, org_class = dialog.name.text().strip(), dialog.org_class.currentData()
        if not accepted:
            return False
        try:
            committee_keys.set_branch(self.session.ws, branch.code, name=name, org_class=org_class)
        except UserError as exc:
            show_error(self, str(exc))
            return False
        self._changed(f"已修改支部 {branch.code} 的信息", branch.code)
        return True
