"""The first-run wizard (also 文件 → 新建工作区…): create a branch or committee workspace, or open one."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

from PySide6.QtWidgets import (
    QButtonGroup,
    QComboBox,
    QDateEdit,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
    QWidget,
    QWizard,
    QWizardPage,
)

from app.domain.branch import BRANCH_CLASS_LABELS, BranchClass
from app.services import workspaces
from app.services.errors import UserError
from app.storage.workspace import Workspace
from app.ui.form_fields import FieldBox, set_role, to_qdate

FILE_FILTER = "支部记录本工作区 (*.branchbook)"
_UNSAFE_IN_FILE_NAME = re.compile(r'[<>:"/\\|?*\x00-\x1f]')


def default_path(name: str, fallback: str) -> Path:
    """A free file name under the user data folder, named after the branch."""
    stem = _UNSAFE_IN_FILE_NAME.sub("", name).strip(" .") or fallback
    folder = workspaces.data_dir()
    path = folder / f"{stem}{workspaces.WORKSPACE_SUFFIX}"
    n = 2
    while path.exists():
        path = folder / f"{stem}（{n}）{workspaces.WORKSPACE_SUFFIX}"
        n += 1
    return path


def with_suffix(text: str) -> Path:
    path = Path(text.strip()).expanduser()
    if path.suffix.lower() != workspaces.WORKSPACE_SUFFIX:
        path = path.with_name(path.name + workspaces.WORKSPACE_SUFFIX)
    return path


class _PathField(QWidget):
    """A file path with a 浏览… button; follows a suggested name until the user edits it."""

    def __init__(self, save: bool, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._save = save
        self._user_chose = False
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.edit = QLineEdit()
        self.edit.textEdited.connect(self._on_edited)
        self.browse = QPushButton("浏览…")
        self.browse.setAutoDefault(False)
        self.browse.clicked.connect(self._browse)
        layout.addWidget(self.edit, 1)
        layout.addWidget(self.browse)
        self.setFocusProxy(self.edit)

    def _on_edited(self) -> None:
        self._user_chose = True

    def suggest(self, path: Path) -> None:
        if not self._user_chose:
            self.edit.setText(str(path))

    def _browse(self) -> None:
        start = self.edit.text() or str(workspaces.data_dir())
        if self._save:
            chosen, _ = QFileDialog.getSaveFileName(self, "保存工作区", start, FILE_FILTER)
        else:
            chosen, _ = QFileDialog.getOpenFileName(self, "打开工作区", start, FILE_FILTER)
        if chosen:
            self._user_chose = True
            self.edit.setText(chosen)


class ChoicePage(QWizardPage):
    NEW_BRANCH, NEW_COMMITTEE, OPEN = range(3)

    def __init__(self, intro: str) -> None:
        super().__init__()
        self.setTitle("开始使用支部记录本")
        self.setSubTitle(intro)
        layout = QVBoxLayout(self)
        self.group = QButtonGroup(self)
        choices = [
            ("新建支部工作区", "本支部的记录本：党员名册、会议记录、党费。支部书记或组织委员选这一项。"),
            ("新建上级党委工作区", "接收、核验和汇总各支部上报的数据。党委（党总支）工作人员选这一项。"),
            ("打开已有工作区", "打开已有的 .branchbook 文件，例如从另一台电脑拷来的记录本。"),
        ]
        for value, (text, explanation) in enumerate(choices):
            button = QRadioButton(text)
            self.group.addButton(button, value)
            hint = QLabel(explanation)
            hint.setWordWrap(True)
            hint.setIndent(24)
            set_role(hint, "hint")
            layout.addWidget(button)
            layout.addWidget(hint)
            layout.addSpacing(6)
        layout.addStretch(1)
        self.group.button(self.NEW_BRANCH).setChecked(True)

    def nextId(self) -> int:
        return {
            self.NEW_BRANCH: WorkspaceWizard.PAGE_BRANCH,
            self.NEW_COMMITTEE: WorkspaceWizard.PAGE_COMMITTEE,
            self.OPEN: WorkspaceWizard.PAGE_OPEN,
        }[self.group.checkedId()]


class _CreatePage(QWizardPage):
    """Shared by the branch and committee pages: fields with inline errors, then create."""

    def __init__(self) -> None:
        super().__init__()
        self.form = QFormLayout(self)
        self.form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.ExpandingFieldsGrow)
        self.setButtonText(QWizard.WizardButton.FinishButton, "创建")

    def nextId(self) -> int:
        return -1

    def _wizard(self) -> WorkspaceWizard:
        wizard = self.wizard()
        assert isinstance(wizard, WorkspaceWizard)
        return wizard

    def _required(self, box: FieldBox, message: str) -> bool:
        editor = box.editor
        assert isinstance(editor, QLineEdit)
        if editor.text().strip():
            box.clear()
            return True
        box.set_problems([message], [])
        return False

    # Subclasses set these and implement _create.
    name_box: FieldBox
    code_box: FieldBox
    path_box: FieldBox
    path: _PathField
    name_missing = ""
    code_missing = ""

    def _create(self, path: Path) -> Workspace:
        raise TypeError("subclasses create the workspace")

    def validatePage(self) -> bool:
        ok = self._required(self.name_box, self.name_missing)
        ok = self._required(self.code_box, self.code_missing) and ok
        if not self.path.edit.text().strip():
            self.path_box.set_problems(["请选择保存位置"], [])
            return False
        self.path_box.clear()
        if not ok:
            return False
        try:
            ws = self._create(with_suffix(self.path.edit.text()))
        except UserError as exc:
            self.path_box.set_problems([str(exc)], [])
            return False
        self._wizard().workspace = ws
        return True


class BranchPage(_CreatePage):
    def __init__(self) -> None:
        super().__init__()
        self.setTitle("新建支部工作区")
        self.setSubTitle("以后可以在“设置 → 支部信息”中修改这些内容。")
        self.name = QLineEdit()
        self.name.setPlaceholderText("如：第三车间党支部")
        self.code = QLineEdit()
        self.code.setPlaceholderText("上级党委分配的编号")
        self.org_class = QComboBox()
        self.org_class.addItem("暂不填写", None)
        for value, label in BRANCH_CLASS_LABELS.items():
            self.org_class.addItem(label, int(value))
        self.committee = QLineEdit()
        self.committee.setPlaceholderText("如：某某公司党委")
        today = dt.date.today()
        self.started_on = QDateEdit(to_qdate(today))
        self.started_on.setCalendarPopup(True)
        self.started_on.setDisplayFormat("yyyy年M月d日")
        self.started_on.setMaximumDate(to_qdate(today))
        self.started_on.setToolTip("此日之前的会议和党费没有在本软件中记录，检查时显示为“未录入”，不算违规")
        self.path = _PathField(save=True)
        self.name_box, self.code_box = FieldBox(self.name), FieldBox(self.code)
        self.path_box = FieldBox(self.path)
        self.form.addRow("支部名称：", self.name_box)
        self.form.addRow("支部代码：", self.code_box)
        self.form.addRow("支部类别：", self.org_class)
        self.form.addRow("上级党委：", self.committee)
        self.form.addRow("开始使用日期：", self.started_on)
        self.form.addRow("保存位置：", self.path_box)
        self.name.textChanged.connect(lambda text: self.path.suggest(default_path(text, "支部记录本")))

    def initializePage(self) -> None:
        self.path.suggest(default_path(self.name.text(), "支部记录本"))

    name_missing = "请填写支部名称"
    code_missing = "请填写支部代码（上级党委分配的编号）"

    def _create(self, path: Path) -> Workspace:
        value = self.org_class.currentData()
        return workspaces.create_branch(
            path,
            name=self.name.text(),
            code=self.code.text(),
            org_class=BranchClass(value) if value else None,
            higher_committee=self.committee.text(),
            started_on=self.started_on.date().toPython(),
        )


class CommitteePage(_CreatePage):
    def __init__(self) -> None:
        super().__init__()
        self.setTitle("新建上级党委工作区")
        self.setSubTitle("用于接收和汇总所属各支部上报的数据。")
        self.name = QLineEdit()
        self.name.setPlaceholderText("如：某某公司党委")
        self.code = QLineEdit()
        self.path = _PathField(save=True)
        self.name_box, self.code_box = FieldBox(self.name), FieldBox(self.code)
        self.path_box = FieldBox(self.path)
        self.form.addRow("党委名称：", self.name_box)
        self.form.addRow("党委代码：", self.code_box)
        self.form.addRow("保存位置：", self.path_box)
        self.name.textChanged.connect(lambda text: self.path.suggest(default_path(text, "上级党委")))

    def initializePage(self) -> None:
        self.path.suggest(default_path(self.name.text(), "上级党委"))

    name_missing = "请填写党委名称"
    code_missing = "请填写党委代码"

    def _create(self, path: Path) -> Workspace:
        return workspaces.create_committee(path, name=self.name.text(), code=self.code.text())


class OpenPage(QWizardPage):
    def __init__(self) -> None:
        super().__init__()
        self.setTitle("打开已有工作区")
        self.setSubTitle("选择扩展名为 .branchbook 的工作区文件。")
        self.setButtonText(QWizard.WizardButton.FinishButton, "打开")
        form = QFormLayout(self)
        self.path = _PathField(save=False)
        self.path_box = FieldBox(self.path)
        form.addRow("工作区文件：", self.path_box)

    def nextId(self) -> int:
        return -1

    def validatePage(self) -> bool:
        text = self.path.edit.text().strip()
        if not text:
            self.path_box.set_problems(["请选择要打开的工作区文件"], [])
            return False
        try:
            ws = workspaces.open_existing(Path(text).expanduser())
        except UserError as exc:
            self.path_box.set_problems([str(exc)], [])
            return False
        self.path_box.clear()
        wizard = self.wizard()
        assert isinstance(wizard, WorkspaceWizard)
        wizard.workspace = ws
        return True


class WorkspaceWizard(QWizard):
    """`workspace` holds the created or opened workspace after exec() returns Accepted."""

    PAGE_CHOICE, PAGE_BRANCH, PAGE_COMMITTEE, PAGE_OPEN = range(4)

    def __init__(self, parent: QWidget | None = None, intro: str = "欢迎使用。请选择要做什么：") -> None:
        super().__init__(parent)
        self.setWindowTitle("支部记录本 — 工作区")
        self.setWizardStyle(QWizard.WizardStyle.ClassicStyle)
        self.setOption(QWizard.WizardOption.NoBackButtonOnStartPage, True)
        for button, text in (
            (QWizard.WizardButton.NextButton, "下一步"),
            (QWizard.WizardButton.BackButton, "上一步"),
            (QWizard.WizardButton.FinishButton, "完成"),
            (QWizard.WizardButton.CancelButton, "取消"),
        ):
            self.setButtonText(button, text)
        self.workspace: Workspace | None = None
        self.choice_page = ChoicePage(intro)
        self.branch_page = BranchPage()
        self.committee_page = CommitteePage()
        self.open_page = OpenPage()
        self.setPage(self.PAGE_CHOICE, self.choice_page)
        self.setPage(self.PAGE_BRANCH, self.branch_page)
        self.setPage(self.PAGE_COMMITTEE, self.committee_page)
        self.setPage(self.PAGE_OPEN, self.open_page)
        self.setStartId(self.PAGE_CHOICE)
        self.resize(640, 460)
