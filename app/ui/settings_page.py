"""设置: tabs for the branch (or committee) profile, backups, the data check and the signing key."""

from __future__ import annotations

from PySide6.QtWidgets import QFormLayout, QLabel, QTabWidget, QVBoxLayout, QWidget

from app.ui.backups_tab import BackupsTab
from app.ui.branch_profile_tab import BranchProfileTab
from app.ui.committee_settings_tab import ReceivingKeyTab
from app.ui.form_fields import set_role
from app.ui.journal_check_tab import JournalCheckTab
from app.ui.local_rules_tab import LocalRulesTab
from app.ui.pages import Page
from app.ui.session import Session
from app.ui.signing_key_tab import SigningKeyTab


class CommitteeInfoTab(QWidget):
    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.name, self.code = QLabel(), QLabel()
        note = QLabel("党委名称和代码在新建工作区时填写，暂不能在此修改。")
        set_role(note, "hint")
        form = QFormLayout(self)
        form.addRow("党委名称：", self.name)
        form.addRow("党委代码：", self.code)
        form.addRow(note)

    def reload(self) -> None:
        self.name.setText(self.session.display_name())
        self.code.setText(self.session.committee_code())


class SettingsPage(Page):
    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(session, "设置", parent)
        self.tabs = QTabWidget()
        self.profile_tab: BranchProfileTab | CommitteeInfoTab
        self.rules_tab: LocalRulesTab | None = None
        self.key_tab: SigningKeyTab | None = None
        self.receiving_tab: ReceivingKeyTab | None = None
        if session.is_branch:
            self.profile_tab = BranchProfileTab(session)
            self.tabs.addTab(self.profile_tab, "支部信息")
            self.rules_tab = LocalRulesTab(session)
            self.tabs.addTab(self.rules_tab, "地方规定")
        else:
            self.profile_tab = CommitteeInfoTab(session)
            self.tabs.addTab(self.profile_tab, "党委信息")
        self.backups_tab = BackupsTab(session)
        self.journal_tab = JournalCheckTab(session)
        self.tabs.addTab(self.backups_tab, "备份与恢复")
        self.tabs.addTab(self.journal_tab, "数据校验")
        if session.is_branch:
            self.key_tab = SigningKeyTab(session)
            self.tabs.addTab(self.key_tab, "签名密钥")
        else:
            self.receiving_tab = ReceivingKeyTab(session)
            self.tabs.addTab(self.receiving_tab, "接收加密密钥")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 12, 16, 12)
        layout.addWidget(self.tabs)

    def reload(self) -> None:
        tabs = (self.profile_tab, self.rules_tab, self.backups_tab, self.journal_tab, self.key_tab)
        for tab in (*tabs, self.receiving_tab):
            if tab is not None:
                tab.reload()
