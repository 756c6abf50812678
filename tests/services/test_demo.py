import datetime as dt
from pathlib import Path

from app.domain.periods import Period, month_of
from app.services.compliance import check_period
from app.services.demo import create_demo_workspace
from app.services.dues import dues_status
from app.services.records import load_records
from app.storage.journal import verify

TODAY = dt.date(2026, 11, 21)


def test_demo_with_activity_has_a_lively_record_book_and_ledger(tmp_path: Path) -> None:
    ws = create_demo_workspace(tmp_path / "demo.branchbook", today=TODAY, activity=True)
    try:
        views = load_records(ws)
        assert len(views) == 4 and all(v.draft.date < TODAY for v in views)
        assert all(v.facts.quorum is None or v.facts.quorum.quorate for v in views)
        status = dues_status(ws, month_of(TODAY))
        assert len(status) == 28
        assert sum(1 for s in status if s.paid_through == "2026-10") > 14  # most paid through last month
        assert any(s.months_unpaid >= 2 for s in status)  # and a few behind, so the grid shows colours
        assert not [f for f in check_period(ws, Period.parse("2026"), TODAY) if f.rule == "vote_counts"]
        with ws.read() as conn:
            assert verify(conn).ok
    finally:
        ws.close()
