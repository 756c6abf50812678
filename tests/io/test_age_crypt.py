"""Optional package encryption (age, X25519) against itself and against the stock age tools."""

from __future__ import annotations

import hashlib
import shutil
import subprocess
from pathlib import Path

import pytest

from app.io.package.age_crypt import (
    AgeError,
    decrypt,
    encrypt,
    generate_identity,
    is_encrypted,
    parse_recipient,
    recipient_of,
)
from app.io.package.container import write_zip

# Sizes around age's 64 KiB STREAM chunks: empty, one byte, exactly one chunk, several chunks.
SIZES = [0, 1, 64 * 1024, 200_003]


def payload(size: int) -> bytes:
    """Deterministic, incompressible-looking bytes of the given size."""
    blocks = (hashlib.sha256(str(i).encode()).digest() for i in range(size // 32 + 1))
    return b"".join(blocks)[:size]


def tool(name: str) -> str:
    # Deliberately fails rather than skips: the project's setup installs age (age and age-keygen).
    path = shutil.which(name) or (f"/usr/bin/{name}" if Path(f"/usr/bin/{name}").is_file() else None)
    assert path is not None, f"the {name} tool is required (apt-get install -y age)"
    return path


def run(*args: str | Path, cwd: Path) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(
        [str(a) for a in args],
        cwd=cwd,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        timeout=60,
        check=False,
    )


@pytest.fixture(scope="module")
def identity() -> str:
    return generate_identity()


def keygen(folder: Path) -> tuple[str, str]:
    """(identity, recipient) made by the stock age-keygen; the identity file also has comment lines."""
    path = folder / "committee-key.txt"
    assert run(tool("age-keygen"), "-o", path, cwd=folder).returncode == 0
    secret = next(line for line in path.read_text().splitlines() if line.startswith("AGE-SECRET-KEY-1"))
    shown = run(tool("age-keygen"), "-y", path, cwd=folder)
    assert shown.returncode == 0
    return secret, shown.stdout.decode("ascii").strip()


def test_identity_and_recipient_shapes(identity: str) -> None:
    assert identity.startswith("AGE-SECRET-KEY-1") and identity == identity.upper()
    recipient = recipient_of(identity)
    assert recipient.startswith("age1") and recipient == recipient.lower()
    assert recipient_of(f"  {identity}\n") == recipient
    assert generate_identity() != identity


def test_stock_age_keygen_agrees_on_the_recipient(identity: str, tmp_path: Path) -> None:
    (tmp_path / "ours.txt").write_text(identity + "\n", encoding="ascii")
    shown = run(tool("age-keygen"), "-y", "ours.txt", cwd=tmp_path)
    assert shown.returncode == 0, shown.stderr
    assert shown.stdout.decode("ascii").strip() == recipient_of(identity)
    secret, recipient = keygen(tmp_path)
    assert recipient_of(secret) == recipient


@pytest.mark.parametrize("size", SIZES)
def test_round_trip(identity: str, size: int) -> None:
    data = payload(size)
    sealed = encrypt(data, recipient_of(identity))
    assert sealed.startswith(b"age-encryption.org/v1\n")
    assert size < 32 or data not in sealed  # a byte or two can turn up in random ciphertext by chance
    assert decrypt(sealed, identity) == data


def test_encryption_is_randomised(identity: str) -> None:
    data = payload(1000)
    assert encrypt(data, recipient_of(identity)) != encrypt(data, recipient_of(identity))


@pytest.mark.parametrize("size", SIZES)
def test_we_encrypt_and_stock_age_decrypts(identity: str, tmp_path: Path, size: int) -> None:
    data = payload(size)
    (tmp_path / "identity.txt").write_text(identity + "\n", encoding="ascii")
    (tmp_path / "package.bbpkg.age").write_bytes(encrypt(data, recipient_of(identity)))
    # Plain text to stdout: with -o the stock tool creates no file at all for an empty plain text.
    result = run(tool("age"), "-d", "-i", "identity.txt", "package.bbpkg.age", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout == data


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("armor", [False, True], ids=["binary", "armored"])
def test_stock_age_encrypts_and_we_decrypt(tmp_path: Path, size: int, armor: bool) -> None:
    secret, recipient = keygen(tmp_path)
    (tmp_path / "package.bbpkg").write_bytes(payload(size))
    flags = ["-a"] if armor else []
    result = run(
        tool("age"), "-r", recipient, *flags, "-o", "package.bbpkg.age", "package.bbpkg", cwd=tmp_path
    )
    assert result.returncode == 0, result.stderr
    sealed = (tmp_path / "package.bbpkg.age").read_bytes()
    assert is_encrypted(sealed)
    assert decrypt(sealed, secret) == payload(size)


def test_stock_age_with_the_wrong_identity_fails(identity: str, tmp_path: Path) -> None:
    """The stock tool agrees that only the addressed identity opens a package."""
    other = generate_identity()
    (tmp_path / "other.txt").write_text(other + "\n", encoding="ascii")
    (tmp_path / "package.bbpkg.age").write_bytes(encrypt(payload(100), recipient_of(identity)))
    result = run(tool("age"), "-d", "-i", "other.txt", "package.bbpkg.age", cwd=tmp_path)
    assert result.returncode != 0
    assert result.stdout == b""


def test_wrong_identity_is_an_age_error(identity: str) -> None:
    sealed = encrypt(payload(100), recipient_of(identity))
    with pytest.raises(AgeError):
        decrypt(sealed, generate_identity())


def test_damaged_or_truncated_ciphertext_is_an_age_error(identity: str) -> None:
    sealed = encrypt(payload(100_000), recipient_of(identity))
    for offset in (30, len(sealed) // 2, len(sealed) - 1):  # header, body, final tag
        damaged = bytearray(sealed)
        damaged[offset] ^= 0x01
        with pytest.raises(AgeError):
            decrypt(bytes(damaged), identity)
    for length in (0, 21, len(sealed) // 2, len(sealed) - 1):
        with pytest.raises(AgeError):
            decrypt(sealed[:length], identity)


@pytest.mark.parametrize(
    "text",
    [
        "",
        "age1",
        "age1xyz",
        "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl",
        "AGE-SECRET-KEY-1DXLVU73XR2WR676M76GUDJKJ5RTT6EHFPRKEUFFT43ULC4EYD5ZQSUXAAN",
        "RWQeWz9D8mIfXwQlVtBfeHaZV1yfE545tlC92CRjpopCdoa0N2XHqhHS",  # a minisign key, not an age one
    ],
)
def test_bad_recipient_is_an_age_error(text: str) -> None:
    with pytest.raises(AgeError):
        parse_recipient(text)
    with pytest.raises(AgeError):
        encrypt(b"data", text)


def test_recipient_with_a_broken_checksum_is_an_age_error(identity: str) -> None:
    recipient = recipient_of(identity)
    broken = recipient[:-1] + ("q" if recipient[-1] != "q" else "p")
    with pytest.raises(AgeError):
        encrypt(b"data", broken)


@pytest.mark.parametrize("text", ["", "AGE-SECRET-KEY-1", "age1qqqq", "not a key"])
def test_bad_identity_is_an_age_error(identity: str, text: str) -> None:
    sealed = encrypt(b"data", recipient_of(identity))
    with pytest.raises(AgeError):
        decrypt(sealed, text)
    with pytest.raises(AgeError):
        recipient_of(text)


def test_is_encrypted(identity: str) -> None:
    sealed = encrypt(payload(10), recipient_of(identity))
    assert is_encrypted(sealed)
    assert is_encrypted(b"-----BEGIN AGE ENCRYPTED FILE-----\nYWdl\n-----END AGE ENCRYPTED FILE-----\n")
    assert is_encrypted(b"\r\n-----BEGIN AGE ENCRYPTED FILE-----\n")
    assert not is_encrypted(write_zip({"manifest.json": b"{}"}))  # a plain package
    assert not is_encrypted(b"")
    assert not is_encrypted(b"age-encryption.org/v2\n")
    assert not is_encrypted(b"age-encryption.org/v1")  # the header line must end
    assert not is_encrypted(b"x" + sealed)
