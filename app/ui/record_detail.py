"""One record-book entry as the secretary reads it, with every correction shown in red like red ink."""

from __future__ import annotations

import html
from collections.abc import Mapping, Sequence

from app.domain.entries import (
    ENTRY_TYPE_LABELS,
    MEETING_TYPES,
    RESOLUTION_KIND_LABELS,
    VOTING_TYPES,
    EntryDraft,
    EntryType,
    Grade,
    Resolution,
    ResolutionKind,
    VoteOutcome,
)
from app.domain.entry_codec import entry_changes
from app.domain.periods import chinese_date
from app.services.records import FIELD_NAMES, CorrectionView, RecordView
from app.ui.record_model import AMBER, GREEN, GREY, RED

SHORT = 24  # characters of a long text shown in a before → after summary


def _e(text: str) -> str:
    return html.escape(text)


def _block(text: str) -> str:
    return _e(text).replace("\n", "<br>")


def _short(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= SHORT else text[:SHORT] + "…"


class Names:
    """Member, group and entry names for showing an entry; unknown uuids read as deleted."""

    def __init__(
        self, members: Mapping[str, str], groups: Mapping[str, str], views: Sequence[RecordView] = ()
    ) -> None:
        self.members, self.groups = members, groups
        self._views = views
        self._entries: dict[str, str] | None = None

    @property
    def entries(self) -> dict[str, str]:
        if self._entries is None:  # only when an entry refers to another (补学)
            self._entries = {v.uuid: f"{v.draft.date:%Y-%m-%d} {v.type_label}" for v in self._views}
        return self._entries

    def member(self, uuid: str | None) -> str:
        return self.members.get(uuid or "", "（已删除）")

    def group(self, uuid: str | None) -> str:
        return self.groups.get(uuid or "", "（未选）" if uuid is None else "（已删除）")

    def entry(self, uuid: str | None) -> str:
        return self.entries.get(uuid or "", "（未选）" if uuid is None else "（原记录已删除）")


def time_span(draft: EntryDraft) -> str:
    if draft.start and draft.end:
        return f"{draft.start:%H:%M}–{draft.end:%H:%M}"
    if draft.start:
        return f"{draft.start:%H:%M} 开始"
    return "未记录"


def resolution_counts(r: Resolution) -> str:
    text = f"赞成 {r.yes}，反对 {r.no}，弃权 {r.abstain}"
    if r.written:
        text += f"；书面意见 赞成 {r.written_yes}，反对 {r.written_no}，弃权 {r.written_abstain}"
    return text


def grades_summary(grades: Mapping[str, Grade]) -> str:
    counts = {g: sum(1 for v in grades.values() if v is g) for g in Grade}
    return "，".join(f"{g.value} {n} 人" for g, n in counts.items() if n) or "未评定"


def field_value(draft: EntryDraft, key: str, names: Names) -> str:
    """A short reading of one field, for "before → after"."""
    d = draft
    simple = {
        "type": ENTRY_TYPE_LABELS[d.type],
        "date": f"{d.date:%Y-%m-%d}",
        "start": f"{d.start:%H:%M}" if d.start else "未填",
        "end": f"{d.end:%H:%M}" if d.end else "未填",
        "group": names.group(d.group_uuid) if d.group_uuid else "无",
        "makeup_of": names.entry(d.makeup_of) if d.makeup_of else "无",
    }
    if key in simple:
        return simple[key]
    if key in ("title", "place", "host", "recorder", "agenda", "minutes", "summary"):
        return f"“{_short(getattr(d, key))}”" if getattr(d, key).strip() else "空"
    if key == "topics":
        return _short("；".join(d.topics)) or "空"
    if key == "absences":
        return (
            "、".join(f"{names.member(a.member_uuid)}（{a.reason.value}）" for a in d.absences) or "无人缺席"
        )
    if key == "nonvoting":
        return "、".join(d.nonvoting) or "无"
    if key == "resolutions":
        return "；".join(f"{_short(r.text)}（{resolution_counts(r)}）" for r in d.resolutions) or "无"
    if key == "grades":
        return grades_summary(d.grades)
    if key == "participants":
        return "、".join(names.member(u) for u in d.participants) or "无"
    return ""


def correction_html(correction: CorrectionView, names: Names) -> str:
    keys = entry_changes(correction.before, correction.after)
    lines = [
        f"<b>{chinese_date(correction.made_on)} 更正</b>　原因：{_e(correction.reason)}",
        "更改了：" + ("、".join(FIELD_NAMES.get(k, k) for k in keys) or "（无）"),
    ]
    for key in keys:
        before = field_value(correction.before, key, names)
        after = field_value(correction.after, key, names)
        lines.append(f"{_e(FIELD_NAMES.get(key, key))}：<s>{_e(before)}</s> → {_e(after)}")
    return f'<p style="color:{RED}">' + "<br>".join(lines) + "</p>"


def _outcome(outcome: VoteOutcome, resolution: Resolution) -> str:
    if not resolution.recorded:
        return f'<span style="color:{RED}">尚未记录表决结果</span>'
    colour = GREEN if outcome.passed and not outcome.problems else RED
    return f'<span style="color:{colour}">{_e(outcome.describe())}</span>'


def entry_html(view: RecordView, names: Names) -> str:
    d = view.draft
    facts = view.facts
    att = facts.attendance
    title = f"{d.date:%Y-%m-%d}　{view.type_label}"
    if d.type is EntryType.GROUP_MEETING:
        title += f"（{names.group(d.group_uuid)}）"
    parts = [f"<h3>{_e(title)}</h3>"]
    if d.title:
        parts.append(f"<p><b>{_e(d.title)}</b></p>")
    if view.locked:
        parts.append(
            f'<p style="color:{GREY}">所在期间已上报或归档：记录只读，如需改动请用“更正…”并写明原因。</p>'
        )
    if view.drift is not None:
        keep = (
            "所在期间已锁定，应到名单保持保存时的样子。"
            if view.locked
            else "应到名单仍是保存时的样子；如需按现在的名册更新，请点“按名册更新应到名单…”。"
        )
        parts.append(f'<p style="color:{AMBER}">名册有变（{_e(view.drift.describe())}）。{keep}</p>')
    if view.facts.rule_note:
        parts.append(f'<p style="color:{GREY}">{_e(view.facts.rule_note)}</p>')
    if view.corrections:
        parts.append(f'<p style="color:{RED}"><b>更正记录（共 {len(view.corrections)} 次）</b></p>')
        parts += [correction_html(c, names) for c in view.corrections]
        parts.append(f'<p style="color:{GREY}">以下为更正后的内容。</p>')
    rows = [("时间", time_span(d))]
    if d.type is not EntryType.MAKEUP or d.place:
        rows.append(("地点", d.place or "未填"))
    if d.type not in (EntryType.HEART_TALK, EntryType.MAKEUP):
        rows += [("主持人", d.host or "未填"), ("记录人", d.recorder or "未填")]
    parts.append("<p>" + "<br>".join(f"{k}：{_e(v)}" for k, v in rows) + "</p>")

    if d.type is EntryType.MAKEUP:
        parts.append(f"<p>补学的会议：{_e(names.entry(d.makeup_of))}</p>")
    if d.type in (EntryType.HEART_TALK, EntryType.MAKEUP):
        who = "谈话人" if d.type is EntryType.HEART_TALK else "补学人"
        parts.append(f"<p>{who}：{_e('、'.join(m.name for m in att.expected) or '无')}</p>")
    else:
        parts.append(
            f"<p>出席：应到 {len(att.expected)} 人，实到 {len(att.present)} 人，缺席 {len(att.absent)} 人"
        )
        if d.absences:
            reasons = []
            for a in d.absences:
                text = f"{names.member(a.member_uuid)}（{a.reason.value}"
                text += f"：{a.reason_text}" if a.reason_text else ""
                text += "，交书面意见" if a.written_opinion else ""
                text += "，已补学" if a.member_uuid in view.made_up else ""
                reasons.append(text + "）")
            parts.append("<br>缺席：" + _e("、".join(reasons)))
        if d.nonvoting:
            parts.append("<br>列席：" + _e("、".join(d.nonvoting)))
        parts.append("</p>")
        if facts.quorum is not None and d.type in VOTING_TYPES:
            colour = GREEN if facts.quorum.quorate else RED
            parts.append(f'<p style="color:{colour}">{_e(facts.quorum.describe())}</p>')
        if d.type in MEETING_TYPES and d.absences:
            done, absent = view.makeup_progress()
            colour = GREEN if done == absent else RED
            parts.append(f'<p style="color:{colour}">补学：缺席 {absent} 人，已补学 {done} 人</p>')

    if d.topics:
        parts.append("<p><b>议题</b></p><ol>" + "".join(f"<li>{_e(t)}</li>" for t in d.topics) + "</ol>")
    for label, text in (("议程", d.agenda), ("会议记录", d.minutes), ("主持人总结", d.summary)):
        if text.strip():
            parts.append(f"<p><b>{label}</b><br>{_block(text)}</p>")
    if d.resolutions:
        items = []
        for index, r in enumerate(d.resolutions):
            kind = (
                ""
                if r.kind is ResolutionKind.GENERAL
                else f"【{RESOLUTION_KIND_LABELS[r.kind]}：{names.member(r.candidate_uuid)}】"
            )
            outcome = facts.outcomes[index] if index < len(facts.outcomes) else None
            result = _outcome(outcome, r) if outcome is not None else ""
            items.append(f"<li>{_e(kind + r.text)}<br>{_e(resolution_counts(r))}<br>{result}</li>")
        parts.append("<p><b>决议与表决</b></p><ol>" + "".join(items) + "</ol>")
    if d.grades:
        by_grade = {g: [names.member(u) for u, v in d.grades.items() if v is g] for g in Grade}
        lines = [f"{g.value}（{len(n)} 人）：{'、'.join(n)}" for g, n in by_grade.items() if n]
        parts.append("<p><b>评议等次</b><br>" + "<br>".join(_e(line) for line in lines) + "</p>")
    return "".join(parts)
