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
