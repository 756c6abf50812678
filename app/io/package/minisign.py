"""A minisign-compatible signer and verifier (https://jedisct1.github.io/minisign/).

Keys are Ed25519 with an 8-byte random key id. Public key file::

    untrusted comment: <text>
    base64(b"Ed" + key_id(8) + public_key(32))

Signature file (prehashed "ED" mode, what modern minisign writes by default)::

    untrusted comment: <text>
    base64(b"ED" + key_id(8) + ed25519(BLAKE2b-512(data))(64))
    trusted comment: <text>
    base64(ed25519(signature(64) + trusted_comment_bytes)(64))

Both files round-trip with the stock ``minisign`` tool.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import os
from dataclasses import dataclass

import nacl.exceptions
import nacl.signing

__all__ = [
    "KeyPair",
    "SignatureError",
    "fingerprint",
    "generate",
    "key_id_text",
    "parse_public_key",
    "public_key_file_text",
    "public_key_line",
    "sign",
    "signature_key_id",
    "verify",
]

KEY_ID_BYTES = 8
PUBLIC_KEY_ALG = b"Ed"
PREHASHED_SIG_ALG = b"ED"
LEGACY_SIG_ALG = b"Ed"
UNTRUSTED_PREFIX = "untrusted comment: "
TRUSTED_PREFIX = "trusted comment: "


class SignatureError(ValueError):
    """A signature or public key that cannot be accepted; the message is for people."""


@dataclass(frozen=True)
class KeyPair:
    key_id: bytes  # 8 bytes, stored in the files exactly as-is
    secret: bytes  # 32-byte Ed25519 seed
    public: bytes  # 32-byte Ed25519 public key

    def __repr__(self) -> str:  # never print the seed in logs or tracebacks
        return f"KeyPair(key_id={self.key_id.hex()!r}, public={self.public.hex()!r}, secret=<hidden>)"


def generate() -> KeyPair:
    signing_key = nacl.signing.SigningKey.generate()
    return KeyPair(
        key_id=os.urandom(KEY_ID_BYTES),
        secret=bytes(signing_key),
        public=bytes(signing_key.verify_key),
    )


def _check_key(key_id: bytes, public: bytes) -> None:
    if len(key_id) != KEY_ID_BYTES or len(public) != 32:
        raise ValueError("key id must be 8 bytes and public key 32 bytes")


def public_key_line(key_id: bytes, public: bytes) -> str:
    _check_key(key_id, public)
    return base64.b64encode(PUBLIC_KEY_ALG + key_id + public).decode("ascii")


def public_key_file_text(key_id: bytes, public: bytes, comment: str) -> str:
    _check_one_line(comment)
    return f"{UNTRUSTED_PREFIX}{comment}\n{public_key_line(key_id, public)}\n"


def parse_public_key(text: str) -> tuple[bytes, bytes]:
    """Return ``(key_id, public)`` from a .pub file or just its base64 line."""
    lines = [line.strip() for line in text.strip().splitlines() if line.strip()]
    if len(lines) == 2 and lines[0].startswith(UNTRUSTED_PREFIX.rstrip()):
        lines = lines[1:]
    if len(lines) != 1:
        raise SignatureError("公钥格式不正确")
    raw = _b64decode(lines[0], "公钥格式不正确")
    if len(raw) != 2 + KEY_ID_BYTES + 32:
        raise SignatureError("公钥格式不正确")
    if raw[:2] != PUBLIC_KEY_ALG:
        raise SignatureError("公钥使用了不支持的算法")
    return raw[2 : 2 + KEY_ID_BYTES], raw[2 + KEY_ID_BYTES :]


def key_id_text(key_id: bytes) -> str:
    """The key id as a little-endian 64-bit number in upper-case hex, zero-padded to 16 digits.

    The minisign tool prints the same number but drops leading zeros (``%PRIX64``)."""
    return key_id[::-1].hex().upper()


def signature_key_id(signature_text: str) -> bytes:
    """The key id a .minisig file claims, read before verifying so the right public key can be found."""
    lines = [line for line in signature_text.replace("\r\n", "\n").split("\n") if line]
    if len(lines) < 2:
        raise SignatureError("签名文件格式不正确")
    raw = _b64decode(lines[1], "签名文件格式不正确")
    if len(raw) != 2 + KEY_ID_BYTES + 64:
        raise SignatureError("签名文件格式不正确")
    return raw[2 : 2 + KEY_ID_BYTES]


def fingerprint(key_id: bytes, public: bytes) -> str:
    """Short hex digest of the public key for comparing out of band, e.g. ``"3f2a 91c0 …"``."""
    _check_key(key_id, public)
    digest = hashlib.sha256(public).hexdigest()[:32]
    return " ".join(digest[i : i + 4] for i in range(0, len(digest), 4))


def sign(
    data: bytes,
    pair: KeyPair,
    trusted_comment: str,
    untrusted_comment: str = "signature from BranchBook",
) -> str:
    """Return the text of a .minisig file for ``data`` (prehashed mode)."""
    _check_one_line(trusted_comment)
    _check_one_line(untrusted_comment)
    signing_key = nacl.signing.SigningKey(pair.secret)
    if bytes(signing_key.verify_key) != pair.public:
        raise ValueError("secret and public key do not belong together")
    signature = signing_key.sign(_prehash(data)).signature
    global_signature = signing_key.sign(signature + trusted_comment.encode("utf-8")).signature
    return (
        f"{UNTRUSTED_PREFIX}{untrusted_comment}\n"
        f"{base64.b64encode(PREHASHED_SIG_ALG + pair.key_id + signature).decode('ascii')}\n"
        f"{TRUSTED_PREFIX}{trusted_comment}\n"
        f"{base64.b64encode(global_signature).decode('ascii')}\n"
    )


def verify(data: bytes, signature_text: str, key_id: bytes, public: bytes) -> str:
    """Check ``signature_text`` for ``data`` against the given key; return the trusted comment."""
    _check_key(key_id, public)
    lines = signature_text.replace("\r\n", "\n").split("\n")
    while lines and lines[-1] == "":
        lines.pop()
    if (
        len(lines) != 4
        or not lines[0].startswith(UNTRUSTED_PREFIX.rstrip())
        or not lines[2].startswith(TRUSTED_PREFIX)
    ):
        raise SignatureError("签名文件格式不正确")
    raw = _b64decode(lines[1], "签名文件格式不正确")
    global_signature = _b64decode(lines[3], "签名文件格式不正确")
    if len(raw) != 2 + KEY_ID_BYTES + 64 or len(global_signature) != 64:
        raise SignatureError("签名文件格式不正确")
    algorithm, sig_key_id, signature = raw[:2], raw[2 : 2 + KEY_ID_BYTES], raw[2 + KEY_ID_BYTES :]
    if algorithm == PREHASHED_SIG_ALG:
        message = _prehash(data)
    elif algorithm == LEGACY_SIG_ALG:
        # Legacy (non-prehashed) signatures are valid minisign but we never write them; refuse so
        # that a downgrade cannot be slipped in.
        raise SignatureError("签名使用了不支持的旧格式")
    else:
        raise SignatureError("签名使用了不支持的算法")
    if sig_key_id != key_id:
        raise SignatureError("签名所用的密钥与给定公钥不符")
    verify_key = nacl.signing.VerifyKey(public)
    try:
        verify_key.verify(message, signature)
    except nacl.exceptions.BadSignatureError:
        raise SignatureError("文件内容与签名不符，已被改动") from None
    trusted_comment = lines[2][len(TRUSTED_PREFIX) :]
    try:
        verify_key.verify(signature + trusted_comment.encode("utf-8"), global_signature)
    except nacl.exceptions.BadSignatureError:
        raise SignatureError("签名中的可信注释已被改动") from None
    return trusted_comment


def _prehash(data: bytes) -> bytes:
    return hashlib.blake2b(data, digest_size=64).digest()


def _b64decode(text: str, message: str) -> bytes:
    try:
        return base64.b64decode(text.strip(), validate=True)
    except (binascii.Error, ValueError):
        raise SignatureError(message) from None


def _check_one_line(comment: str) -> None:
    if "\n" in comment or "\r" in comment:
        raise ValueError("comments must be a single line")
