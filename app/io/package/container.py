"""The package file: a zip written byte-for-byte reproducibly, and read back with hard limits.

Reading never extracts to disk: every member is read into memory through bounded reads, so a
path with ``..``, an absolute path or a link cannot write anywhere, and a decompression bomb
stops at the limit instead of filling the disk or the memory.
"""

from __future__ import annotations

import io
import stat
import zipfile
import zlib
from collections.abc import Mapping
from dataclasses import dataclass

__all__ = ["LIMITS", "Limits", "PackageRejected", "read_zip", "write_zip"]

# A zip entry's fixed timestamp (the earliest zip can store), so equal content gives equal bytes.
FIXED_TIME = (1980, 1, 1, 0, 0, 0)
FILE_MODE = 0o100644 << 16


class PackageRejected(ValueError):
    """A package that must not be imported. `reason` is a stable code; the message is for people."""

    def __init__(self, reason: str, message: str) -> None:
        super().__init__(message)
        self.reason = reason


@dataclass(frozen=True)
class Limits:
    package_bytes: int = 64 * 1024 * 1024
    members: int = 64
    member_bytes: int = 64 * 1024 * 1024
    total_bytes: int = 256 * 1024 * 1024
    # Our own JSON deflates about 8:1; a bomb deflates 1000:1. Only checked for larger members.
    ratio: int = 200
    ratio_floor: int = 1024 * 1024


LIMITS = Limits()

# What zipfile raises when reading a damaged member: zlib.error for a broken deflate stream,
# RuntimeError when a damaged flag bit claims the member is encrypted.
_DAMAGED = (zipfile.BadZipFile, EOFError, OSError, ValueError, NotImplementedError, zlib.error, RuntimeError)


def write_zip(files: Mapping[str, bytes]) -> bytes:
    """A zip of `files` in name order, with fixed timestamps and permissions."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=6) as archive:
        for name in sorted(files):
            info = zipfile.ZipInfo(name, date_time=FIXED_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = FILE_MODE
            info.create_system = 3  # unix, so the mode above is what readers see
            archive.writestr(info, files[name])
    return buffer.getvalue()


def _unsafe_name(name: str) -> bool:
    if not name or "\\" in name or "\x00" in name or name.startswith("/") or ":" in name:
        return True
    return any(part in ("", ".", "..") for part in name.split("/"))


def read_zip(data: bytes, limits: Limits = LIMITS) -> dict[str, bytes]:
    """Every member of the zip in `data`, or PackageRejected saying why not."""
    if len(data) > limits.package_bytes:
        raise PackageRejected(
            "too_large",
            f"文件过大（{len(data) // (1024 * 1024)} MB），上限 {limits.package_bytes // (1024 * 1024)} MB",
        )
    if not data.startswith(b"PK\x03\x04"):
        raise PackageRejected("not_zip", "不是支部记录本的上报包（文件格式不对）")
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        infos = archive.infolist()
    except _DAMAGED:
        raise PackageRejected("truncated", "上报包已损坏或不完整（可能未拷贝完）") from None
    if len(infos) > limits.members:
        raise PackageRejected("file_set", f"包内文件过多（{len(infos)} 个）")
    names: set[str] = set()
    total = 0
    for info in infos:
        name = info.filename
        if _unsafe_name(name):
            raise PackageRejected("unsafe_path", f"包内有不安全的文件路径：{name}")
        mode = info.external_attr >> 16
        if stat.S_IFMT(mode) not in (0, stat.S_IFREG) or info.is_dir():  # links, dirs, devices, fifos
            raise PackageRejected("unsafe_path", f"包内有链接、目录或特殊文件：{name}")
        if name in names:
            raise PackageRejected("file_set", f"包内文件重复：{name}")
        names.add(name)
        if info.file_size > limits.member_bytes:
            raise PackageRejected("bomb", f"包内文件 {name} 解压后过大")
        if info.file_size > limits.ratio_floor and info.file_size > limits.ratio * max(info.compress_size, 1):
            raise PackageRejected("bomb", f"包内文件 {name} 压缩比异常，疑似压缩炸弹")
        total += info.file_size
        if total > limits.total_bytes:
            raise PackageRejected("bomb", "包内文件解压后总量过大")
    files: dict[str, bytes] = {}
    for info in infos:
        try:
            with archive.open(info) as member:
                # Read one byte past the declared size: a lying header cannot smuggle more in.
                content = member.read(min(info.file_size, limits.member_bytes) + 1)
        except _DAMAGED:
            raise PackageRejected("truncated", f"包内文件 {info.filename} 已损坏或不完整") from None
        if len(content) != info.file_size:
            raise PackageRejected("bomb", f"包内文件 {info.filename} 的实际大小与记录不符")
        files[info.filename] = content
    return files
