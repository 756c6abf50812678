"""Printed forms: which there are, what each needs, and one entry point that writes any of them.

Each form's data is gathered by a builder in this package's form modules and laid out by `app.io.pdf`.
Everything printed is taken from the data, including the PDF's creation date (the journal head's time),
so printing the same data twice gives the same bytes.
"""

from __future__ import annotations

import datetime as dt
import importlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from app.domain.entries import EntryType
from app.domain.periods import Period, PeriodKind, last_finished
from app.io.pdf.layout import PageSetup, Story, write_pdf
from app.services.branch_profile import load_profile
from app.services.errors import UserError
from app.storage.journal import head_row
from app.storage.workspace import Workspace

FORM_TITLES = {
    "roster": "党员花名册",
    "dues": "党费收缴登记表",
    "signin": "会议签到表",
    "minutes": "会议记录",
    "recordbook": "党支部工作记录本",
    "review": "民主评议结果汇总表",
    "check": "检查报告",
}


@dataclass(frozen=True)
class PlannedMeeting:
    """A meeting not yet held, for its sign-in sheet."""

    type: EntryType
    date: dt.date
    group: str | None = None  # party-group name, for 党小组会
    title: str = ""
    place: str = ""
    start: str | None = None
    host: str = ""


@dataclass(frozen=True)
class PrintRequest:
    form: str
    period: Period | None = None
    entry_uuid: str | None = None  # minutes / sign-in sheet of one entry
    meeting: PlannedMeeting | None = None  # sign-in sheet before a meeting


@dataclass(frozen=True)
class DataStamp:
    """What every form prints about where its data came from."""

    branch_name: str
    branch_code: str
    journal_head: str
    created: dt.datetime  # the journal head's time: the moment the data was last changed

    def setup(self, title: str, **kwargs: object) -> PageSetup:
        return PageSetup(title=title, branch_name=self.branch_name, created=self.created, **kwargs)  # type: ignore[arg-type]


_EPOCH = dt.datetime(2000, 1, 1, tzinfo=dt.UTC)


def data_stamp(ws: Workspace) -> DataStamp:
    profile = load_profile(ws)
    with ws.read() as conn:
        head = head_row(conn)
    digest, at = head if head else ("0" * 64, None)
    created = dt.datetime.fromisoformat(at) if at else _EPOCH
    return DataStamp(profile.name, profile.code, digest, created)


def default_period(form: str, today: dt.date) -> Period:
    """The period a form is for when none is given: this year, or (check report) the last finished quarter."""
    if form == "check":
        return last_finished(PeriodKind.QUARTER, today)
    return Period.year(today.year)


Layout = tuple[PageSetup, Story]
Builder = Callable[[Workspace, PrintRequest, DataStamp, dt.date], Layout]


# form → (module, builder). Imported on use: the form modules import this one for DataStamp.
_BUILDERS = {
    "roster": ("app.services.form_roster", "build"),
    "dues": ("app.services.form_dues", "build"),
    "signin": ("app.services.form_meetings", "build_signin"),
    "minutes": ("app.services.form_minutes", "build"),
    "recordbook": ("app.services.form_record_book", "build"),
    "review": ("app.services.form_meetings", "build_review"),
    "check": ("app.services.form_check", "build"),
}


def _builder(form: str) -> Builder:
    module, name = _BUILDERS[form]
    return getattr(importlib.import_module(module), name)  # type: ignore[no-any-return]


def layout_form(ws: Workspace, request: PrintRequest, today: dt.date | None = None) -> Layout:
    if request.form not in FORM_TITLES:
        raise UserError(f"没有这种表格：{request.form}（可选：{'、'.join(FORM_TITLES)}）")
    today = today or dt.date.today()
    return _builder(request.form)(ws, request, data_stamp(ws), today)


def print_form(
    ws: Workspace,
    request: PrintRequest,
    target: Path,
    *,
    today: dt.date | None = None,
    on_page: Callable[[int], None] | None = None,
) -> int:
    """Write the form's PDF to `target` (whole or not at all); returns the page count."""
    setup, story = layout_form(ws, request, today)
    try:
        return write_pdf(Path(target), setup, story, on_page)
    except OSError as exc:
        raise UserError(f"无法写入 {target}：{exc.strerror or exc}") from None
