#!/usr/bin/env python3
"""Set up a development machine and start the app or run the tests. Standard library only.

    python3 packaging/dev.py app    # set up, then start the app (on a demo workspace if none exists)
    python3 packaging/dev.py test   # set up, then ruff, the import-linter contract and pytest

Set-up is idempotent: the virtualenv in .venv is (re)installed only when pyproject.toml changed,
and on Debian/Ubuntu the Qt runtime libraries are installed with apt-get when missing.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VENV = ROOT / ".venv"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
# Qt's xcb/offscreen platforms need these shared libraries; minisign and age check packages in tests.
APT_PACKAGES = {
    "libEGL.so.1": "libegl1",
    "libGL.so.1": "libgl1",
    "libxkbcommon.so.0": "libxkbcommon0",
    "libfontconfig.so.1": "libfontconfig1",
    "libdbus-1.so.3": "libdbus-1-3",
    "libxcb-cursor.so.0": "libxcb-cursor0",
    "libxcb-icccm.so.4": "libxcb-icccm4",
    "libxcb-keysyms.so.1": "libxcb-keysyms1",
    "libxcb-image.so.0": "libxcb-image0",
    "libxcb-render-util.so.0": "libxcb-render-util0",
    "libxcb-shape.so.0": "libxcb-shape0",
    "libxkbcommon-x11.so.0": "libxkbcommon-x11-0",
}
APT_TOOLS = {
    "sqlite3": "sqlite3",
    "pdftoppm": "poppler-utils",
    "minisign": "minisign",
    "age": "age",
    "unzip": "unzip",
}


def run(*cmd: str | Path, check: bool = True) -> int:
    print("+", " ".join(str(c) for c in cmd), flush=True)
    return subprocess.run([str(c) for c in cmd], cwd=ROOT, check=check).returncode


def missing_system_packages() -> list[str]:
    if not sys.platform.startswith("linux"):
        return []
    try:
        known = subprocess.run(["ldconfig", "-p"], capture_output=True, text=True, check=False).stdout
    except FileNotFoundError:
        known = ""
    wanted = [pkg for lib, pkg in APT_PACKAGES.items() if lib not in known]
    wanted += [pkg for tool, pkg in APT_TOOLS.items() if shutil.which(tool) is None]
    return wanted


def install_system_packages() -> None:
    wanted = missing_system_packages()
    if not wanted:
        return
    if shutil.which("apt-get") is None:
        print(f"请用系统的软件包管理器安装：{' '.join(wanted)}", file=sys.stderr)
        return
    sudo = [] if os.geteuid() == 0 else ["sudo"]
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    subprocess.run([*sudo, "apt-get", "update", "-qq"], check=True, env=env)
    subprocess.run(
        [*sudo, "apt-get", "install", "-y", "-qq", "--no-install-recommends", *wanted], check=True, env=env
    )


def setup() -> None:
    install_system_packages()
    if not (BIN / "python").exists() and not (BIN / "python.exe").exists():
        run(sys.executable, "-m", "venv", VENV)
    stamp = VENV / ".installed-from"
    digest = hashlib.sha256((ROOT / "pyproject.toml").read_bytes()).hexdigest()
    if not stamp.exists() or stamp.read_text() != digest:
        run(BIN / "python", "-m", "pip", "install", "--quiet", "--upgrade", "pip")
        run(BIN / "python", "-m", "pip", "install", "--quiet", "-e", ".[dev]")
        stamp.write_text(digest)


def test(extra: list[str]) -> int:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    steps = [
        [BIN / "ruff", "check", "."],
        [BIN / "ruff", "format", "--check", "."],
        [BIN / "lint-imports"],
        [BIN / "python", "-m", "pytest", *extra],
    ]
    for step in steps:
        print("+", " ".join(str(s) for s in step), flush=True)
        code = subprocess.run([str(s) for s in step], cwd=ROOT, env=env, check=False).returncode
        if code != 0:
            print(f"FAILED: {' '.join(str(s) for s in step)} (exit {code})", file=sys.stderr)
            return code
    return 0


def main() -> int:
    if len(sys.argv) < 2 or sys.argv[1] not in {"app", "test", "setup"}:
        print(__doc__)
        return 2
    setup()
    if sys.argv[1] == "app":
        return subprocess.run(
            [str(BIN / "branchbook"), "--demo", *sys.argv[2:]], cwd=ROOT, check=False
        ).returncode
    if sys.argv[1] == "test":
        return test(sys.argv[2:])
    return 0


if __name__ == "__main__":
    sys.exit(main())
