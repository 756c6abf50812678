"""The branch profile: name, code, class, higher committee, groups, committee and its term."""

from __future__ import annotations

import datetime as dt
import uuid as uuid_mod
from dataclasses import dataclass

from app.domain.branch import BranchClass, term_end, term_years
from app.domain.members import COMMITTEE_POSTS, Post, parse_posts
from app.io.rules import load_rulebook
from app.services.errors import UserError
from app.services.roster_on_day import RosterSource
from app.storage import repositories as repo
from app.storage.journal import JournaledWriter
from app.storage.workspace import Workspace, WorkspaceKind


@dataclass(frozen=True)
class GroupInfo:
    uuid: str
    name: str
    leader: str  # the group's member whose post is 党小组长; "" if none
    members: int


@dataclass(frozen=True)
class CommitteeSeat:
    post: Post
    member_uuid: str
    name: str


@dataclass(frozen=True)
class BranchProfile:
    uuid: str
    name: str
    code: str
    org_class: BranchClass | None
    higher_committee: str
    is_village: bool
    term_start: dt.date | None
    term_years_set: int | None  # None: the rule's default applies
    groups: tuple[GroupInfo, ...]
    committee: tuple[CommitteeSeat, ...]
    started_on: dt.date | None = None  # first day the book is kept in BranchBook

    def term_years(self) -> int | None:
        if self.term_years_set:
            return self.term_years_set
        if self.term_start is None:
            return None
        return term_years(load_rulebook(), self.term_start, self.is_village)

    def term_end(self) -> dt.date | None:
        years = self.term_years()
        return term_end(self.term_start, years) if self.term_start and years else None

    def term_rule_source(self) -> str:
        if self.term_start is None:
            return ""
        rule, stands_in = load_rulebook().judging("committee_term", self.term_start)
        if stands_in:
            return (
                f"{rule.source}（本届任期早于规则文件最早版本 {rule.effective_from:%Y-%m-%d}，按该版本计算）"
            )
        return rule.source


def load_profile(ws: Workspace) -> BranchProfile:
    if ws.kind is not WorkspaceKind.BRANCH:
        raise UserError("这是上级党委的工作区，没有支部信息")
    with ws.read() as conn:
        branch = repo.branch_row(conn)
        groups = repo.group_rows(conn)
        members = repo.member_rows(conn)
        if branch is None:
            raise UserError("工作区缺少支部信息")
        # Only members still in the branch sit on its committee or lead its groups.
        current = {m.uuid for m in RosterSource.load(conn).on(dt.date.today())}
    members = [m for m in members if m.uuid in current]
    infos = []
    for group in groups:
        in_group = [m for m in members if m.group_uuid == group.uuid]
        leader = next((m.name for m in in_group if Post.GROUP_LEADER in parse_posts(m.post or "")), "")
        infos.append(GroupInfo(group.uuid, group.name, leader, len(in_group)))
    order = {post.value: i for i, post in enumerate(COMMITTEE_POSTS)}
    seats = sorted(
        (
            CommitteeSeat(post, m.uuid, m.name)
            for m in members
            for post in parse_posts(m.post or "")
            if post.value in order
        ),
        key=lambda s: (order[s.post.value], s.name),
    )
    return BranchProfile(
        uuid=branch.uuid,
        name=branch.name,
        code=branch.code,
        org_class=BranchClass(branch.org_class) if branch.org_class else None,
        higher_committee=branch.higher_committee,
        is_village=bool(branch.is_village),
        term_start=branch.term_start,
        term_years_set=branch.term_years,
        groups=tuple(infos),
        committee=tuple(seats),
        started_on=branch.started_on,
    )


def branch_name(ws: Workspace) -> str:
    """Just the name, for titles and file names: no roster work."""
    with ws.read() as conn:
        branch = repo.branch_row(conn)
    return branch.name if branch else ""


def group_names(ws: Workspace) -> list[str]:
    with ws.read() as conn:
        return [g.name for g in repo.group_rows(conn)]


def save_profile(
    ws: Workspace,
    *,
    name: str,
    code: str,
    org_class: BranchClass | None,
    higher_committee: str,
    is_village: bool,
    term_start: dt.date | None,
    term_years_set: int | None,
    started_on: dt.date | None = None,
    actor: str = "书记",
) -> bool:
    """True if anything changed. `started_on` None leaves the first day kept here as it is."""
    name, code = name.strip(), code.strip()
    if not name:
        raise UserError("支部名称不能为空")
    if not code:
        raise UserError("支部代码不能为空")
    if term_start is not None and term_start > dt.date.today():
        raise UserError("本届任期开始日期不能晚于今天")
    if term_start is not None and term_start.year < EARLIEST_YEAR:
        raise UserError(f"本届任期开始日期 {term_start:%Y-%m-%d} 早于 {EARLIEST_YEAR} 年，请核对")
    check_started_on(started_on)
    if term_years_set is not None and not 1 <= term_years_set <= 5:
        raise UserError("任期年限应在 1 至 5 年之间")
    profile = load_profile(ws)
    with ws.write(actor) as writer:
        return (
            writer.update(
                "branch",
                profile.uuid,
                {
                    "name": name,
                    "code": code,
                    "org_class": int(org_class) if org_class else None,
                    "higher_committee": higher_committee.strip(),
                    "is_village": is_village,
                    "term_start": term_start,
                    "term_years": term_years_set,
                    "started_on": started_on if started_on is not None else profile.started_on,
                },
            )
            is not None
        )


EARLIEST_YEAR = 1921


def check_started_on(day: dt.date | None, today: dt.date | None = None) -> None:
    if day is None:
        return
    if day > (today or dt.date.today()):
        raise UserError(f"开始使用日期 {day:%Y-%m-%d} 晚于今天")
    if day.year < EARLIEST_YEAR:
        raise UserError(f"开始使用日期 {day:%Y-%m-%d} 早于 {EARLIEST_YEAR} 年，请核对")


def change_profile(
    ws: Workspace,
    *,
    started_on: dt.date | None = None,
    term_start: dt.date | None = None,
    term_years_set: int | None = None,
    actor: str = "书记",
) -> bool:
    """`profile set`: change only what is given, keep the rest."""
    profile = load_profile(ws)
    return save_profile(
        ws,
        name=profile.name,
        code=profile.code,
        org_class=profile.org_class,
        higher_committee=profile.higher_committee,
        is_village=profile.is_village,
        term_start=term_start if term_start is not None else profile.term_start,
        term_years_set=term_years_set if term_years_set is not None else profile.term_years_set,
        started_on=started_on,
        actor=actor,
    )


def add_group(ws: Workspace, name: str, actor: str = "书记") -> str:
    name = name.strip()
    if not name:
        raise UserError("党小组名称不能为空")
    with ws.write(actor) as writer:
        if any(g.name == name for g in repo.group_rows(writer.conn)):
            raise UserError(f"已有名为“{name}”的党小组")
        new = str(uuid_mod.uuid4())
        writer.insert("party_group", [{"uuid": new, "name": name, "note": ""}])
    return new


def rename_group(ws: Workspace, uuid: str, name: str, actor: str = "书记") -> None:
    name = name.strip()
    if not name:
        raise UserError("党小组名称不能为空")
    with ws.write(actor) as writer:
        if any(g.name == name and g.uuid != uuid for g in repo.group_rows(writer.conn)):
            raise UserError(f"已有名为“{name}”的党小组")
        writer.update("party_group", uuid, {"name": name})


def delete_group(ws: Workspace, uuid: str, actor: str = "书记") -> None:
    with ws.write(actor) as writer:
        members = [m for m in repo.member_rows(writer.conn) if m.group_uuid == uuid]
        if members:
            raise UserError(f"该党小组还有 {len(members)} 名党员，请先把他们调到其他小组")
        writer.delete("party_group", uuid)


def put_setting(writer: JournaledWriter, key: str, value: str) -> None:
    """Set a branch option (journaled), creating it the first time."""
    row = repo.setting_rows(writer.conn).get(key)
    if row:
        writer.update("branch_setting", row.uuid, {"value": value})
    else:
        writer.insert("branch_setting", [{"uuid": str(uuid_mod.uuid4()), "key": key, "value": value}])


def get_setting(ws: Workspace, key: str) -> str | None:
    with ws.read() as conn:
        row = repo.setting_rows(conn).get(key)
    return row.value if row else None
