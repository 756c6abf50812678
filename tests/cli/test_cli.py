"""The command-line contract of shared/CLI.md, run as a user runs it: a real process."""

import datetime as dt
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.fixtures.people import make_id, wrong_check_digit
from tests.fixtures.sheets import write_template_like


def run(
    *args: str, workspace: Path | None = None, stdin: str | None = None
) -> subprocess.CompletedProcess[str]:
    env = {**os.environ}
    if workspace is not None:
        env["BRANCHBOOK_WORKSPACE"] = str(workspace)
    return subprocess.run(
        [sys.executable, "-m", "app.cli", *args],
        capture_output=True,
        text=True,
        env=env,
        input=stdin,
        timeout=120,
    )


@pytest.fixture
def ws(tmp_path: Path) -> Path:
    path = tmp_path / "三车间.branchbook"
    done = run(
        "init",
        "--kind",
        "branch",
        "--name",
        "三车间党支部",
        "--code",
        "0301",
        "--category",
        "1",
        "--committee",
        "某公司党委",
        workspace=path,
    )
    assert done.returncode == 0, done.stderr
    return path


def rows(bad: bool = False) -> list[dict[str, object]]:
    out = []
    for i, (name, gender) in enumerate([("张𠮷", "男"), ("李堃", "女"), ("王喆", "男")]):
        birth = dt.date(1970 + i, 3, 4)
        out.append(
            {
                "name": name,
                "gender": gender,
                "id_number": make_id(birth, gender, serial=20 + i),
                "joined_on": "1995.07",
                "full_on": "1996.07",
                "status": "正式党员",
                "category": "在职",
                "group": "第一党小组",
            }
        )
    if bad:
        out[1]["id_number"] = wrong_check_digit(str(out[1]["id_number"]))
    return out


def test_init_and_list_empty(ws: Path) -> None:
    done = run("roster", "list", "--json", workspace=ws)
    assert done.returncode == 0 and json.loads(done.stdout) == []


def test_import_list_fields_and_at_date(ws: Path, tmp_path: Path) -> None:
    write_template_like(tmp_path / "r.xlsx", rows())
    done = run("roster", "import", str(tmp_path / "r.xlsx"), workspace=ws)
    assert done.returncode == 0, done.stderr
    members = json.loads(run("roster", "list", "--json", workspace=ws).stdout)
    assert sorted(m["name"] for m in members) == sorted(["张𠮷", "李堃", "王喆"])
    first = next(m for m in members if m["name"] == "张𠮷")
    expected_keys = {
        "uuid",
        "name",
        "gender",
        "ethnicity",
        "birth_date",
        "id_number",
        "education",
        "status",
        "category",
        "post",
        "joined_on",
        "full_on",
        "group",
        "team",
        "phone",
    }
    assert expected_keys <= first.keys()
    assert first["status"] == "full" and first["category"] == "employed" and first["joined_on"] == "1995-07"
    assert first["birth_date"] == "1970-03-04" and first["group"] == "第一党小组"
    before = json.loads(run("roster", "list", "--json", "--at", "1995-06-30", workspace=ws).stdout)
    assert before == []


def test_bad_row_refuses_the_import_with_row_and_column(ws: Path, tmp_path: Path) -> None:
    write_template_like(tmp_path / "r.xlsx", rows(bad=True))
    done = run("roster", "import", str(tmp_path / "r.xlsx"), workspace=ws)
    assert done.returncode == 1
    assert "第5行「公民身份号码」" in done.stderr and "校验位" in done.stderr
    assert "Traceback" not in done.stderr
    assert json.loads(run("roster", "list", "--json", workspace=ws).stdout) == []

    dry = run("roster", "import", str(tmp_path / "r.xlsx"), "--dry-run", "--json", workspace=ws)
    assert dry.returncode == 1
    report = json.loads(dry.stdout)
    assert report["written"] is False and report["counts"]["invalid"] == 1
    assert report["problems"][0]["row"] == 5 and report["problems"][0]["column"] == "公民身份号码"

    skipped = run("roster", "import", str(tmp_path / "r.xlsx"), "--skip-invalid", workspace=ws)
    assert skipped.returncode == 0
    assert len(json.loads(run("roster", "list", "--json", workspace=ws).stdout)) == 2


def test_export_round_trip_and_journal_verify(ws: Path, tmp_path: Path) -> None:
    write_template_like(tmp_path / "r.xlsx", rows())
    assert run("roster", "import", str(tmp_path / "r.xlsx"), workspace=ws).returncode == 0
    assert run("roster", "export", str(tmp_path / "out.xlsx"), workspace=ws).returncode == 0
    again = run("roster", "import", str(tmp_path / "out.xlsx"), "--json", workspace=ws)
    assert json.loads(again.stdout)["counts"] == {
        "new": 0,
        "update": 0,
        "rename": 0,
        "unchanged": 3,
        "invalid": 0,
    }
    verified = run("journal", "verify", "--json", workspace=ws)
    assert verified.returncode == 0 and json.loads(verified.stdout)["ok"] is True


def test_journal_verify_names_a_row_edited_with_sqlite3(ws: Path, tmp_path: Path) -> None:
    import sqlite3

    write_template_like(tmp_path / "r.xlsx", rows())
    run("roster", "import", str(tmp_path / "r.xlsx"), workspace=ws)
    with sqlite3.connect(ws) as conn:
        uuid = conn.execute("SELECT uuid FROM member WHERE name = '王喆'").fetchone()[0]
        conn.execute("UPDATE member SET phone = '110' WHERE uuid = ?", (uuid,))
    done = run("journal", "verify", workspace=ws)
    assert done.returncode == 1
    assert uuid in done.stderr and "phone" in done.stderr


def test_usage_errors_exit_2_and_missing_workspace_exits_1(tmp_path: Path) -> None:
    assert run("roster").returncode == 2
    assert run("init", "--kind", "branch").returncode == 2
    missing = run("roster", "list", "--workspace", str(tmp_path / "none.branchbook"))
    assert missing.returncode == 1 and "找不到工作区" in missing.stderr


def test_workspace_option_before_or_after_the_command(ws: Path) -> None:
    assert run("--workspace", str(ws), "roster", "list", "--json").returncode == 0
    assert run("roster", "list", "--json", "--workspace", str(ws)).returncode == 0


def test_second_init_on_existing_file_is_refused(ws: Path) -> None:
    done = run("init", "--kind", "branch", "--name", "x", "--code", "y", workspace=ws)
    assert done.returncode == 1 and "已存在" in done.stderr
