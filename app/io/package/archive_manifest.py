"""The year-end archive's manifest: building and signing it, reading an archive back, and every check
that needs no workspace. Format: docs/archive-format.md; keep the two in step.

An archive is a folder (and a zip of that folder) of PDFs, workbooks and canonical-JSON data with
`manifest.json` listing every other file's size and SHA-256, signed like a package (minisign, prehashed).
Checks collect every problem instead of stopping at the first, so the secretary sees each changed file.
"""

from __future__ import annotations

import json
import os
import stat
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from app.domain.canonical import canonical_bytes
from app.io.package.container import Limits, PackageRejected, read_zip, write_zip
from app.io.package.minisign import KeyPair, SignatureError, key_id_text, sign, signature_key_id, verify
from app.io.package.package_file import MANIFEST_NAME, SIGNATURE_NAME, sha256_hex

__all__ = [
    "ARCHIVE_LIMITS",
    "FORMAT",
    "FORMAT_VERSION",
    "MANIFEST_NAME",
    "PUBLIC_KEY_NAME",
    "SIGNATURE_NAME",
    "ArchiveFiles",
    "OpenedManifest",
    "archive_zip",
    "check_contents",
    "open_manifest",
    "read_folder",
    "read_zip_archive",
    "seal_manifest",
    "trusted_comment",
]

FORMAT = "branchbook-archive"
FORMAT_VERSION = 1
PUBLIC_KEY_NAME = "签名公钥.pub"
# An archive holds a year of PDFs: larger than a package, still read into memory in one go.
ARCHIVE_LIMITS = Limits(
    package_bytes=512 * 1024 * 1024,
    members=256,
    member_bytes=256 * 1024 * 1024,
    total_bytes=1024 * 1024 * 1024,
)
_UNLISTED = (MANIFEST_NAME, SIGNATURE_NAME)


def trusted_comment(branch_code: str, year: int, manifest_sha256: str) -> str:
    """The signed comment `minisign -V` prints: whose archive, which year, which manifest."""
    code = " ".join(branch_code.split())
    return f"BranchBook archive branch={code} year={year} manifest_sha256={manifest_sha256}"


def seal_manifest(
    files: Mapping[str, bytes], header: Mapping[str, Any], pair: KeyPair
) -> tuple[bytes, str, str]:
    """The manifest listing `files`, its signature text and its SHA-256.

    `header` holds every manifest field except format, format version, key id and the file list;
    it must name `branch.code` and `year`."""
    listing = [
        {"path": name, "sha256": sha256_hex(files[name]), "size": len(files[name])} for name in sorted(files)
    ]
    raw = {
        **header,
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "key_id": key_id_text(pair.key_id),
        "files": listing,
    }
    manifest = canonical_bytes(raw)
    digest = sha256_hex(manifest)
    signature = sign(
        manifest,
        pair,
        trusted_comment(str(raw["branch"]["code"]), int(raw["year"]), digest),
        untrusted_comment=f"BranchBook archive signature, key {key_id_text(pair.key_id)}",
    )
    return manifest, signature, digest


def archive_zip(folder_name: str, files: Mapping[str, bytes]) -> bytes:
    """The zip of the archive folder: every file under `folder_name/`, so unzipping recreates the folder."""
    return write_zip({f"{folder_name}/{name}": content for name, content in files.items()})


# ---- reading an archive back ---------------------------------------------------------------------


@dataclass
class ArchiveFiles:
    files: dict[str, bytes]  # relative path ("/"-separated) → content, manifest and signature included
    problems: list[str] = field(default_factory=list)  # what could not be read, naming the file


def read_folder(folder: Path) -> ArchiveFiles:
    """Every regular file below `folder`; links and special files are problems, never followed."""
    found = ArchiveFiles({})
    for root, dirs, names in os.walk(folder, followlinks=False):
        here = Path(root)
        for name in sorted(dirs):
            if (here / name).is_symlink():
                found.problems.append(f"{_relative(folder, here / name)} 是链接，不是普通文件夹")
        for name in sorted(names):
            path = here / name
            rel = _relative(folder, path)
            try:
                mode = path.lstat().st_mode
                if not stat.S_ISREG(mode):
                    found.problems.append(f"{rel} 是链接或特殊文件，不是普通文件")
                    continue
                found.files[rel] = path.read_bytes()
            except OSError as exc:
                found.problems.append(f"无法读取 {rel}：{exc.strerror or exc}")
    return found


def _relative(folder: Path, path: Path) -> str:
    return path.relative_to(folder).as_posix()


_ZIP_MESSAGES = {
    "not_zip": "不是归档压缩包（文件格式不对）",
    "truncated": "归档压缩包已损坏或不完整（可能未拷贝完）",
}


def read_zip_archive(data: bytes) -> ArchiveFiles:
    """The archive's files from its zip: read in memory with the package reader's limits, the one
    top folder (the archive folder's name) taken off."""
    try:
        members = read_zip(data, ARCHIVE_LIMITS)
    except PackageRejected as exc:
        return ArchiveFiles({}, [_ZIP_MESSAGES.get(exc.reason, f"归档压缩包无法读取：{exc}")])
    tops = {name.split("/", 1)[0] for name in members}
    if len(tops) == 1 and all("/" in name for name in members):
        top = tops.pop()
        return ArchiveFiles({name[len(top) + 1 :]: content for name, content in members.items()})
    return ArchiveFiles(members)


# ---- checks --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class OpenedManifest:
    raw: Mapping[str, Any]
    data: bytes
    sha256: str
    signature_text: str
    signer_key_id: bytes | None  # as the signature claims; trusted only after check_contents

    @property
    def branch_code(self) -> str:
        return str(self.raw["branch"]["code"])

    @property
    def year(self) -> int:
        return int(self.raw["year"])


def open_manifest(files: Mapping[str, bytes]) -> tuple[OpenedManifest | None, list[str]]:
    """The manifest and the key id its signature claims, or the problems that stop any further check."""
    problems: list[str] = []
    data = files.get(MANIFEST_NAME)
    if data is None:
        return None, [f"缺少清单文件 {MANIFEST_NAME}，无法校验"]
    try:
        raw = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError):
        return None, [f"清单文件 {MANIFEST_NAME} 无法读取（已损坏或被改动）"]
    shape = _manifest_shape(raw)
    if shape:
        return None, [f"清单文件 {MANIFEST_NAME}：{shape}"]
    signature_text = ""
    signer: bytes | None = None
    if SIGNATURE_NAME not in files:
        problems.append(f"缺少签名文件 {SIGNATURE_NAME}")
    else:
        try:
            signature_text = files[SIGNATURE_NAME].decode("ascii")
            signer = signature_key_id(signature_text)
        except (UnicodeDecodeError, SignatureError):
            problems.append(f"签名文件 {SIGNATURE_NAME} 格式不正确")
    return OpenedManifest(raw, data, sha256_hex(data), signature_text, signer), problems


def _manifest_shape(raw: Any) -> str:
    if not isinstance(raw, dict):
        return "内容格式不对"
    if raw.get("format") != FORMAT:
        return "不是支部记录本年度归档的清单"
    version = raw.get("format_version")
    if not isinstance(version, int):
        return "缺少格式版本"
    if version > FORMAT_VERSION:
        return f"归档格式版本 {version} 比本软件新，请先升级支部记录本再校验"
    branch, files = raw.get("branch"), raw.get("files")
    if not isinstance(branch, dict) or not isinstance(branch.get("code"), str):
        return "缺少支部信息"
    if not isinstance(raw.get("year"), int) or not isinstance(raw.get("key_id"), str):
        return "缺少年度或密钥编号"
    if not isinstance(files, list) or not all(
        isinstance(item, dict)
        and isinstance(item.get("path"), str)
        and isinstance(item.get("size"), int)
        and isinstance(item.get("sha256"), str)
        for item in files
    ):
        return "文件列表格式不对"
    return ""


def check_contents(
    files: Mapping[str, bytes], opened: OpenedManifest, key_id: bytes, public: bytes
) -> list[str]:
    """Signature (with this key) and trusted comment, the manifest's key id, the exact file set and every
    file's size and SHA-256. One problem per finding, each naming its file."""
    problems: list[str] = []
    if opened.signer_key_id is not None:
        try:
            comment = verify(opened.data, opened.signature_text, key_id, public)
        except SignatureError as exc:
            problems.append(f"{MANIFEST_NAME} 的签名无效：{exc}")
        else:
            if comment != trusted_comment(opened.branch_code, opened.year, opened.sha256):
                problems.append(f"{SIGNATURE_NAME} 的可信注释与清单 {MANIFEST_NAME} 不符")
            if opened.raw["key_id"] != key_id_text(key_id):
                problems.append(f"清单 {MANIFEST_NAME} 中的密钥编号与签名不符")
    listed = {item["path"]: item for item in opened.raw["files"]}
    present = {name for name in files if name not in _UNLISTED}
    for name in sorted(set(listed) - present):
        problems.append(f"缺少文件：{name}")
    for name in sorted(present - set(listed)):
        problems.append(f"多出清单之外的文件：{name}")
    for name in sorted(set(listed) & present):
        item, content = listed[name], files[name]
        if len(content) != item["size"]:
            problems.append(
                f"文件 {name} 的大小与清单不符（{len(content)} 字节，清单为 {item['size']} 字节），已被改动"
            )
        elif sha256_hex(content) != item["sha256"]:
            problems.append(f"文件 {name} 的 SHA-256 与清单不符，已被改动")
    return problems
