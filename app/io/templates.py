"""Default entry templates shipped in resources/templates/entry_templates.toml."""

from __future__ import annotations

import functools
import tomllib
from pathlib import Path

TEMPLATES_FILE = (
    Path(__file__).resolve().parent.parent.parent / "resources" / "templates" / "entry_templates.toml"
)


@functools.cache
def default_templates() -> dict[str, tuple[str, str]]:
    """entry type → (agenda, minutes skeleton)."""
    data = tomllib.loads(TEMPLATES_FILE.read_text(encoding="utf-8"))
    return {key: (value.get("agenda", ""), value.get("minutes", "")) for key, value in data.items()}
