"""设置 → 签名密钥: generate the key, key card, backup, handover with its statement, the committee recipient."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFileDialog, QLabel, QMessageBox, QWidget
from pytestqt.qtbot import QtBot

from app.io.package import minisign
from app.io.package.age_crypt import generate_identity, recipient_of
from app.services import package_export, signing_keys
from app.ui.handover_dialog import HandoverDialog
from app.ui.passphrase_dialog import PassphraseDialog
from app.ui.session import Session
from app.ui.settings_page import SettingsPage
from app.ui.signing_key_tab import SigningKeyTab
from tests.ui.helpers import accept_box, answer_modal, click_button, type_chinese

PASSPHRASE = "党支部口令2026"


@pytest.fixture
def settings(qtbot: QtBot, branch_session: Session) -> SettingsPage:
    page = SettingsPage(branch_session)
    qtbot.addWidget(page)
    page.resize(1200, 700)
    page.show()
    qtbot.waitExposed(page)
    assert page.key_tab is not None
    page.tabs.setCurrentWidget(page.key_tab)
    return page


@pytest.fixture
def tab(settings: SettingsPage) -> SigningKeyTab:
    assert settings.key_tab is not None
    return settings.key_tab


def new_passphrase(
    qtbot: QtBot, first: str, second: str, key: Qt.Key = Qt.Key.Key_Return
) -> Callable[[QWidget], None]:
    """Type a new passphrase twice, as a user does, and press Enter (or Esc)."""

    def act(dialog: QWidget) -> None:
        assert isinstance(dialog, PassphraseDialog) and dialog.new
        type_chinese(dialog.passphrase, first)
        type_chinese(dialog.again, second)
        qtbot.keyClick(dialog.again, key)

    return act


def save_as(monkeypatch: pytest.MonkeyPatch, path: Path, seen: list[str] | None = None) -> None:
    def fake(
        parent: QWidget, caption: str, start: str = "", filters: str = "", *args: object
    ) -> tuple[str, str]:
        if seen is not None:
            seen.append(start)
        return str(path), filters.split(";;")[0]

    monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(fake))


def test_generate_key_through_the_tab(qtbot: QtBot, tab: SigningKeyTab, branch_session: Session) -> None:
    assert tab.no_key_box.isVisible() and not tab.key_box.isVisible()
    assert "口令无法找回" in "\n".join(label.text() for label in tab.no_key_box.findChildren(QLabel))

    # Esc leaves without a key.
    answer_modal(
        qtbot, new_passphrase(qtbot, PASSPHRASE, PASSPHRASE, Qt.Key.Key_Escape), kind=PassphraseDialog
    )
    assert not tab.create_key()
    assert signing_keys.current_key(branch_session.ws) is None

    # Two different passphrases, then a good pair: the dialog says why and stays open.
    said: list[str] = []

    def mismatch_then_match(dialog: QWidget) -> None:
        assert isinstance(dialog, PassphraseDialog)
        type_chinese(dialog.passphrase, PASSPHRASE)
        type_chinese(dialog.again, PASSPHRASE + "x")
        qtbot.keyClick(dialog.again, Qt.Key.Key_Return)
        said.append(dialog.error.text())
        assert dialog.isVisible() and not dialog.busy
        dialog.passphrase.clear()
        dialog.again.clear()
        type_chinese(dialog.passphrase, "短口令")
        type_chinese(dialog.again, "短口令")
        qtbot.keyClick(dialog.again, Qt.Key.Key_Return)
        said.append(dialog.error.text())
        dialog.passphrase.clear()
        dialog.again.clear()
        type_chinese(dialog.passphrase, PASSPHRASE)
        type_chinese(dialog.again, PASSPHRASE)
        qtbot.keyClick(dialog.again, Qt.Key.Key_Return)  # Enter presses 生成

    answer_modal(qtbot, mismatch_then_match, kind=PassphraseDialog)
    done = answer_modal(qtbot, accept_box)
    tab.create_button.click()
    assert said == ["两次输入的口令不一致，请重新输入", "口令至少需要 8 个字符"]
    key = signing_keys.current_key(branch_session.ws)
    assert key is not None
    assert "已生成本支部的签名密钥" in done.text and key.fingerprint in done.text
    assert tab.key_box.isVisible() and not tab.no_key_box.isVisible()
    assert tab.shown_fingerprint() == key.fingerprint
    assert len(key.fingerprint.split()) == 8
    assert tab.key_id.text() == key.key_id
    assert not tab.statement_button.isVisible()  # no handover yet
    assert signing_keys.unlock(branch_session.ws, PASSPHRASE).public == key.raw[1]


def test_key_card_and_backup(
    qtbot: QtBot, tab: SigningKeyTab, branch_session: Session, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    key = signing_keys.create_key(branch_session.ws, PASSPHRASE)
    tab.reload()
    starts: list[str] = []
    save_as(monkeypatch, tmp_path / "out" / "公钥卡", starts)  # no suffix typed: .pub is added
    (tmp_path / "out").mkdir()
    told = answer_modal(qtbot, accept_box)
    tab.card_button.click()
    assert starts[0].endswith(f"0301-签名公钥-{key.key_id}.pub")
    pub = tmp_path / "out" / "公钥卡.pub"
    pdf = tmp_path / "out" / "公钥卡.pdf"
    assert minisign.parse_public_key(pub.read_text(encoding="utf-8")) == key.raw
    assert pdf.read_bytes().startswith(b"%PDF")
    assert str(pub) in told.text and str(pdf) in told.text

    usb = tmp_path / "U盘"
    monkeypatch.setattr(QFileDialog, "getExistingDirectory", staticmethod(lambda *a, **k: str(usb)))
    told = answer_modal(qtbot, accept_box)
    tab.backup_button.click()
    copies = list(usb.glob("*.key"))
    assert [p.name for p in copies] == [f"0301-{key.key_id}.key"]
    assert str(copies[0]) in told.text


def test_handover_changes_the_key_and_the_statement_verifies(
    qtbot: QtBot, tab: SigningKeyTab, branch_session: Session, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    old = signing_keys.create_key(branch_session.ws, PASSPHRASE)
    tab.reload()
    new_passphrase_text = "新任书记口令88"
    errors: list[str] = []

    def fill(dialog: QWidget) -> None:
        assert isinstance(dialog, HandoverDialog)
        type_chinese(dialog.old, "不是原来的口令")
        type_chinese(dialog.new, new_passphrase_text)
        type_chinese(dialog.again, new_passphrase_text)
        type_chinese(dialog.reason, "换届，新任书记王𠮷")
        qtbot.keyClick(dialog.reason, Qt.Key.Key_Return)
        qtbot.waitUntil(lambda: dialog.error.isVisible(), timeout=10_000)  # the wrong old passphrase
        errors.append(dialog.error.text())
        assert dialog.isVisible() and dialog.focusWidget() is dialog.old
        dialog.old.clear()
        type_chinese(dialog.old, PASSPHRASE)
        dialog.ok_button.click()

    def save_then_acknowledge(box: QWidget) -> None:
        assert isinstance(box, QMessageBox)
        if any(b.text() == "保存交接声明…" for b in box.buttons()):
            click_button("保存交接声明…")(box)  # the offer after the handover
        else:
            accept_box(box)  # …where the statement went

    answer_modal(qtbot, fill, kind=HandoverDialog)
    boxes = answer_modal(qtbot, save_then_acknowledge, times=2)
    target = tmp_path / "交接声明.json"
    save_as(monkeypatch, target)
    assert tab.hand_over()
    assert errors == ["签名密钥口令不正确"]
    assert boxes.titles[0] == "换届交接完成" and "已启用新密钥" in boxes.seen[0]
    assert str(target) in boxes.seen[1] and "交给上级党委" in boxes.seen[1]

    new = signing_keys.current_key(branch_session.ws)
    assert new is not None and new.key_id != old.key_id and new.predecessor == old.key_id
    assert tab.shown_fingerprint() == new.fingerprint
    assert old.key_id in tab.predecessor.text() and tab.statement_button.isVisible()
    statement = target.read_bytes()
    signature = (tmp_path / "交接声明.json.minisig").read_text(encoding="ascii")
    comment = minisign.verify(statement, signature, *old.raw)
    assert new.key_id in comment
    facts = json.loads(statement)
    assert facts["old_key_id"] == old.key_id and facts["new_key_id"] == new.key_id
    assert facts["reason"] == "换届，新任书记王𠮷"
    assert signing_keys.unlock(branch_session.ws, new_passphrase_text).public == new.raw[1]


def test_handover_checks_before_it_asks_the_service(
    qtbot: QtBot, tab: SigningKeyTab, branch_session: Session
) -> None:
    old = signing_keys.create_key(branch_session.ws, PASSPHRASE)
    tab.reload()
    said: list[str] = []

    def fill(dialog: QWidget) -> None:
        assert isinstance(dialog, HandoverDialog)
        type_chinese(dialog.old, PASSPHRASE)
        type_chinese(dialog.new, "新任书记口令88")
        type_chinese(dialog.again, "新任书记口令88")
        dialog.ok_button.click()
        said.append(dialog.error.text())
        assert (
            dialog.focusWidget() is dialog.reason
        )  # focus inside the dialog, whether or not it is active yet
        qtbot.keyClick(dialog.reason, Qt.Key.Key_Escape)

    answer_modal(qtbot, fill, kind=HandoverDialog)
    assert not tab.hand_over()
    assert said == ["请写明交接原因（如：换届，新任书记某某）"]
    assert signing_keys.current_key(branch_session.ws) == old


def test_committee_recipient(qtbot: QtBot, tab: SigningKeyTab, branch_session: Session) -> None:
    assert tab.recipient.text() == ""
    type_chinese(tab.recipient, "age1不是公钥")
    qtbot.keyClick(tab.recipient, Qt.Key.Key_Return)
    assert tab.recipient_message.property("role") == "error"
    assert "接收方公钥格式不正确" in tab.recipient_message.text()
    assert package_export.package_recipient(branch_session.ws) == ""

    recipient = recipient_of(generate_identity())
    tab.recipient.clear()
    type_chinese(tab.recipient, f"  {recipient} ")
    tab.save_recipient_button.click()
    assert tab.recipient_message.property("role") == "ok"
    assert package_export.package_recipient(branch_session.ws) == recipient
    assert tab.recipient.text() == recipient

    tab.recipient.clear()
    assert tab.save_recipient()
    assert package_export.package_recipient(branch_session.ws) == ""
    assert "不加密" in tab.recipient_message.text()


def test_committee_settings_have_no_key_tab(qtbot: QtBot, tmp_path: Path) -> None:
    from app.services import workspaces

    session = Session(
        workspaces.create_committee(tmp_path / "党委.branchbook", name="某某公司党委", code="01")
    )
    try:
        page = SettingsPage(session)
        qtbot.addWidget(page)
        assert page.key_tab is None
        assert "签名密钥" not in [page.tabs.tabText(i) for i in range(page.tabs.count())]
    finally:
        session.close()
