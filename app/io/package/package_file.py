"""The signed package (.bbpkg): sealing on the branch side, and the checks that need no workspace.

The format is specified in docs/package-format.md; keep the two in step. The checks run in the
order the design fixes: size → safe unzip → exact file set → signature → hashes → versions.
Sequence, replay and the data itself are the committee workspace's business (services).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from app.domain.canonical import canonical_bytes
from app.io.package.container import LIMITS, Limits, PackageRejected, read_zip, write_zip
from app.io.package.minisign import (
    KeyPair,
    SignatureError,
    key_id_text,
    parse_public_key,
    sign,
    signature_key_id,
    verify,
)

__all__ = [
    "DATA_FILES",
    "DATA_VERSION",
    "FORMAT",
    "FORMAT_VERSION",
    "MANIFEST_NAME",
    "SIGNATURE_NAME",
    "Manifest",
    "Unpacked",
    "check_hashes",
    "check_signature",
    "check_versions",
    "seal",
    "sha256_hex",
    "trusted_comment",
    "unpack",
    "verify_with_public_key",
]

FORMAT = "branchbook-package"
FORMAT_VERSION = 1
DATA_VERSION = 1
MANIFEST_NAME = "manifest.json"
SIGNATURE_NAME = "manifest.json.minisig"
# Every package of data version 1 carries exactly these data files (forms/*.pdf are optional).
DATA_FILES = (
    "data/branch.json",
    "data/corrections.json",
    "data/dues.json",
    "data/entries.json",
    "data/findings.json",
    "data/roster.json",
)


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


@dataclass(frozen=True)
class Manifest:
    raw: Mapping[str, Any]
    sha256: str  # of the manifest file's bytes, as named in the trusted comment

    @property
    def branch_code(self) -> str:
        return str(self.raw["branch"]["code"])

    @property
    def branch_name(self) -> str:
        return str(self.raw["branch"]["name"])

    @property
    def sequence(self) -> int:
        return int(self.raw["sequence"])

    @property
    def periods(self) -> list[str]:
        return [str(p) for p in self.raw["periods"]]

    @property
    def previous(self) -> str | None:
        return self.raw.get("previous_package_sha256")

    @property
    def key_id(self) -> str:
        return str(self.raw["key_id"])

    @property
    def created_at(self) -> str:
        return str(self.raw["created_at"])

    @property
    def journal_head(self) -> str:
        return str(self.raw["journal_head"])

    @property
    def counts(self) -> dict[str, int]:
        return {str(k): int(v) for k, v in self.raw.get("counts", {}).items()}


def trusted_comment(branch_code: str, sequence: int, manifest_sha256: str) -> str:
    """The signed one-line comment; `minisign -V` prints it, so an auditor sees whose package it is."""
    code = " ".join(branch_code.split())
    return f"BranchBook package branch={code} seq={sequence} manifest_sha256={manifest_sha256}"


def seal(files: Mapping[str, bytes], header: Mapping[str, Any], pair: KeyPair) -> tuple[bytes, Manifest]:
    """Zip `files` (data/… and forms/…) with a manifest built from `header` and its signature.

    `header` holds the manifest fields other than format, key id and the file list."""
    listing = [
        {"path": name, "sha256": sha256_hex(files[name]), "size": len(files[name])} for name in sorted(files)
    ]
    raw = {
        **header,
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "data_version": DATA_VERSION,
        "key_id": key_id_text(pair.key_id),
        "files": listing,
    }
    manifest_bytes = canonical_bytes(raw)
    manifest = Manifest(raw, sha256_hex(manifest_bytes))
    signature = sign(
        manifest_bytes,
        pair,
        trusted_comment(manifest.branch_code, manifest.sequence, manifest.sha256),
        untrusted_comment=f"BranchBook package signature, key {key_id_text(pair.key_id)}",
    )
    return write_zip(
        {**files, MANIFEST_NAME: manifest_bytes, SIGNATURE_NAME: signature.encode("ascii")}
    ), manifest


@dataclass(frozen=True)
class Unpacked:
    files: dict[str, bytes]  # the data and form files, by path
    manifest_bytes: bytes
    manifest: Manifest
    signature_text: str
    signer_key_id: bytes  # as the signature claims; only trusted after check_signature


_REQUIRED = ("format", "format_version", "branch", "sequence", "periods", "files", "key_id", "created_at")


def _parse_manifest(data: bytes) -> Manifest:
    try:
        raw = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise PackageRejected("manifest", "清单文件 manifest.json 无法读取") from None
    if not isinstance(raw, dict) or any(k not in raw for k in _REQUIRED):
        raise PackageRejected("manifest", "清单文件 manifest.json 缺少必要内容")
    if raw["format"] != FORMAT:
        raise PackageRejected("manifest", "清单文件不是支部记录本上报包的清单")
    branch, files = raw["branch"], raw["files"]
    if not isinstance(branch, dict) or not isinstance(branch.get("code"), str) or not isinstance(files, list):
        raise PackageRejected("manifest", "清单文件 manifest.json 内容格式不对")
    for item in files:
        if (
            not isinstance(item, dict)
            or not isinstance(item.get("path"), str)
            or not isinstance(item.get("size"), int)
            or not isinstance(item.get("sha256"), str)
        ):
            raise PackageRejected("manifest", "清单文件中的文件列表格式不对")
    if not isinstance(raw["sequence"], int) or raw["sequence"] < 1:
        raise PackageRejected("manifest", "清单中的上报序号无效")
    if not isinstance(raw["periods"], list) or not raw["periods"]:
        raise PackageRejected("manifest", "清单中没有写明上报期间")
    return Manifest(raw, sha256_hex(data))


def unpack(data: bytes, limits: Limits = LIMITS) -> Unpacked:
    """Size limits, safe unzip and the exact file set. Nothing here is trusted yet."""
    members = read_zip(data, limits)
    for name in (MANIFEST_NAME, SIGNATURE_NAME):
        if name not in members:
            raise PackageRejected("file_set", f"包内缺少 {name}")
    manifest_bytes = members.pop(MANIFEST_NAME)
    try:
        signature_text = members.pop(SIGNATURE_NAME).decode("ascii")
    except UnicodeDecodeError:
        raise PackageRejected("signature", "签名文件 manifest.json.minisig 格式不正确") from None
    manifest = _parse_manifest(manifest_bytes)
    listed = [item["path"] for item in manifest.raw["files"]]
    extra = sorted(set(members) - set(listed))
    missing = sorted(set(listed) - set(members))
    if extra:
        raise PackageRejected("file_set", f"包内有清单之外的文件：{'、'.join(extra)}")
    if missing:
        raise PackageRejected("file_set", f"包内缺少清单列出的文件：{'、'.join(missing)}")
    try:
        signer = signature_key_id(signature_text)
    except SignatureError as exc:
        raise PackageRejected("signature", str(exc)) from None
    return Unpacked(members, manifest_bytes, manifest, signature_text, signer)


def check_signature(unpacked: Unpacked, key_id: bytes, public: bytes) -> None:
    """The manifest's signature with this (pinned) key, and the trusted comment that names it."""
    try:
        comment = verify(unpacked.manifest_bytes, unpacked.signature_text, key_id, public)
    except SignatureError as exc:
        raise PackageRejected("signature", f"签名无效：{exc}") from None
    m = unpacked.manifest
    if comment != trusted_comment(m.branch_code, m.sequence, m.sha256):
        raise PackageRejected("signature", "签名的可信注释与清单不符")
    if m.key_id != key_id_text(key_id):
        raise PackageRejected("manifest", "清单中的密钥编号与签名不符")


def check_hashes(unpacked: Unpacked) -> None:
    for item in unpacked.manifest.raw["files"]:
        content = unpacked.files[item["path"]]
        if len(content) != item["size"] or sha256_hex(content) != item["sha256"]:
            raise PackageRejected("hash", f"文件 {item['path']} 与清单不符，已被改动")


def check_versions(manifest: Manifest, files: Sequence[str]) -> None:
    raw = manifest.raw
    if not isinstance(raw["format_version"], int) or raw["format_version"] > FORMAT_VERSION:
        raise PackageRejected(
            "too_new", f"上报包格式版本 {raw['format_version']} 比本软件新，请先升级支部记录本再导入"
        )
    data_version = raw.get("data_version")
    if not isinstance(data_version, int) or data_version > DATA_VERSION:
        raise PackageRejected(
            "too_new", f"上报包数据版本 {data_version} 比本软件新，请先升级支部记录本再导入"
        )
    missing = [name for name in DATA_FILES if name not in files]
    if missing:
        raise PackageRejected("file_set", f"上报包缺少数据文件：{'、'.join(missing)}")


def verify_with_public_key(data: bytes, public_key_text: str, limits: Limits = LIMITS) -> Unpacked:
    """Every check that needs no workspace, against one public key (``package verify``)."""
    try:
        key_id, public = parse_public_key(public_key_text)
    except SignatureError as exc:
        raise PackageRejected("public_key", f"公钥文件无法读取：{exc}") from None
    unpacked = unpack(data, limits)
    if unpacked.signer_key_id != key_id:
        raise PackageRejected(
            "unknown_key",
            f"上报包由密钥 {key_id_text(unpacked.signer_key_id)} 签名，不是给定公钥 {key_id_text(key_id)}",
        )
    check_signature(unpacked, key_id, public)
    check_hashes(unpacked)
    check_versions(unpacked.manifest, list(unpacked.files))
    return unpacked
