"""The minisign-compatible signer against itself and against the stock minisign tool (real crypto)."""

from __future__ import annotations

import base64
import hashlib
import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from app.io.package import minisign
from app.io.package.minisign import KeyPair, SignatureError
from app.io.package.secret_key import (
    KeyFileError,
    WeakPassphrase,
    WrongPassphrase,
    decrypt_secret,
    encrypt_secret,
)

DATA = b"BranchBook export package\n" + bytes(range(256)) * 40
TRUSTED = "BranchBook 导出包 2024-05-01 第三支部"


@pytest.fixture(scope="module")
def pair() -> KeyPair:
    return minisign.generate()


@pytest.fixture(scope="module")
def minisign_tool() -> str:
    # Deliberately fails rather than skips: the project's setup installs minisign.
    path = shutil.which("minisign") or ("/usr/bin/minisign" if Path("/usr/bin/minisign").is_file() else None)
    assert path is not None, "the minisign tool is required (apt-get install -y minisign)"
    return path


def run_tool(tool: str, *args: str | Path, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [tool, *map(str, args)],
        cwd=cwd,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=30,
        check=False,
    )


def replace_line(text: str, index: int, new: str) -> str:
    lines = text.splitlines()
    lines[index] = new
    return "\n".join(lines) + "\n"


def flip_b64_byte(line: str, offset: int) -> str:
    raw = bytearray(base64.b64decode(line))
    raw[offset] ^= 0x01
    return base64.b64encode(bytes(raw)).decode("ascii")


# --- our signer against our verifier -------------------------------------------------------------


def test_generate_shapes(pair: KeyPair) -> None:
    assert len(pair.key_id) == 8
    assert len(pair.secret) == 32
    assert len(pair.public) == 32
    assert pair.secret.hex() not in repr(pair)
    assert minisign.generate().key_id != pair.key_id


def test_sign_then_verify_returns_trusted_comment(pair: KeyPair) -> None:
    text = minisign.sign(DATA, pair, TRUSTED)
    lines = text.splitlines()
    assert len(lines) == 4
    assert lines[0] == "untrusted comment: signature from BranchBook"
    assert base64.b64decode(lines[1])[:10] == b"ED" + pair.key_id
    assert lines[2] == f"trusted comment: {TRUSTED}"
    assert minisign.verify(DATA, text, pair.key_id, pair.public) == TRUSTED


def test_untrusted_comment_is_not_covered(pair: KeyPair) -> None:
    text = minisign.sign(DATA, pair, TRUSTED, untrusted_comment="anything")
    changed = replace_line(text, 0, "untrusted comment: something else")
    assert minisign.verify(DATA, changed, pair.key_id, pair.public) == TRUSTED


def test_tampered_data_fails(pair: KeyPair) -> None:
    text = minisign.sign(DATA, pair, TRUSTED)
    tampered = bytearray(DATA)
    tampered[1234] ^= 0x01
    with pytest.raises(SignatureError, match="文件内容与签名不符，已被改动"):
        minisign.verify(bytes(tampered), text, pair.key_id, pair.public)


def test_tampered_trusted_comment_fails(pair: KeyPair) -> None:
    text = minisign.sign(DATA, pair, TRUSTED)
    changed = replace_line(text, 2, f"trusted comment: {TRUSTED}!")
    with pytest.raises(SignatureError, match="签名中的可信注释已被改动"):
        minisign.verify(DATA, changed, pair.key_id, pair.public)


def test_tampered_global_signature_fails(pair: KeyPair) -> None:
    text = minisign.sign(DATA, pair, TRUSTED)
    changed = replace_line(text, 3, flip_b64_byte(text.splitlines()[3], 5))
    with pytest.raises(SignatureError, match="签名中的可信注释已被改动"):
        minisign.verify(DATA, changed, pair.key_id, pair.public)


def test_tampered_key_id_in_signature_fails(pair: KeyPair) -> None:
    text = minisign.sign(DATA, pair, TRUSTED)
    changed = replace_line(text, 1, flip_b64_byte(text.splitlines()[1], 2))
    with pytest.raises(SignatureError, match="签名所用的密钥与给定公钥不符"):
        minisign.verify(DATA, changed, pair.key_id, pair.public)


def test_other_key_fails(pair: KeyPair) -> None:
    other = minisign.generate()
    text = minisign.sign(DATA, pair, TRUSTED)
    with pytest.raises(SignatureError, match="签名所用的密钥与给定公钥不符"):
        minisign.verify(DATA, text, other.key_id, other.public)
    # Same key id but a different public key: the signature itself no longer checks out.
    with pytest.raises(SignatureError, match="文件内容与签名不符"):
        minisign.verify(DATA, text, pair.key_id, other.public)


def test_tampered_file_signature_fails(pair: KeyPair) -> None:
    text = minisign.sign(DATA, pair, TRUSTED)
    changed = replace_line(text, 1, flip_b64_byte(text.splitlines()[1], 40))
    with pytest.raises(SignatureError, match="文件内容与签名不符，已被改动"):
        minisign.verify(DATA, changed, pair.key_id, pair.public)


def test_wrong_algorithm_fails(pair: KeyPair) -> None:
    text = minisign.sign(DATA, pair, TRUSTED)
    raw = base64.b64decode(text.splitlines()[1])
    for algorithm in (b"Ed", b"XX"):
        changed = replace_line(text, 1, base64.b64encode(algorithm + raw[2:]).decode("ascii"))
        with pytest.raises(SignatureError, match="不支持"):
            minisign.verify(DATA, changed, pair.key_id, pair.public)


@pytest.mark.parametrize(
    "mangle",
    [
        lambda text: "",
        lambda text: "\n".join(text.splitlines()[:3]),
        lambda text: replace_line(text, 1, "not base64 at all!"),
        lambda text: replace_line(text, 1, base64.b64encode(b"ED" + b"\0" * 20).decode()),
        lambda text: replace_line(text, 2, "comment: missing the trusted prefix"),
        lambda text: replace_line(text, 3, "AAAA"),
    ],
)
def test_malformed_signature_file_fails(pair: KeyPair, mangle) -> None:
    text = minisign.sign(DATA, pair, TRUSTED)
    with pytest.raises(SignatureError, match="签名文件格式不正确"):
        minisign.verify(DATA, mangle(text), pair.key_id, pair.public)


def test_crlf_signature_file_still_verifies(pair: KeyPair) -> None:
    text = minisign.sign(DATA, pair, TRUSTED).replace("\n", "\r\n")
    assert minisign.verify(DATA, text, pair.key_id, pair.public) == TRUSTED


def test_multiline_comments_refused(pair: KeyPair) -> None:
    with pytest.raises(ValueError):
        minisign.sign(DATA, pair, "two\nlines")


def test_public_key_round_trip(pair: KeyPair) -> None:
    line = minisign.public_key_line(pair.key_id, pair.public)
    assert line.startswith("RW")
    file_text = minisign.public_key_file_text(pair.key_id, pair.public, "BranchBook public key")
    assert file_text == f"untrusted comment: BranchBook public key\n{line}\n"
    assert minisign.parse_public_key(file_text) == (pair.key_id, pair.public)
    assert minisign.parse_public_key(line) == (pair.key_id, pair.public)
    assert minisign.parse_public_key(f"  {line}\n") == (pair.key_id, pair.public)


@pytest.mark.parametrize(
    "text", ["", "RWnot-base64", base64.b64encode(b"Ed" + b"\0" * 30).decode(), "a\nb\nc"]
)
def test_bad_public_key_refused(text: str) -> None:
    with pytest.raises(SignatureError, match="公钥"):
        minisign.parse_public_key(text)


def test_public_key_wrong_algorithm_refused(pair: KeyPair) -> None:
    line = base64.b64encode(b"XX" + pair.key_id + pair.public).decode()
    with pytest.raises(SignatureError, match="不支持的算法"):
        minisign.parse_public_key(line)


def test_fingerprint_format(pair: KeyPair) -> None:
    value = minisign.fingerprint(pair.key_id, pair.public)
    assert re.fullmatch(r"[0-9a-f]{4}( [0-9a-f]{4}){7}", value)
    assert value.replace(" ", "") == hashlib.sha256(pair.public).hexdigest()[:32]
    other = minisign.generate()
    assert minisign.fingerprint(other.key_id, other.public) != value


# --- interoperability with the stock minisign tool ---------------------------------------------------


def test_stock_minisign_verifies_our_signature(pair: KeyPair, minisign_tool: str, tmp_path: Path) -> None:
    data_file = tmp_path / "package.zip"
    data_file.write_bytes(DATA)
    sig_file = tmp_path / "package.zip.minisig"
    sig_file.write_text(minisign.sign(DATA, pair, TRUSTED), encoding="utf-8")
    pub_file = tmp_path / "key.pub"
    pub_file.write_text(
        minisign.public_key_file_text(pair.key_id, pair.public, "BranchBook"), encoding="utf-8"
    )

    result = run_tool(minisign_tool, "-V", "-m", data_file, "-x", sig_file, "-p", pub_file, cwd=tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert TRUSTED in result.stdout

    # -H insists on the prehashed format, which is the only one we write.
    result = run_tool(
        minisign_tool, "-V", "-H", "-m", data_file, "-x", sig_file, "-p", pub_file, cwd=tmp_path
    )
    assert result.returncode == 0, result.stdout + result.stderr

    tampered = bytearray(DATA)
    tampered[-1] ^= 0x01
    data_file.write_bytes(bytes(tampered))
    result = run_tool(minisign_tool, "-V", "-m", data_file, "-x", sig_file, "-p", pub_file, cwd=tmp_path)
    assert result.returncode != 0


def test_stock_minisign_rejects_our_signature_under_another_key(
    pair: KeyPair, minisign_tool: str, tmp_path: Path
) -> None:
    other = minisign.generate()
    data_file = tmp_path / "package.zip"
    data_file.write_bytes(DATA)
    (tmp_path / "package.zip.minisig").write_text(minisign.sign(DATA, pair, TRUSTED), encoding="utf-8")
    line = minisign.public_key_line(other.key_id, other.public)
    result = run_tool(minisign_tool, "-V", "-m", data_file, "-P", line, cwd=tmp_path)
    assert result.returncode != 0


def test_we_verify_stock_minisign_signature(minisign_tool: str, tmp_path: Path) -> None:
    result = run_tool(minisign_tool, "-G", "-W", "-p", "k.pub", "-s", "k.key", cwd=tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    data_file = tmp_path / "report.pdf"
    data_file.write_bytes(DATA)
    result = run_tool(minisign_tool, "-S", "-s", "k.key", "-m", data_file, "-t", "trusted text", cwd=tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr

    key_id, public = minisign.parse_public_key((tmp_path / "k.pub").read_text(encoding="utf-8"))
    signature_text = (tmp_path / "report.pdf.minisig").read_text(encoding="utf-8")
    assert base64.b64decode(signature_text.splitlines()[1])[:2] == b"ED"
    assert minisign.verify(DATA, signature_text, key_id, public) == "trusted text"

    with pytest.raises(SignatureError, match="文件内容与签名不符"):
        minisign.verify(DATA + b"x", signature_text, key_id, public)


# --- the passphrase-protected secret key -------------------------------------------------------------


@pytest.fixture(scope="module")
def key_file(pair: KeyPair) -> str:
    return encrypt_secret(pair, "正确的密码 horse battery")


def test_secret_key_round_trip(pair: KeyPair, key_file: str) -> None:
    document = json.loads(key_file)
    assert document["format"] == "branchbook-secret-key"
    assert document["version"] == 1
    assert (document["kdf"], document["n"], document["r"], document["p"]) == ("scrypt", 131072, 8, 1)
    assert document["key_id"] == pair.key_id.hex()
    assert pair.secret.hex() not in key_file
    assert base64.b64encode(pair.secret).decode() not in key_file
    assert decrypt_secret(key_file, "正确的密码 horse battery") == pair


def test_decrypted_key_still_signs_for_stock_tool(pair: KeyPair, key_file: str) -> None:
    restored = decrypt_secret(key_file, "正确的密码 horse battery")
    text = minisign.sign(DATA, restored, TRUSTED)
    assert minisign.verify(DATA, text, pair.key_id, pair.public) == TRUSTED


def test_wrong_passphrase(key_file: str) -> None:
    with pytest.raises(WrongPassphrase, match="口令不正确"):
        decrypt_secret(key_file, "wrong passphrase")
    with pytest.raises(WrongPassphrase, match="口令不正确"):
        decrypt_secret(key_file, "short")


@pytest.mark.parametrize("passphrase", ["", "1234567", "七个字的密码啊"])
def test_short_passphrase_refused(pair: KeyPair, passphrase: str) -> None:
    with pytest.raises(WeakPassphrase, match="口令太短"):
        encrypt_secret(pair, passphrase)


def _mangled(key_file: str, **changes: object) -> str:
    document = json.loads(key_file)
    document.update(changes)
    return json.dumps(document)


def test_damaged_key_file_refused(key_file: str) -> None:
    document = json.loads(key_file)
    other = minisign.generate()
    damaged = [
        "",
        "not json",
        key_file[: len(key_file) // 2],
        "[]",
        _mangled(key_file, format="something-else"),
        _mangled(key_file, version=2),
        _mangled(key_file, n=2**10),
        _mangled(key_file, salt="!!!"),
        _mangled(key_file, nonce=base64.b64encode(b"short").decode()),
        _mangled(key_file, ciphertext=document["ciphertext"][:-8]),
        _mangled(key_file, key_id="zz"),
        _mangled(key_file, public=None),
        _mangled(key_file, key_id=other.key_id.hex()),
        _mangled(key_file, public=base64.b64encode(other.public).decode()),
    ]
    for text in damaged:
        with pytest.raises(KeyFileError):
            decrypt_secret(text, "正确的密码 horse battery")
