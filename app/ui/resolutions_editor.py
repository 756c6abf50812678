"""决议与表决: one card per resolution (text, kind, candidate; votes in person and in writing) with its
result worked out live from the attendance, under the votes in green (通过) or red (未通过)."""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QScrollArea,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from app.domain.entries import RESOLUTION_KIND_LABELS, Resolution, ResolutionKind, VoteOutcome
from app.ui.form_fields import message_label, set_role

KINDS = tuple(ResolutionKind)
VOTE_FIELDS = ("yes", "no", "abstain", "written_yes", "written_no", "written_abstain")
VOTE_HEADERS = ("赞成", "反对", "弃权", "书面赞成", "书面反对", "书面弃权")
NOT_RECORDED = "尚未填写表决票数"


@dataclass
class ResolutionRow:
    box: QGroupBox
    text: QLineEdit
    kind: QComboBox
    candidate: QComboBox
    votes: dict[str, QSpinBox]
    result: QLabel
    remove: QPushButton

    def widgets(self) -> list[QWidget]:
        return [self.text, self.kind, self.candidate, *self.votes.values(), self.remove]


class ResolutionsEditor(QWidget):
    changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.rows: list[ResolutionRow] = []
        self._candidates: dict[ResolutionKind, list[tuple[str, str]]] = {k: [] for k in KINDS}
        self._cards = QVBoxLayout()
        self._cards.setContentsMargins(0, 0, 0, 0)
        self.empty = QLabel("没有表决事项。需要表决时点“添加决议”（Ctrl+R）。")
        set_role(self.empty, "hint")
        self._cards.addWidget(self.empty)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        holder = QWidget()
        holder_layout = QVBoxLayout(holder)
        holder_layout.setContentsMargins(4, 4, 4, 4)
        holder_layout.addLayout(self._cards)
        holder_layout.addStretch(1)
        scroll.setWidget(holder)
        self.add_button = QPushButton("添加决议")
        self.add_button.setAutoDefault(False)
        self.add_button.setToolTip("添加一项表决事项（Ctrl+R）")
        self.add_button.clicked.connect(lambda: self.add())
        note = QLabel(
            "通过的条件：赞成票（含书面意见）超过应到会有表决权党员的半数，不是实到人数的半数；"
            "接收预备党员、预备党员转正须逐个表决。"
        )
        note.setWordWrap(True)
        set_role(note, "hint")
        self.message = message_label("error", self)
        buttons = QHBoxLayout()
        buttons.addWidget(self.add_button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(scroll, 1)
        layout.addWidget(self.message)
        layout.addLayout(buttons)
        layout.addWidget(note)

    # -- candidates ---------------------------------------------------------------------------

    def set_candidates(self, kind: ResolutionKind, people: Sequence[tuple[str, str]]) -> None:
        """(uuid, name) of whom a vote of this kind can be about."""
        self._candidates[kind] = list(people)
        for row in self.rows:
            if KINDS[row.kind.currentIndex()] is kind:
                self._fill_candidates(row)

    def _fill_candidates(self, row: ResolutionRow, chosen: str | None = None) -> None:
        kind = KINDS[row.kind.currentIndex()]
        current = chosen if chosen is not None else row.candidate.currentData()
        row.candidate.blockSignals(True)
        row.candidate.clear()
        if kind is ResolutionKind.GENERAL:
            row.candidate.addItem("—", None)
        else:
            row.candidate.addItem("请选择", None)
            for uuid, name in self._candidates[kind]:
                row.candidate.addItem(name, uuid)
            index = row.candidate.findData(current) if current else 0
            row.candidate.setCurrentIndex(max(index, 0))
        row.candidate.setEnabled(kind is not ResolutionKind.GENERAL)
        row.candidate.blockSignals(False)

    # -- rows -----------------------------------------------------------------------------------

    def set_resolutions(self, resolutions: Sequence[Resolution]) -> None:
        while self.rows:
            self._remove_row(self.rows[-1], notify=False)
        for resolution in resolutions:
            self.add(resolution, notify=False)

    def add(self, resolution: Resolution | None = None, notify: bool = True) -> ResolutionRow:
        r = resolution or Resolution("", recorded=False)
        text = QLineEdit(r.text)
        text.setPlaceholderText("决议内容，如：同意张三同志按期转为正式党员")
        kind = QComboBox()
        for value in KINDS:
            kind.addItem(RESOLUTION_KIND_LABELS[value], value)
        kind.setCurrentIndex(KINDS.index(r.kind))
        kind.setToolTip("接收预备党员、预备党员转正须逐人表决，并选择表决对象")
        candidate = QComboBox()
        candidate.setMinimumContentsLength(4)
        candidate.setToolTip("表决对象")
        votes = {}
        for name in VOTE_FIELDS:
            spin = QSpinBox()
            spin.setRange(0, 9999)
            spin.setMaximumWidth(spin.fontMetrics().horizontalAdvance("0000") + 36)
            spin.setValue(getattr(r, name))
            spin.setToolTip(
                "缺席党员会前交来的书面表决意见" if name.startswith("written") else "现场表决票数"
            )
            votes[name] = spin
        result = QLabel()
        result.setWordWrap(True)
        remove = QPushButton("删除")
        remove.setAutoDefault(False)
        remove.setToolTip("删除这项决议")
        box = QGroupBox()
        first = QHBoxLayout()
        first.addWidget(text, 1)
        first.addWidget(kind)
        first.addWidget(candidate)
        first.addWidget(remove)
        card = QVBoxLayout(box)
        card.addLayout(first)
        for title, names in (("现场表决：", VOTE_FIELDS[:3]), ("书面意见：", VOTE_FIELDS[3:])):
            line = QHBoxLayout()
            line.addWidget(QLabel(title))
            for name in names:
                line.addWidget(QLabel(VOTE_HEADERS[VOTE_FIELDS.index(name)].removeprefix("书面")))
                line.addWidget(votes[name])
                line.addSpacing(6)
            if title.startswith("书面"):
                hint = QLabel("（缺席的有表决权党员会前交来的）")
                set_role(hint, "hint")
                line.addWidget(hint)
            line.addStretch(1)
            card.addLayout(line)
        card.addWidget(result)
        row = ResolutionRow(box, text, kind, candidate, votes, result, remove)
        self.rows.append(row)
        self._cards.addWidget(box)
        self._fill_candidates(row, r.candidate_uuid)
        self._renumber()
        text.textChanged.connect(self.changed)
        kind.currentIndexChanged.connect(lambda _i, row=row: self._kind_changed(row))
        candidate.currentIndexChanged.connect(self.changed)
        for spin in votes.values():
            spin.valueChanged.connect(self.changed)
        remove.clicked.connect(lambda _c=False, row=row: self._remove_row(row))
        if notify:
            text.setFocus()
            self.changed.emit()
        return row

    def _kind_changed(self, row: ResolutionRow) -> None:
        self._fill_candidates(row)
        self.changed.emit()

    def _remove_row(self, row: ResolutionRow, notify: bool = True) -> None:
        self.rows.remove(row)
        self._cards.removeWidget(row.box)
        row.box.deleteLater()
        self._renumber()
        if notify:
            self.changed.emit()

    def _renumber(self) -> None:
        """Titles 第1项 … and Tab through each card in order, then to 添加决议."""
        self.empty.setVisible(not self.rows)
        for index, row in enumerate(self.rows, start=1):
            row.box.setTitle(f"第{index}项决议")
        chain = [w for row in self.rows for w in row.widgets()] + [self.add_button]
        for first, second in itertools.pairwise(chain):
            QWidget.setTabOrder(first, second)

    # -- reading and results --------------------------------------------------------------------

    def resolutions(self) -> tuple[Resolution, ...]:
        out = []
        for row in self.rows:
            counts = {name: spin.value() for name, spin in row.votes.items()}
            out.append(
                Resolution(
                    row.text.text().strip(),
                    kind=KINDS[row.kind.currentIndex()],
                    candidate_uuid=row.candidate.currentData(),
                    recorded=any(counts.values()),
                    **counts,
                )
            )
        return tuple(out)

    def set_outcomes(self, outcomes: Sequence[VoteOutcome], voting: bool) -> None:
        resolutions = self.resolutions()
        for index, row in enumerate(self.rows):
            if index >= len(outcomes) or not voting:
                row.result.setText("此类活动一般不作表决" if not voting else "")
                set_role(row.result, "warning")
                continue
            outcome, resolution = outcomes[index], resolutions[index]
            if not resolution.recorded:
                row.result.setText(NOT_RECORDED)
                set_role(row.result, "hint")
            else:
                row.result.setText(outcome.describe())
                set_role(row.result, "ok" if outcome.passed else "error")

    def result_texts(self) -> list[str]:
        return [row.result.text() for row in self.rows]
