"""Screenshots of the 党费 page for a visual check (not a test; pytest does not collect it).

    python -m tests.ui.dues_screenshots OUTDIR

A demo workspace in a temp folder gets bases and a year and a half of payments: members paid up,
one under-paid, some unpaid, one prepaid to the year's end, one six months and more behind, a
hardship exemption, voluntary dues and remittances. The page is shown in the main window at 1366×728
(a maximised window on a 1366×768 screen).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import os
import sys
import tempfile
from decimal import Decimal
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QCollator, QLocale

from app.domain.dues import AdjustmentKind, PaymentKind
from app.domain.members import Category
from app.domain.periods import month_code, month_last_day, month_of
from app.services import demo, dues, roster, workspaces
from app.storage.workspace import Workspace
from app.ui import main_window
from app.ui.dues_base_dialog import BaseDialog
from app.ui.dues_dialogs import PayAllDialog, PolicyDialog
from app.ui.dues_page import DuesPage
from app.ui.main_window import MainWindow
from app.ui.qt_app import create_application
from app.ui.session import Session
from tests.ui.screenshots import MAIN_WINDOW, save, settle


def _paid_on(month: int, today: dt.date) -> dt.date:
    """A day in the month paid (the 10th), never after today."""
    return min(month_last_day(month).replace(day=10), today)


def fill_dues(ws: Workspace, today: dt.date | None = None) -> dict[str, str]:
    """Bases and payments for every demo member; returns a few members' uuids by their role.

    Roles go to the first rows of the grid (sorted by name as the grid sorts), so one screen shows them.
    """
    today = today or dt.date.today()
    current = month_of(today)
    start = (today.year - 1) * 12  # January of last year
    collator = QCollator(QLocale(QLocale.Language.Chinese, QLocale.Country.China))
    members = sorted(roster.load_roster(ws), key=lambda m: collator.sortKey(m.name))
    uuids = [m.uuid for m in members]
    roles = {
        "unpaid": uuids[1],
        "flagged": uuids[2],
        "under": uuids[4],
        "prepaid": uuids[6],
        "exempt": uuids[8],
    }
    for i, m in enumerate(members):
        if i in (3, 9):  # a farmer and a student show the fixed amounts
            category = Category.FARMER if i == 3 else Category.STUDENT
            roster.update_member(ws, m.uuid, dataclasses.replace(m.draft, category=category))
            dues.add_base(ws, m.uuid, month_code(start), category, fixed="0.50" if i == 3 else None)
        elif m.draft.category is Category.RETIRED:
            dues.add_base(ws, m.uuid, month_code(start), Category.RETIRED, gross=str(3800 + 170 * i))
        else:
            gross = 2600 + (i * 997) % 11000
            dues.add_base(
                ws,
                m.uuid,
                month_code(start),
                Category.EMPLOYED,
                gross=str(gross),
                income_tax=str(gross // 40),
            )
            if i % 5 == 0:  # a raise paid from July of last year
                roles.setdefault("raised", m.uuid)
                dues.add_base(
                    ws,
                    m.uuid,
                    month_code(start + 6),
                    Category.EMPLOYED,
                    gross=str(gross + 900),
                    income_tax="60",
                )
    dues.add_adjustment(
        ws,
        roles["exempt"],
        month_code(current - 4),
        month_code(current - 1),
        AdjustmentKind.EXEMPT,
        "示例公司党委批准（困难）",
    )
    book = dues.load_dues(ws, current, horizon=today.year * 12 + 11)
    by_uuid = {m.uuid: m for m in book.members}
    last_paid = {roles["unpaid"]: current - 2, roles["flagged"]: current - 9, uuids[11]: current - 1}
    last_paid[roles["prepaid"]] = today.year * 12 + 11
    for i, uuid in enumerate(uuids):
        m = by_uuid[uuid]
        last = last_paid.get(uuid, current if i % 3 else current - 1)
        # Quarterly, as many branches collect: one payment per three months owed.
        owed = [k for k in sorted(m.dues) if k <= last and m.dues[k].amount > 0]
        for q in range(0, len(owed), 3):
            chunk = owed[q : q + 3]
            amount = sum(m.dues[k].amount for k in chunk)
            if uuid == roles["under"] and chunk[-1] >= current - 3:
                amount -= (m.dues[chunk[-1]].amount / 2).quantize(Decimal("0.01"))
            dues.record_payment(
                ws,
                uuid,
                paid_on=_paid_on(min(chunk[0], current), today),
                months=[month_code(k) for k in chunk],
                amount=str(amount),
                receipt=f"No.{q + 1:04d}",
                collector="组织委员 李红",
                method="现金" if q % 2 else "微信",
            )
    for uuid, amount in ((uuids[5], "200"), (uuids[7], "1000")):
        dues.record_payment(
            ws,
            uuid,
            paid_on=today,
            months=[],
            amount=amount,
            kind=PaymentKind.VOLUNTARY,
            collector="组织委员 李红",
        )
    dues.add_remittance(
        ws, dt.date(today.year, 1, 15), "1860.40", str(today.year - 1), "上缴示例公司党委（上年）"
    )
    dues.add_remittance(ws, min(dt.date(today.year, 7, 10), today), "980.00", f"{today.year}-06", "上半年")
    dues.add_remittance(ws, today, "1000.00", str(today.year), "大额党费，全额上缴")
    return roles


def save_dues_screenshots(outdir: Path | str) -> list[Path]:
    out = Path(outdir)
    out.mkdir(parents=True, exist_ok=True)
    qapp = create_application()
    folder = Path(tempfile.mkdtemp(prefix="bb-dues-shots-"))
    workspaces.data_dir = lambda: folder / "data"  # type: ignore[assignment]  # keep real folders clean
    ws = demo.create_demo_workspace(folder / "示例支部.branchbook")
    roles = fill_dues(ws)
    session = Session(ws)
    # Until main_window wires the page in, put it where the 党费 placeholder is.
    main_window.BRANCH_SECTIONS = tuple(
        (title, DuesPage if title == "党费" else factory) for title, factory in main_window.BRANCH_SECTIONS
    )
    window = MainWindow(session)
    window.resize(*MAIN_WINDOW)
    window.show()
    window.show_section(window.section_titles().index("党费"))
    page = window.current_page()
    assert isinstance(page, DuesPage)
    paths = []

    def shot(widget: object, name: str) -> None:
        save(widget, out, name)  # type: ignore[arg-type]
        paths.append(out / f"{name}.png")

    page.table.selectRow(0)
    shot(window, "dues-1-grid")

    dialog = BaseDialog(session, page.member_entries(), roles["raised"], window)
    dialog.show()
    dialog.month.setText(month_code(month_of(dt.date.today())))
    dialog.gross.setText("8600")
    dialog.income_tax.setText("145.5")
    dialog.social.setText("1120")
    shot(dialog, "dues-2-base-dialog")
    dialog.fixed.setText("")
    dialog.set_category(Category.FARMER)
    dialog.fixed.setText("1.50")
    shot(dialog, "dues-3-base-dialog-farmer-error")
    dialog.reject()

    payment = page.payment_dialog(roles["unpaid"])
    payment.show()
    shot(payment, "dues-4-payment-dialog")
    payment.reject()

    page.tabs.setCurrentWidget(page.summary)
    shot(window, "dues-5-summary")
    page.tabs.setCurrentIndex(0)

    policy = PolicyDialog(session, window)
    policy.show()
    shot(policy, "dues-6-policy-dialog")
    policy.reject()

    pay_all = PayAllDialog(session, *page.owing_this_month(), page.last_collector(), window)
    pay_all.show()
    shot(pay_all, "dues-7-pay-all")
    pay_all.reject()

    settle()
    window.close()
    session.close()
    del qapp
    return paths


if __name__ == "__main__":
    save_dues_screenshots(Path(sys.argv[1] if len(sys.argv) > 1 else "/tmp/shots4"))  # prints each path
