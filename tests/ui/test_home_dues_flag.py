"""The home page names members with six consecutive months of unpaid dues (issue 4: shown on 首页)."""

import datetime as dt

from pytestqt.qtbot import QtBot

from app.domain.members import Category
from app.domain.periods import month_code, month_of
from app.services import dues
from app.ui.home_page import HomePage
from app.ui.session import Session
from tests.fixtures.branch import Branch


def test_six_months_unpaid_is_named_on_the_home_page(
    qtbot: QtBot, branch: Branch, branch_session: Session
) -> None:
    start = month_code(month_of(dt.date.today()) - 7)
    dues.add_base(branch_session.ws, branch.ids["党员丁"], start, Category.EMPLOYED, gross="4800")
    home = HomePage(branch_session)
    qtbot.addWidget(home)
    home.show()
    qtbot.waitUntil(lambda: home.dashboard is not None, timeout=10_000)
    assert home.dues_flags.isVisible()
    assert "党员丁" in home.dues_flags.text() and "不会自动除名" in home.dues_flags.text()


def test_overdue_meetings_are_summarised_by_kind_and_month(
    qtbot: QtBot, branch: Branch, branch_session: Session
) -> None:
    from app.domain.entries import EntryDraft, EntryType
    from app.domain.periods import Period, PeriodKind
    from app.services.records import add_entry

    today = dt.date.today()
    if today.month < 3:  # the summary is about this year's ended months; make sure one has ended
        today = dt.date(today.year, 3, 15)
    first = dt.date(today.year, 1, 10)
    add_entry(
        branch_session.ws,
        EntryDraft(EntryType.THEME_DAY, first, host="书记甲", recorder="组织乙", topics=("学习",)),
        today=today,
    )
    home = HomePage(branch_session)
    qtbot.addWidget(home)
    home.show()
    qtbot.waitUntil(lambda: home.dashboard is not None, timeout=10_000)
    board = home.dashboard
    assert board is not None
    february = Period.containing(dt.date(today.year, 2, 1), PeriodKind.MONTH)
    missed = [o for o in board.overdue() if o.what == "主题党日"]
    if dt.date.today() > february.end:
        assert february in [o.period for o in missed]
        assert "主题党日：" in home.overdue.text() and "2月" in home.overdue.text()
    assert all(o.period.start >= dt.date(today.year, 1, 1) for o in board.overdue())
