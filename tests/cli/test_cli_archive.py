"""`branchbook archive`: write (with the confirmation rules), verify (exit 0/1 naming the file), reopen, list.

The branch is the demo branch with its meetings in late 2025 and a signing key; the commands run with the real
clock, so 2025 has ended. Commands run in-process through `app.cli.main`; the no-terminal rule runs in a real
process (stdin not a terminal).
"""

from __future__ import annotations

import builtins
import datetime as dt
import hashlib
import json
import shutil
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from app.io.package.archive_manifest import MANIFEST_NAME, PUBLIC_KEY_NAME
from app.services import signing_keys, workspaces
from app.services.demo import create_demo_workspace
from tests.cli.test_cli_packages import PASS_ENV, Done, assert_clean_failure, cli, run
from tests.fixtures.packages import PASSPHRASE, copy_workspace

MADE = dt.date(2025, 12, 20)
FOLDER = "DEMO-001-2025-年度归档"


@dataclass(frozen=True)
class Branch:
    workspace: Path  # closed, with a signing key, nothing archived
    card: Path  # the key card (.pub)


@pytest.fixture(scope="module")
def branch(tmp_path_factory: pytest.TempPathFactory) -> Branch:
    home = tmp_path_factory.mktemp("cli-archive")
    with pytest.MonkeyPatch.context() as mp:  # module scope: keep settings and logs out of ~
        for var in ("XDG_DATA_HOME", "XDG_CONFIG_HOME", "XDG_CACHE_HOME"):
            mp.setenv(var, str(home / "user" / var.lower()))
        ws = create_demo_workspace(home / "ws" / "示例.branchbook", today=MADE, activity=True)
        signing_keys.create_key(ws, PASSPHRASE, today=MADE)
        card, _ = signing_keys.write_key_card(ws, home / "card" / "示例.pub")
        path = ws.path
        workspaces.close(ws)
    return Branch(path, card)


@dataclass(frozen=True)
class Made:
    workspace: Path
    out: Path
    done: Done


@pytest.fixture(scope="module")
def made(branch: Branch, tmp_path_factory: pytest.TempPathFactory) -> Made:
    home = tmp_path_factory.mktemp("cli-archived")
    ws = copy_workspace(branch.workspace, home / "ws")
    out = home / "out"
    with pytest.MonkeyPatch.context() as mp:
        for var in ("XDG_DATA_HOME", "XDG_CONFIG_HOME", "XDG_CACHE_HOME"):
            mp.setenv(var, str(home / "user" / var.lower()))
        done = cli(
            "archive", "2025", "-o", out, "--yes", "--json", "--workspace", ws, env={PASS_ENV: PASSPHRASE}
        )
    return Made(ws, out, done)


@pytest.fixture
def workspace(branch: Branch, tmp_path: Path) -> Path:
    return copy_workspace(branch.workspace, tmp_path / "ws")


def test_archive_json_names_folder_zip_files_and_manifest(made: Made) -> None:
    assert made.done.code == 0, made.done.err
    data = made.done.json()
    assert isinstance(data, dict)
    folder, zip_path = Path(data["folder"]), Path(data["zip"])
    assert folder == made.out / FOLDER and zip_path == made.out / f"{FOLDER}.zip"
    assert zip_path.is_file() and folder.is_dir()
    manifest = (folder / MANIFEST_NAME).read_bytes()
    assert data["manifest_sha256"] == hashlib.sha256(manifest).hexdigest()
    assert data["files"] == json.loads(manifest)["files"]
    assert data["year"] == 2025 and data["confirmed_violations"] > 0
    # the violations were listed for the secretary, on stderr because stdout holds only the JSON
    assert f"{data['confirmed_violations']} 项违规尚未整改" in made.done.err


def test_archive_list_and_a_second_archive_refused(made: Made, tmp_path: Path) -> None:
    listed = cli("archive", "list", "--json", "--workspace", made.workspace)
    assert listed.code == 0, listed.err
    items = listed.json()
    assert isinstance(items, list)
    assert [(i["kind"], i["year"], i["folder_name"]) for i in items] == [("archived", 2025, FOLDER)]
    again = cli(
        "archive",
        "2025",
        "-o",
        tmp_path / "out",
        "--yes",
        "--workspace",
        made.workspace,
        env={PASS_ENV: PASSPHRASE},
    )
    assert_clean_failure(again, "已归档")
    assert not (tmp_path / "out").exists()


def test_verify_exit_0_for_folder_and_zip(made: Made, branch: Branch) -> None:
    folder = made.out / FOLDER
    for path in (folder, made.out / f"{FOLDER}.zip"):
        done = cli("archive", "verify", path)
        assert done.code == 0, done.err
        assert "校验通过" in done.out and "2025年度归档" in done.out
        assert "指纹" in done.err and PUBLIC_KEY_NAME in done.err  # checked with the bundled key: compare it
        with_card = cli("archive", "verify", path, "--pubkey", branch.card, "--json")
        assert with_card.code == 0, with_card.err
        report = with_card.json()
        assert isinstance(report, dict)
        assert report["verified"] is True and report["key_source"] == "given" and report["problems"] == []
        assert with_card.err == ""
    # as a real process with no workspace anywhere
    proc = run("archive", "verify", folder, "--pubkey", branch.card)
    assert proc.returncode == 0 and "校验通过" in proc.stdout, proc.stderr


def test_verify_exit_1_names_the_changed_file(made: Made, tmp_path: Path) -> None:
    copy = tmp_path / FOLDER
    shutil.copytree(made.out / FOLDER, copy)
    changed = copy / "data" / "roster.json"
    changed.write_bytes(changed.read_bytes().replace(b'"phone":"13', b'"phone":"15', 1))
    (copy / "党员花名册-2025.pdf").unlink()
    proc = run("archive", "verify", copy)
    assert_clean_failure(proc, "校验未通过", "data/roster.json", "党员花名册-2025.pdf")
    assert proc.stdout == ""
    done = cli("archive", "verify", copy, "--json")
    assert done.code == 1
    report = done.json()
    assert isinstance(report, dict)
    assert report["verified"] is False
    assert any("data/roster.json" in p for p in report["problems"])
    assert "缺少文件：党员花名册-2025.pdf" in report["problems"]


def test_reopen_needs_a_reason_then_unlocks_and_is_listed(made: Made, tmp_path: Path) -> None:
    ws = copy_workspace(made.workspace, tmp_path / "ws")
    with pytest.raises(SystemExit) as usage:
        cli("archive", "reopen", "2025", "--workspace", ws)
    assert usage.value.code == 2
    assert_clean_failure(cli("archive", "reopen", "2025", "--reason", " ", "--workspace", ws), "原因")
    done = cli("archive", "reopen", "2025", "--reason", "补录漏记的缺席人员", "--json", "--workspace", ws)
    assert done.code == 0, done.err
    assert done.json() == {
        "year": 2025,
        "reopened_on": dt.date.today().isoformat(),
        "reason": "补录漏记的缺席人员",
        "state": None,
    }
    items = cli("archive", "list", "--json", "--workspace", ws).json()
    assert isinstance(items, list)
    assert [(i["kind"], i.get("reason")) for i in items] == [
        ("archived", None),
        ("reopened", "补录漏记的缺席人员"),
    ]
    assert_clean_failure(cli("archive", "reopen", "2025", "--reason", "再次", "--workspace", ws), "尚未归档")


def test_without_a_terminal_and_without_yes_nothing_is_archived(workspace: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    proc = run("archive", "2025", "-o", out, "--workspace", workspace, env={PASS_ENV: PASSPHRASE})
    assert_clean_failure(proc, "--yes")
    assert "项违规尚未整改" in proc.stdout  # the violations were shown first
    assert not out.exists()
    assert cli("archive", "list", "--json", "--workspace", workspace).json() == []


def test_on_a_terminal_the_secretary_is_asked(
    workspace: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    prompts: list[str] = []
    monkeypatch.setattr(sys.stdin, "isatty", lambda: True, raising=False)
    monkeypatch.setattr(builtins, "input", lambda prompt="": prompts.append(prompt) or "n")
    done = cli(
        "archive", "2025", "-o", tmp_path / "out", "--workspace", workspace, env={PASS_ENV: PASSPHRASE}
    )
    assert prompts == ["确认归档？[y/N] "]
    assert_clean_failure(done, "未确认")
    assert not (tmp_path / "out").exists()


def test_a_year_not_ended_and_a_missing_output(workspace: Path, tmp_path: Path) -> None:
    done = cli("archive", "2999", "-o", tmp_path / "out", "--yes", "--workspace", workspace)
    assert_clean_failure(done, "2999年尚未结束")
    with pytest.raises(SystemExit) as usage:
        cli("archive", "2025", "--yes", "--workspace", workspace)
    assert usage.value.code == 2
    with pytest.raises(SystemExit) as usage:
        cli("archive", "twenty", "-o", tmp_path / "out", "--workspace", workspace)
    assert usage.value.code == 2
    assert not (tmp_path / "out").exists()
