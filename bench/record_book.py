"""Benchmark: a record book of 5 years × 150 entries.

    .venv/bin/python bench/record_book.py [--years 5] [--per-year 150] [--members 50] [--no-gui]

Reports the time to load the record book (every entry with attendance, quorum and results computed from the
roster), `branchbook check --period YYYY` in-process and as a command, and (with Qt) the record-book page
opening and filtering. Targets (issue 3): record book opens and filters in ≤ 100 ms; check a year ≤ 1 s.
Not run in CI.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from app.domain.entries import Absence, AbsenceReason, EntryDraft, EntryType, Resolution
from app.domain.periods import Period
from app.services.compliance import check_period
from app.services.demo import create_demo_workspace
from app.services.records import load_records, write_entries
from app.services.roster_on_day import RosterSource

KINDS = (
    [EntryType.BRANCH_COMMITTEE] * 12
    + [EntryType.THEME_DAY] * 12
    + [EntryType.GROUP_MEETING] * 36
    + [EntryType.PARTY_CONGRESS] * 4
    + [EntryType.HEART_TALK] * 60
    + [EntryType.PARTY_LECTURE] * 4
    + [EntryType.ORG_LIFE, EntryType.MEMBER_REVIEW]
    + [EntryType.OTHER] * 20
)


def build(path: Path, years: int, per_year: int, members: int, today: dt.date):  # type: ignore[no-untyped-def]
    ws = create_demo_workspace(path, members=members, today=today)
    rng = random.Random(7)
    with ws.read() as conn:
        source = RosterSource.load(conn)
    groups = list(source.group_names)
    drafts = []
    for year in range(today.year - years, today.year):
        for i in range(per_year):
            kind = KINDS[i % len(KINDS)]
            day = dt.date(year, 1 + (i * 12) // per_year, rng.randint(1, 28))
            roster = source.on(day)
            if len(roster) < 3:
                continue
            absent = rng.sample(roster, k=min(3, len(roster) // 5))
            participants = (
                tuple(m.uuid for m in rng.sample(roster, 2)) if kind is EntryType.HEART_TALK else ()
            )
            drafts.append(
                EntryDraft(
                    kind,
                    day,
                    place="会议室",
                    host=roster[0].name,
                    recorder=roster[1].name,
                    group_uuid=rng.choice(groups) if kind is EntryType.GROUP_MEETING else None,
                    absences=()
                    if kind in (EntryType.HEART_TALK, EntryType.BRANCH_COMMITTEE)
                    else tuple(Absence(m.uuid, rng.choice(list(AbsenceReason)[:4])) for m in absent),
                    topics=(f"议题{i}", "学习上级精神"),
                    minutes="会议记录正文。" * 40,
                    participants=participants,
                    resolutions=(Resolution("同意", yes=len(roster) // 2),)
                    if kind is EntryType.PARTY_CONGRESS
                    else (),
                )
            )
    with ws.write("基准") as writer:
        write_entries(writer, drafts)
    return ws, len(drafts)


def best(fn, repeat: int = 5):  # type: ignore[no-untyped-def]
    times = []
    result = None
    for _ in range(repeat):
        start = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - start)
    return min(times), result


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--years", type=int, default=5)
    parser.add_argument("--per-year", type=int, default=150)
    parser.add_argument("--members", type=int, default=50)
    parser.add_argument("--no-gui", action="store_true")
    args = parser.parse_args()
    today = dt.date.today()
    path = Path(tempfile.mkdtemp(prefix="bench-records-")) / "bench.branchbook"
    ws, count = build(path, args.years, args.per_year, args.members, today)
    print(f"workspace: {count} entries over {args.years} years, {args.members} members")
    load_s, views = best(lambda: load_records(ws))
    print(f"load record book (all entries computed): {load_s * 1000:7.1f} ms ({len(views)} entries)")
    year = Period.year(today.year - 1)
    check_s, findings = best(lambda: check_period(ws, year, today))
    print(
        f"check --period {year.code()} in-process:       {check_s * 1000:7.1f} ms ({len(findings)} findings)"
    )
    ws.close()
    start = time.perf_counter()
    subprocess.run(
        [
            sys.executable,
            "-m",
            "app.cli",
            "check",
            "--period",
            year.code(),
            "--json",
            "--workspace",
            str(path),
        ],
        check=True,
        capture_output=True,
    )
    print(
        f"branchbook check --period {year.code()} (whole command): {(time.perf_counter() - start) * 1000:7.1f} ms"
    )
    if not args.no_gui:
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
        from bench.record_book_gui import gui_timings

        gui_timings(path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
