"""No crash on exit (issue 11, item 10): open and close every dialog, quit with Ctrl+Q, twenty times."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from app.services import demo, workspaces

DRILL = Path(__file__).with_name("exit_drill.py")
RUNS, AT_ONCE = 20, 2


@pytest.mark.slow
@pytest.mark.timeout(1200)
def test_every_dialog_opened_and_closed_then_quit_twenty_times_without_a_crash(tmp_path: Path) -> None:
    template = tmp_path / "template" / "示例.branchbook"
    template.parent.mkdir()
    workspaces.close(demo.create_demo_workspace(template, activity=True))
    env = {
        **os.environ,
        "QT_QPA_PLATFORM": "offscreen",
        "PYTHONPATH": str(Path(__file__).resolve().parents[2]),
        "XDG_DATA_HOME": str(tmp_path / "data"),
        "XDG_CONFIG_HOME": str(tmp_path / "config"),
    }
    outcomes = []
    for batch in range(0, RUNS, AT_ONCE):
        running = []
        for run in range(batch, min(batch + AT_ONCE, RUNS)):
            folder = tmp_path / f"run{run}"
            folder.mkdir()
            path = folder / template.name
            shutil.copy(template, path)
            running.append(
                subprocess.Popen(
                    [sys.executable, "-X", "faulthandler", str(DRILL), str(path)],
                    env=env,
                    stdout=subprocess.DEVNULL,
                    stderr=subprocess.PIPE,
                    text=True,
                )
            )
        for process in running:
            try:
                _, stderr = process.communicate(timeout=180)  # the drill's own watchdog ends a hang at 100 s
            except subprocess.TimeoutExpired:
                process.kill()
                _, stderr = process.communicate()
            outcomes.append((process.returncode, stderr))
    failures = [(code, err[-2000:]) for code, err in outcomes if code != 0 or "Fatal Python error" in err]
    assert not failures, failures
