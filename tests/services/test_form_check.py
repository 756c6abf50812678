"""检查报告, printed from a real workspace and read back: every finding, the counts, the citations."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from pypdf import PdfReader

from app.domain.compliance import Severity
from app.domain.entries import Absence, AbsenceReason, EntryDraft, EntryType, Resolution
from app.domain.periods import Period, PeriodKind, last_finished
from app.io.rules import load_rulebook
from app.services.compliance import check_period
from app.services.form_check import RULE_NAMES
from app.services.printing import PrintRequest, data_stamp, print_form
from app.services.records import add_entry
from app.storage.journal import head_row
from app.storage.workspace import Workspace
from tests.fixtures.branch import TODAY, Branch, build_branch
from tests.fixtures.pdf import assert_fonts_embedded, pdf_text, squeeze

QUARTER = Period.parse("2026Q1")


@pytest.fixture
def branch(branch_ws: Workspace) -> Branch:
    b = build_branch(branch_ws)
    # A congress with a vote but too few voters present (a violation), and a committee meeting whose record
    # lacks its recorder and topics (warnings).
    absent = ("党员丁", "党员戊", "党员己", "党员庚", "党员辛")
    add_entry(
        b.ws,
        EntryDraft(
            EntryType.PARTY_CONGRESS,
            dt.date(2026, 2, 10),
            host="书记甲",
            recorder="组织乙",
            topics=("学习",),
            absences=tuple(Absence(b.ids[n], AbsenceReason.TRIP) for n in absent),
            resolutions=(Resolution("同意工作安排", yes=3),),
        ),
        today=TODAY,
    )
    add_entry(b.ws, EntryDraft(EntryType.BRANCH_COMMITTEE, dt.date(2026, 1, 8), host="书记甲"), today=TODAY)
    return b


def render(ws: Workspace, request: PrintRequest, target: Path) -> Path:
    print_form(ws, request, target, today=TODAY)
    return target


def severities_in_order(path: Path) -> list[str]:
    """The 严重程度 cells as the PDF shows them, page by page, top to bottom."""
    found: list[str] = []
    for page in PdfReader(str(path)).pages:
        cells: list[tuple[float, str]] = []

        def visit(text: str, cm: list[float], tm: list[float], *_: object, into: list = cells) -> None:  # type: ignore[type-arg]
            if text.strip() in ("违规", "提醒"):
                into.append((tm[4] * cm[1] + tm[5] * cm[3] + cm[5], text.strip()))

        page.extract_text(visitor_text=visit)
        found += [label for _, label in sorted(cells, key=lambda c: -c[0])]
    return found


def test_report_lists_every_finding_violations_first_with_counts(branch: Branch, tmp_path: Path) -> None:
    findings = check_period(branch.ws, QUARTER, TODAY)
    violations = [f for f in findings if f.severity is Severity.VIOLATION]
    warnings = [f for f in findings if f.severity is Severity.WARNING]
    assert violations and warnings and any(f.rule == "quorum" for f in violations)
    pdf = render(branch.ws, PrintRequest("check", period=QUARTER), tmp_path / "check.pdf")
    assert_fonts_embedded(pdf)
    text = squeeze(pdf_text(pdf))
    for finding in findings:
        assert squeeze(finding.message) in text
        assert squeeze(finding.subject) in text
        assert RULE_NAMES.get(finding.rule, finding.rule) in text
    assert f"违规{len(violations)}项，提醒{len(warnings)}项" in text
    assert severities_in_order(pdf) == ["违规"] * len(violations) + ["提醒"] * len(warnings)
    assert "未发现问题" not in text


def test_rule_citation_is_added_once(branch: Branch, tmp_path: Path) -> None:
    findings = check_period(branch.ws, QUARTER, TODAY)
    text = squeeze(pdf_text(render(branch.ws, PrintRequest("check", period=QUARTER), tmp_path / "c.pdf")))
    rules = load_rulebook()
    quorum = rules.in_force("quorum", QUARTER.end).source
    assert f"依据：{squeeze(quorum)}" in text  # the quorum finding does not quote its rule: the report does
    frequency = next(f for f in findings if f.rule.startswith("frequency."))
    source = rules.in_force(frequency.rule, QUARTER.end).source
    assert source in frequency.message and f"依据：{squeeze(source)}" not in text  # already quoted: not twice


def test_report_header_names_the_period_and_the_data(branch: Branch, tmp_path: Path) -> None:
    quarter = last_finished(PeriodKind.QUARTER, TODAY)
    text = squeeze(pdf_text(render(branch.ws, PrintRequest("check"), tmp_path / "default.pdf")))
    stamp = data_stamp(branch.ws)
    with branch.ws.read() as conn:
        head, _ = head_row(conn)  # type: ignore[misc]
    assert f"{quarter.label()}（{quarter.start:%Y-%m-%d}至{quarter.end:%Y-%m-%d}）" in text
    assert f"数据截至{stamp.created:%Y-%m-%d%H:%M}" in text
    assert head in text and f"{TODAY.year}年{TODAY.month}月{TODAY.day}日" in text
    assert "支部书记（签字）" in text


def test_clean_period_says_no_problem_found(branch: Branch, tmp_path: Path) -> None:
    clean = Period.parse("2027Q1")
    assert check_period(branch.ws, clean, TODAY) == []
    pdf = render(branch.ws, PrintRequest("check", period=clean), tmp_path / "clean.pdf")
    assert_fonts_embedded(pdf)
    text = squeeze(pdf_text(pdf))
    assert f"{clean.label()}：未发现问题" in text and "违规0项，提醒0项" in text
    assert "严重程度" not in text


def test_same_data_gives_the_same_bytes_and_changed_data_does_not(branch: Branch, tmp_path: Path) -> None:
    request = PrintRequest("check", period=QUARTER)
    first = render(branch.ws, request, tmp_path / "a.pdf").read_bytes()
    assert render(branch.ws, request, tmp_path / "b.pdf").read_bytes() == first
    add_entry(branch.ws, EntryDraft(EntryType.THEME_DAY, dt.date(2026, 3, 20), host="书记甲"), today=TODAY)
    changed = render(branch.ws, request, tmp_path / "c.pdf").read_bytes()
    assert changed != first
    assert "2026-03-20主题党日" in squeeze(pdf_text(tmp_path / "c.pdf"))
