"""Canonical JSON: the one byte form that the journal hashes and packages sign."""

from __future__ import annotations

import json
from typing import Any


def canonical_json(value: Any) -> str:
    """UTF-8-ready text with sorted keys and no spaces; characters outside ASCII are kept as they are."""
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def canonical_bytes(value: Any) -> bytes:
    return canonical_json(value).encode("utf-8")
