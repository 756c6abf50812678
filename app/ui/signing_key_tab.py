"""设置 → 签名密钥: the branch's package-signing key (create, key card, backup, handover) and the
committee's encryption recipient."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from PySide6.QtCore import QStandardPaths, Qt
from PySide6.QtGui import QFont, QFontDatabase
from PySide6.QtWidgets import (
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from app.domain.periods import chinese_date
from app.services import branch_profile, package_export, signing_keys
from app.services.errors import UserError
from app.services.signing_keys import KeyInfo
from app.ui.form_fields import message_label, set_role, show_message
from app.ui.handover_dialog import HandoverDialog
from app.ui.messages import confirm, show_error, show_info
from app.ui.pages import action_button
from app.ui.passphrase_dialog import PassphraseDialog
from app.ui.session import Session

ABOUT_KEY = (
    "上报给上级党委的文件要用本支部的签名密钥签名。上级党委凭事先登记的公钥核对："
    "文件确实出自本支部，途中没有被改动过。"
)
NO_KEY_STEPS = (
    "生成密钥时请设置一个口令（至少 8 个字符）。密钥文件存放在工作区文件夹中，由口令加密保护；"
    "每次生成上报包都要输入这个口令。\n\n"
    "口令无法找回：忘记口令，就只能请上级党委重新登记新的密钥。请牢记口令，"
    "并在生成后用“备份密钥”把密钥复制到U盘，妥善保管。\n\n"
    "生成后，请导出公钥卡，打印并交给上级党委登记。"
)
FINGERPRINT_HINT = "上级党委登记公钥时会核对这串指纹。请当面或通过电话逐组核对，不要只凭U盘上的文件。"
RECIPIENT_HINT = (
    "如果上级党委提供了加密公钥（以 age1 开头的一串字符），填在这里。生成上报包时可以选择加密，"
    "只有上级党委能打开，U盘丢失也不会泄露身份证号等信息。没有就空着。"
)


def fingerprint_font(point_size: float = 17) -> QFont:
    font = QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont)
    font.setStyleHint(QFont.StyleHint.TypeWriter)
    font.setPointSizeF(point_size)
    font.setBold(True)
    return font


def spaced_fingerprint(fingerprint: str) -> str:
    """The groups of four with wider gaps, easier to read out group by group."""
    return "  ".join(fingerprint.split())


def documents_folder() -> Path:
    folder = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
    return Path(folder) if folder else Path.home()


class SigningKeyTab(QWidget):
    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.key: KeyInfo | None = None
        self.folder: Path | None = None  # where the last card, backup or statement went, this session

        # -- no key yet --
        self.no_key_box = QGroupBox("还没有签名密钥")
        about = QLabel(ABOUT_KEY)
        about.setWordWrap(True)
        steps = QLabel(NO_KEY_STEPS)
        steps.setWordWrap(True)
        set_role(steps, "hint")
        self.create_button = action_button("生成签名密钥…", "设置口令，生成本支部的签名密钥")
        no_key_layout = QVBoxLayout(self.no_key_box)
        no_key_layout.addWidget(about)
        no_key_layout.addWidget(steps)
        no_key_layout.addLayout(_row(self.create_button))

        # -- the current key --
        self.key_box = QGroupBox("本支部签名密钥")
        self.key_id = QLabel()
        self.fingerprint = QLabel()
        self.fingerprint.setFont(fingerprint_font())
        self.fingerprint.setStyleSheet("QLabel { color: #7f1212; padding: 4px 0; }")
        self.created = QLabel()
        self.predecessor = QLabel()
        for label in (self.key_id, self.fingerprint, self.created, self.predecessor):
            label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        fingerprint_hint = QLabel(FINGERPRINT_HINT)
        fingerprint_hint.setWordWrap(True)
        set_role(fingerprint_hint, "hint")
        self.key_form = QFormLayout()
        self.key_form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.ExpandingFieldsGrow)
        self.key_form.addRow("密钥编号：", self.key_id)
        self.key_form.addRow("生成日期：", self.created)
        self.key_form.addRow("前任密钥：", self.predecessor)
        fingerprint_label = QLabel("指纹：")
        fingerprint_label.setBuddy(self.fingerprint)
        fingerprint_label.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        fingerprint_label.setMinimumHeight(self.fingerprint.sizeHint().height())
        self.key_form.addRow(fingerprint_label, self.fingerprint)
        self.card_button = action_button(
            "导出公钥卡…", "保存公钥文件（.pub）和可打印的公钥卡（PDF），交上级党委登记"
        )
        self.backup_button = action_button("备份密钥…", "把密钥文件（仍受口令保护）复制到U盘等位置")
        self.handover_button = action_button("换届交接…", "换届时由原密钥签署交接声明，改用新密钥")
        self.statement_button = action_button("保存交接声明…", "把最近一次换届交接声明另存，交上级党委")
        key_layout = QVBoxLayout(self.key_box)
        key_layout.addLayout(self.key_form)
        key_layout.addWidget(fingerprint_hint)
        key_layout.addLayout(
            _row(self.card_button, self.backup_button, self.handover_button, self.statement_button)
        )

        # -- the committee's encryption recipient --
        recipient_box = QGroupBox("上报包加密")
        recipient_hint = QLabel(RECIPIENT_HINT)
        recipient_hint.setWordWrap(True)
        set_role(recipient_hint, "hint")
        self.recipient = QLineEdit()
        self.recipient.setPlaceholderText("age1…")
        self.recipient.setClearButtonEnabled(True)
        self.save_recipient_button = action_button("保存", "保存上级党委加密公钥（清空后保存即不再加密）")
        recipient_label = QLabel("上级党委加密公钥（age1…，可不填）：")
        recipient_label.setBuddy(self.recipient)
        recipient_row = QHBoxLayout()
        recipient_row.addWidget(recipient_label)
        recipient_row.addWidget(self.recipient, 1)
        recipient_row.addWidget(self.save_recipient_button)
        self.recipient_message = message_label("ok", self)
        recipient_layout = QVBoxLayout(recipient_box)
        recipient_layout.addWidget(recipient_hint)
        recipient_layout.addLayout(recipient_row)
        recipient_layout.addWidget(self.recipient_message)

        self.message = message_label("ok", self)
        layout = QVBoxLayout(self)
        layout.addWidget(self.no_key_box)
        layout.addWidget(self.key_box)
        layout.addWidget(self.message)
        layout.addWidget(recipient_box)
        layout.addStretch(1)

        self.create_button.clicked.connect(self.create_key)
        self.card_button.clicked.connect(self.export_card)
        self.backup_button.clicked.connect(self.backup)
        self.handover_button.clicked.connect(self.hand_over)
        self.statement_button.clicked.connect(self.save_statement)
        self.save_recipient_button.clicked.connect(self.save_recipient)
        self.recipient.returnPressed.connect(self.save_recipient)

    # -- showing ---------------------------------------------------------------------------------

    def reload(self) -> None:
        ws = self.session.ws
        self.key = signing_keys.current_key(ws)
        key = self.key
        self.no_key_box.setVisible(key is None)
        self.key_box.setVisible(key is not None)
        if key is not None:
            self.key_id.setText(key.key_id)
            self.fingerprint.setText(spaced_fingerprint(key.fingerprint))
            self.created.setText(chinese_date(key.created_on))
            self.predecessor.setText(self._predecessor_text(key))
            self.key_form.setRowVisible(self.predecessor, key.predecessor is not None)
            self.statement_button.setVisible(key.predecessor is not None)
        saved = package_export.package_recipient(ws)
        if not self.recipient.isModified():  # keep what is being typed
            self.recipient.setText(saved)
            self.recipient.setModified(False)

    def _predecessor_text(self, key: KeyInfo) -> str:
        if key.predecessor is None:
            return ""
        old = next((k for k in signing_keys.all_keys(self.session.ws) if k.key_id == key.predecessor), None)
        if old is None or old.retired_on is None:
            return key.predecessor
        return f"{key.predecessor}（{chinese_date(old.retired_on)}换届交接后停用）"

    def shown_fingerprint(self) -> str:
        """The fingerprint as shown, in the form the services write it (for tests)."""
        return " ".join(self.fingerprint.text().split())

    def _start_folder(self) -> Path:
        return self.folder or documents_folder()

    def _changed(self) -> None:
        self.reload()
        self.session.notify_changed()

    # -- the key -----------------------------------------------------------------------------------

    def create_key(self) -> bool:
        key = self.create_dialog().ask()
        if key is None:
            return False
        self._changed()
        show_info(
            self,
            "已生成本支部的签名密钥。\n\n"
            f"指纹：{key.fingerprint}\n\n"
            "接下来请：\n"
            "1. 点“导出公钥卡…”，打印公钥卡，连同公钥文件交上级党委登记；\n"
            "2. 点“备份密钥…”，把密钥复制到U盘妥善保管，并牢记口令。",
        )
        return True

    def create_dialog(self) -> PassphraseDialog:
        ws = self.session.ws
        return PassphraseDialog(
            "生成签名密钥",
            "为本支部的签名密钥设置口令。每次生成上报包都要输入这个口令。",
            lambda passphrase, _say: signing_keys.create_key(ws, passphrase),
            new=True,
            ok_text="生成",
            busy_text="正在生成签名密钥……",
            parent=self,
            log_folder=self.session.log_folder(),
        )

    def _save_target(self, title: str, name: str, kinds: str, suffix: str) -> Path | None:
        """A file to save to, chosen in the last folder used, with `suffix` added when left off."""
        chosen, _ = QFileDialog.getSaveFileName(
            self, title, str(self._start_folder() / name), f"{kinds};;所有文件 (*)"
        )
        if not chosen:
            return None
        target = Path(chosen)
        return target if target.suffix.lower() == suffix else target.with_name(target.name + suffix)

    def export_card(self) -> None:
        key = self.key
        if key is None:
            return
        code = branch_profile.load_profile(self.session.ws).code
        target = self._save_target(
            "导出公钥卡", f"{code}-签名公钥-{key.key_id}.pub", "公钥文件 (*.pub)", ".pub"
        )
        if target is None:
            return
        try:
            pub, pdf = signing_keys.write_key_card(self.session.ws, target)
        except UserError as exc:
            show_error(self, str(exc))
            return
        self.folder = target.parent
        show_message(self.message, f"已导出公钥卡：{pdf.name}、{pub.name}", "ok")
        show_info(
            self,
            "已导出公钥卡。\n\n"
            f"公钥文件：{pub}\n可打印的公钥卡：{pdf}\n\n"
            "请打印公钥卡，核对指纹后签字，连同公钥文件一起交给上级党委登记。",
        )

    def backup(self) -> None:
        if self.key is None:
            return
        chosen = QFileDialog.getExistingDirectory(self, "选择备份位置（如U盘）", str(self._start_folder()))
        if not chosen:
            return
        try:
            path = signing_keys.backup_key(self.session.ws, Path(chosen))
        except UserError as exc:
            show_error(self, str(exc))
            return
        self.folder = Path(chosen)
        show_message(self.message, f"已备份密钥：{path}", "ok")
        show_info(
            self,
            f"已把签名密钥备份到：\n{path}\n\n"
            "备份仍由口令保护，但请把U盘放在稳妥的地方。电脑损坏时，把这个文件放回工作区的 keys 文件夹即可恢复。",
        )

    def hand_over(self) -> bool:
        if self.key is None:
            return False
        old = self.key
        dialog = HandoverDialog(self.session.ws, self, self.session.log_folder())
        done = dialog.ask()
        if done is None:
            return False
        self._changed()
        new = done.new_key
        if confirm(
            self,
            "换届交接完成",
            f"已启用新密钥 {new.key_id}，原密钥 {old.key_id} 已停用。\n\n"
            f"新密钥指纹：{new.fingerprint}\n\n"
            "请把交接声明和新的公钥卡一起交给上级党委，上级党委核对后才能接收新密钥签名的上报包。"
            "现在保存交接声明吗？",
            yes="保存交接声明…",
            no="以后再说",
        ):
            self.save_statement()
        return True

    def save_statement(self) -> None:
        key = self.key
        if key is None:
            return
        code = branch_profile.load_profile(self.session.ws).code
        target = self._save_target(
            "保存交接声明", f"{code}-换届交接-{dt.date.today():%Y%m%d}.json", "交接声明 (*.json)", ".json"
        )
        if target is None:
            return
        try:
            statement, signature = signing_keys.write_handover(self.session.ws, target)
        except UserError as exc:
            show_error(self, str(exc))
            return
        self.folder = target.parent
        show_message(self.message, f"已保存交接声明：{statement.name}", "ok")
        show_info(
            self,
            f"已保存交接声明：\n{statement}\n{signature}（原密钥的签名）\n\n"
            "请把这两个文件和新的公钥卡（点“导出公钥卡…”）一起交给上级党委。",
        )

    # -- the committee's recipient -------------------------------------------------------------------

    def save_recipient(self) -> bool:
        text = self.recipient.text().strip()
        try:
            package_export.set_package_recipient(self.session.ws, text)
        except UserError as exc:
            show_message(self.recipient_message, str(exc), "error")
            self.recipient.setFocus()
            return False
        self.recipient.setText(text)
        self.recipient.setModified(False)
        show_message(
            self.recipient_message,
            "已保存。生成上报包时可以选择加密。" if text else "已清除，上报包将不加密。",
            "ok",
        )
        self.session.notify_changed()
        return True


def _row(*buttons: QWidget) -> QHBoxLayout:
    row = QHBoxLayout()
    for button in buttons:
        row.addWidget(button)
    row.addStretch(1)
    return row
