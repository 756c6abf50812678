"""Checks of one record-book entry against the roster of its day, before it is saved."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from app.domain.entries import (
    VOTING_TYPES,
    AbsenceReason,
    EntryDraft,
    EntryType,
    ResolutionKind,
    RosterMember,
    attendance,
)
from app.domain.members import Status
from app.domain.problems import Problem, Severity


def check_entry(d: EntryDraft, roster: Sequence[RosterMember], today: dt.date) -> list[Problem]:
    problems: list[Problem] = []

    def error(field: str, message: str) -> None:
        problems.append(Problem(field, message, Severity.ERROR))

    def warn(field: str, message: str) -> None:
        problems.append(Problem(field, message, Severity.WARNING))

    if d.date > today:
        error("日期", "不能晚于今天：记录本记的是已经开过的会")
    if d.start and d.end and d.end <= d.start:
        error("时间", "结束时间应晚于开始时间")
    by_uuid = {m.uuid: m for m in roster}
    att = attendance(d, roster)
    expected = {m.uuid for m in att.expected}

    if d.type is EntryType.GROUP_MEETING and not d.group_uuid:
        error("党小组", "党小组会须选择党小组")
    if d.type is EntryType.HEART_TALK and len(set(d.participants)) < 2:
        error("谈话人", "谈心谈话至少要有两人")
    if d.type is EntryType.MAKEUP:
        if not d.makeup_of:
            error("补学对象", "补学须注明补的是哪一次会议")
        if not d.participants:
            error("补学人", "请选择补学的党员")
    for uuid in d.participants:
        if uuid not in by_uuid:
            error("参加人", "有参加人在当天不是本支部党员")
            break
    if d.type in (EntryType.BRANCH_COMMITTEE, EntryType.GROUP_MEETING) and not att.expected:
        error("应到人员", "当天没有应到会的人员（支委会看支委，党小组会看该组党员）")

    def name_of(uuid: str) -> str:
        return by_uuid[uuid].name if uuid in by_uuid else "某人"

    for absence in d.absences:
        if absence.member_uuid not in expected:
            error("缺席", f"{name_of(absence.member_uuid)}不在应到会名单中")
        if absence.reason is AbsenceReason.OTHER and not absence.reason_text.strip():
            error("缺席原因", f"{name_of(absence.member_uuid)}：选了“其他”，请写明原因")
        if (
            absence.written_opinion
            and absence.member_uuid in by_uuid
            and not by_uuid[absence.member_uuid].votes
        ):
            error("书面意见", f"{name_of(absence.member_uuid)}没有表决权，不能提交书面表决意见")

    written_voters = sum(1 for a in d.absences if a.written_opinion and a.member_uuid in expected)
    candidates: set[tuple[ResolutionKind, str]] = set()
    for index, r in enumerate(d.resolutions, start=1):
        field = f"第{index}项决议"
        if not r.text.strip():
            error(field, "请填写决议内容")
        if min(r.yes, r.no, r.abstain, r.written_yes, r.written_no, r.written_abstain) < 0:
            error(field, "票数不能为负数")
        if d.type not in VOTING_TYPES:
            warn(field, "此类活动一般不作表决，决议请在支部党员大会或支委会上作出")
        if r.recorded and r.in_person > att.present_voters:
            error(field, f"现场表决共 {r.in_person} 票，多于到会有表决权的 {att.present_voters} 人")
        if r.written > written_voters:
            error(field, f"书面意见 {r.written} 份，多于提交书面意见的缺席党员 {written_voters} 人")
        if r.kind is not ResolutionKind.GENERAL:
            if d.type is not EntryType.PARTY_CONGRESS:
                error(field, "接收预备党员和预备党员转正须由支部党员大会表决")
            if not r.candidate_uuid:
                error(field, "须逐个表决：请选择这项表决针对的人")
            elif (r.kind, r.candidate_uuid) in candidates:
                error(field, "同一人同一事项只表决一次")
            else:
                candidates.add((r.kind, r.candidate_uuid))

    if d.grades:
        if d.type is not EntryType.MEMBER_REVIEW:
            error("评议等次", "只有民主评议党员才评定等次")
        for uuid in d.grades:
            member = by_uuid.get(uuid)
            if member is None or uuid not in expected:
                error("评议等次", "有评定对象不在当天的党员名单中")
            elif member.status is Status.PROBATIONARY:
                error("评议等次", f"{member.name}是预备党员，参加评议但不评定等次")
    return problems
