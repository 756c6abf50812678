"""The key, export, package verify and committee commands of shared/CLI.md.

Most commands run in-process through `app.cli.main` (fast, same code path as the installed entry point);
the contract points that depend on being a real process (no terminal on stdin, exit status and stderr
without a traceback) run `python -m app.cli` in a subprocess.
"""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from collections.abc import Mapping
from contextlib import redirect_stderr, redirect_stdout
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest

from app.cli import main
from app.io.package import minisign
from app.io.package.package_file import MANIFEST_NAME
from tests.fixtures.packages import (
    A_CODE,
    B_CODE,
    PASSPHRASE,
    Kit,
    copy_workspace,
    kit_fixture,  # noqa: F401
    read_members,
    rezip,
)

PASS_ENV, NEW_PASS_ENV = "BRANCHBOOK_PASSPHRASE", "BRANCHBOOK_NEW_PASSPHRASE"
IMPORT_FIELDS = {"file", "branch", "seq", "status", "reason"}


@dataclass(frozen=True)
class Done:
    code: int
    out: str
    err: str

    def json(self) -> object:
        return json.loads(self.out)


def cli(*args: str | Path, env: Mapping[str, str] | None = None) -> Done:
    """`branchbook ARGS` in this process; the passphrase variables only as given."""
    out, err = io.StringIO(), io.StringIO()
    with pytest.MonkeyPatch.context() as mp:
        for name in (PASS_ENV, NEW_PASS_ENV, "BRANCHBOOK_WORKSPACE"):
            mp.delenv(name, raising=False)
        for name, value in (env or {}).items():
            mp.setenv(name, value)
        with redirect_stdout(out), redirect_stderr(err):
            code = main([str(a) for a in args])
    return Done(code, out.getvalue(), err.getvalue())


# Both ways a user starts the CLI: the installed `branchbook` script and `python -m app.cli`.
LAUNCHERS = {
    "python -m app.cli": [sys.executable, "-m", "app.cli"],
    "branchbook": [str(Path(sys.executable).with_name("branchbook"))],
}


def run(
    *args: str | Path, env: Mapping[str, str] | None = None, launcher: str = "python -m app.cli"
) -> subprocess.CompletedProcess[str]:
    """`python -m app.cli ARGS` (or the installed script) as a real process with no terminal on stdin."""
    base = {k: v for k, v in os.environ.items() if k not in (PASS_ENV, NEW_PASS_ENV, "BRANCHBOOK_WORKSPACE")}
    return subprocess.run(
        [*LAUNCHERS[launcher], *(str(a) for a in args)],
        capture_output=True,
        text=True,
        stdin=subprocess.DEVNULL,
        env={**base, **(env or {})},
        timeout=120,
    )


def assert_clean_failure(done: Done | subprocess.CompletedProcess[str], *needles: str) -> None:
    code = done.code if isinstance(done, Done) else done.returncode
    err = done.err if isinstance(done, Done) else done.stderr
    assert code == 1, err
    assert "Traceback" not in err and "发生意外错误" not in err, err
    for needle in needles:
        assert needle in err, err


# ---- branch: key and export ------------------------------------------------------------------------


@dataclass(frozen=True)
class BranchRun:
    workspace: Path
    init: Done
    show: Done
    card: Done
    export: Done
    pub: Path
    package: Path


@pytest.fixture(scope="module")
def branch_run(tmp_path_factory: pytest.TempPathFactory) -> BranchRun:
    home = tmp_path_factory.mktemp("cli-branch")
    with pytest.MonkeyPatch.context() as mp:  # module scope: keep crash logs and settings out of ~
        for var in ("XDG_DATA_HOME", "XDG_CONFIG_HOME", "XDG_CACHE_HOME"):
            mp.setenv(var, str(home / "user" / var.lower()))
        ws = home / "三车间.branchbook"
        assert cli("demo", "--workspace", ws).code == 0
        env = {PASS_ENV: PASSPHRASE}
        init = cli("key", "init", "--json", "--workspace", ws, env=env)
        show = cli("key", "show", "--json", "--workspace", ws)
        pub = home / "card" / "示例.pub"
        pub.parent.mkdir()
        card = cli("key", "card", "-o", pub, "--json", "--workspace", ws)
        package = home / "out" / "示例-2026-10.bbpkg"
        export = cli("export", "--period", "2026-10", "-o", package, "--json", "--workspace", ws, env=env)
    return BranchRun(ws, init, show, card, export, pub, package)


def test_key_init_and_show_json(branch_run: BranchRun) -> None:
    assert branch_run.init.code == 0, branch_run.init.err
    assert branch_run.show.code == 0, branch_run.show.err
    shown = branch_run.show.json()
    assert isinstance(shown, dict)
    assert {"key_id", "fingerprint", "public_key"} <= shown.keys()
    assert shown == branch_run.init.json()
    assert shown["public_key"].startswith("RW")
    key_id, public = minisign.parse_public_key(shown["public_key"])
    assert minisign.key_id_text(key_id) == shown["key_id"]
    assert minisign.fingerprint(key_id, public) == shown["fingerprint"]
    # the secret half is in the workspace folder, encrypted: the passphrase is not in it
    key_file = (
        branch_run.workspace.with_name(branch_run.workspace.name + ".d") / "keys" / f"{shown['key_id']}.key"
    )
    assert PASSPHRASE not in key_file.read_text(encoding="ascii")


def test_key_init_twice_is_refused(branch_run: BranchRun) -> None:
    done = cli("key", "init", "--workspace", branch_run.workspace, env={PASS_ENV: "another passphrase"})
    assert_clean_failure(done, "已有签名密钥")
    assert cli("key", "show", "--json", "--workspace", branch_run.workspace).json() == branch_run.show.json()


def test_key_card_writes_pub_and_pdf(branch_run: BranchRun) -> None:
    assert branch_run.card.code == 0, branch_run.card.err
    written = branch_run.card.json()
    assert isinstance(written, dict)
    assert Path(written["pub"]) == branch_run.pub
    pdf = Path(written["pdf"])
    assert pdf.suffix == ".pdf" and pdf.read_bytes().startswith(b"%PDF")
    text = branch_run.pub.read_text(encoding="utf-8")
    assert text.startswith("untrusted comment: ")
    shown = branch_run.show.json()
    assert isinstance(shown, dict)
    assert text.splitlines()[1] == shown["public_key"]


def test_export_then_package_verify(branch_run: BranchRun) -> None:
    assert branch_run.export.code == 0, branch_run.export.err
    exported = branch_run.export.json()
    assert isinstance(exported, dict)
    assert Path(exported["file"]) == branch_run.package and exported["sequence"] == 1
    done = cli("package", "verify", branch_run.package, "--pubkey", branch_run.pub, "--json")
    assert done.code == 0, done.err
    verified = done.json()
    assert isinstance(verified, dict)
    assert verified["verified"] is True and verified["sequence"] == 1 and verified["periods"] == ["2026-10"]
    assert verified["sha256"] == exported["sha256"]
    # the text form, in a real process, with no workspace at all
    proc = run("package", "verify", branch_run.package, "--pubkey", branch_run.pub)
    assert proc.returncode == 0 and "校验通过" in proc.stdout, proc.stderr


def test_package_verify_refuses_a_tampered_file(branch_run: BranchRun, tmp_path: Path) -> None:
    members = read_members(branch_run.package)
    roster = members["data/roster.json"]
    members["data/roster.json"] = roster.replace(b'"phone":"13', b'"phone":"15', 1)
    assert members["data/roster.json"] != roster
    tampered = rezip(members, tmp_path / "tampered.bbpkg")
    proc = run("package", "verify", tampered, "--pubkey", branch_run.pub)
    assert_clean_failure(proc, "校验未通过", "data/roster.json", "已被改动")
    assert proc.stdout == ""
    # --json: the reason code on stdout as well, still exit 1
    done = cli("package", "verify", tampered, "--pubkey", branch_run.pub, "--json")
    assert done.code == 1
    report = done.json()
    assert isinstance(report, dict)
    assert report["verified"] is False and report["reason"] == "hash"
    # an edited manifest and a stranger's key are refused too
    members = read_members(branch_run.package)
    members[MANIFEST_NAME] = members[MANIFEST_NAME].replace(b'"sequence":1', b'"sequence":2')
    edited = rezip(members, tmp_path / "edited.bbpkg")
    done = cli("package", "verify", edited, "--pubkey", branch_run.pub, "--json")
    assert done.code == 1 and done.json()["reason"] == "signature"  # type: ignore[index]
    stranger = tmp_path / "stranger.pub"
    pair = minisign.generate()
    stranger.write_text(minisign.public_key_file_text(pair.key_id, pair.public, "stranger"), encoding="utf-8")
    done = cli("package", "verify", branch_run.package, "--pubkey", stranger)
    assert_clean_failure(done, "校验未通过")


@pytest.mark.parametrize("launcher", list(LAUNCHERS))
def test_without_a_terminal_or_the_variable_the_passphrase_is_asked_for_by_name(
    launcher: str, branch_run: BranchRun, tmp_path: Path
) -> None:
    ws = copy_workspace(branch_run.workspace, tmp_path / "branch")
    target = tmp_path / "nov.bbpkg"
    proc = run("export", "--period", "2026-10", "-o", target, "--workspace", ws, launcher=launcher)
    assert_clean_failure(proc, PASS_ENV)
    assert not target.exists()
    fresh = tmp_path / "fresh.branchbook"
    assert (
        run(
            "init", "--kind", "branch", "--name", "四车间党支部", "--code", "0404", "--workspace", fresh
        ).returncode
        == 0
    )
    proc = run("key", "init", "--workspace", fresh, launcher=launcher)
    assert_clean_failure(proc, PASS_ENV)
    assert_clean_failure(run("key", "show", "--workspace", fresh, launcher=launcher), "key init")


# ---- committee ----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def committee_path(kit: Kit, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A committee made by the CLI with A's and B's key cards enrolled (--yes), nothing imported."""
    home = tmp_path_factory.mktemp("cli-committee")
    ws = home / "党委.branchbook"
    with pytest.MonkeyPatch.context() as mp:
        for var in ("XDG_DATA_HOME", "XDG_CONFIG_HOME", "XDG_CACHE_HOME"):
            mp.setenv(var, str(home / "user" / var.lower()))
        done = cli(
            "init", "--kind", "committee", "--name", "示例公司党委", "--code", "C01", "--workspace", ws
        )
        assert done.code == 0, done.err
        for branch in (kit.a, kit.b):
            done = cli("enroll", branch.card, "--yes", "--json", "--workspace", ws)
            assert done.code == 0, done.err
            enrolled = done.json()
            assert isinstance(enrolled, dict)
            assert enrolled["branch"] == branch.code and enrolled["fingerprint"] == branch.key.fingerprint
            assert enrolled["key_id"] == branch.key.key_id and enrolled["state"] == "active"
    return ws


@pytest.fixture
def committee(committee_path: Path, tmp_path: Path) -> Path:
    return copy_workspace(committee_path, tmp_path / "committee")


def branches(ws: Path) -> dict[str, dict[str, object]]:
    done = cli("branches", "--json", "--workspace", ws)
    assert done.code == 0, done.err
    rows = done.json()
    assert isinstance(rows, list)
    return {r["branch"]: r for r in rows}


def test_enroll_without_yes_and_without_a_terminal_is_refused(kit: Kit, tmp_path: Path) -> None:
    """The fingerprint must be confirmed; with no terminal to confirm it on, the command says to pass --yes."""
    ws = tmp_path / "党委.branchbook"
    assert (
        run("init", "--kind", "committee", "--name", "党委", "--code", "C9", "--workspace", ws).returncode
        == 0
    )
    proc = run("enroll", kit.a.card, "--workspace", ws)
    assert_clean_failure(proc, "--yes")
    assert branches(ws) == {}  # nothing pinned without confirmation


def test_enroll_the_same_card_twice_fails(kit: Kit, committee: Path) -> None:
    assert_clean_failure(cli("enroll", kit.a.card, "--yes", "--workspace", committee), "已经登记过")


def test_import_json_and_reimport(kit: Kit, committee: Path) -> None:
    done = cli(
        "import", kit.a.packages[1], kit.a.packages[2], kit.b.packages[1], "--json", "--workspace", committee
    )
    assert done.code == 0, done.err
    outcomes = done.json()
    assert isinstance(outcomes, list) and len(outcomes) == 3
    for outcome in outcomes:
        assert outcome.keys() >= IMPORT_FIELDS
    assert [(o["branch"], o["seq"], o["status"], o["reason"]) for o in outcomes] == [
        (A_CODE, 1, "imported", None),
        (A_CODE, 2, "imported", None),
        (B_CODE, 1, "imported", None),
    ]
    assert [o["file"] for o in outcomes] == [
        str(kit.a.packages[1]),
        str(kit.a.packages[2]),
        str(kit.b.packages[1]),
    ]
    again = cli("import", kit.a.packages[2], "--json", "--workspace", committee)
    assert again.code == 0 and again.json()[0]["status"] == "unchanged"  # type: ignore[index]
    overview = branches(committee)
    assert overview[A_CODE]["last_sequence"] == 2 and overview[B_CODE]["last_sequence"] == 1
    assert (
        overview[A_CODE]["key_id"] == kit.a.key.key_id
        and overview[A_CODE]["fingerprint"] == kit.a.key.fingerprint
    )
    assert overview[A_CODE]["key_state"] == "有效" and overview[A_CODE]["gaps"] == []
    assert (overview[A_CODE]["pass_mark"], overview[B_CODE]["pass_mark"]) == (80, 75)


def test_import_of_a_rejected_package_exits_1(kit: Kit, committee: Path, tmp_path: Path) -> None:
    members = read_members(kit.a.packages[1])
    members["data/extra.json"] = b"{}"
    bad = rezip(members, tmp_path / "extra.bbpkg")
    done = cli("import", bad, kit.b.packages[1], "--json", "--workspace", committee)
    assert done.code == 1
    outcomes = done.json()
    assert isinstance(outcomes, list)
    assert [(o["status"], o["reason"]) for o in outcomes] == [("rejected", "file_set"), ("imported", None)]
    assert branches(committee)[A_CODE]["last_sequence"] is None
    # the text form names the file and the problem; no traceback
    proc = run("import", bad, "--workspace", committee)
    assert_clean_failure(proc)
    assert "extra.bbpkg" in proc.stdout and "已拒收" in proc.stdout


def test_import_dry_run_writes_nothing(kit: Kit, committee: Path) -> None:
    done = cli(
        "import", kit.a.packages[1], kit.a.packages[2], "--dry-run", "--json", "--workspace", committee
    )
    assert done.code == 0, done.err
    outcomes = done.json()
    assert isinstance(outcomes, list)
    assert [(o["seq"], o["status"]) for o in outcomes] == [(1, "would_import"), (2, "would_import")]
    assert all(o.keys() >= IMPORT_FIELDS for o in outcomes)
    assert branches(committee)[A_CODE]["last_sequence"] is None
    assert not (committee.with_name(committee.name + ".d") / "packages").exists()


def test_import_dry_run_of_the_workspace_folder_does_not_crash(kit: Kit, committee: Path) -> None:
    """`import .` beside the workspace skips its own evidence copies; a dry run must not crash on that."""
    assert cli("import", kit.a.packages[1], "--workspace", committee).code == 0
    folder = committee.with_name(committee.name + ".d")
    done = cli("import", folder, "--dry-run", "--json", "--workspace", committee)
    if done.code == 1:
        assert_clean_failure(done)  # e.g. "no packages found", said plainly
    else:
        assert (done.code, done.json()) == (0, [])


def test_summary_json_and_xlsx(kit: Kit, committee: Path, tmp_path: Path) -> None:
    assert (
        cli("import", kit.a.packages[1], kit.a.packages[2], kit.b.packages[1], "--workspace", committee).code
        == 0
    )
    done = cli("summary", "--period", "2026-10", "--json", "--workspace", committee)
    assert done.code == 0, done.err
    rows = done.json()
    assert isinstance(rows, list)
    by_code = {r["branch"]: r for r in rows}
    a = by_code[A_CODE]
    for field in ("received", "verified", "members", "dues_collected", "findings"):
        assert field in a
    data = {n: json.loads(c) for n, c in read_members(kit.a.packages[2]).items() if n.startswith("data/")}
    assert a["received"] is True and a["verified"] is True
    assert a["members"] == len(data["data/roster.json"])
    assert a["dues_collected"] == data["data/dues.json"]["totals"]["collected"]
    assert Decimal(a["dues_collected"]).as_tuple().exponent == -2  # money as a string with 2 decimals
    assert a["findings"] == len(data["data/findings.json"])
    assert by_code[B_CODE]["received"] is True and by_code[B_CODE]["members"] == 5

    target = tmp_path / "十月汇总.xlsx"
    done = cli("summary", "--period", "2026-10", "-o", target, "--workspace", committee)
    assert done.code == 0, done.err
    book = openpyxl.load_workbook(target)
    assert book.sheetnames[0] == "汇总"
    codes = [r[0] for r in book["汇总"].iter_rows(min_row=3, values_only=True)]
    assert sorted(codes) == sorted([A_CODE, B_CODE])


def test_stats_json(kit: Kit, committee: Path) -> None:
    assert cli("import", kit.b.packages[1], "--workspace", committee).code == 0
    done = cli("stats", "--at", "2026-10-31", "--json", "--workspace", committee)
    assert done.code == 0, done.err
    stats = done.json()
    assert isinstance(stats, dict)
    assert (stats["as_of"], stats["total"], stats["branches"]) == ("2026-10-31", 5, 1)
    assert stats["gender"] == {"男": 3, "女": 2}
    assert stats["age"] == {"35岁及以下": 2, "36–45岁": 1, "46–59岁": 1, "60岁及以上": 1}
    assert stats["education"] == {"大专及以上": 2, "高中、中专": 1, "初中及以下": 1, "未填": 1}


def test_branch_commands_refuse_a_committee_and_back(
    kit: Kit, committee: Path, branch_run: BranchRun
) -> None:
    assert_clean_failure(
        cli("import", kit.a.packages[1], "--workspace", branch_run.workspace), "不是上级党委工作区"
    )
    assert_clean_failure(
        cli(
            "export",
            "--period",
            "2026-10",
            "-o",
            "x.bbpkg",
            "--workspace",
            committee,
            env={PASS_ENV: PASSPHRASE},
        ),
        "不是支部工作区",
    )


def test_encrypted_export_and_import_through_the_cli(kit: Kit, committee: Path, tmp_path: Path) -> None:
    env = {PASS_ENV: PASSPHRASE}
    done = cli("receiving-key", "init", "--json", "--workspace", committee, env=env)
    assert done.code == 0, done.err
    recipient = done.json()["recipient"]  # type: ignore[index]
    assert recipient.startswith("age1")
    assert cli("receiving-key", "show", "--json", "--workspace", committee).json() == {"recipient": recipient}
    branch = copy_workspace(kit.a.snapshots["fresh"], tmp_path / "branch")
    target = tmp_path / "sep.bbpkg"
    done = cli(
        "export", "--period", "2026-09", "-o", target, "--encrypt-to", recipient, "--json", "--workspace", branch,
        env=env,
    )  # fmt: skip
    assert done.code == 0, done.err
    assert target.read_bytes().startswith(b"age-encryption.org/v1")
    refused = cli("import", target, "--json", "--workspace", committee)
    assert refused.code == 1 and refused.json()[0]["reason"] == "encrypted"  # type: ignore[index]
    done = cli("import", target, "--json", "--workspace", committee, env=env)
    assert done.code == 0, done.err
    assert done.json()[0]["status"] == "imported"  # type: ignore[index]
