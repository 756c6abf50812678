"""Issue 11 from the command line (shared/CLI.md, second round): a real process each time."""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.cli.test_cli import run
from tests.fixtures.people import make_id
from tests.fixtures.sheets import write_template_like


@pytest.fixture
def ws(tmp_path: Path) -> Path:
    path = tmp_path / "支部.branchbook"
    done = run(
        "init", "--kind", "branch", "--name", "一车间党支部", "--code", "0101", "--started-on", "2026-07-01",
        workspace=path,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    sheet = write_template_like(
        path.parent / "名册.xlsx",
        [
            {"name": "张三", "id_number": make_id(dt.date(1970, 1, 1), "男", serial=21), "joined_on": "2000.01.01",
             "status": "正式党员", "post": "书记、委员"},
            {"name": "李四", "id_number": make_id(dt.date(1990, 1, 1), "男", serial=22), "joined_on": "2026.01.10",
             "status": "预备党员"},
        ],
    )  # fmt: skip
    done = run("roster", "import", str(sheet), "--in-branch-from", "2026-01-01", workspace=path)
    assert done.returncode == 0, done.stderr
    return path


def test_roster_list_profile_and_events(ws: Path) -> None:
    listed = json.loads(run("roster", "list", "--json", "--at", "2026-11-01", workspace=ws).stdout)
    by_name = {m["name"]: m for m in listed}
    assert by_name["张三"]["voting"] is True and by_name["张三"]["full_on_known"] is False
    assert by_name["张三"]["in_branch_from"] == "2026-01-01" and by_name["张三"]["post"] == "书记、委员"
    assert by_name["李四"]["voting"] is False

    profile = json.loads(run("profile", "show", "--json", workspace=ws).stdout)
    assert profile["started_on"] == "2026-07-01"
    done = run("profile", "set", "--started-on", "2026-06-01", "--json", workspace=ws)
    assert done.returncode == 0 and json.loads(done.stdout)["started_on"] == "2026-06-01"

    refused = run("roster", "event", "张三", "restore", "--date", "2026-05-01", workspace=ws)
    assert refused.returncode == 1 and "没有停止党籍" in refused.stderr and "Traceback" not in refused.stderr
    short = run(
        "roster", "event", "李四", "extend_probation", "--date", "2026-11-01", "--months", "4", workspace=ws
    )
    assert short.returncode == 1 and "6至12个月" in short.stderr
    ok = run(
        "roster", "event", "李四", "extend_probation", "--date", "2026-11-01", "--months", "6", workspace=ws
    )
    assert ok.returncode == 0, ok.stderr
    again = run(
        "roster", "event", "李四", "extend_probation", "--date", "2026-11-02", "--months", "6", workspace=ws
    )
    assert again.returncode == 1 and "只能延长1次" in again.stderr
    out = run(
        "roster", "event", "张三", "transfer_out", "--date", "2026-10-01", "--to", "二车间", workspace=ws
    )
    assert out.returncode == 0, out.stderr
    listed = json.loads(run("roster", "list", "--json", workspace=ws).stdout)
    assert [m["name"] for m in listed] == ["李四"]
    assert run("journal", "verify", workspace=ws).returncode == 0


def test_check_says_not_entered_before_started_on(ws: Path) -> None:
    findings = json.loads(run("check", "--period", "2026", "--json", workspace=ws).stdout)
    early = [f for f in findings if "2026年3月" in f["message"]]
    assert early and {f["severity"] for f in early} == {"not_entered"}
    assert any(f["severity"] == "violation" for f in findings)


def test_dues_from_the_command_line(ws: Path) -> None:
    assert run("dues", "base", "张三", "--from", "2026-01", "--category", "employed", "--base", "4800",
               workspace=ws).returncode == 0  # fmt: skip
    assert run("dues", "opening", "张三", "--paid-through", "2026-03", workspace=ws).returncode == 0
    bad = run(
        "dues", "pay", "张三", "--through", "2026-05", "--amount", "1e4", "--date", "2026-06-01", workspace=ws
    )
    assert bad.returncode == 1 and "不是有效的金额" in bad.stderr
    paid = run("dues", "pay", "张三", "--through", "2026-05", "--amount", "96.00", "--date", "2026-06-01",
               "--json", workspace=ws)  # fmt: skip
    assert paid.returncode == 0, paid.stderr
    assert json.loads(paid.stdout)["months"] == ["2026-04", "2026-05"]
    status = json.loads(run("dues", "status", "--at", "2026-06", "--json", workspace=ws).stdout)
    zhang = next(s for s in status if s["name"] == "张三")
    assert zhang["paid_through"] == "2026-05" and zhang["months_unpaid"] == 0  # June is in progress


def test_renames_need_confirmation(ws: Path) -> None:
    sheet = write_template_like(
        ws.parent / "冒名.xlsx",
        [
            {
                "name": "冒名者",
                "id_number": make_id(dt.date(1970, 1, 1), "男", serial=21),
                "joined_on": "2000.01.01",
            }
        ],
    )
    refused = run("roster", "import", str(sheet), workspace=ws)
    assert refused.returncode == 1 and "张三" in refused.stderr and "--confirm-renames" in refused.stderr
    assert "冒名者" not in run("roster", "list", "--json", workspace=ws).stdout
    done = run("roster", "import", str(sheet), "--confirm-renames", workspace=ws)
    assert done.returncode == 0, done.stderr


def test_usage_errors_are_in_chinese(ws: Path) -> None:
    done = run("roster", "event", "张三", "promote", "--date", "2026-01-01", workspace=ws)
    assert done.returncode == 2 and "无效的选项" in done.stderr and "invalid choice" not in done.stderr
    missing = run("dues", "opening", "张三", workspace=ws)
    assert missing.returncode == 2 and "缺少必需的参数" in missing.stderr and "required" not in missing.stderr


def test_closed_stdout_after_commit_does_not_claim_nothing_changed(ws: Path, tmp_path: Path) -> None:
    entries = tmp_path / "r.json"
    entries.write_text(
        json.dumps([{"type": "theme_day", "date": f"2026-08-{d:02d}", "topics": ["学习"] * 200} for d in range(1, 29)],
                   ensure_ascii=False),
        encoding="utf-8",
    )  # fmt: skip
    env = {**os.environ, "BRANCHBOOK_WORKSPACE": str(ws)}
    process = subprocess.Popen(
        [sys.executable, "-m", "app.cli", "records", "import", str(entries), "--json"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=env,
        text=True,
    )
    assert process.stdout is not None
    process.stdout.close()  # the reader is gone before the command has written (`| head` that quit early)
    stderr = process.stderr.read() if process.stderr else ""
    process.wait(timeout=60)
    assert "数据未被改动" not in stderr and "Traceback" not in stderr
    listed = json.loads(run("records", "list", "--json", "--period", "2026-08", workspace=ws).stdout)
    assert len(listed) == 28
