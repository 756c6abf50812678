"""The committee import bench (bench/committee_import.py) at CI size: 40 branches, 840 members.

Real signed packages, enrolled through the service, imported as a whole folder. The timing check is
loose on purpose (3× the bare limit measured in the same run, plus a constant) so that it catches a
per-package regression, such as work that grows with the number of packages already imported, without
failing on a slow or busy runner.
"""

from __future__ import annotations

import datetime as dt
import random
from pathlib import Path

from bench.committee_import import bare_limit, create_and_enroll, generate, member_counts, run_import

BRANCHES, MEMBERS, YEAR = 40, 840, 2026
SLACK_S = 2.0


def test_branch_sizes_add_up_to_the_city() -> None:
    sizes = member_counts(7127, 149015, random.Random(7127))
    assert len(sizes) == 7127 and sum(sizes) == 149015
    assert min(sizes) >= 3 and max(sizes) <= 80
    assert len(set(sizes)) > 20  # sizes vary


def test_small_city_imports_within_the_bare_limit(tmp_path: Path) -> None:
    today = dt.date(YEAR + 1, 1, 20)
    gen = generate(tmp_path / "city", BRANCHES, MEMBERS, YEAR)
    assert (gen.branches, gen.members) == (BRANCHES, MEMBERS)
    assert len(list(Path(gen.packages_dir).glob("*.bbpkg"))) == BRANCHES

    ws_path = tmp_path / "committee" / "市直机关工委.branchbook"
    enrolment = create_and_enroll(ws_path, Path(gen.cards_dir), today)
    assert enrolment.keys == BRANCHES

    bare = bare_limit(gen.packages_dir, gen.cards_dir, str(tmp_path / "bare.sqlite"))
    assert bare["packages"] == BRANCHES

    result = run_import(str(ws_path), gen.packages_dir, YEAR, today.isoformat())
    assert result["statuses"] == {"imported": BRANCHES}, result["rejected"]
    assert result["stats_total"] == MEMBERS
    assert result["stats_branches"] == BRANCHES
    assert result["summary_rows"] == BRANCHES
    assert result["summary_received"] == BRANCHES
    assert result["summary_members"] == MEMBERS
    assert result["import_s"] <= 3 * bare["bare_s"] + SLACK_S, (result["import_s"], bare)
