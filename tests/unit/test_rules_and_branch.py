import datetime as dt

import pytest

from app.domain.branch import term_end, term_years
from app.domain.retention import backups_to_keep
from app.domain.rulebook import RuleMissing
from app.io.rules import load_rulebook


def test_committee_term_follows_the_rule_in_force_on_the_term_start() -> None:
    rules = load_rulebook()
    assert term_years(rules, dt.date(2024, 3, 1), is_village=False) == 3
    assert term_years(rules, dt.date(2024, 3, 1), is_village=True) == 5
    assert term_years(rules, dt.date(2015, 3, 1), is_village=False) == 2  # before the 2018 条例


def test_every_rule_cites_a_source() -> None:
    rules = load_rulebook()
    assert rules.rules
    assert all(r.source.strip() for r in rules.rules)


def test_no_rule_before_it_existed() -> None:
    with pytest.raises(RuleMissing):
        load_rulebook().in_force("committee_term", dt.date(1950, 1, 1))


def test_term_end_is_the_same_day_years_later() -> None:
    assert term_end(dt.date(2024, 6, 28), 3) == dt.date(2027, 6, 28)
    assert term_end(dt.date(2024, 2, 29), 3) == dt.date(2027, 2, 28)


def test_backup_retention_keeps_recent_daily_weekly_monthly() -> None:
    now = dt.datetime(2026, 11, 21, 12, 0)
    hourly_today = [now - dt.timedelta(hours=h) for h in range(12)]
    daily = [now - dt.timedelta(days=d, hours=1) for d in range(1, 60)]
    old = [dt.datetime(2024, 1, 5), dt.datetime(2024, 1, 20)]
    keep = backups_to_keep(hourly_today + daily + old, now)
    assert set(sorted(hourly_today + daily, reverse=True)[:10]) <= keep  # recent
    assert now - dt.timedelta(days=5, hours=1) in keep  # a day within the week
    assert len([k for k in keep if (now - k).days > 40]) <= 3  # monthly only that far back
    assert dt.datetime(2024, 1, 5) not in keep and dt.datetime(2024, 1, 20) not in keep  # beyond 12 months
    assert len(keep) < len(hourly_today + daily + old)
