"""The committee's pinned branch keys (enrol, revoke, handover) and its own age receiving key.

No trust on first use: a key is only trusted after the clerk enrols its key card and confirms the
fingerprint with the branch out of band. A new key replaces an old one only by a handover statement
signed with the old (pinned, not revoked) key.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import uuid as uuid_mod
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import select

from app.io.package import minisign
from app.io.package.age_crypt import AgeError, generate_identity, recipient_of
from app.io.package.secret_key import (
    KeyFileError,
    WeakPassphrase,
    WrongPassphrase,
    decrypt_age_identity,
    encrypt_age_identity,
)
from app.services.errors import UserError
from app.services.signing_keys import HANDOVER_FORMAT
from app.storage.models import EnrolledBranch, EnrolledKey, WorkspaceMeta
from app.storage.workspace import Workspace, WorkspaceKind

KEY_STATES = {"active": "有效", "revoked": "已吊销", "replaced": "已交接"}
RECIPIENT_META = "age_recipient"
_CARD_COMMENT = re.compile(r"BranchBook branch=(?P<code>\S+) key=(?P<key>[0-9A-F]{16})")


def require_committee(ws: Workspace) -> None:
    if ws.kind is not WorkspaceKind.COMMITTEE:
        raise UserError("这是支部工作区；登记公钥和导入上报包须在上级党委工作区中进行")


@dataclass(frozen=True)
class KeyCard:
    key_id: str
    public_key: str
    fingerprint: str
    branch_code: str | None  # as the card's (unsigned) comment claims; the clerk confirms it


def read_key_card(text: str) -> KeyCard:
    try:
        key_id, public = minisign.parse_public_key(text)
    except minisign.SignatureError as exc:
        raise UserError(f"公钥卡无法读取：{exc}") from None
    first = text.strip().splitlines()[0] if text.strip() else ""
    match = _CARD_COMMENT.search(first)
    return KeyCard(
        key_id=minisign.key_id_text(key_id),
        public_key=minisign.public_key_line(key_id, public),
        fingerprint=minisign.fingerprint(key_id, public),
        branch_code=match["code"] if match else None,
    )


@dataclass(frozen=True)
class EnrolledKeyView:
    branch_code: str
    key_id: str
    public_key: str
    fingerprint: str
    state: str
    enrolled_on: dt.date
    ended_on: dt.date | None
    reason: str

    @property
    def state_label(self) -> str:
        return KEY_STATES.get(self.state, self.state)

    @property
    def raw(self) -> tuple[bytes, bytes]:
        return minisign.parse_public_key(self.public_key)


def _key_view(row: Any) -> EnrolledKeyView:
    key_id, public = minisign.parse_public_key(row.public_key)
    return EnrolledKeyView(
        row.branch_code,
        row.key_id,
        row.public_key,
        minisign.fingerprint(key_id, public),
        row.state,
        row.enrolled_on,
        row.ended_on,
        row.reason,
    )


def enrolled_keys(ws: Workspace, key_id: str | None = None) -> list[EnrolledKeyView]:
    query = select(EnrolledKey.__table__).order_by(EnrolledKey.enrolled_on)
    if key_id is not None:
        query = query.where(EnrolledKey.key_id == key_id)
    with ws.read() as conn:
        rows = conn.execute(query).all()
    return [_key_view(r) for r in rows]


@dataclass(frozen=True)
class BranchInfo:
    code: str
    name: str
    org_class: int | None
    enrolled_on: dt.date


def enrolled_branches(ws: Workspace) -> list[BranchInfo]:
    with ws.read() as conn:
        rows = conn.execute(select(EnrolledBranch.__table__).order_by(EnrolledBranch.code)).all()
    return [BranchInfo(r.code, r.name, r.org_class, r.enrolled_on) for r in rows]


def enroll(
    ws: Workspace,
    card_text: str,
    *,
    branch_code: str | None = None,
    branch_name: str | None = None,
    org_class: int | None = None,
    actor: str = "党委",
    today: dt.date | None = None,
) -> EnrolledKeyView:
    """Pin a branch's public key from its key card (fingerprint confirmed by the caller)."""
    require_committee(ws)
    today = today or dt.date.today()
    card = read_key_card(card_text)
    code = (branch_code or card.branch_code or "").strip()
    if not code:
        raise UserError("公钥卡上没有支部代码，请填写该支部的代码")
    if org_class is not None and org_class not in (1, 2, 3, 4):
        raise UserError("支部类别应为 1–4")
    with ws.write(actor) as writer:
        conn = writer.conn
        if conn.execute(select(EnrolledKey.branch_code).where(EnrolledKey.key_id == card.key_id)).first():
            raise UserError(f"密钥 {card.key_id} 已经登记过")
        active = conn.execute(
            select(EnrolledKey.key_id).where(EnrolledKey.branch_code == code, EnrolledKey.state == "active")
        ).scalar()
        if active:
            raise UserError(
                f"支部 {code} 已有有效密钥 {active}。换届换密钥请导入旧密钥签名的交接声明；"
                "如旧密钥丢失或泄露，请先吊销它"
            )
        branch = conn.execute(select(EnrolledBranch.__table__).where(EnrolledBranch.code == code)).first()
        if branch is None:
            writer.insert(
                "enrolled_branch",
                [
                    {
                        "uuid": str(uuid_mod.uuid4()),
                        "code": code,
                        "name": (branch_name or "").strip() or code,
                        "org_class": org_class,
                        "enrolled_on": today,
                    }
                ],
            )
        else:
            changes: dict[str, Any] = {}
            if branch_name and branch_name.strip():
                changes["name"] = branch_name.strip()
            if org_class is not None:
                changes["org_class"] = org_class
            if changes:
                writer.update("enrolled_branch", branch.uuid, changes)
        writer.insert("enrolled_key", [_key_row(code, card.key_id, card.public_key, today)])
    return enrolled_keys(ws, card.key_id)[0]


def _key_row(code: str, key_id: str, public_key: str, today: dt.date) -> dict[str, Any]:
    return {
        "uuid": str(uuid_mod.uuid4()),
        "branch_code": code,
        "key_id": key_id,
        "public_key": public_key,
        "enrolled_on": today,
        "state": "active",
        "ended_on": None,
        "reason": "",
    }


def set_branch(
    ws: Workspace, code: str, *, name: str | None = None, org_class: int | None = None, actor: str = "党委"
) -> None:
    """Correct a branch's name or class (the class sets its pass and advanced marks)."""
    require_committee(ws)
    if org_class is not None and org_class not in (1, 2, 3, 4):
        raise UserError("支部类别应为 1–4")
    with ws.write(actor) as writer:
        row = writer.conn.execute(select(EnrolledBranch.__table__).where(EnrolledBranch.code == code)).first()
        if row is None:
            raise UserError(f"没有登记代码为 {code} 的支部")
        changes: dict[str, Any] = {}
        if name is not None and name.strip():
            changes["name"] = name.strip()
        if org_class is not None:
            changes["org_class"] = org_class
        if changes:
            writer.update("enrolled_branch", row.uuid, changes)


def revoke(
    ws: Workspace, key_id: str, reason: str, actor: str = "党委", today: dt.date | None = None
) -> None:
    """A revoked key signs nothing the committee will import, from now on or from before."""
    require_committee(ws)
    if not reason.strip():
        raise UserError("吊销密钥须写明原因")
    key_id = key_id.strip().upper()
    with ws.write(actor) as writer:
        row = writer.conn.execute(select(EnrolledKey.__table__).where(EnrolledKey.key_id == key_id)).first()
        if row is None:
            raise UserError(f"没有登记编号为 {key_id} 的密钥")
        if row.state == "revoked":
            raise UserError(f"密钥 {key_id} 已经吊销")
        writer.update(
            "enrolled_key",
            row.uuid,
            {"state": "revoked", "ended_on": today or dt.date.today(), "reason": reason.strip()},
        )


def accept_handover(
    ws: Workspace, statement: bytes, signature_text: str, actor: str = "党委", today: dt.date | None = None
) -> EnrolledKeyView:
    """Pin the new key a handover statement names, if the branch's pinned old key signed it."""
    require_committee(ws)
    try:
        data = json.loads(statement.decode("utf-8"))
        if data.get("format") != HANDOVER_FORMAT:
            raise ValueError
        code = str(data["branch"]["code"])
        old_id, new_id = str(data["old_key_id"]), str(data["new_key_id"])
        new_public = str(data["new_public_key"])
        on = dt.date.fromisoformat(data["date"])
    except (UnicodeDecodeError, json.JSONDecodeError, ValueError, KeyError, TypeError, AttributeError):
        raise UserError("交接声明文件无法读取或不是支部记录本的交接声明") from None
    with ws.write(actor) as writer:
        conn = writer.conn
        old = conn.execute(select(EnrolledKey.__table__).where(EnrolledKey.key_id == old_id)).first()
        if old is None:
            raise UserError(f"交接声明由密钥 {old_id} 签名，但本党委没有登记这把密钥")
        if old.branch_code != code:
            raise UserError(f"交接声明说是支部 {code} 的，但密钥 {old_id} 登记在支部 {old.branch_code} 名下")
        if old.state != "active":
            raise UserError(
                f"旧密钥 {old_id} {KEY_STATES.get(old.state, old.state)}，不能用它交接；请重新登记公钥卡"
            )
        key_id, public = minisign.parse_public_key(old.public_key)
        try:
            minisign.verify(statement, signature_text, key_id, public)
            new_key_id, new_raw = minisign.parse_public_key(new_public)
        except minisign.SignatureError as exc:
            raise UserError(f"交接声明的签名无效：{exc}") from None
        if minisign.key_id_text(new_key_id) != new_id:
            raise UserError("交接声明中的新密钥编号与新公钥不符")
        if conn.execute(select(EnrolledKey.key_id).where(EnrolledKey.key_id == new_id)).first():
            raise UserError(f"新密钥 {new_id} 已经登记过")
        writer.update(
            "enrolled_key", old.uuid, {"state": "replaced", "ended_on": on, "reason": f"换届交接给 {new_id}"}
        )
        writer.insert(
            "enrolled_key",
            [_key_row(code, new_id, minisign.public_key_line(new_key_id, new_raw), today or dt.date.today())],
        )
    return enrolled_keys(ws, new_id)[0]


# ---- the committee's age receiving key -------------------------------------------------------


def _receiving_file(ws: Workspace) -> Path:
    return ws.folder / "keys" / "receiving.agekey"


def receiving_recipient(ws: Workspace) -> str | None:
    """The committee's public `age1…` recipient that branches encrypt packages to."""
    with ws.read() as conn:
        return conn.execute(select(WorkspaceMeta.value).where(WorkspaceMeta.key == RECIPIENT_META)).scalar()


def create_receiving_key(ws: Workspace, passphrase: str) -> str:
    require_committee(ws)
    if receiving_recipient(ws):
        raise UserError("本党委已有接收加密密钥")
    identity = generate_identity()
    try:
        text = encrypt_age_identity(identity, passphrase)
    except WeakPassphrase as exc:
        raise UserError(str(exc)) from None
    path = _receiving_file(ws)
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", encoding="ascii") as handle:
        handle.write(text)
        handle.flush()
        os.fsync(handle.fileno())
    recipient = recipient_of(identity)
    with ws.engine.begin() as conn:
        conn.exec_driver_sql(
            "INSERT INTO workspace_meta (key, value) VALUES (?, ?)", (RECIPIENT_META, recipient)
        )
    return recipient


def unlock_receiving(ws: Workspace, passphrase: str) -> str:
    path = _receiving_file(ws)
    try:
        identity = decrypt_age_identity(path.read_text(encoding="ascii"), passphrase)
    except FileNotFoundError:
        raise UserError(f"找不到接收加密密钥文件 {path}") from None
    except WrongPassphrase:
        raise UserError("解密密钥口令不正确") from None
    except KeyFileError as exc:
        raise UserError(str(exc)) from None
    try:
        if recipient_of(identity) != receiving_recipient(ws):
            raise UserError("解密密钥文件与本党委登记的接收公钥不符")
    except AgeError as exc:
        raise UserError(str(exc)) from None
    return identity
