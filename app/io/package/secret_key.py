"""The signing secret key, stored encrypted behind a passphrase.

The passphrase goes through scrypt (n=2**17, r=8, p=1, 128 MiB of memory) to a 32-byte key that
opens a ``nacl.secret.SecretBox`` (XSalsa20-Poly1305) holding the 32-byte Ed25519 seed followed by
the 8-byte key id. Deriving the key takes about 0.37 s on the 2-core development machine (measured
with ``hashlib.scrypt``; three runs 0.37-0.38 s), which is unnoticeable when signing one package but
makes guessing passphrases from a stolen key file expensive.

File format (JSON)::

    {"format": "branchbook-secret-key", "version": 1, "kdf": "scrypt",
     "n": 131072, "r": 8, "p": 1, "salt": b64, "nonce": b64, "ciphertext": b64,
     "key_id": hex, "public": b64}

``key_id`` and ``public`` are stored in clear so the public key can be shown without the
passphrase; after decryption both are checked against the encrypted contents.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import os

import nacl.exceptions
import nacl.secret
import nacl.signing

from app.io.package.minisign import KEY_ID_BYTES, KeyPair

__all__ = [
    "MIN_PASSPHRASE_LENGTH",
    "KeyFileError",
    "WeakPassphrase",
    "WrongPassphrase",
    "decrypt_age_identity",
    "decrypt_secret",
    "encrypt_age_identity",
    "encrypt_secret",
]

FORMAT = "branchbook-secret-key"
VERSION = 1
MIN_PASSPHRASE_LENGTH = 8

# scrypt n=2**17 (128 MiB with r=8): the design asks for a strong KDF because the key file may be
# copied around on USB sticks; this costs ~0.37 s per unlock here (see module docstring).
SCRYPT_N = 2**17
SCRYPT_R = 8
SCRYPT_P = 1
SCRYPT_MAXMEM = 256 * 1024 * 1024
SALT_BYTES = 16


class KeyFileError(ValueError):
    """The secret key file is damaged or not ours."""


class WrongPassphrase(ValueError):
    """The passphrase does not open the secret key file."""


class WeakPassphrase(ValueError):
    """The passphrase is too short to protect the secret key."""


def encrypt_secret(pair: KeyPair, passphrase: str) -> str:
    """Return the JSON text of a key file holding ``pair`` encrypted with ``passphrase``."""
    if len(passphrase) < MIN_PASSPHRASE_LENGTH:
        raise WeakPassphrase(f"口令太短，至少需要 {MIN_PASSPHRASE_LENGTH} 个字符")
    if len(pair.secret) != 32 or len(pair.key_id) != KEY_ID_BYTES or len(pair.public) != 32:
        raise ValueError("malformed key pair")
    document = _sealed(FORMAT, pair.secret + pair.key_id, passphrase)
    document.update({"key_id": pair.key_id.hex(), "public": _b64(pair.public)})
    return json.dumps(document, indent=2) + "\n"


def _sealed(kind: str, plain: bytes, passphrase: str) -> dict[str, object]:
    """`plain` in a SecretBox under a fresh scrypt-derived key, as the fields of a key file."""
    salt = os.urandom(SALT_BYTES)
    nonce = os.urandom(nacl.secret.SecretBox.NONCE_SIZE)
    ciphertext = nacl.secret.SecretBox(_derive(passphrase, salt)).encrypt(plain, nonce).ciphertext
    return {
        "format": kind,
        "version": VERSION,
        "kdf": "scrypt",
        "n": SCRYPT_N,
        "r": SCRYPT_R,
        "p": SCRYPT_P,
        "salt": _b64(salt),
        "nonce": _b64(nonce),
        "ciphertext": _b64(ciphertext),
    }


def decrypt_secret(text: str, passphrase: str) -> KeyPair:
    """Open a key file written by :func:`encrypt_secret`."""
    try:
        document = json.loads(text)
    except (json.JSONDecodeError, TypeError):
        raise KeyFileError("密钥文件已损坏，无法读取") from None
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        raise KeyFileError("这不是 BranchBook 的密钥文件")
    if document.get("version") != VERSION:
        raise KeyFileError("密钥文件的版本不受支持")
    if (document.get("kdf"), document.get("n"), document.get("r"), document.get("p")) != (
        "scrypt",
        SCRYPT_N,
        SCRYPT_R,
        SCRYPT_P,
    ):
        raise KeyFileError("密钥文件的加密参数不受支持")
    try:
        salt = _unb64(document["salt"])
        nonce = _unb64(document["nonce"])
        ciphertext = _unb64(document["ciphertext"])
        key_id = bytes.fromhex(document["key_id"])
        public = _unb64(document["public"])
    except (KeyError, TypeError, ValueError, binascii.Error):
        raise KeyFileError("密钥文件已损坏，无法读取") from None
    if (
        len(salt) != SALT_BYTES
        or len(nonce) != nacl.secret.SecretBox.NONCE_SIZE
        or len(ciphertext) != nacl.secret.SecretBox.MACBYTES + 32 + KEY_ID_BYTES
        or len(key_id) != KEY_ID_BYTES
        or len(public) != 32
    ):
        raise KeyFileError("密钥文件已损坏，无法读取")
    if len(passphrase) < MIN_PASSPHRASE_LENGTH:
        raise WrongPassphrase("口令不正确")  # we never wrote a file with a shorter one
    box = nacl.secret.SecretBox(_derive(passphrase, salt))
    try:
        plain = box.decrypt(ciphertext, nonce)
    except nacl.exceptions.CryptoError:
        # A damaged ciphertext looks the same as a wrong passphrase; the structure checks above
        # catch most damage, so the passphrase is the likelier cause.
        raise WrongPassphrase("口令不正确") from None
    seed, inner_key_id = plain[:32], plain[32:]
    if inner_key_id != key_id or bytes(nacl.signing.SigningKey(seed).verify_key) != public:
        raise KeyFileError("密钥文件已被改动，公钥与私钥不符")
    return KeyPair(key_id=key_id, secret=seed, public=public)


def _derive(passphrase: str, salt: bytes) -> bytes:
    return hashlib.scrypt(
        passphrase.encode("utf-8"),
        salt=salt,
        n=SCRYPT_N,
        r=SCRYPT_R,
        p=SCRYPT_P,
        maxmem=SCRYPT_MAXMEM,
        dklen=nacl.secret.SecretBox.KEY_SIZE,
    )


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _unb64(text: str) -> bytes:
    if not isinstance(text, str):
        raise TypeError("expected a base64 string")
    return base64.b64decode(text, validate=True)


AGE_IDENTITY_FORMAT = "branchbook-age-identity"


def encrypt_age_identity(identity: str, passphrase: str) -> str:
    """The committee's age decryption key, behind the same scrypt + SecretBox as signing keys."""
    if len(passphrase) < MIN_PASSPHRASE_LENGTH:
        raise WeakPassphrase(f"口令太短，至少需要 {MIN_PASSPHRASE_LENGTH} 个字符")
    return json.dumps(_sealed(AGE_IDENTITY_FORMAT, identity.encode("ascii"), passphrase), indent=2) + "\n"


def decrypt_age_identity(text: str, passphrase: str) -> str:
    try:
        document = json.loads(text)
        if document.get("format") != AGE_IDENTITY_FORMAT or document.get("n") != SCRYPT_N:
            raise KeyFileError("这不是 BranchBook 的解密密钥文件")
        salt, nonce = _unb64(document["salt"]), _unb64(document["nonce"])
        ciphertext = _unb64(document["ciphertext"])
    except (json.JSONDecodeError, AttributeError, KeyError, TypeError, ValueError, binascii.Error):
        raise KeyFileError("解密密钥文件已损坏，无法读取") from None
    if len(salt) != SALT_BYTES or len(nonce) != nacl.secret.SecretBox.NONCE_SIZE:
        raise KeyFileError("解密密钥文件已损坏，无法读取")
    try:
        return nacl.secret.SecretBox(_derive(passphrase, salt)).decrypt(ciphertext, nonce).decode("ascii")
    except (nacl.exceptions.CryptoError, UnicodeDecodeError):
        raise WrongPassphrase("口令不正确") from None
