"""The signed package (.bbpkg): seal, unpack and check with real zips, real signatures and the stock tools.

Tampered packages are built the way an attacker or a damaged USB stick would produce them: with the
standard library's zipfile (not our writer), by editing raw bytes, or by re-signing a forged manifest.
"""

from __future__ import annotations

import base64
import dataclasses
import hashlib
import io
import json
import re
import shutil
import stat
import struct
import subprocess
import zipfile
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import pytest

from app.domain.canonical import canonical_bytes
from app.io.package import minisign
from app.io.package.age_crypt import encrypt, generate_identity, recipient_of
from app.io.package.container import FIXED_TIME, LIMITS, Limits, PackageRejected, read_zip
from app.io.package.minisign import KeyPair
from app.io.package.package_file import (
    DATA_FILES,
    DATA_VERSION,
    FORMAT,
    FORMAT_VERSION,
    MANIFEST_NAME,
    SIGNATURE_NAME,
    check_hashes,
    check_signature,
    check_versions,
    seal,
    trusted_comment,
    unpack,
    verify_with_public_key,
)

BRANCH = {"code": "0301", "name": "三车间党支部（𠮷）", "class": 1, "committee": "示例公司党委"}
HEADER: dict[str, Any] = {
    "schema_version": "0004",
    "app_version": "0.1.0",
    "created_at": "2026-11-02T09:30:00+08:00",
    "branch": BRANCH,
    "periods": ["2026-10"],
    "sequence": 3,
    "previous_package_sha256": "ab" * 32,
    "journal_head": "cd" * 32,
    "counts": {"members": 2, "entries": 1, "corrections": 0, "findings": 1, "dues_members": 2},
}
MEMBER_A = "ed0593c3-024a-4c00-9571-84be1492e73e"
MEMBER_B = "2d98fcd6-e5df-4ecc-a8a1-7355664ef0d6"
FORM = "forms/attendance-2026-10.pdf"


def data_files() -> dict[str, bytes]:
    """One package's data files (canonical JSON, as the exporter writes them) and one form."""
    content: dict[str, Any] = {
        "data/branch.json": {
            "code": "0301",
            "name": BRANCH["name"],
            "class": 1,
            "committee": "示例公司党委",
            "groups": ["第一党小组"],
            "period": {"code": "2026-10", "start": "2026-10-01", "end": "2026-10-31"},
        },
        "data/roster.json": [
            {"uuid": MEMBER_A, "name": "吉𠮷", "id_number": "11010519491231002X", "status": "full"},
            {"uuid": MEMBER_B, "name": "万敏建", "id_number": "610113196610233994", "status": "probationary"},
        ],
        "data/entries.json": [
            {
                "uuid": "ed941f38-9803-4a0b-8233-0962a2e7d5df",
                "type": "theme_day",
                "date": "2026-10-07",
                "minutes": "一、学习内容：……\n二、讨论发言：……",
                "absences": [{"member": MEMBER_B, "reason": "倒班", "text": "", "written_opinion": False}],
            }
        ],
        "data/corrections.json": [],
        "data/dues.json": {
            "months": ["2026-10"],
            "members": [{"uuid": MEMBER_A, "due": "24.21", "paid": "24.21"}],
            "totals": {"due": "24.21", "collected": "24.21", "voluntary": "0.00", "remitted": "0.00"},
        },
        "data/findings.json": [
            {"rule": "makeup", "severity": "warning", "subject": "万敏建", "message": "缺席，尚未补学"}
        ],
    }
    assert sorted(content) == sorted(DATA_FILES)
    files = {name: canonical_bytes(value) for name, value in content.items()}
    files[FORM] = b"%PDF-1.4\n" + bytes(range(256)) * 8 + b"\n%%EOF\n"
    return files


@pytest.fixture(scope="module")
def pair() -> KeyPair:
    return minisign.generate()


@pytest.fixture(scope="module")
def other_pair() -> KeyPair:
    # Displayed as 0077665544332211: a leading zero, which the stock minisign tool prints without.
    return dataclasses.replace(minisign.generate(), key_id=bytes.fromhex("1122334455667700"))


@pytest.fixture(scope="module")
def package(pair: KeyPair) -> bytes:
    return seal(data_files(), HEADER, pair)[0]


def card(pair: KeyPair) -> str:
    """The .pub key card text, as the branch hands it to the committee."""
    key_id = minisign.key_id_text(pair.key_id)
    return minisign.public_key_file_text(pair.key_id, pair.public, f"BranchBook branch=0301 key={key_id}")


@pytest.fixture(scope="module")
def public_text(pair: KeyPair) -> str:
    return card(pair)


def tool(name: str) -> str:
    # Deliberately fails rather than skips: the project's setup installs minisign and age.
    path = shutil.which(name) or (f"/usr/bin/{name}" if Path(f"/usr/bin/{name}").is_file() else None)
    assert path is not None, f"the {name} tool is required (apt-get install -y {name})"
    return path


def run(args: list[str], cwd: Path, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        args, cwd=cwd, input=stdin, capture_output=True, text=True, encoding="utf-8", timeout=60, check=False
    )


def members_of(package: bytes) -> dict[str, bytes]:
    """The zip's members, read with the standard library independently of read_zip."""
    with zipfile.ZipFile(io.BytesIO(package)) as archive:
        return {info.filename: archive.read(info) for info in archive.infolist()}


def zip_of(entries: list[tuple[zipfile.ZipInfo | str, bytes]]) -> bytes:
    """A zip with exactly these members in this order, written by the standard library."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for info, content in entries:
            archive.writestr(info, content)
    return buffer.getvalue()


def rezip(members: Mapping[str, bytes]) -> bytes:
    return zip_of(sorted(members.items()))


def unix_member(name: str, mode: int) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name, date_time=FIXED_TIME)
    info.create_system = 3
    info.external_attr = mode << 16
    return info


def resigned(package: bytes, pair: KeyPair, edit: Callable[[dict[str, Any]], None]) -> bytes:
    """The package with its manifest edited and signed again, as someone holding `pair` could do."""
    members = members_of(package)
    raw = json.loads(members[MANIFEST_NAME])
    edit(raw)
    manifest = canonical_bytes(raw)
    comment = trusted_comment(raw["branch"]["code"], raw["sequence"], hashlib.sha256(manifest).hexdigest())
    members[MANIFEST_NAME] = manifest
    members[SIGNATURE_NAME] = minisign.sign(manifest, pair, comment).encode("ascii")
    return rezip(members)


def rejection(data: bytes, public_text: str, limits: Limits = LIMITS) -> PackageRejected:
    with pytest.raises(PackageRejected) as caught:
        verify_with_public_key(data, public_text, limits)
    return caught.value


def central_entry(data: bytes, name: str) -> int:
    """Offset of `name`'s central directory record."""
    encoded = name.encode("utf-8")
    offset = data.find(b"PK\x01\x02")
    while offset >= 0:
        name_length = struct.unpack_from("<H", data, offset + 28)[0]
        if data[offset + 46 : offset + 46 + name_length] == encoded:
            return offset
        offset = data.find(b"PK\x01\x02", offset + 4)
    raise AssertionError(f"{name} not in the central directory")


def compressed_span(data: bytes, name: str) -> tuple[int, int]:
    """(start, length) of `name`'s compressed bytes, from its local header."""
    local = struct.unpack_from("<I", data, central_entry(data, name) + 42)[0]
    assert data[local : local + 4] == b"PK\x03\x04"
    compressed, _, name_length, extra_length = struct.unpack_from("<IIHH", data, local + 18)
    return local + 30 + name_length + extra_length, compressed


def with_declared_size(data: bytes, name: str, size: int) -> bytes:
    """The zip with `name`'s uncompressed size field changed in both headers (a lying header)."""
    patched = bytearray(data)
    central = central_entry(data, name)
    struct.pack_into("<I", patched, central + 24, size)
    local = struct.unpack_from("<I", data, central + 42)[0]
    struct.pack_into("<I", patched, local + 22, size)
    return bytes(patched)


def forbid_decompression(monkeypatch: pytest.MonkeyPatch) -> None:
    """Any member read from now on fails the test: the limits must refuse before decompressing."""

    def refuse(*_args: object, **_kwargs: object) -> None:
        raise AssertionError("a member was decompressed before the limits refused the package")

    monkeypatch.setattr(zipfile.ZipFile, "open", refuse)


# --- sealing and the round trip ----------------------------------------------------------------------


def test_seal_unpack_and_every_check_pass(package: bytes, pair: KeyPair) -> None:
    unpacked = unpack(package)
    check_signature(unpacked, pair.key_id, pair.public)
    check_hashes(unpacked)
    check_versions(unpacked.manifest, list(unpacked.files))

    assert unpacked.files == data_files()
    assert unpacked.signer_key_id == pair.key_id
    manifest = unpacked.manifest
    assert manifest.sha256 == hashlib.sha256(unpacked.manifest_bytes).hexdigest()
    assert (manifest.branch_code, manifest.branch_name, manifest.sequence) == ("0301", BRANCH["name"], 3)
    assert manifest.periods == ["2026-10"]
    assert manifest.previous == "ab" * 32
    assert manifest.journal_head == "cd" * 32
    assert manifest.created_at == "2026-11-02T09:30:00+08:00"
    assert manifest.counts == HEADER["counts"]
    assert manifest.key_id == minisign.key_id_text(pair.key_id)


def test_verify_with_public_key_returns_the_checked_package(package: bytes, public_text: str) -> None:
    unpacked = verify_with_public_key(package, public_text)
    assert unpacked.files == data_files()
    assert unpacked.manifest.raw["branch"] == BRANCH


def test_manifest_fields_and_file_list(package: bytes, pair: KeyPair) -> None:
    members = members_of(package)
    raw = json.loads(members[MANIFEST_NAME].decode("utf-8"))
    assert {k: raw[k] for k in HEADER} == HEADER
    assert raw["format"] == FORMAT == "branchbook-package"
    assert raw["format_version"] == FORMAT_VERSION == 1
    assert raw["data_version"] == DATA_VERSION == 1
    assert raw["key_id"] == minisign.key_id_text(pair.key_id)
    assert set(raw) == {*HEADER, "format", "format_version", "data_version", "key_id", "files"}
    # Every member except the manifest and its signature, in name order, with its own size and SHA-256.
    assert [item["path"] for item in raw["files"]] == sorted(set(members) - {MANIFEST_NAME, SIGNATURE_NAME})
    for item in raw["files"]:
        content = members[item["path"]]
        assert item == {
            "path": item["path"],
            "size": len(content),
            "sha256": hashlib.sha256(content).hexdigest(),
        }
    assert FORM in [item["path"] for item in raw["files"]]


def test_manifest_is_canonical_utf8_json(package: bytes) -> None:
    manifest = members_of(package)[MANIFEST_NAME]
    raw = json.loads(manifest)
    assert manifest == json.dumps(raw, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode(
        "utf-8"
    )
    assert "𠮷".encode() in manifest  # kept as UTF-8, not escaped as \ud842\udfb7
    assert b"\\u" not in manifest


def test_signature_file_lines_and_trusted_comment(package: bytes, pair: KeyPair) -> None:
    members = members_of(package)
    manifest_sha = hashlib.sha256(members[MANIFEST_NAME]).hexdigest()
    lines = members[SIGNATURE_NAME].decode("ascii").split("\n")
    key_id = minisign.key_id_text(pair.key_id)
    assert lines[0] == f"untrusted comment: BranchBook package signature, key {key_id}"
    assert lines[2] == f"trusted comment: BranchBook package branch=0301 seq=3 manifest_sha256={manifest_sha}"
    assert lines[4:] == [""]  # four lines, each ending in a newline
    raw = base64.b64decode(lines[1])
    assert raw[:2] == b"ED" and raw[2:10] == pair.key_id and len(raw) == 74
    assert len(base64.b64decode(lines[3])) == 64


def test_trusted_comment_folds_whitespace_in_branch_code() -> None:
    assert (
        trusted_comment(" 03\n01 ", 7, "00" * 32)
        == f"BranchBook package branch=03 01 seq=7 manifest_sha256={'00' * 32}"
    )


def test_same_input_gives_byte_identical_package(package: bytes, pair: KeyPair) -> None:
    again, _ = seal(data_files(), dict(HEADER), pair)
    assert again == package
    changed, _ = seal({**data_files(), "data/findings.json": b"[]"}, HEADER, pair)
    assert changed != package


def test_zip_layout_is_fixed(package: bytes) -> None:
    with zipfile.ZipFile(io.BytesIO(package)) as archive:
        infos = archive.infolist()
        assert archive.comment == b""
    names = [info.filename for info in infos]
    assert names == sorted(names)
    assert names[-2:] == [MANIFEST_NAME, SIGNATURE_NAME]
    for info in infos:
        assert info.date_time == (1980, 1, 1, 0, 0, 0)
        assert info.compress_type == zipfile.ZIP_DEFLATED
        assert info.external_attr >> 16 == 0o100644
        assert info.create_system == 3
        assert info.extra == b""
        assert info.flag_bits & 0x08 == 0  # sizes in the local header, no data descriptor
        assert not info.is_dir()


# --- the stock tools -----------------------------------------------------------------------------


def extract(package: bytes, folder: Path) -> dict[str, Any]:
    for name, content in members_of(package).items():
        target = folder / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(content)
    return json.loads((folder / MANIFEST_NAME).read_bytes())


def sha256sum_input(manifest: dict[str, Any]) -> str:
    return "".join(f"{item['sha256']}  {item['path']}\n" for item in manifest["files"])


def test_stock_minisign_and_sha256sum_verify_a_sealed_package(
    package: bytes, pair: KeyPair, public_text: str, tmp_path: Path
) -> None:
    minisign_tool, sha256sum = tool("minisign"), tool("sha256sum")
    manifest = extract(package, tmp_path)
    (tmp_path / "card.pub").write_text(public_text, encoding="utf-8")
    manifest_sha = hashlib.sha256((tmp_path / MANIFEST_NAME).read_bytes()).hexdigest()

    for flags in ("-Vm", "-VHm"):  # -H: the tool insists on the prehashed (ED) signature
        result = run([minisign_tool, flags, MANIFEST_NAME, "-p", "card.pub"], tmp_path)
        assert result.returncode == 0, result.stdout + result.stderr
        assert f"Trusted comment: BranchBook package branch=0301 seq=3 manifest_sha256={manifest_sha}" in (
            result.stdout
        )

    result = run([sha256sum, "-c", "-"], tmp_path, stdin=sha256sum_input(manifest))
    assert result.returncode == 0, result.stdout + result.stderr
    assert sorted(result.stdout.splitlines()) == sorted(f"{item['path']}: OK" for item in manifest["files"])


def test_stock_tools_see_tampering(package: bytes, public_text: str, tmp_path: Path) -> None:
    minisign_tool, sha256sum = tool("minisign"), tool("sha256sum")
    manifest = extract(package, tmp_path)
    (tmp_path / "card.pub").write_text(public_text, encoding="utf-8")

    roster = tmp_path / "data/roster.json"
    roster.write_bytes(roster.read_bytes().replace(b"full", b"fulL"))
    result = run([sha256sum, "-c", "-"], tmp_path, stdin=sha256sum_input(manifest))
    assert result.returncode == 1
    assert "data/roster.json: FAILED" in result.stdout

    manifest_path = tmp_path / MANIFEST_NAME
    manifest_path.write_bytes(manifest_path.read_bytes().replace(b'"sequence":3', b'"sequence":4'))
    result = run([minisign_tool, "-Vm", MANIFEST_NAME, "-p", "card.pub"], tmp_path)
    assert result.returncode == 1
    assert "Signature verification failed" in result.stdout + result.stderr


def test_stock_minisign_prints_key_ids_in_our_byte_order(
    pair: KeyPair, other_pair: KeyPair, public_text: str, tmp_path: Path
) -> None:
    foreign, _ = seal(data_files(), HEADER, other_pair)
    extract(foreign, tmp_path)
    (tmp_path / "card.pub").write_text(public_text, encoding="utf-8")
    result = run([tool("minisign"), "-Vm", MANIFEST_NAME, "-p", "card.pub"], tmp_path)
    assert result.returncode == 1
    output = result.stdout + result.stderr
    # minisign prints the ids as hex numbers without leading zeros; ours are zero-padded to 16 digits.
    found = re.search(
        rf"Signature key id in {re.escape(SIGNATURE_NAME)} is ([0-9A-F]+)\s+"
        r"but the key id in the public key is ([0-9A-F]+)",
        output,
    )
    assert found is not None, output
    assert int(found[1], 16) == int(minisign.key_id_text(other_pair.key_id), 16)
    assert int(found[2], 16) == int(minisign.key_id_text(pair.key_id), 16)


@pytest.mark.parametrize("stored", ["00ff00000000000a", "0102030405060708", "ffffffffffffff00"])
def test_key_id_text_is_the_reversed_bytes_zero_padded(stored: str) -> None:
    text = minisign.key_id_text(bytes.fromhex(stored))
    assert len(text) == 16 and text == text.upper()
    assert int(text, 16) == int.from_bytes(bytes.fromhex(stored), "little")


# --- refusals: content -------------------------------------------------------------------------------


def test_changed_byte_in_a_data_file_is_a_hash_refusal(package: bytes, public_text: str) -> None:
    members = members_of(package)
    members["data/dues.json"] = members["data/dues.json"].replace(b"24.21", b"34.21", 1)
    assert rejection(rezip(members), public_text).reason == "hash"


def test_changed_byte_in_a_form_is_a_hash_refusal(package: bytes, public_text: str) -> None:
    members = members_of(package)
    members[FORM] = members[FORM][:-2] + b"X\n"
    assert rejection(rezip(members), public_text).reason == "hash"


def test_changed_byte_in_the_raw_zip_bytes_is_refused(package: bytes, public_text: str) -> None:
    start, length = compressed_span(package, "data/roster.json")
    # Inside the deflate stream (its first bit and last bits can be harmless: see the sweep below).
    for offset in (start + 1, start + length // 4, start + length // 2, start + 3 * length // 4):
        damaged = bytearray(package)
        damaged[offset] ^= 0x20
        assert rejection(bytes(damaged), public_text).reason in {"truncated", "hash"}


def test_every_single_byte_change_is_refused_or_leaves_the_content_intact(
    package: bytes, public_text: str
) -> None:
    """A damaged bit anywhere: refused with a reason, or accepted with exactly the signed files, never
    another exception. Acceptance happens where the damage does not reach the content: zip header
    fields the reader ignores, a deflate block's "final" bit, and the tail of a deflate stream after
    the last byte of output (zipfile stops reading there and the CRC-32 of the output still holds)."""
    expected = data_files()
    refused = 0
    for offset in range(len(package)):
        damaged = bytearray(package)
        damaged[offset] ^= 0x01
        try:
            unpacked = verify_with_public_key(bytes(damaged), public_text)
        except PackageRejected:
            refused += 1
            continue
        assert unpacked.files == expected, offset
    assert refused > 0.8 * len(package)


def test_manifest_edited_without_resigning_is_a_signature_refusal(package: bytes, public_text: str) -> None:
    members = members_of(package)
    members[MANIFEST_NAME] = members[MANIFEST_NAME].replace(b'"sequence":3', b'"sequence":4')
    assert rejection(rezip(members), public_text).reason == "signature"


def test_manifest_listing_a_tampered_file_without_resigning_is_a_signature_refusal(
    package: bytes, public_text: str
) -> None:
    """The attacker changes a data file and its hash in the manifest; the signature stops it."""
    members = members_of(package)
    old, new = members["data/dues.json"], members["data/dues.json"].replace(b"24.21", b"34.21", 1)
    members["data/dues.json"] = new
    members[MANIFEST_NAME] = members[MANIFEST_NAME].replace(
        hashlib.sha256(old).hexdigest().encode(), hashlib.sha256(new).hexdigest().encode()
    )
    assert rejection(rezip(members), public_text).reason == "signature"


def test_edited_trusted_comment_is_a_signature_refusal(package: bytes, public_text: str) -> None:
    members = members_of(package)
    members[SIGNATURE_NAME] = members[SIGNATURE_NAME].replace(b"seq=3 ", b"seq=9 ")
    assert rejection(rezip(members), public_text).reason == "signature"


def test_trusted_comment_must_name_this_manifest(package: bytes, pair: KeyPair, public_text: str) -> None:
    """A valid signature whose trusted comment names another sequence is refused."""
    members = members_of(package)
    manifest = members[MANIFEST_NAME]
    wrong = trusted_comment("0301", 2, hashlib.sha256(manifest).hexdigest())
    members[SIGNATURE_NAME] = minisign.sign(manifest, pair, wrong).encode("ascii")
    assert rejection(rezip(members), public_text).reason == "signature"


def test_signature_of_another_package_is_refused(package: bytes, pair: KeyPair, public_text: str) -> None:
    other, _ = seal(data_files(), {**HEADER, "sequence": 4}, pair)
    members = members_of(package)
    members[SIGNATURE_NAME] = members_of(other)[SIGNATURE_NAME]
    assert rejection(rezip(members), public_text).reason == "signature"


def test_package_signed_by_another_key(package: bytes, pair: KeyPair, other_pair: KeyPair) -> None:
    foreign, _ = seal(data_files(), HEADER, other_pair)
    assert rejection(foreign, card(pair)).reason == "unknown_key"
    with pytest.raises(PackageRejected) as caught:
        check_signature(unpack(foreign), pair.key_id, pair.public)
    assert caught.value.reason == "signature"
    # The right key still accepts it, so the refusals above are about the key alone.
    verify_with_public_key(foreign, card(other_pair))


def test_another_key_claiming_our_key_id_is_a_signature_refusal(pair: KeyPair, other_pair: KeyPair) -> None:
    impostor = KeyPair(key_id=pair.key_id, secret=other_pair.secret, public=other_pair.public)
    forged, _ = seal(data_files(), HEADER, impostor)
    assert rejection(forged, card(pair)).reason == "signature"


def test_manifest_key_id_must_match_the_signer(package: bytes, pair: KeyPair, public_text: str) -> None:
    def edit(raw: dict[str, Any]) -> None:
        raw["key_id"] = "0123456789ABCDEF"

    assert rejection(resigned(package, pair, edit), public_text).reason == "manifest"


@pytest.mark.parametrize("field", ["format_version", "data_version"])
def test_newer_version_is_too_new(package: bytes, pair: KeyPair, public_text: str, field: str) -> None:
    def edit(raw: dict[str, Any]) -> None:
        raw[field] += 1

    newer = resigned(package, pair, edit)
    assert rejection(newer, public_text).reason == "too_new"
    # The same re-signing with the version left alone passes: the refusal is the version's.
    verify_with_public_key(resigned(package, pair, lambda raw: None), public_text)


def test_missing_data_file_listed_consistently_is_refused(
    package: bytes, pair: KeyPair, public_text: str
) -> None:
    """A validly signed package that lacks one of DATA_FILES (file list and members agree)."""

    def edit(raw: dict[str, Any]) -> None:
        raw["files"] = [item for item in raw["files"] if item["path"] != "data/findings.json"]

    members = members_of(resigned(package, pair, edit))
    del members["data/findings.json"]
    assert rejection(rezip(members), public_text).reason == "file_set"


@pytest.mark.parametrize(
    "manifest",
    [
        b"{not json",
        "清单".encode("gbk"),
        b"[]",
        b'{"format":"branchbook-package"}',
    ],
)
def test_unreadable_manifest_is_a_manifest_refusal(package: bytes, public_text: str, manifest: bytes) -> None:
    members = members_of(package)
    members[MANIFEST_NAME] = manifest
    assert rejection(rezip(members), public_text).reason == "manifest"


def test_manifest_of_another_format_is_refused(package: bytes, pair: KeyPair, public_text: str) -> None:
    def edit(raw: dict[str, Any]) -> None:
        raw["format"] = "something-else"

    assert rejection(resigned(package, pair, edit), public_text).reason == "manifest"


def test_bad_public_key_text_is_a_public_key_refusal(package: bytes) -> None:
    assert rejection(package, "untrusted comment: x\nnot base64!\n").reason == "public_key"
    assert rejection(package, "").reason == "public_key"


def test_non_ascii_signature_file_is_a_signature_refusal(package: bytes, public_text: str) -> None:
    members = members_of(package)
    members[SIGNATURE_NAME] = "签名".encode()
    assert rejection(rezip(members), public_text).reason == "signature"


# --- refusals: file set ----------------------------------------------------------------------------


@pytest.mark.parametrize("added", ["data/extra.json", "forms/extra.pdf", "README.txt"])
def test_added_file_is_a_file_set_refusal(package: bytes, public_text: str, added: str) -> None:
    members = members_of(package)
    members[added] = b"{}"
    assert rejection(rezip(members), public_text).reason == "file_set"


@pytest.mark.parametrize("removed", ["data/dues.json", FORM, MANIFEST_NAME, SIGNATURE_NAME])
def test_removed_file_is_a_file_set_refusal(package: bytes, public_text: str, removed: str) -> None:
    members = members_of(package)
    del members[removed]
    assert rejection(rezip(members), public_text).reason == "file_set"


def test_duplicate_member_names_are_a_file_set_refusal(package: bytes, public_text: str) -> None:
    members = members_of(package)
    entries = sorted(members.items())
    with pytest.warns(UserWarning, match="Duplicate name"):
        duplicated = zip_of([*entries, ("data/roster.json", b"[]")])
    assert rejection(duplicated, public_text).reason == "file_set"


def test_too_many_members_is_a_file_set_refusal(package: bytes, public_text: str) -> None:
    count = len(members_of(package))
    assert rejection(package, public_text, Limits(members=count - 1)).reason == "file_set"
    verify_with_public_key(package, public_text, Limits(members=count))


# --- refusals: unsafe members ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name",
    ["../x", "/etc/x", "a/../../x", "data/../../x", "data/./roster.json", "data//x", "C:/x", "c:x", "..\\x"],
)
def test_unsafe_member_names_are_refused(package: bytes, public_text: str, name: str) -> None:
    members = members_of(package)
    members[name] = b"owned"
    tampered = rezip(members)
    assert name in zipfile.ZipFile(io.BytesIO(tampered)).namelist()  # the name is stored as written
    assert rejection(tampered, public_text).reason == "unsafe_path"


@pytest.mark.parametrize(
    "mode",
    [stat.S_IFLNK | 0o777, stat.S_IFDIR | 0o755, stat.S_IFIFO | 0o644],
    ids=["symlink", "directory-mode", "fifo"],
)
def test_links_and_special_members_are_refused(package: bytes, public_text: str, mode: int) -> None:
    """A listed data file replaced by a link (or a directory or fifo entry) with the same name."""
    members = members_of(package)
    entries: list[tuple[zipfile.ZipInfo | str, bytes]] = [
        (name, content) for name, content in sorted(members.items()) if name != "data/roster.json"
    ]
    entries.append((unix_member("data/roster.json", mode), b"/etc/passwd"))
    assert rejection(zip_of(entries), public_text).reason == "unsafe_path"


def test_directory_member_is_refused(package: bytes, public_text: str) -> None:
    members = members_of(package)
    entries: list[tuple[zipfile.ZipInfo | str, bytes]] = [
        *sorted(members.items()),
        (unix_member("data/", stat.S_IFDIR | 0o755), b""),
    ]
    assert rejection(zip_of(entries), public_text).reason == "unsafe_path"


# --- refusals: bombs and sizes ---------------------------------------------------------------------


@pytest.fixture(scope="module")
def zeros_100mb(package: bytes) -> bytes:
    """The package with a 100 MB member of zeros (about 100 KB deflated) in place of the roster."""
    members = members_of(package)
    members["data/roster.json"] = bytes(100 * 1000 * 1000)
    return rezip(members)


def test_100mb_of_zeros_is_a_bomb_with_default_limits(
    zeros_100mb: bytes, public_text: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert len(zeros_100mb) < 200_000
    forbid_decompression(monkeypatch)
    assert rejection(zeros_100mb, public_text).reason == "bomb"


def test_ratio_limit_refuses_before_decompressing(
    zeros_100mb: bytes, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Sizes high enough that only the compression ratio can refuse it.
    roomy = Limits(member_bytes=1 << 30, total_bytes=1 << 31)
    forbid_decompression(monkeypatch)
    with pytest.raises(PackageRejected) as caught:
        read_zip(zeros_100mb, roomy)
    assert caught.value.reason == "bomb"


def test_ratio_limit_spares_small_and_ordinary_members() -> None:
    """Below ratio_floor any ratio is fine; above it, a ratio under the limit is fine."""
    small = zip_of([("data/a.json", bytes(LIMITS.ratio_floor))])
    assert read_zip(small)["data/a.json"] == bytes(LIMITS.ratio_floor)
    ordinary = b"".join(hashlib.sha256(str(i).encode()).hexdigest().encode() for i in range(40_000))
    assert len(ordinary) > LIMITS.ratio_floor
    assert read_zip(zip_of([("data/b.json", ordinary)]))["data/b.json"] == ordinary


def test_declared_size_over_member_bytes_with_default_limits(
    package: bytes, public_text: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A header that declares more than member_bytes is refused from the header alone. The member is
    incompressible enough that the ratio check cannot be what refuses it."""
    incompressible = b"".join(hashlib.sha256(str(i).encode()).digest() for i in range(12_000))
    members = members_of(package)
    members["data/roster.json"] = incompressible
    lying = with_declared_size(rezip(members), "data/roster.json", LIMITS.member_bytes + 1)
    info = zipfile.ZipFile(io.BytesIO(lying)).getinfo("data/roster.json")
    assert info.file_size == LIMITS.member_bytes + 1
    assert info.file_size <= LIMITS.ratio * info.compress_size
    forbid_decompression(monkeypatch)
    assert rejection(lying, public_text).reason == "bomb"


def test_total_size_limit(package: bytes, monkeypatch: pytest.MonkeyPatch) -> None:
    total = sum(len(content) for content in members_of(package).values())
    assert read_zip(package, Limits(total_bytes=total)) == members_of(package)
    forbid_decompression(monkeypatch)
    with pytest.raises(PackageRejected) as caught:
        read_zip(package, Limits(total_bytes=total - 1))
    assert caught.value.reason == "bomb"


def test_member_size_limit(package: bytes) -> None:
    largest = max(len(content) for content in members_of(package).values())
    assert read_zip(package, Limits(member_bytes=largest)) == members_of(package)
    with pytest.raises(PackageRejected) as caught:
        read_zip(package, Limits(member_bytes=largest - 1))
    assert caught.value.reason == "bomb"


def test_header_declaring_less_than_the_content_is_refused(package: bytes, public_text: str) -> None:
    """A lying header cannot smuggle in more bytes than it declares."""
    size = len(members_of(package)["data/roster.json"])
    lying = with_declared_size(package, "data/roster.json", size - 10)
    assert rejection(lying, public_text).reason in {"truncated", "bomb"}


def test_header_declaring_more_than_the_content_is_refused(package: bytes, public_text: str) -> None:
    """The member's real length must equal its declared size, even when the content itself is intact."""
    size = len(members_of(package)["data/roster.json"])
    lying = with_declared_size(package, "data/roster.json", size + 10)
    assert rejection(lying, public_text).reason in {"truncated", "bomb"}


def test_package_size_limit(package: bytes, public_text: str) -> None:
    verify_with_public_key(package, public_text, Limits(package_bytes=len(package)))
    assert rejection(package, public_text, Limits(package_bytes=len(package) - 1)).reason == "too_large"


# --- refusals: not a package at all ----------------------------------------------------------------


def test_truncated_package_is_refused(package: bytes, public_text: str) -> None:
    assert rejection(package[: len(package) // 2], public_text).reason == "truncated"
    for length in range(len(package)):
        assert rejection(package[:length], public_text).reason in {"not_zip", "truncated"}, length


@pytest.mark.parametrize(
    "data",
    [b"", b"%PDF-1.4\n%%EOF\n", "支部记录本".encode(), b"PK\x05\x06" + bytes(18)],
    ids=["empty", "pdf", "text", "empty-zip"],
)
def test_not_a_zip_is_refused(data: bytes, public_text: str) -> None:
    assert rejection(data, public_text).reason == "not_zip"


def test_encrypted_package_must_be_decrypted_first(package: bytes, public_text: str) -> None:
    encrypted = encrypt(package, recipient_of(generate_identity()))
    assert rejection(encrypted, public_text).reason == "not_zip"
