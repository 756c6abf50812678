"""会议记录 printed from a real workspace and read back: every field of rules.md §8.1, the vote results the
record book computes, long minutes that run over pages, corrections, signatures, and determinism."""

from __future__ import annotations

import dataclasses
import datetime as dt
import random
from pathlib import Path

import pytest

from app.domain.entries import (
    Absence,
    AbsenceReason,
    EntryDraft,
    EntryType,
    Grade,
    Resolution,
    ResolutionKind,
)
from app.domain.periods import Period
from app.services.errors import UserError
from app.services.printing import PrintRequest, print_form
from app.services.records import add_entry, correct_entry, get_record, lock_period, update_entry
from app.storage.journal import latest_hashes
from app.storage.workspace import Workspace
from tests.fixtures.branch import TODAY, Branch, build_branch
from tests.fixtures.pdf import assert_fonts_embedded, page_texts, pdf_text, squeeze

MARKS = "本页记录的日志哈希："


@pytest.fixture
def branch(branch_ws: Workspace) -> Branch:
    return build_branch(branch_ws)


def full_entry(b: Branch, **changes: object) -> EntryDraft:
    """A 支部党员大会 with every field of §8.1 filled in."""
    draft = EntryDraft(
        EntryType.PARTY_CONGRESS,
        dt.date(2026, 3, 10),
        dt.time(14, 30),
        dt.time(16, 0),
        place="车间三楼会议室",
        host="书记甲",
        recorder="组织乙",
        absences=(
            Absence(b.ids["党员丁"], AbsenceReason.SHIFT),
            Absence(b.ids["党员戊"], AbsenceReason.OTHER, "家中老人住院", written_opinion=True),
        ),
        nonvoting=("车间主任赵某（行政负责人）",),
        topics=("传达学习上级全会精神", "讨论本年度党建工作计划"),
        agenda="一、传达上级文件\n二、讨论年度计划\n三、表决",
        minutes="一、报告事项：书记甲传达上级文件精神。\n二、讨论发言：党员己表示赞成；党员庚提出不同意见，认为计划应增加班组学习。",
        summary="大家发言踊跃，会后各党小组抓好落实。",
        resolutions=(
            Resolution("通过本年度党建工作计划", yes=5, no=1, abstain=0, written_yes=1),
            Resolution("增设班组学习日", yes=2, no=3, abstain=1),
            Resolution(
                "同意预备壬按期转为正式党员",
                yes=6,
                kind=ResolutionKind.FULL_MEMBERSHIP,
                candidate_uuid=b.ids["预备壬"],
            ),
        ),
        title="学习贯彻全会精神专题会",
    )
    return dataclasses.replace(draft, **changes)  # type: ignore[arg-type]


def print_minutes(ws: Workspace, target: Path, **request: object) -> int:
    return print_form(ws, PrintRequest("minutes", **request), target, today=TODAY)  # type: ignore[arg-type]


def varied_text(length: int, seed: int = 6) -> str:
    """Minutes of `length` characters: common and rare characters, digits, punctuation, some line breaks."""
    rng = random.Random(seed)
    pool = (
        "党支部委员会议记录学习传达上级精神讨论发言表决通过意见建议整改落实工作计划安全生产班组"
        + "𠮷堃喆赟"
        + "0123456789"
        + "，。；："
    )
    chars = [rng.choice(pool) for _ in range(length)]
    for at in range(173, length, 331):  # a few paragraphs
        chars[at] = "\n"
    return "".join(chars)


def consumed_in_order(text: str, pages: list[str], least: int = 12) -> tuple[int, int]:
    """How much of `text` (whitespace removed) the pages show, each page continuing where the last one
    stopped: (characters found, pages that showed a part). Each page's part must be one contiguous run."""
    wanted = squeeze(text)
    position = used = 0
    for page in pages:
        flat = squeeze(page)
        low, high = 0, len(wanted) - position  # the longest continuation that this page shows
        while low < high:
            middle = (low + high + 1) // 2
            if wanted[position : position + middle] in flat:
                low = middle
            else:
                high = middle - 1
        if low >= least or position + low == len(wanted):
            position += low
            used += low > 0
    return position, used


def test_every_field_of_a_full_entry_is_printed(branch: Branch, tmp_path: Path) -> None:
    uuid = add_entry(branch.ws, full_entry(branch), today=TODAY)
    view = get_record(branch.ws, uuid)
    pdf = tmp_path / "minutes.pdf"
    print_minutes(branch.ws, pdf, entry_uuid=uuid)
    text = squeeze(pdf_text(pdf))
    labels = [
        "会议名称",
        "次数",
        "时间",
        "地点",
        "主持人",
        "记录人",
        "出席",
        "缺席",
        "列席",
        "法定人数",
        "议题",
        "议程",
    ]
    labels += ["会议记录", "表决情况", "决议/决定", "主持人总结"]
    for label in labels:
        assert label in text, label
    d = view.draft
    assert squeeze(d.title) in text and "2026年第1次支部党员大会" in text
    assert "2026年3月10日14:30–16:00" in text
    for value in (d.place, d.host, d.recorder, *d.nonvoting, *d.topics, d.summary):
        assert squeeze(value) in text, value
    for line in (d.agenda + "\n" + d.minutes).splitlines():
        assert squeeze(line) in text, line
    att = view.facts.attendance
    assert f"应到{len(att.expected)}人，实到{len(att.present)}人，缺席{len(att.absent)}人" in text
    assert all(m.name in text for m in att.present)
    assert "党员丁（倒班）" in text
    assert "党员戊（其他：家中老人住院，交书面意见）" in text
    assert view.facts.quorum is not None and view.facts.quorum.quorate
    assert squeeze(view.facts.quorum.describe()) in text
    for index, (r, outcome) in enumerate(zip(d.resolutions, view.facts.outcomes, strict=True), start=1):
        assert squeeze(r.text) in text
        assert f"第{index}项：赞成{r.yes}票，反对{r.no}票，弃权{r.abstain}票" in text
        assert squeeze(outcome.describe()) in text
    assert "书面意见赞成1，反对0，弃权0" in text
    assert [o.passed for o in view.facts.outcomes] == [True, False, True]  # both verdicts are printed
    assert "：通过" in text and "：未通过" in text
    assert "【预备党员转正：预备壬】同意预备壬按期转为正式党员" in text
    assert "主持人（签字）" in text and "记录人（签字）" in text
    assert_fonts_embedded(pdf)


def test_group_meeting_heart_talk_makeup_and_review_print_their_own_fields(
    branch: Branch, tmp_path: Path
) -> None:
    ids = branch.ids
    meeting = add_entry(
        branch.ws,
        EntryDraft(
            EntryType.GROUP_MEETING, dt.date(2026, 4, 2), place="班组学习室", host="书记甲", recorder="党员丁",
            group_uuid=branch.groups["一组"], absences=(Absence(ids["党员戊"], AbsenceReason.TRIP),),
        ),
        today=TODAY,
    )  # fmt: skip
    add_entry(
        branch.ws,
        EntryDraft(EntryType.MAKEUP, dt.date(2026, 4, 9), participants=(ids["党员戊"],), makeup_of=meeting),
        today=TODAY,
    )
    add_entry(
        branch.ws,
        EntryDraft(EntryType.HEART_TALK, dt.date(2026, 4, 20), participants=(ids["书记甲"], ids["党员辛"])),
        today=TODAY,
    )
    add_entry(
        branch.ws,
        EntryDraft(
            EntryType.MEMBER_REVIEW, dt.date(2026, 4, 28), host="书记甲", recorder="组织乙",
            grades={ids["党员丁"]: Grade.EXCELLENT, ids["党员己"]: Grade.QUALIFIED, ids["党员庚"]: Grade.BASIC},
        ),
        today=TODAY,
    )  # fmt: skip
    pdf = tmp_path / "april.pdf"
    print_minutes(branch.ws, pdf, period=Period.parse("2026-04"))
    pages = [squeeze(p) for p in page_texts(pdf)]
    assert len(pages) == 4  # one meeting per page
    group, makeup, talk, review = pages
    assert "党小组一组" in group and "2026年一组第1次党小组会" in group and "党员戊（出差，已补学）" in group
    assert "补学的会议2026年4月2日党小组会（2026年一组第1次党小组会）" in makeup and "补学人党员戊" in makeup
    assert "谈话人员书记甲、党员辛" in talk
    assert (
        "优秀（1人）：党员丁" in review
        and "合格（1人）：党员己" in review
        and "基本合格（1人）：党员庚" in review
    )


def test_two_thousand_characters_of_minutes_print_in_full_over_pages(branch: Branch, tmp_path: Path) -> None:
    minutes = varied_text(2000)
    assert len(minutes) == 2000 and "𠮷" in minutes
    uuid = add_entry(branch.ws, full_entry(branch, minutes=minutes), today=TODAY)
    pdf = tmp_path / "long.pdf"
    pages = print_minutes(branch.ws, pdf, entry_uuid=uuid)
    texts = page_texts(pdf)
    assert pages == len(texts) >= 2
    found, spread = consumed_in_order(minutes, texts)
    assert found == len(squeeze(minutes)) and spread >= 2  # every character, in order, over two pages
    heading = squeeze("学习贯彻全会精神专题会（2026年第1次支部党员大会）")
    assert all(heading in squeeze(t) for t in texts)  # the entry's heading row repeats on each page
    with branch.ws.read() as conn:
        mark = latest_hashes(conn, ("entry",))[uuid][:16]
    assert all(f"{MARKS}{mark}" in squeeze(t) for t in texts)
    assert all(f"第{i}页共{pages}页" in squeeze(t) for i, t in enumerate(texts, start=1))
    assert "主持人（签字）" in squeeze(texts[-1]) and "记录人（签字）" in squeeze(texts[-1])
    assert_fonts_embedded(pdf)


def test_a_corrected_entry_prints_as_it_reads_now_then_each_correction(
    branch: Branch, tmp_path: Path
) -> None:
    uuid = add_entry(branch.ws, full_entry(branch), today=TODAY)
    lock_period(branch.ws, Period.parse("2026Q1"), today=TODAY)
    original = get_record(branch.ws, uuid).draft
    fixed = dataclasses.replace(original, place="车间二楼会议室", absences=original.absences[1:])
    correct_entry(branch.ws, uuid, fixed, "原记录地点写错；党员丁实际到会", today=TODAY)
    pdf = tmp_path / "corrected.pdf"
    print_minutes(branch.ws, pdf, entry_uuid=uuid)
    text = squeeze(pdf_text(pdf))
    body, corrections = text.split("更正记录", 1)
    assert "地点车间二楼会议室" in body and "车间三楼会议室" not in body  # the current content
    assert "第1次更正2026年11月21日" in corrections
    assert "更正原因原记录地点写错；党员丁实际到会" in corrections
    assert "原记载：车间三楼会议室更正为：车间二楼会议室" in corrections
    assert "原记载：缺席2人：党员丁（倒班）" in corrections and "更正为：缺席1人：党员戊" in corrections
    assert "随之变化：出席、法定人数" in corrections
    assert corrections.index("更正原因") < corrections.index("主持人（签字）")


def test_missing_entry_and_empty_period_are_refused_in_chinese(branch: Branch, tmp_path: Path) -> None:
    with pytest.raises(UserError, match="找不到要打印的会议记录"):
        print_minutes(branch.ws, tmp_path / "x.pdf", entry_uuid="no-such-entry")
    add_entry(branch.ws, full_entry(branch), today=TODAY)
    with pytest.raises(UserError, match="2026年第2季度没有会议记录"):
        print_minutes(branch.ws, tmp_path / "x.pdf", period=Period.parse("2026Q2"))
    assert not (tmp_path / "x.pdf").exists()


def test_same_data_same_bytes_and_any_change_shows(branch: Branch, tmp_path: Path) -> None:
    uuid = add_entry(branch.ws, full_entry(branch), today=TODAY)
    print_minutes(branch.ws, tmp_path / "a.pdf", entry_uuid=uuid)
    print_minutes(branch.ws, tmp_path / "b.pdf", entry_uuid=uuid)
    assert (tmp_path / "a.pdf").read_bytes() == (tmp_path / "b.pdf").read_bytes()
    update_entry(branch.ws, uuid, full_entry(branch, summary="会后各党小组抓好落实。"), today=TODAY)
    print_minutes(branch.ws, tmp_path / "c.pdf", entry_uuid=uuid)
    assert (tmp_path / "c.pdf").read_bytes() != (tmp_path / "a.pdf").read_bytes()
    assert "会后各党小组抓好落实。" in pdf_text(tmp_path / "c.pdf")
