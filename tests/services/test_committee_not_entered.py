"""Issue 11, item 6: 未录入 travels in the package and stands apart from violations on the committee's summary."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from app.domain.periods import Period
from app.services import branch_profile
from app.services.committee_reports import summary
from app.services.package_export import export_package, preview_package
from app.services.package_import import import_packages
from app.storage.workspace import Workspace
from tests.fixtures.packages import (
    A_CODE,
    PASSPHRASE,
    Kit,
    at,
    committee_fixture,  # noqa: F401
    copy_workspace,
    kit_fixture,  # noqa: F401
    open_ws,
)


def test_not_entered_is_carried_and_counted_apart(kit: Kit, committee: Workspace, tmp_path: Path) -> None:
    branch = open_ws(copy_workspace(kit.a.snapshots["fresh"], tmp_path / "branch"))
    try:
        branch_profile.change_profile(branch, started_on=dt.date(2026, 9, 1))
        quarter = Period.parse("2026Q3")
        _, findings = preview_package(branch, quarter, dt.date(2026, 10, 5))
        not_entered = [f for f in findings if f["severity"] == "not_entered"]
        assert not_entered and all("7月" in f["message"] or "8月" in f["message"] for f in not_entered)
        package = tmp_path / "A-2026Q3.bbpkg"
        export_package(branch, quarter, package, PASSPHRASE, now=at(2026, 10, 5))
    finally:
        branch.close()
    (outcome,) = import_packages(committee, [package])
    assert outcome.status == "imported", outcome.reason
    (row,) = [r for r in summary(committee, quarter, dt.date(2026, 10, 6)) if r.code == A_CODE]
    assert row.not_entered == len(not_entered)
    assert row.as_json()["not_entered"] == len(not_entered)
    assert row.violations == sum(1 for f in findings if f["severity"] == "violation")
    assert row.warnings == sum(1 for f in findings if f["severity"] == "warning")
