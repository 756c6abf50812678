"""records import / records list / check, as shared/CLI.md fixes them."""

import datetime as dt
import json
from pathlib import Path

import pytest

from app.services.workspaces import create_branch
from tests.cli.test_cli import run
from tests.fixtures.branch import build_branch


@pytest.fixture
def ws(tmp_path: Path) -> Path:
    path = tmp_path / "b.branchbook"
    workspace = create_branch(path, name="三车间党支部", code="0301")
    build_branch(workspace)
    workspace.close()
    return path


def write(tmp_path: Path, entries: list[dict]) -> Path:
    path = tmp_path / "entries.json"
    path.write_text(json.dumps(entries, ensure_ascii=False), encoding="utf-8")
    return path


COMMITTEE = {
    "type": "branch_committee",
    "date": "2026-01-15",
    "start": "19:00",
    "end": "20:30",
    "place": "三车间会议室",
    "host": "书记甲",
    "recorder": "组织乙",
    "absent": [{"member": "宣传丙", "reason": "倒班"}],
    "nonvoting": ["党员丁"],
    "topics": ["研究发展对象"],
    "minutes": "……",
    "resolutions": [{"text": "同意……", "yes": 2, "no": 0, "abstain": 0}],
    "group": None,
    "participants": None,
    "grades": None,
}


def test_import_then_list_with_computed_fields(ws: Path, tmp_path: Path) -> None:
    congress = {
        "type": "party_congress",
        "date": "2026-02-10",
        "host": "书记甲",
        "recorder": "组织乙",
        "topics": ["表决"],
        "absent": [{"member": "党员丁", "reason": "病假"}, {"member": "党员戊", "reason": "出差"}],
        "resolutions": [{"text": "动议", "yes": 4, "no": 2, "abstain": 0}],
    }
    done = run("records", "import", str(write(tmp_path, [COMMITTEE, congress])), workspace=ws)
    assert done.returncode == 0, done.stderr
    listed = json.loads(run("records", "list", "--json", "--period", "2026Q1", workspace=ws).stdout)
    committee, meeting = listed
    assert (committee["expected"], committee["present"], committee["absent"]) == (3, 2, 1)
    assert committee["quorate"] is True and committee["resolutions"][0]["passed"] is True
    assert committee["absent_members"][0]["reason"] == "倒班"
    assert (meeting["expected"], meeting["present"], meeting["absent"]) == (9, 7, 2)
    assert meeting["entitled_voters"] == 8
    assert meeting["resolutions"][0]["passed"] is False  # 4 is not more than half of 8 entitled
    assert json.loads(run("records", "list", "--json", "--period", "2026-03", workspace=ws).stdout) == []


def test_a_bad_entry_refuses_the_whole_file(ws: Path, tmp_path: Path) -> None:
    bad = dict(COMMITTEE, date="2026-01-16", absent=[{"member": "查无此人", "reason": "倒班"}])
    done = run("records", "import", str(write(tmp_path, [COMMITTEE, bad])), workspace=ws)
    assert done.returncode == 1
    assert "第2条" in done.stderr and "查无此人" in done.stderr and "Traceback" not in done.stderr
    assert json.loads(run("records", "list", "--json", workspace=ws).stdout) == []


def test_not_json_is_refused_with_line_and_column(ws: Path, tmp_path: Path) -> None:
    path = tmp_path / "x.json"
    path.write_text('[{"type": "theme_day",\n "date": }]', encoding="utf-8")
    done = run("records", "import", str(path), workspace=ws)
    assert done.returncode == 1 and "第 2 行" in done.stderr


def test_check_reports_violations_and_warnings(ws: Path, tmp_path: Path) -> None:
    run("records", "import", str(write(tmp_path, [COMMITTEE])), workspace=ws)
    done = run("check", "--period", "2026-01", "--json", workspace=ws)
    assert done.returncode == 0
    findings = json.loads(done.stdout)
    assert all(set(f) == {"rule", "severity", "subject", "message"} for f in findings)
    rules = {(f["rule"], f["severity"]) for f in findings}
    assert ("frequency.theme_day", "violation") in rules
    assert ("frequency.branch_committee", "violation") not in rules
    assert ("makeup", "warning") in rules
    assert run("check", "--period", "2026-13", workspace=ws).returncode == 2


def test_makeup_by_uuid_closes_it(ws: Path, tmp_path: Path) -> None:
    run("records", "import", str(write(tmp_path, [COMMITTEE])), workspace=ws)
    [committee] = json.loads(run("records", "list", "--json", workspace=ws).stdout)
    makeup = {
        "type": "makeup",
        "date": "2026-01-20",
        "makeup_of": committee["uuid"],
        "participants": ["宣传丙"],
        "minutes": "补学支委会内容",
    }
    (tmp_path / "m.json").write_text(json.dumps([makeup], ensure_ascii=False), encoding="utf-8")
    assert run("records", "import", str(tmp_path / "m.json"), workspace=ws).returncode == 0
    listed = json.loads(run("records", "list", "--json", workspace=ws).stdout)
    assert listed[0]["made_up"] == 1 and listed[0]["absentees"] == 1
    findings = json.loads(run("check", "--period", "2026-01", "--json", workspace=ws).stdout)
    assert not [f for f in findings if f["rule"] == "makeup"]
    assert dt.date.fromisoformat(listed[1]["date"]) == dt.date(2026, 1, 20)
