"""The printed 检查报告: a period's findings from `compliance.check_period`, with each rule's citation."""

from __future__ import annotations

import datetime as dt

from app.domain.compliance import Finding, Severity
from app.domain.rulebook import RuleBook, RuleMissing
from app.io.pdf.check_form import CheckLine, CheckReport, layout_check
from app.io.pdf.layout import PageSetup, Story
from app.io.rules import load_rulebook
from app.services.compliance import check_period
from app.services.printing import FORM_TITLES, DataStamp, PrintRequest, default_period
from app.storage.workspace import Workspace

# What each rule is called on paper; an id not listed prints as itself.
RULE_NAMES = {
    "frequency.branch_committee": "支委会频次",
    "frequency.group_meeting": "党小组会频次",
    "frequency.theme_day": "主题党日频次",
    "frequency.party_congress": "党员大会频次",
    "frequency.org_life": "组织生活会",
    "frequency.member_review": "民主评议党员",
    "frequency.party_lecture": "党课频次",
    "quorum": "到会人数",
    "vote_counts": "表决票数",
    "record_completeness": "记录完整性",
    "member_review": "民主评议党员",
    "review_excellent_limit": "优秀比例",
    "heart_talk_coverage": "谈心谈话",
    "inactivity": "参加组织生活",
    "makeup": "缺席补学",
    "dues.arrears_flag": "党费交纳",
}


def _source(rules: RuleBook, finding: Finding, day: dt.date) -> str:
    """The rule's citation, unless the finding has none in the rule data or already quotes it."""
    try:
        source = rules.judging(finding.rule, day)[0].source
    except RuleMissing:
        return ""
    return "" if source in finding.message else source


def build(ws: Workspace, request: PrintRequest, stamp: DataStamp, today: dt.date) -> tuple[PageSetup, Story]:
    period = request.period or default_period("check", today)
    findings = check_period(ws, period, today)
    rules = load_rulebook()
    judged_on = min(period.end, today) if period.start <= today else period.start
    lines = tuple(
        CheckLine(
            f.severity is Severity.VIOLATION,
            RULE_NAMES.get(f.rule, f.rule),
            f.subject,
            f.message,
            _source(rules, f, judged_on),
        )
        for f in findings
    )
    report = CheckReport(
        period.label(), period.start, period.end, today, stamp.created, stamp.journal_head, lines
    )
    setup = stamp.setup(
        FORM_TITLES["check"], header_note=period.label(), footer_note=f"日志哈希 {stamp.journal_head[:16]}"
    )
    return layout_check(setup, report)
