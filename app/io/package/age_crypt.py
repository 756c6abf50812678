"""Optional confidentiality: a whole package encrypted to the committee's age recipient (X25519).

Uses pyrage (the Rust `rage` implementation of https://age-encryption.org/v1); files it writes open
with the stock `age -d` tool and the other way round.
"""

from __future__ import annotations

import pyrage
from pyrage import x25519

__all__ = [
    "AgeError",
    "decrypt",
    "encrypt",
    "generate_identity",
    "is_encrypted",
    "parse_recipient",
    "recipient_of",
]

BINARY_HEADER = b"age-encryption.org/v1\n"
ARMOR_HEADER = b"-----BEGIN AGE ENCRYPTED FILE-----"


class AgeError(ValueError):
    """Cannot encrypt or decrypt; the message is for people."""


def is_encrypted(data: bytes) -> bool:
    return data.startswith(BINARY_HEADER) or data.lstrip().startswith(ARMOR_HEADER)


def parse_recipient(text: str) -> x25519.Recipient:
    text = text.strip()
    if text.upper().startswith("AGE-SECRET-KEY-"):
        # Never echo a pasted secret key into messages or logs.
        raise AgeError("这是解密私钥，不是公钥！请勿外传；这里应填写以 age1 开头的接收公钥")
    try:
        return x25519.Recipient.from_str(text)
    except (pyrage.RecipientError, ValueError, TypeError):
        raise AgeError(f"接收方公钥格式不正确（应以 age1 开头）：{text[:12]}…") from None


def encrypt(data: bytes, recipient: str) -> bytes:
    try:
        return pyrage.encrypt(data, [parse_recipient(recipient)])
    except pyrage.EncryptError as exc:
        raise AgeError(f"加密失败：{exc}") from None


def generate_identity() -> str:
    """A new X25519 identity, ``AGE-SECRET-KEY-1…``; keep it secret."""
    return str(x25519.Identity.generate())


def recipient_of(identity: str) -> str:
    try:
        return str(x25519.Identity.from_str(identity.strip()).to_public())
    except (pyrage.IdentityError, ValueError, TypeError):
        raise AgeError("解密私钥格式不正确") from None


def _identity(text: str) -> str:
    """The key line of an identity: a bare key, or an `age-keygen` file with its comment lines."""
    keys = [line.strip() for line in text.splitlines() if line.strip().upper().startswith("AGE-SECRET-KEY-")]
    return keys[0] if keys else text.strip()


def decrypt(data: bytes, identity: str) -> bytes:
    """`identity` is an AGE-SECRET-KEY line or the text of an identity file holding one."""
    try:
        key = x25519.Identity.from_str(_identity(identity))
    except (pyrage.IdentityError, ValueError, TypeError):
        raise AgeError("解密私钥格式不正确") from None
    try:
        return pyrage.decrypt(data, [key])
    except pyrage.DecryptError:
        raise AgeError("无法解密：这个上报包不是加密给本党委的，或文件已损坏") from None
