"""`branchbook print` and `branchbook xlsx` (shared/CLI.md): files written, JSON output, exit statuses."""

from __future__ import annotations

import datetime as dt
import io
import json
from contextlib import redirect_stderr, redirect_stdout
from pathlib import Path

import pytest

from app.cli import main
from app.services.demo import create_demo_workspace
from tests.fixtures.pdf import assert_fonts_embedded, pdf_text


@pytest.fixture
def demo(tmp_path: Path) -> Path:
    path = tmp_path / "demo.branchbook"
    create_demo_workspace(path, members=20, today=dt.date.today(), activity=True).close()
    return path


def cli(*args: object) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with redirect_stdout(out), redirect_stderr(err):
        code = main([str(a) for a in args])
    return code, out.getvalue(), err.getvalue()


def test_print_roster_writes_the_pdf_and_reports_it(demo: Path, tmp_path: Path) -> None:
    target = tmp_path / "花名册.pdf"
    code, out, err = cli("--workspace", demo, "print", "roster", "-o", target, "--json")
    assert code == 0, err
    data = json.loads(out)
    assert data["form"] == "roster" and data["file"] == str(target) and data["pages"] >= 1
    assert "党员花名册" in pdf_text(target)
    assert_fonts_embedded(target)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["print", "roster", "-o", "x.txt"], ".pdf"),
        (["print", "minutes", "-o", "x.pdf"], "--entry"),
        (["print", "signin", "--type", "party_congress", "-o", "x.pdf"], "--date"),
        (["print", "roster", "--entry", "abc", "-o", "x.pdf"], "--entry"),
        (["xlsx", "roster", "-o", "x.pdf"], ".xlsx"),
    ],
)
def test_wrong_requests_exit_1_with_a_message(
    demo: Path, tmp_path: Path, args: list[str], message: str
) -> None:
    code, out, err = cli("--workspace", demo, *args)
    assert code == 1 and out == ""
    assert message in err and "Traceback" not in err
    assert not (tmp_path / "x.pdf").exists()


def test_unknown_form_is_a_usage_error(demo: Path) -> None:
    with pytest.raises(SystemExit) as exit_:
        cli("--workspace", demo, "print", "nonsense", "-o", "x.pdf")
    assert exit_.value.code == 2


def test_unwritable_target_is_refused_without_traceback(demo: Path, tmp_path: Path) -> None:
    code, _, err = cli("--workspace", demo, "print", "roster", "-o", tmp_path / "missing" / "r.pdf")
    assert code == 1 and "无法写入" in err


@pytest.mark.parametrize("kind", ["roster", "dues", "records", "check"])
def test_xlsx_exports_each_table(demo: Path, tmp_path: Path, kind: str) -> None:
    import openpyxl

    target = tmp_path / f"{kind}.xlsx"
    code, out, err = cli(
        "--workspace", demo, "xlsx", kind, "--period", str(dt.date.today().year), "-o", target, "--json"
    )
    assert code == 0, err
    data = json.loads(out)
    sheet = openpyxl.load_workbook(target).active
    assert data["kind"] == kind and data["rows"] >= 1
    assert sheet.max_row >= data["rows"] + 2  # title and header rows above the data
