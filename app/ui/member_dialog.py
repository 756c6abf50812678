"""Add or edit one member: every field of MemberDraft, checked as the user leaves each field."""

from __future__ import annotations

import itertools

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLineEdit,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from app.domain.id_number import IdNumberError, normalise_id_number, parse_id_number
from app.domain.members import (
    CATEGORY_LABELS,
    FIELD_LABELS,
    STATUS_LABELS,
    MemberDraft,
    Post,
    Status,
    parse_posts,
    posts_text,
)
from app.domain.partial_date import DateFormatError, PartialDate, parse_partial_date
from app.domain.problems import Problem, Severity
from app.services import roster
from app.services.errors import UserError, ValidationFailed
from app.services.roster import MemberView
from app.ui.form_fields import FieldBox, message_label, show_message
from app.ui.messages import confirm
from app.ui.session import Session

_ETHNICITY_TEXT = (  # the 56 ethnic groups, 汉族 first
    "汉族 蒙古族 回族 藏族 维吾尔族 苗族 彝族 壮族 布依族 朝鲜族 满族 侗族 "
    "瑶族 白族 土家族 哈尼族 哈萨克族 傣族 黎族 傈僳族 佤族 畲族 高山族 "
    "拉祜族 水族 东乡族 纳西族 景颇族 柯尔克孜族 土族 达斡尔族 仫佬族 羌族 "
    "布朗族 撒拉族 毛南族 仡佬族 锡伯族 阿昌族 普米族 塔吉克族 怒族 "
    "乌孜别克族 俄罗斯族 鄂温克族 德昂族 保安族 裕固族 京族 塔塔尔族 独龙族 "
    "鄂伦春族 赫哲族 门巴族 珞巴族 基诺族"
)
ETHNICITIES = _ETHNICITY_TEXT.split()
EDUCATION = ("研究生", "大学本科", "大学专科", "中专", "高中", "初中及以下")
DATE_KEYS = ("birth_date", "work_start", "joined_on", "full_on")
DATE_HINT = "如 1985.03、1985年3月；不详可空着"
FULL_ON_HINT = "不详可空着（按入党满预备期起有表决权）"
_KEY_BY_LABEL = {label: key for key, label in FIELD_LABELS.items()}


def _combo(items: list[str], editable: bool, placeholder: str = "") -> QComboBox:
    combo = QComboBox()
    combo.setEditable(editable)
    combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
    if editable:  # free text needs room; a fixed choice is as wide as its longest item
        combo.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
    combo.addItems(items)
    if editable:
        combo.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        combo.setCurrentIndex(-1)
        combo.lineEdit().setPlaceholderText(placeholder)
    return combo


class MemberDialog(QDialog):
    """After exec() returns Accepted, `saved_uuid` is the member's uuid."""

    def __init__(
        self,
        session: Session,
        member: MemberView | None = None,
        groups: list[str] | None = None,
        teams: list[str] | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.session = session
        self._uuid = member.uuid if member else None
        self._groups = list(groups or [])
        self.saved_uuid: str | None = None
        self._touched: set[str] = set()
        self.setWindowTitle(f"编辑党员 — {member.name}" if member else "新增党员")

        self.name = QLineEdit()
        self.gender = _combo(["未填", "男", "女"], editable=False)
        self.ethnicity = _combo(list(ETHNICITIES), editable=True, placeholder="如：汉族")
        self.id_number = QLineEdit()
        self.id_number.setPlaceholderText("18位，末位可为X；填好后自动带出性别和出生日期")
        self.birth_date = QLineEdit()
        self.education = _combo(list(EDUCATION), editable=True)
        self.native_place = QLineEdit()
        self.work_start = QLineEdit()
        self.job = QLineEdit()
        self.status = _combo([STATUS_LABELS[Status.FULL], STATUS_LABELS[Status.PROBATIONARY]], editable=False)
        self.joined_on = QLineEdit()
        self.full_on = QLineEdit()
        self.category = _combo(["未填", *CATEGORY_LABELS.values()], editable=False)
        self.post = _combo(["无", *(p.value for p in Post)], editable=False)
        self.other_posts = QLineEdit()
        self.other_posts.setPlaceholderText("同时担任的职务，如：委员；没有可空着")
        self.in_branch_from = QLineEdit()
        self.in_branch_from.setPlaceholderText("如 2026.03.01；本支部发展的党员填入党日期")
        self.group = _combo(self._groups, editable=True, placeholder="不属于党小组可空着")
        self.team = _combo(list(teams or []), editable=True, placeholder="可空着")
        self.phone = QLineEdit()
        self.is_mobile = QCheckBox("是流动党员")
        self.mobile_to = QLineEdit()
        self.mobile_to.setPlaceholderText("外出流向，如：江苏南京（外派项目）")
        self.note = QLineEdit()
        for key in DATE_KEYS:
            self._editor(key).setPlaceholderText(DATE_HINT)

        self.boxes: dict[str, FieldBox] = {}
        basic = self._group_box(
            "基本信息",
            [
                "name",
                "gender",
                "ethnicity",
                "id_number",
                "birth_date",
                "education",
                "native_place",
                "work_start",
                "job",
                "category",
                "note",
            ],
        )
        party = self._group_box(
            "党籍信息",
            ["status", "joined_on", "full_on", "in_branch_from", "post", "other_posts"],
        )
        organisation = self._group_box("组织与联系", ["group", "team", "phone", "is_mobile", "mobile_to"])
        self.general = message_label("error", self)

        buttons = QDialogButtonBox()
        self.save_button = buttons.addButton("保存", QDialogButtonBox.ButtonRole.AcceptRole)
        self.cancel_button = buttons.addButton("取消", QDialogButtonBox.ButtonRole.RejectRole)
        self.save_button.setDefault(True)
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)

        columns = QHBoxLayout()
        columns.addWidget(basic, 1)
        right = QVBoxLayout()
        right.addWidget(party)
        right.addWidget(organisation)
        right.addStretch(1)
        columns.addLayout(right, 1)
        layout = QVBoxLayout(self)
        layout.addLayout(columns)
        layout.addWidget(self.general)
        layout.addWidget(buttons)

        self._order_tabs()
        self._connect()
        if member is not None:
            self._fill(member.draft)
        self._status_changed()
        self._mobile_changed()
        self.resize(980, 600)
        self.name.setFocus()

    # -- building ------------------------------------------------------------------------------

    def _editor(self, key: str) -> QLineEdit:
        editor = getattr(self, key)
        assert isinstance(editor, QLineEdit)
        return editor

    def _group_box(self, title: str, keys: list[str]) -> QGroupBox:
        box = QGroupBox(title)
        form = QFormLayout(box)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.ExpandingFieldsGrow)
        form.setLabelAlignment(Qt.AlignmentFlag.AlignRight)
        for key in keys:
            field = FieldBox(getattr(self, key))
            self.boxes[key] = field
            form.addRow("" if key == "is_mobile" else f"{FIELD_LABELS[key]}：", field)
        return box

    def _order_tabs(self) -> None:
        """Tab follows the form: down the left column, then down the right one, then the buttons."""
        chain: list[QWidget] = [self.boxes[k].editor for k in self.boxes]
        chain += [self.save_button, self.cancel_button]
        for first, second in itertools.pairwise(chain):
            QWidget.setTabOrder(first, second)

    def _connect(self) -> None:
        for key, box in self.boxes.items():
            editor = box.editor
            if isinstance(editor, QLineEdit):
                editor.editingFinished.connect(lambda key=key: self._left(key))
            elif isinstance(editor, QComboBox):
                editor.currentIndexChanged.connect(lambda _i, key=key: self._left(key))
                if editor.isEditable():
                    editor.lineEdit().editingFinished.connect(lambda key=key: self._left(key))
        self.id_number.editingFinished.connect(self._fill_from_id)
        self.status.currentIndexChanged.connect(self._status_changed)
        self.is_mobile.toggled.connect(self._mobile_changed)
        self.group.currentTextChanged.connect(self._group_changed)

    def _fill(self, draft: MemberDraft) -> None:
        self.name.setText(draft.name)
        self.gender.setCurrentIndex({"男": 1, "女": 2}.get(draft.gender, 0))
        self.ethnicity.setCurrentText(draft.ethnicity)
        self.id_number.setText(draft.id_number)
        self.education.setCurrentText(draft.education)
        self.native_place.setText(draft.native_place)
        self.job.setText(draft.job)
        self.status.setCurrentIndex(0 if draft.status is Status.FULL else 1)
        self.category.setCurrentIndex(
            list(CATEGORY_LABELS).index(draft.category) + 1 if draft.category else 0
        )
        self.post.setCurrentIndex(list(Post).index(draft.post) + 1 if draft.post else 0)
        self.other_posts.setText(posts_text(draft.other_posts))
        self.in_branch_from.setText(f"{draft.in_branch_from:%Y.%m.%d}" if draft.in_branch_from else "")
        self.group.setCurrentText(draft.group)
        self.team.setCurrentText(draft.team)
        self.phone.setText(draft.phone)
        self.is_mobile.setChecked(draft.is_mobile)
        self.mobile_to.setText(draft.mobile_to)
        self.note.setText(draft.note)
        for key in DATE_KEYS:
            value = getattr(draft, key)
            self._editor(key).setText(value.display() if value else "")
        self._touched.clear()  # filling is not the user's doing

    # -- reactions -------------------------------------------------------------------------------

    def _status_changed(self) -> None:
        probationary = self.status.currentIndex() == 1
        self.full_on.setEnabled(not probationary)
        self.full_on.setPlaceholderText("预备党员不填" if probationary else FULL_ON_HINT)

    def _mobile_changed(self) -> None:
        self.mobile_to.setEnabled(self.is_mobile.isChecked())

    def _group_changed(self, text: str) -> None:
        text = text.strip()
        if text and text not in self._groups and not self.boxes["group"].shown()[1]:
            show_message(self.boxes["group"].message, f"保存时将新建党小组“{text}”", "hint")
        elif self.boxes["group"].message.property("role") == "hint":
            self.boxes["group"].clear()

    def _fill_from_id(self) -> None:
        """A valid ID fills an empty 性别 and 出生日期 where the user can see them."""
        if not self.isVisible():
            return
        try:
            parsed = parse_id_number(self.id_number.text())
        except IdNumberError:
            return
        self.id_number.setText(parsed.value)
        if self.gender.currentIndex() == 0:
            self.gender.setCurrentIndex(1 if parsed.gender == "男" else 2)
        if not self.birth_date.text().strip():
            self.birth_date.setText(PartialDate.of(parsed.birth_date).display())
        self._touched.update({"gender", "birth_date"})
        self._check(only_touched=True)

    def _left(self, key: str) -> None:
        if not self.isVisible():  # focus leaves fields as the dialog closes; nothing to check then
            return
        self._touched.add(key)
        self._check(only_touched=True)

    # -- checking ---------------------------------------------------------------------------------

    def read_draft(self) -> tuple[MemberDraft, dict[str, str]]:
        """The form as a draft, and the fields whose text could not be read (key → message)."""
        unreadable: dict[str, str] = {}
        dates: dict[str, PartialDate | None] = {}
        for key in DATE_KEYS:
            try:
                dates[key] = parse_partial_date(self._editor(key).text())
            except DateFormatError as exc:
                unreadable[key] = str(exc)
                dates[key] = None
        in_branch_from = None
        came_text = self.in_branch_from.text().strip()
        try:
            came = parse_partial_date(came_text)
        except DateFormatError as exc:
            unreadable["in_branch_from"] = str(exc)
        else:
            if came is not None and not came.is_full:
                unreadable["in_branch_from"] = f"请写到日，如 {came.earliest():%Y.%m.%d}"
            elif came is not None:
                in_branch_from = came.earliest()
            elif self._uuid is None:
                unreadable["in_branch_from"] = "新增党员须填写进入本支部的日期（本支部发展的党员填入党日期）"
        other_posts: tuple[Post, ...] = ()
        try:
            other_posts = parse_posts(self.other_posts.text())
        except ValueError as exc:
            unreadable["other_posts"] = str(exc)
        probationary = self.status.currentIndex() == 1
        category = self.category.currentIndex()
        post = self.post.currentIndex()
        draft = MemberDraft(
            name=self.name.text().strip(),
            gender=["", "男", "女"][self.gender.currentIndex()],
            ethnicity=self.ethnicity.currentText().strip(),
            birth_date=dates["birth_date"],
            id_number=normalise_id_number(self.id_number.text()),
            education=self.education.currentText().strip(),
            native_place=self.native_place.text().strip(),
            work_start=dates["work_start"],
            job=self.job.text().strip(),
            post=list(Post)[post - 1] if post > 0 else None,
            other_posts=other_posts,
            category=list(CATEGORY_LABELS)[category - 1] if category > 0 else None,
            phone=self.phone.text().strip(),
            group=self.group.currentText().strip(),
            team=self.team.currentText().strip(),
            is_mobile=self.is_mobile.isChecked(),
            mobile_to=self.mobile_to.text().strip() if self.is_mobile.isChecked() else "",
            note=self.note.text().strip(),
            status=Status.PROBATIONARY if probationary else Status.FULL,
            joined_on=dates["joined_on"],
            full_on=None if probationary else dates["full_on"],
            in_branch_from=in_branch_from,
        )
        return draft, unreadable

    def _check(self, only_touched: bool) -> tuple[list[Problem], dict[str, str]]:
        draft, unreadable = self.read_draft()
        problems = roster.check_draft(self.session.ws, draft, uuid=self._uuid)
        self._show(problems, unreadable, only_touched)
        return problems, unreadable

    def _show(self, problems: list[Problem], unreadable: dict[str, str], only_touched: bool) -> None:
        errors: dict[str, list[str]] = {key: [] for key in self.boxes}
        warnings: dict[str, list[str]] = {key: [] for key in self.boxes}
        general: list[str] = []
        for key, message in unreadable.items():
            errors[key].append(message)
        for problem in problems:
            key = _KEY_BY_LABEL.get(problem.field, "")
            if key in unreadable:
                continue  # "not a date" says it first; the rest follows from it
            if key not in self.boxes:
                general.append(str(problem))
            elif problem.severity is Severity.ERROR:
                errors[key].append(problem.message)
            else:
                warnings[key].append(problem.message)
        for key, box in self.boxes.items():
            if only_touched and key not in self._touched:
                if box.message.property("role") != "hint":
                    box.clear()
                continue
            if errors[key] or warnings[key] or box.message.property("role") != "hint":
                box.set_problems(errors[key], warnings[key])
        show_message(self.general, "\n".join(general))

    def field_message(self, key: str) -> str:
        """The message shown under a field ("" if none) — what the user reads."""
        return self.boxes[key].shown()[0]

    # -- saving -----------------------------------------------------------------------------------

    def save(self) -> None:
        self._touched = set(self.boxes)
        try:
            problems, unreadable = self._check(only_touched=False)
        except UserError as exc:
            show_message(self.general, str(exc))
            return
        if unreadable or any(p.severity is Severity.ERROR for p in problems):
            self._focus_first_error()
            return
        warnings = [p for p in problems if p.severity is Severity.WARNING]
        if warnings and not confirm(
            self,
            "请核对",
            "\n".join(str(p) for p in warnings) + "\n\n核对无误可以仍然保存。",
            yes="仍然保存",
            no="返回修改",
        ):
            return
        draft, _ = self.read_draft()
        try:
            if self._uuid is None:
                self.saved_uuid = roster.add_member(self.session.ws, draft)
            else:
                roster.update_member(self.session.ws, self._uuid, draft)
                self.saved_uuid = self._uuid
        except ValidationFailed as exc:
            self._show(exc.problems, {}, only_touched=False)
            self._focus_first_error()
            return
        except UserError as exc:
            show_message(self.general, str(exc))
            return
        self.accept()
        self.session.notify_changed()  # the roster and 首页 reload

    def _focus_first_error(self) -> None:
        for box in self.boxes.values():
            if box.shown()[1] is Severity.ERROR:
                box.editor.setFocus()
                return
