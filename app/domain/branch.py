"""The branch itself: its class, its committee term."""

from __future__ import annotations

import datetime as dt
from enum import IntEnum

from app.domain.rulebook import RuleBook


class BranchClass(IntEnum):
    MAIN_PRODUCTION = 1
    AUXILIARY_PRODUCTION = 2
    LOGISTICS_SERVICES = 3
    OFFICES = 4


BRANCH_CLASS_LABELS = {
    BranchClass.MAIN_PRODUCTION: "一类（主体生产）",
    BranchClass.AUXILIARY_PRODUCTION: "二类（辅助生产）",
    BranchClass.LOGISTICS_SERVICES: "三类（后勤服务）",
    BranchClass.OFFICES: "四类（机关科室）",
}


def term_years(rules: RuleBook, term_start: dt.date, is_village: bool) -> int:
    rule = rules.judging("committee_term", term_start)[0]
    return int(rule["village_years"] if is_village else rule["years"])


def term_end(term_start: dt.date, years: int) -> dt.date:
    """The day the term expires: the same calendar day `years` later."""
    try:
        return term_start.replace(year=term_start.year + years)
    except ValueError:
        return term_start.replace(year=term_start.year + years, day=28)
