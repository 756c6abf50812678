"""New, edit or correct one record-book entry, built to be filled in quickly while it is fresh.

The happy path is type → date → attendance → save: the type is a digit (1 党员大会, 2 支委会 …), the
date is today, the checklist holds everyone expected already ticked, place and recorder come from the
last entry of the type, the host is the 书记 (or the group leader), agenda and minutes from the
branch's template. Attendance, quorum and each vote's result are worked out live from the roster
loaded once when the dialog opens; nothing touches the database until 保存.
"""

from __future__ import annotations

import datetime as dt
import itertools
import re
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from enum import StrEnum

from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QSizePolicy,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from app.domain.entries import (
    ENTRY_TYPE_LABELS,
    MEETING_TYPES,
    VOTING_TYPES,
    EntryDraft,
    EntryType,
    ResolutionKind,
    RosterMember,
    expected_members,
)
from app.domain.entry_checks import check_entry
from app.domain.entry_codec import entry_to_dict
from app.domain.members import Post, Status
from app.domain.problems import Problem, Severity
from app.io.rules import load_rulebook
from app.services import branch_profile, records
from app.services.errors import UserError, ValidationFailed
from app.services.records import RecordView
from app.services.roster_on_day import RosterSource
from app.ui.form_fields import DateField, TimeField, message_label, set_role, show_message, to_qdate
from app.ui.grades_editor import GradesEditor
from app.ui.member_checklist import ChecklistMode, MemberChecklist
from app.ui.messages import confirm
from app.ui.resolutions_editor import ResolutionsEditor
from app.ui.session import Session

TYPES = tuple(EntryType)  # in the order of the digit keys 1 … 9, 0
PARTICIPANT_TYPES = (EntryType.HEART_TALK, EntryType.MAKEUP)
HEADER_FIELDS = {"日期", "时间", "党小组", "补学对象"}
PEOPLE_FIELDS = {"应到人员", "缺席", "缺席原因", "书面意见", "谈话人", "补学人", "参加人"}
NAME_SPLIT = re.compile(r"[、,，;；\n]+")


def type_item_text(index: int, entry_type: EntryType) -> str:
    return f"{(index + 1) % 10} {ENTRY_TYPE_LABELS[entry_type]}"


def split_names(text: str) -> tuple[str, ...]:
    return tuple(n.strip() for n in NAME_SPLIT.split(text) if n.strip())


class EntryMode(StrEnum):
    NEW = "new"
    EDIT = "edit"
    CORRECT = "correct"


@dataclass(frozen=True)
class MakeupChoice:
    """A meeting with absentees still to make up (or made up by the 补学 entry being edited)."""

    entry_uuid: str
    label: str
    open: tuple[str, ...]  # member uuids
    notes: dict[str, str] = field(default_factory=dict)  # member uuid → why absent


def makeup_choices(views: Sequence[RecordView], editing: RecordView | None = None) -> list[MakeupChoice]:
    own_target = editing.draft.makeup_of if editing and editing.draft.type is EntryType.MAKEUP else None
    own = set(editing.draft.participants) if own_target else set()
    out = []
    for view in sorted(views, key=lambda v: (v.draft.date, v.draft.start or dt.time.min), reverse=True):
        d = view.draft
        if d.type not in MEETING_TYPES or not d.absences:
            continue
        mine = view.uuid == own_target
        still = tuple(
            a.member_uuid
            for a in d.absences
            if a.member_uuid not in view.made_up or (mine and a.member_uuid in own)
        )
        if not still and not mine:
            continue
        notes = {
            a.member_uuid: f"缺席原因：{a.reason.value}{f'（{a.reason_text}）' if a.reason_text else ''}"
            for a in d.absences
        }
        label = f"{d.date:%Y-%m-%d} {view.type_label}（待补学 {len(still)} 人）"
        out.append(MakeupChoice(view.uuid, label, still, notes))
    return out


def _plain(lines: int, placeholder: str = "") -> QPlainTextEdit:
    edit = QPlainTextEdit()
    edit.setTabChangesFocus(True)  # Tab moves on; a multi-line field never traps the keyboard
    edit.setPlaceholderText(placeholder)
    edit.setMinimumHeight(edit.fontMetrics().lineSpacing() * lines + 14)
    return edit


def _editable_combo(placeholder: str) -> QComboBox:
    combo = QComboBox()
    combo.setEditable(True)
    combo.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
    combo.lineEdit().setPlaceholderText(placeholder)
    combo.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
    combo.setMinimumContentsLength(5)
    return combo


class EntryDialog(QDialog):
    """After exec() or open() ends Accepted, `saved_uuid` is the entry's uuid."""

    def __init__(
        self,
        session: Session,
        views: Sequence[RecordView],
        view: RecordView | None = None,
        mode: EntryMode = EntryMode.NEW,
        entry_type: EntryType | None = None,
        makeup_of: str | None = None,
        makeup_members: Sequence[str] = (),
        source: RosterSource | None = None,
        today: dt.date | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.session = session
        self.mode = mode
        self.view = view
        self.saved_uuid: str | None = None
        self._views = list(views)
        self._today = today or dt.date.today()
        self._source = source or records.roster_source(session.ws)
        profile = branch_profile.load_profile(session.ws)
        self._secretary = next((s.name for s in profile.committee if s.post is Post.SECRETARY), "")
        self._leaders = {g.uuid: g.leader for g in profile.groups}
        self._templates: dict[EntryType, tuple[str, str]] = {}
        self._auto: dict[str, str] = {}  # widget key → the default last put in, so a typed value is kept
        self._choices = makeup_choices(self._views, view)
        self._built = False
        self._people_built = False
        self._error_fields: set[str] = set()
        initial = view.draft if view is not None else None
        if initial is None:
            initial = EntryDraft(
                entry_type or EntryType.PARTY_CONGRESS,
                self._today,
                makeup_of=makeup_of,
                participants=tuple(makeup_members),
            )
        self._initial_draft = initial

        self._build()
        self._fill(initial)
        self._built = True
        self._type_changed()
        self._snapshot_initial = self._snapshot()
        self.setWindowTitle(self._title())
        screen = self.screen().availableGeometry()
        self.resize(min(1260, screen.width() - 24), min(740, screen.height() - 32))
        if mode is EntryMode.CORRECT:
            self.reason.setFocus()
        elif entry_type is EntryType.MAKEUP and makeup_of:
            self.checklist.setFocus()
        else:
            self.type_combo.setFocus()

    # -- building -------------------------------------------------------------------------------

    def _title(self) -> str:
        if self.view is None:
            return "新建记录"
        what = f"{self.view.draft.date:%Y-%m-%d} {self.view.type_label}"
        return f"更正记录 — {what}" if self.mode is EntryMode.CORRECT else f"编辑记录 — {what}"

    def _build(self) -> None:
        self.type_combo = QComboBox()
        for index, entry_type in enumerate(TYPES):
            self.type_combo.addItem(type_item_text(index, entry_type), entry_type)
        self.type_combo.setToolTip("按数字键选类型：1 党员大会，2 支委会，3 党小组会 … 0 其他")
        self.type_combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.date_edit = DateField(self._today, latest=self._today)
        self.group_combo = QComboBox()
        for uuid, name in sorted(self._source.group_names.items(), key=lambda kv: kv[1]):
            self.group_combo.addItem(name, uuid)
        self.group_combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.makeup_combo = QComboBox()
        for choice in self._choices:
            self.makeup_combo.addItem(choice.label, choice.entry_uuid)
        if not self._choices:
            self.makeup_combo.addItem("（没有待补学的会议）", None)
        self.makeup_combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)

        top = QHBoxLayout()
        self.group_label = QLabel("党小组(&G)")
        self.makeup_label = QLabel("补学的会议(&B)")
        for text, widget, label in (
            ("类型(&T)", self.type_combo, None),
            ("日期(&D)", self.date_edit, None),
            ("", self.group_combo, self.group_label),
            ("", self.makeup_combo, self.makeup_label),
        ):
            label = label or QLabel(text)
            label.setBuddy(widget)
            top.addWidget(label)
            top.addWidget(widget)
            top.addSpacing(12)
        top.addStretch(1)

        self.reason = QLineEdit()
        self.reason.setPlaceholderText("如：记录人笔误，缺席原因应为出差")
        self.reason_message = message_label("error", self)
        self.correct_box = QGroupBox("更正原因（必填）")
        correct_layout = QVBoxLayout(self.correct_box)
        note = QLabel(
            "所在期间已上报或归档。更正不会抹去原记录：原内容、更正后的内容和原因都保留，并以红字显示。"
        )
        note.setWordWrap(True)
        set_role(note, "error")
        correct_layout.addWidget(note)
        correct_layout.addWidget(self.reason)
        correct_layout.addWidget(self.reason_message)
        self.correct_box.setVisible(self.mode is EntryMode.CORRECT)

        self.checklist = MemberChecklist()
        self.counts = QLabel()
        self.counts.setWordWrap(True)
        self.quorum = QLabel()
        self.quorum.setWordWrap(True)
        self.people_message = message_label("error", self)
        self.people_box = QGroupBox("出席情况(&A)")
        people = QVBoxLayout(self.people_box)
        people.addWidget(self.checklist, 1)
        people.addWidget(self.counts)
        people.addWidget(self.quorum)
        people.addWidget(self.people_message)

        self.start = TimeField()
        self.end = TimeField()
        self.place = QLineEdit()
        self.place.setPlaceholderText("如：三楼会议室")
        self.host = _editable_combo("主持人姓名")
        self.recorder = _editable_combo("记录人姓名")
        self.title_edit = QLineEdit()
        self.title_edit.setPlaceholderText("可不填；“其他”类活动请写明是什么")
        info = QGridLayout()
        info.setHorizontalSpacing(8)
        time_row = QHBoxLayout()
        time_row.addWidget(self.start)
        time_row.addWidget(QLabel("至"))
        time_row.addWidget(self.end)
        time_row.addStretch(1)
        for row, column, text, widget in (
            (0, 0, "时间", time_row),
            (0, 2, "地点(&P)", self.place),
            (1, 0, "主持人(&H)", self.host),
            (1, 2, "记录人(&R)", self.recorder),
            (2, 0, "标题", self.title_edit),
        ):
            label = QLabel(text)
            if isinstance(widget, QWidget):
                label.setBuddy(widget)
                info.addWidget(widget, row, column + 1, 1, 3 if text == "标题" else 1)
            else:
                label.setBuddy(self.start)
                info.addLayout(widget, row, column + 1)
            info.addWidget(label, row, column)
        info.setColumnStretch(1, 1)
        info.setColumnStretch(3, 1)
        self.header_message = message_label("error", self)

        self.topics = _plain(3, "每行一个议题")
        self.agenda = _plain(4)
        self.minutes = _plain(6, "讨论发言：谁说了什么，不同意见如实记录")
        self.summary = _plain(2)
        self.nonvoting = QLineEdit()
        self.nonvoting.setPlaceholderText("姓名用顿号或逗号分开，如：张三（车间主任）、李四")
        self.template_button = QPushButton("保存为本支部模板")
        self.template_button.setAutoDefault(False)
        self.template_button.setToolTip(
            "把现在的议程和会议记录提纲存为本支部这类记录的模板，以后新建时自动填入"
        )
        self.template_message = message_label("ok", self)
        texts = QWidget()
        form = QFormLayout(texts)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.ExpandingFieldsGrow)
        form.addRow("议题：", self.topics)
        form.addRow("议程：", self.agenda)
        form.addRow("会议记录：", self.minutes)
        form.addRow("主持人总结：", self.summary)
        form.addRow("列席人员：", self.nonvoting)
        template_row = QHBoxLayout()
        template_row.addWidget(self.template_button)
        template_row.addWidget(self.template_message, 1)
        template_row.addStretch(0)
        form.addRow("", template_row)
        self.resolutions = ResolutionsEditor()
        self.grades = GradesEditor()
        self.tabs = QTabWidget()
        self.tabs.addTab(texts, "议题和记录")
        self.tabs.addTab(self.resolutions, "决议和表决")
        self.tabs.addTab(self.grades, "评议等次")

        right = QVBoxLayout()
        right.addLayout(info)
        right.addWidget(self.header_message)
        right.addWidget(self.tabs, 1)
        middle = QHBoxLayout()
        self.people_box.setMinimumWidth(self.fontMetrics().horizontalAdvance("中") * 30)
        middle.addWidget(self.people_box, 4)
        middle.addLayout(right, 6)

        self.general = message_label("error", self)
        self.save_button = QPushButton("保存")
        self.save_button.setDefault(True)
        self.save_button.setToolTip("回车保存；在多行文字中按 Ctrl+回车 保存")
        self.cancel_button = QPushButton("取消")
        self.cancel_button.setAutoDefault(False)
        keys = QLabel("回车 保存　Esc 取消　Alt+A 出席名单　Ctrl+R 添加决议")
        set_role(keys, "hint")
        buttons = QHBoxLayout()
        buttons.addWidget(keys)
        buttons.addStretch(1)
        buttons.addWidget(self.save_button)
        buttons.addWidget(self.cancel_button)

        layout = QVBoxLayout(self)
        layout.addWidget(self.correct_box)
        layout.addLayout(top)
        layout.addLayout(middle, 1)
        layout.addWidget(self.general)
        layout.addLayout(buttons)

        chain: list[QWidget] = [
            self.reason,
            self.type_combo,
            self.date_edit,
            self.group_combo,
            self.makeup_combo,
            self.checklist.table,
            self.checklist.reason,
            self.checklist.reason_text,
            self.checklist.written,
            self.start,
            self.end,
            self.place,
            self.host,
            self.recorder,
            self.title_edit,
            self.tabs,
            self.topics,
            self.agenda,
            self.minutes,
            self.summary,
            self.nonvoting,
            self.template_button,
            self.save_button,
            self.cancel_button,
        ]
        for first, second in itertools.pairwise(chain):
            QWidget.setTabOrder(first, second)

        self.save_button.clicked.connect(self.save)
        self.cancel_button.clicked.connect(self.reject)
        self.template_button.clicked.connect(self.save_template)
        for keys_text, slot in (
            ("Ctrl+Return", self.save),
            ("Ctrl+Enter", self.save),
            ("Ctrl+S", self.save),
            ("Ctrl+R", self.add_resolution),
        ):
            shortcut = QShortcut(QKeySequence(keys_text), self)
            shortcut.activated.connect(slot)
        self.type_combo.currentIndexChanged.connect(lambda _i: self._type_changed())
        self.date_edit.dateChanged.connect(lambda _d: self._people_changed())
        self.group_combo.currentIndexChanged.connect(lambda _i: self._group_changed())
        self.makeup_combo.currentIndexChanged.connect(lambda _i: self._people_changed())
        self.checklist.changed.connect(self._recompute)
        self.resolutions.changed.connect(self._recompute)
        self.grades.changed.connect(self._recompute)
        for edit in (self.start, self.end):
            edit.editingFinished.connect(self._recompute)

    def _fill(self, d: EntryDraft) -> None:
        self.type_combo.blockSignals(True)
        self.type_combo.setCurrentIndex(TYPES.index(d.type))
        self.type_combo.blockSignals(False)
        self.type_combo.setEnabled(self.mode is not EntryMode.CORRECT)  # a correction keeps the type
        self.date_edit.blockSignals(True)
        self.date_edit.setDate(to_qdate(d.date))
        self.date_edit.blockSignals(False)
        if d.group_uuid:
            self.group_combo.setCurrentIndex(max(self.group_combo.findData(d.group_uuid), 0))
        if d.makeup_of:
            self.makeup_combo.setCurrentIndex(max(self.makeup_combo.findData(d.makeup_of), 0))
        self.start.set_time(d.start)
        self.end.set_time(d.end)
        self.place.setText(d.place)
        self.host.setCurrentText(d.host)
        self.recorder.setCurrentText(d.recorder)
        self.title_edit.setText(d.title)
        self.topics.setPlainText("\n".join(d.topics))
        self.agenda.setPlainText(d.agenda)
        self.minutes.setPlainText(d.minutes)
        self.summary.setPlainText(d.summary)
        self.nonvoting.setText("、".join(d.nonvoting))
        self.resolutions.set_resolutions(d.resolutions)

    # -- reading ----------------------------------------------------------------------------------

    def entry_type(self) -> EntryType:
        return TYPES[self.type_combo.currentIndex()]

    def entry_date(self) -> dt.date:
        return self.date_edit.day()

    def read_draft(self) -> tuple[EntryDraft, dict[str, str]]:
        """The form as a draft, and what could not be read (field → message)."""
        unreadable: dict[str, str] = {}
        times = []
        for edit in (self.start, self.end):
            try:
                times.append(edit.time())
            except ValueError as exc:
                unreadable["时间"] = str(exc)
                times.append(None)
        t = self.entry_type()
        attendance = self.checklist.mode is ChecklistMode.ATTENDANCE
        draft = EntryDraft(
            type=t,
            date=self.entry_date(),
            start=times[0],
            end=times[1],
            place=self.place.text().strip(),
            host=self.host.currentText().strip(),
            recorder=self.recorder.currentText().strip(),
            group_uuid=self.group_combo.currentData() if t is EntryType.GROUP_MEETING else None,
            absences=self.checklist.absences() if attendance else (),
            nonvoting=split_names(self.nonvoting.text()),
            topics=tuple(line.strip() for line in self.topics.toPlainText().splitlines() if line.strip()),
            agenda=self.agenda.toPlainText().strip(),
            minutes=self.minutes.toPlainText().strip(),
            summary=self.summary.toPlainText().strip(),
            resolutions=self.resolutions.resolutions(),
            grades=self.grades.grades() if t is EntryType.MEMBER_REVIEW else {},
            participants=self.checklist.participants() if not attendance else (),
            makeup_of=self.makeup_combo.currentData() if t is EntryType.MAKEUP else None,
            title=self.title_edit.text().strip(),
        )
        return replace(draft, expected=self._kept_roll(draft)), unreadable

    def _kept_roll(self, draft: EntryDraft) -> tuple[RosterMember, ...] | None:
        """A saved entry keeps the roll it was saved with, unless what decides the roll was changed here."""
        initial = self._initial_draft
        if initial.expected is not None and initial.roll_key() == draft.roll_key():
            return initial.expected
        return None

    def _texts(self) -> dict[str, str]:
        """What was typed, field by field (the keys of defaults in self._auto)."""
        return {
            "place": self.place.text().strip(),
            "host": self.host.currentText().strip(),
            "recorder": self.recorder.currentText().strip(),
            "title": self.title_edit.text().strip(),
            "topics": self.topics.toPlainText().strip(),
            "agenda": self.agenda.toPlainText().strip(),
            "minutes": self.minutes.toPlainText().strip(),
            "summary": self.summary.toPlainText().strip(),
            "nonvoting": self.nonvoting.text().strip(),
            "reason": self.reason.text().strip(),
            "time": f"{self.start.text().strip()}-{self.end.text().strip()}",
            "resolutions": repr(self.resolutions.resolutions()),
        }

    def _snapshot(self) -> tuple[object, ...]:
        draft, _ = self.read_draft()
        return (entry_to_dict(draft), self._texts())

    def has_changes(self) -> bool:
        """A new entry: text typed beyond the defaults filled in. An existing one: any change at all."""
        if self.mode is not EntryMode.NEW:
            return self._snapshot() != self._snapshot_initial
        initial = self._snapshot_initial[1]
        assert isinstance(initial, dict)
        return any(
            value != initial[key] and value != self._auto.get(key, "").strip()
            for key, value in self._texts().items()
        )

    # -- reactions ----------------------------------------------------------------------------------

    def _type_changed(self) -> None:
        t = self.entry_type()
        for widget in (self.group_label, self.group_combo):
            widget.setVisible(t is EntryType.GROUP_MEETING)
        for widget in (self.makeup_label, self.makeup_combo):
            widget.setVisible(t is EntryType.MAKEUP)
        self.tabs.setTabVisible(2, t is EntryType.MEMBER_REVIEW)
        self.people_box.setTitle("参加人员(&A)" if t in PARTICIPANT_TYPES else "出席情况(&A)")
        if self.mode is EntryMode.NEW:
            self._apply_template(t)
            self._apply_defaults(t)
        self._people_changed()

    def _group_changed(self) -> None:
        if not self._built:
            return
        if self.mode is EntryMode.NEW:
            self._apply_defaults(self.entry_type())
        self._people_changed()

    def _latest(self, t: EntryType) -> RecordView | None:
        same = [v for v in self._views if v.draft.type is t]
        pool = same or [v for v in self._views if v.draft.type not in PARTICIPANT_TYPES]
        return max(pool, key=lambda v: (v.draft.date, v.draft.start or dt.time.min), default=None)

    def _set_default(self, key: str, widget: QLineEdit | QComboBox, value: str) -> None:
        """Put in a default unless the user has typed something else."""
        current = widget.currentText() if isinstance(widget, QComboBox) else widget.text()
        if current.strip() not in ("", self._auto.get(key, "")):
            return
        if isinstance(widget, QComboBox):
            widget.setCurrentText(value)
        else:
            widget.setText(value)
        self._auto[key] = value

    def _apply_defaults(self, t: EntryType) -> None:
        latest = self._latest(t)
        self._set_default("place", self.place, latest.draft.place if latest else "")
        self._set_default("recorder", self.recorder, latest.draft.recorder if latest else "")
        if t in PARTICIPANT_TYPES:
            host = ""
        elif t is EntryType.GROUP_MEETING:
            host = self._leaders.get(self.group_combo.currentData() or "", "") or self._secretary
        else:
            host = self._secretary or (latest.draft.host if latest else "")
        self._set_default("host", self.host, host)

    def _template(self, t: EntryType) -> tuple[str, str]:
        if t not in self._templates:
            self._templates[t] = records.template_for(self.session.ws, t)
        return self._templates[t]

    def _apply_template(self, t: EntryType) -> None:
        agenda, minutes = self._template(t)
        for key, edit, text in (("agenda", self.agenda, agenda), ("minutes", self.minutes, minutes)):
            if edit.toPlainText().strip() in ("", self._auto.get(key, "").strip()):
                edit.setPlainText(text)
                self._auto[key] = text

    def _people_changed(self) -> None:
        """Who is listed follows the type, the date, the group and the meeting made up."""
        if not self._built:
            return
        t = self.entry_type()
        day = self.entry_date()
        roster = self._source.on(day)
        first, self._people_built = not self._people_built, True
        initial = self._initial_draft
        was_attendance = self.checklist.mode is ChecklistMode.ATTENDANCE
        if t is EntryType.HEART_TALK:
            chosen = (
                initial.participants if first else () if was_attendance else self.checklist.participants()
            )
            self.checklist.set_participants(roster, chosen)
        elif t is EntryType.MAKEUP:
            choice = next((c for c in self._choices if c.entry_uuid == self.makeup_combo.currentData()), None)
            wanted = set(choice.open) if choice else set()
            members = [m for m in roster if m.uuid in wanted]
            chosen = (
                initial.participants if first else () if was_attendance else self.checklist.participants()
            )
            if choice is not None and len(choice.open) == 1 and not chosen:
                chosen = choice.open  # one absentee: surely that one
            self.checklist.set_participants(members, chosen, choice.notes if choice else {})
        else:
            key_draft = EntryDraft(
                t, day, group_uuid=self.group_combo.currentData() if t is EntryType.GROUP_MEETING else None
            )
            key_draft = replace(key_draft, expected=self._kept_roll(key_draft))
            expected = expected_members(key_draft, roster)
            absences = initial.absences if first else self.checklist.absences() if was_attendance else ()
            self.checklist.set_attendance(expected, absences)
        if t is EntryType.MEMBER_REVIEW:
            expected = expected_members(EntryDraft(t, day), roster)
            self.grades.set_members(expected, initial.grades if first else self.grades.grades())
            rule = load_rulebook().judging("review_excellent_limit", day)[0]
            full = sum(1 for m in expected if m.status is Status.FULL)
            self.grades.set_limit(full * rule["numerator"] // rule["denominator"])
        self.resolutions.set_candidates(
            ResolutionKind.FULL_MEMBERSHIP,
            [(m.uuid, m.name) for m in roster if m.status is Status.PROBATIONARY],
        )
        full_members = {m.uuid for m in roster if m.status is Status.FULL}
        self.resolutions.set_candidates(
            ResolutionKind.ADMISSION,
            [(m.uuid, m.name) for m in self._source.members if m.uuid not in full_members],
        )
        self._recompute()

    def add_resolution(self) -> None:
        self.tabs.setCurrentWidget(self.resolutions)
        self.resolutions.add()

    # -- live results and checks ------------------------------------------------------------------

    def _recompute(self) -> None:
        if not self._built:
            return
        draft, unreadable = self.read_draft()
        facts = records.entry_facts("", draft, self._source)
        att = facts.attendance
        t = draft.type
        if t in PARTICIPANT_TYPES:
            self.counts.setText(f"{'谈话' if t is EntryType.HEART_TALK else '补学'} {len(att.expected)} 人")
        else:
            text = f"应到 {len(att.expected)} 人，实到 {len(att.present)} 人，缺席 {len(att.absent)} 人"
            if att.entitled_voters != len(att.expected):
                text += f"（其中有表决权：应到 {att.entitled_voters} 人，实到 {att.present_voters} 人）"
            self.counts.setText(text)
        voting = t in VOTING_TYPES
        if voting and facts.quorum is not None:
            self.quorum.setText(facts.quorum.describe())
            set_role(self.quorum, "ok" if facts.quorum.quorate else "error")
        self.quorum.setVisible(voting and facts.quorum is not None)
        self.resolutions.set_outcomes(facts.outcomes, voting)
        count = len(draft.resolutions)
        self.tabs.setTabText(1, f"决议和表决（{count}）" if count else "决议和表决")
        problems = check_entry(draft, self._source.on(draft.date), self._today)
        self._show_problems(problems, unreadable)

    def _show_problems(self, problems: Sequence[Problem], unreadable: dict[str, str]) -> None:
        sections: dict[str, list[str]] = {
            "header": [],
            "people": [],
            "resolutions": [],
            "grades": [],
            "other": [],
        }
        for key, message in unreadable.items():
            sections["header"].append(f"{key}：{message}")
        for problem in problems:
            prefix = "" if problem.severity is Severity.ERROR else "提醒："
            text = f"{prefix}{problem.field}：{problem.message}"
            if problem.field in HEADER_FIELDS:
                sections["header"].append(text)
            elif problem.field in PEOPLE_FIELDS:
                sections["people"].append(text)
            elif problem.field.startswith("第") and problem.field.endswith("项决议"):
                sections["resolutions"].append(text)
            elif problem.field == "评议等次":
                sections["grades"].append(text)
            else:
                sections["other"].append(text)
        errors = {p.field for p in problems if p.severity is Severity.ERROR} | set(unreadable)
        for key, label in (
            ("header", self.header_message),
            ("people", self.people_message),
            ("resolutions", self.resolutions.message),
            ("grades", self.grades.message),
        ):
            lines = sections[key]
            has_error = any(not line.startswith("提醒：") for line in lines)
            show_message(label, "\n".join(lines), "error" if has_error else "warning")
        show_message(self.general, "\n".join(sections["other"]))
        self._error_fields = errors

    def section_message(self, section: str) -> str:
        """What is shown for a section (header, people, resolutions, grades, general) — for tests."""
        label = {
            "header": self.header_message,
            "people": self.people_message,
            "resolutions": self.resolutions.message,
            "grades": self.grades.message,
            "general": self.general,
        }[section]
        return label.text() if label.isVisibleTo(self) else ""

    # -- saving ---------------------------------------------------------------------------------------

    def save(self) -> bool:
        draft, unreadable = self.read_draft()
        problems = check_entry(draft, self._source.on(draft.date), self._today)
        self._show_problems(problems, unreadable)
        if unreadable or any(p.severity is Severity.ERROR for p in problems):
            self._focus_first_error()
            return False
        ws = self.session.ws
        try:
            if self.mode is EntryMode.CORRECT:
                assert self.view is not None
                reason = self.reason.text().strip()
                if not reason:
                    show_message(self.reason_message, "请写明更正原因：更正会和原记录一起保留并显示")
                    self.reason.setFocus()
                    return False
                records.correct_entry(ws, self.view.uuid, draft, reason, today=self._today)
                self.saved_uuid = self.view.uuid
            elif self.mode is EntryMode.EDIT:
                assert self.view is not None
                records.update_entry(ws, self.view.uuid, draft, today=self._today)
                self.saved_uuid = self.view.uuid
            else:
                self.saved_uuid = records.add_entry(ws, draft, today=self._today)
        except ValidationFailed as exc:
            self._show_problems(exc.problems, {})
            self._focus_first_error()
            return False
        except UserError as exc:
            show_message(self.general, str(exc))
            return False
        self.session.notify_changed()  # the record book and 首页 reload, then the caller selects the entry
        self.accept()
        return True

    def _focus_first_error(self) -> None:
        fields = self._error_fields
        if fields & {"日期"}:
            self.date_edit.setFocus()
        elif fields & {"时间"}:
            self.start.setFocus()
        elif fields & {"党小组"}:
            self.group_combo.setFocus()
        elif fields & {"补学对象"}:
            self.makeup_combo.setFocus()
        elif fields & PEOPLE_FIELDS:
            self.checklist.setFocus()
        elif any(f.endswith("项决议") for f in fields):
            self.tabs.setCurrentWidget(self.resolutions)
        elif "评议等次" in fields:
            self.tabs.setCurrentWidget(self.grades)

    def save_template(self) -> None:
        t = self.entry_type()
        agenda, minutes = self.agenda.toPlainText().strip(), self.minutes.toPlainText().strip()
        try:
            records.save_template(self.session.ws, t, agenda, minutes)
        except UserError as exc:
            show_message(self.general, str(exc))
            return
        self._templates[t] = (agenda, minutes)
        self._auto["agenda"], self._auto["minutes"] = agenda, minutes
        show_message(
            self.template_message,
            f"已保存为本支部“{ENTRY_TYPE_LABELS[t]}”模板，以后新建时自动填入。",
            "ok",
        )

    def reject(self) -> None:
        """Esc or 取消: ask first if anything was entered, so a slip of the finger loses nothing."""
        if self.has_changes() and not confirm(
            self,
            "放弃未保存的内容？",
            "这条记录还没有保存，关闭后填写的内容会丢失。",
            yes="放弃",
            no="继续填写",
        ):
            return
        super().reject()
