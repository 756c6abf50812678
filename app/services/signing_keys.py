"""The branch's package-signing key: create, unlock, key card, backup, and handover at 换届.

The secret half is a file in the workspace folder (keys/KEYID.key), encrypted behind the
secretary's passphrase; the public half and its history are journaled rows of `signing_key`.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import uuid as uuid_mod
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import select

from app.domain.canonical import canonical_bytes
from app.io.package import minisign
from app.io.package.secret_key import (
    KeyFileError,
    WeakPassphrase,
    WrongPassphrase,
    decrypt_secret,
    encrypt_secret,
)
from app.services.branch_profile import load_profile
from app.services.errors import UserError
from app.storage.models import SigningKey
from app.storage.workspace import Workspace

HANDOVER_FORMAT = "branchbook-key-handover"


@dataclass(frozen=True)
class KeyInfo:
    key_id: str  # 16 upper-case hex digits of the little-endian id (minisign drops leading zeros)
    public_key: str  # the minisign public key line (RW…)
    fingerprint: str
    created_on: dt.date
    retired_on: dt.date | None
    predecessor: str | None

    @property
    def raw(self) -> tuple[bytes, bytes]:
        return minisign.parse_public_key(self.public_key)


def key_folder(ws: Workspace) -> Path:
    return ws.folder / "keys"


def _key_file(ws: Workspace, key_id: str) -> Path:
    return key_folder(ws) / f"{key_id}.key"


def _info(row: Any) -> KeyInfo:
    key_id, public = minisign.parse_public_key(row.public_key)
    return KeyInfo(
        key_id=row.key_id,
        public_key=row.public_key,
        fingerprint=minisign.fingerprint(key_id, public),
        created_on=row.created_on,
        retired_on=row.retired_on,
        predecessor=row.predecessor,
    )


def all_keys(ws: Workspace) -> list[KeyInfo]:
    with ws.read() as conn:
        rows = conn.execute(
            select(SigningKey.__table__).order_by(SigningKey.created_on, SigningKey.retired_on.is_(None))
        ).all()
    return [_info(r) for r in rows]


def current_key(ws: Workspace) -> KeyInfo | None:
    active = [k for k in all_keys(ws) if k.retired_on is None]
    return active[-1] if active else None


def _write_secret(ws: Workspace, pair: minisign.KeyPair, passphrase: str) -> Path:
    try:
        text = encrypt_secret(pair, passphrase)
    except WeakPassphrase as exc:
        raise UserError(str(exc)) from None
    path = _key_file(ws, minisign.key_id_text(pair.key_id))
    path.parent.mkdir(parents=True, exist_ok=True)
    temp = path.with_suffix(".tmp")
    with open(temp, "w", encoding="ascii") as handle:
        handle.write(text)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(temp, path)
    return path


def _row(pair: minisign.KeyPair, today: dt.date, predecessor: str | None, handover: str) -> dict[str, object]:
    return {
        "uuid": str(uuid_mod.uuid4()),
        "key_id": minisign.key_id_text(pair.key_id),
        "public_key": minisign.public_key_line(pair.key_id, pair.public),
        "created_on": today,
        "retired_on": None,
        "predecessor": predecessor,
        "handover": handover,
    }


def create_key(ws: Workspace, passphrase: str, actor: str = "书记", today: dt.date | None = None) -> KeyInfo:
    """The branch's first signing key. A branch that has one changes it only by handover."""
    if current_key(ws) is not None:
        raise UserError("本支部已有签名密钥；换届时请使用“换届交接”生成新密钥")
    pair = minisign.generate()
    path = _write_secret(ws, pair, passphrase)
    try:
        with ws.write(actor) as writer:
            writer.insert("signing_key", [_row(pair, today or dt.date.today(), None, "")])
    except Exception:
        path.unlink(missing_ok=True)
        raise
    key = current_key(ws)
    assert key is not None
    return key


def unlock(ws: Workspace, passphrase: str, key: KeyInfo | None = None) -> minisign.KeyPair:
    key = key or current_key(ws)
    if key is None:
        raise UserError("本支部还没有签名密钥，请先在“设置 → 签名密钥”中生成")
    path = _key_file(ws, key.key_id)
    try:
        text = path.read_text(encoding="ascii")
    except FileNotFoundError:
        raise UserError(
            f"找不到签名密钥文件 {path}。如有备份，请把备份的 {path.name} 放回这个文件夹"
        ) from None
    try:
        pair = decrypt_secret(text, passphrase)
    except WrongPassphrase:
        raise UserError("签名密钥口令不正确") from None
    except KeyFileError as exc:
        raise UserError(f"签名密钥文件 {path.name}：{exc}") from None
    if minisign.key_id_text(pair.key_id) != key.key_id:
        raise UserError(f"签名密钥文件 {path.name} 与本支部登记的密钥不符")
    return pair


def key_card_text(ws: Workspace, key: KeyInfo | None = None) -> str:
    """The minisign .pub file. Its comment names the branch; the committee confirms the fingerprint."""
    key = key or current_key(ws)
    if key is None:
        raise UserError("本支部还没有签名密钥")
    profile = load_profile(ws)
    key_id, public = key.raw
    code = " ".join(profile.code.split())
    return minisign.public_key_file_text(key_id, public, f"BranchBook branch={code} key={key.key_id}")


def write_key_card(ws: Workspace, target: Path) -> tuple[Path, Path]:
    """The .pub file at `target` and a printable page (PDF) beside it."""
    from app.io.pdf.key_card import KeyCardFacts, write_key_card_pdf

    key = current_key(ws)
    if key is None:
        raise UserError("本支部还没有签名密钥")
    profile = load_profile(ws)
    target = Path(target)
    pdf = (
        target.with_suffix(".pdf")
        if target.suffix.lower() != ".pdf"
        else target.with_name(target.stem + "-卡.pdf")
    )
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(key_card_text(ws, key), encoding="utf-8")
        write_key_card_pdf(
            pdf,
            KeyCardFacts(
                branch_name=profile.name,
                branch_code=profile.code,
                committee=profile.higher_committee,
                key_id=key.key_id,
                fingerprint=key.fingerprint,
                public_key=key.public_key,
                created_on=key.created_on,
                predecessor=key.predecessor,
            ),
        )
    except OSError as exc:
        raise UserError(f"无法写入 {target}：{exc.strerror or exc}") from None
    return target, pdf


def backup_key(ws: Workspace, folder: Path) -> Path:
    """Copy the encrypted key file (still behind its passphrase) to `folder`, e.g. a USB stick."""
    key = current_key(ws)
    if key is None:
        raise UserError("本支部还没有签名密钥")
    source = _key_file(ws, key.key_id)
    if not source.exists():
        raise UserError(f"找不到签名密钥文件 {source}")
    target = Path(folder) / f"{load_profile(ws).code}-{key.key_id}.key"
    try:
        Path(folder).mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source, target)
    except OSError as exc:
        raise UserError(f"无法备份到 {folder}：{exc.strerror or exc}") from None
    return target


@dataclass(frozen=True)
class Handover:
    statement: bytes  # canonical JSON
    signature: str  # minisign signature by the old key
    new_key: KeyInfo


def handover(
    ws: Workspace,
    old_passphrase: str,
    new_passphrase: str,
    reason: str,
    actor: str = "书记",
    today: dt.date | None = None,
) -> Handover:
    """换届: a new key, and a statement naming it signed by the old one (which is then retired)."""
    today = today or dt.date.today()
    old = current_key(ws)
    if old is None:
        raise UserError("本支部还没有签名密钥，无需交接，请直接生成")
    if not reason.strip():
        raise UserError("请写明交接原因（如：换届，新任书记某某）")
    old_pair = unlock(ws, old_passphrase, old)
    profile = load_profile(ws)
    new_pair = minisign.generate()
    statement = canonical_bytes(
        {
            "format": HANDOVER_FORMAT,
            "version": 1,
            "branch": {"code": profile.code, "name": profile.name},
            "old_key_id": old.key_id,
            "new_key_id": minisign.key_id_text(new_pair.key_id),
            "new_public_key": minisign.public_key_line(new_pair.key_id, new_pair.public),
            "date": today.isoformat(),
            "reason": reason.strip(),
        }
    )
    code = " ".join(profile.code.split())
    signature = minisign.sign(
        statement,
        old_pair,
        f"BranchBook key handover branch={code} old={old.key_id} new={minisign.key_id_text(new_pair.key_id)}",
    )
    path = _write_secret(ws, new_pair, new_passphrase)
    record = json.dumps({"statement": statement.decode("utf-8"), "signature": signature}, ensure_ascii=False)
    try:
        with ws.write(actor) as writer:
            row = writer.conn.execute(
                select(SigningKey.uuid).where(SigningKey.key_id == old.key_id)
            ).scalar_one()
            writer.update("signing_key", row, {"retired_on": today})
            writer.insert("signing_key", [_row(new_pair, today, old.key_id, record)])
    except Exception:
        path.unlink(missing_ok=True)
        raise
    new = current_key(ws)
    assert new is not None
    return Handover(statement, signature, new)


def write_handover(ws: Workspace, target: Path) -> tuple[Path, Path]:
    """The latest handover statement (.json) and its signature (.json.minisig) for the committee."""
    key = current_key(ws)
    with ws.read() as conn:
        record = (
            conn.execute(select(SigningKey.handover).where(SigningKey.key_id == key.key_id)).scalar()
            if key
            else None
        )
    if not record:
        raise UserError("本支部没有换届交接声明")
    data = json.loads(record)
    target = Path(target)
    signature_path = target.with_name(target.name + ".minisig")
    try:
        target.write_bytes(data["statement"].encode("utf-8"))
        signature_path.write_text(data["signature"], encoding="ascii")
    except OSError as exc:
        raise UserError(f"无法写入 {target}：{exc.strerror or exc}") from None
    return target, signature_path
