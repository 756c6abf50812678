"""A demo branch workspace, so a newcomer sees a working record book at first start.

The data is generated from a fixed seed and is plainly a demo (the branch is named 示例).
"""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal
from pathlib import Path

from app.domain.branch import BranchClass
from app.domain.entries import Absence, AbsenceReason, EntryDraft, EntryType, Resolution
from app.domain.id_number import check_digit
from app.domain.members import Category, MemberDraft, Post, Status, parse_posts
from app.domain.partial_date import PartialDate
from app.domain.periods import month_code, month_of
from app.services import branch_profile, dues, records
from app.services.roster import group_uuids, write_new_members
from app.services.roster_on_day import RosterSource
from app.services.workspaces import create_branch
from app.storage.workspace import Workspace

SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕苏卢蒋蔡贾丁魏薛叶阎余潘杜戴夏钟汪田任姜范方石姚谭廖邹熊金陆郝孔白崔康毛邱秦江史顾侯邵孟龙万段雷钱汤尹黎易常武乔贺赖龚文"
GIVEN = (
    "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英建华文辉志强国庆红梅海燕宏伟晓东春生玉兰建国永红德明"
)
RARE = ["吉𠮷", "堃", "喆", "赟", "犇", "淼", "昇", "镕"]


def make_id_number(rng: random.Random, birth: dt.date, gender: str) -> str:
    area = rng.choice(["110105", "320102", "370202", "510104", "610113", "140105"])
    serial = rng.randrange(0, 99)
    sex_digit = rng.choice([1, 3, 5, 7, 9] if gender == "男" else [0, 2, 4, 6, 8])
    first17 = f"{area}{birth:%Y%m%d}{serial:02d}{sex_digit}"
    return first17 + check_digit(first17)


def demo_drafts(count: int, today: dt.date, seed: int = 2026) -> list[MemberDraft]:
    rng = random.Random(seed)
    posts = [Post.SECRETARY, Post.DEPUTY_SECRETARY, Post.ORGANISATION, Post.PROPAGANDA, Post.DISCIPLINE]
    groups = ["第一党小组", "第二党小组", "第三党小组"]
    teams = ["甲班", "乙班", "丙班", "丁班", "常白班"]
    drafts = []
    used_names: set[str] = set()
    for i in range(count):
        gender = "男" if rng.random() < 0.6 else "女"
        birth = dt.date(rng.randint(1958, 2000), rng.randint(1, 12), rng.randint(1, 28))
        while True:
            given = rng.choice(RARE) if i % 9 == 4 else "".join(rng.sample(GIVEN, rng.choice([1, 2])))
            name = rng.choice(SURNAMES) + given.replace("吉", "")
            if name not in used_names:
                used_names.add(name)
                break
        joined_day = dt.date(
            min(birth.year + rng.randint(20, 35), today.year - 2), rng.randint(1, 12), rng.randint(1, 28)
        )
        probationary = i in (count - 1, count - 2)
        if probationary:
            joined_day = today - dt.timedelta(days=rng.randint(60, 300))
        full_day = joined_day.replace(year=joined_day.year + 1)
        retired = today.year - birth.year >= 60
        post = posts[i] if i < len(posts) else (Post.GROUP_LEADER if i in (6, 7, 8) else None)
        group = groups[i - 6] if i in (6, 7, 8) else groups[i % 3]
        drafts.append(
            MemberDraft(
                name=name,
                gender=gender,
                ethnicity="汉族" if rng.random() < 0.9 else "回族",
                birth_date=PartialDate.of(birth),
                id_number=make_id_number(rng, birth, gender),
                education=rng.choice(["大学本科", "大学专科", "中专", "高中", "研究生"]),
                native_place=rng.choice(["山东济南", "河北保定", "山西太原", "四川成都", "陕西西安"]),
                work_start=PartialDate(birth.year + rng.randint(18, 24), rng.randint(1, 12)),
                job="退休" if retired else rng.choice(["操作工", "班长", "技术员", "维修工", "调度员"]),
                post=post,
                category=Category.RETIRED if retired else Category.EMPLOYED,
                phone=f"13{rng.randint(100000000, 999999999)}",
                group=group,
                team="" if retired else rng.choice(teams),
                is_mobile=i == 11,
                mobile_to="江苏南京（外派项目）" if i == 11 else "",
                status=Status.PROBATIONARY if probationary else Status.FULL,
                joined_on=PartialDate.of(joined_day)
                if i % 7
                else PartialDate(joined_day.year, joined_day.month),
                full_on=None
                if probationary
                else (PartialDate.of(full_day) if i % 7 else PartialDate(full_day.year, full_day.month)),
            )
        )
    return drafts


def create_demo_workspace(
    path: Path, members: int = 28, today: dt.date | None = None, activity: bool = False
) -> Workspace:
    today = today or dt.date.today()
    ws = create_branch(
        path,
        name="示例车间党支部",
        code="DEMO-001",
        org_class=BranchClass.MAIN_PRODUCTION,
        higher_committee="示例公司党委",
    )
    with ws.write("示例数据") as writer:
        write_new_members(writer, demo_drafts(members, today), group_uuids(writer.conn))
    profile = branch_profile.load_profile(ws)
    branch_profile.save_profile(
        ws,
        name=profile.name,
        code=profile.code,
        org_class=profile.org_class,
        higher_committee=profile.higher_committee,
        is_village=False,
        term_start=dt.date(today.year - 1, 6, 28),
        term_years_set=None,
        actor="示例数据",
    )
    if activity:
        seed_activity(ws, today)
    return ws


def seed_activity(ws: Workspace, today: dt.date, seed: int = 2026) -> None:
    """A few recent meetings and this year's dues, so a newcomer sees the record book and the ledger at work.
    Every date is in the past and every entry passes the same checks as one typed in."""
    rng = random.Random(seed)
    with ws.read() as conn:
        source = RosterSource.load(conn)

    def people(day: dt.date) -> tuple[list, list, str, str]:  # type: ignore[type-arg]
        roster = source.on(day)
        committee = [m for m in roster if m.on_committee]
        posts = {m.uuid: (parse_posts(m.post or "") or (None,))[0] for m in source.members}
        secretary = next((m.name for m in committee if posts[m.uuid] == Post.SECRETARY.value), roster[0].name)
        recorder = next(
            (m.name for m in committee if posts[m.uuid] == Post.ORGANISATION.value), roster[1].name
        )
        return roster, committee, secretary, recorder

    drafts = []
    for days_ago, kind in (
        (70, EntryType.BRANCH_COMMITTEE),
        (60, EntryType.PARTY_CONGRESS),
        (45, EntryType.THEME_DAY),
        (12, EntryType.BRANCH_COMMITTEE),
    ):
        day = today - dt.timedelta(days=days_ago)
        roster, committee, secretary, recorder = people(day)
        pool = committee if kind is EntryType.BRANCH_COMMITTEE else [m for m in roster if not m.on_committee]
        absent = rng.sample(pool, 1 if kind is EntryType.BRANCH_COMMITTEE else 3)
        voters = sum(1 for m in roster if m.votes) - sum(1 for m in absent if m.votes)
        drafts.append(
            EntryDraft(
                kind,
                day,
                dt.time(19, 0),
                dt.time(20, 30),
                "车间三楼会议室",
                secretary,
                recorder,
                absences=tuple(
                    Absence(m.uuid, rng.choice([AbsenceReason.SHIFT, AbsenceReason.TRIP])) for m in absent
                ),
                topics=("学习上级文件精神", "研究本月工作")
                if kind is not EntryType.THEME_DAY
                else ("重温入党誓词",),
                minutes="一、学习内容：……\n二、讨论发言：……\n三、决定事项：……",
                resolutions=(Resolution("同意本月工作安排", yes=voters),)
                if kind is EntryType.PARTY_CONGRESS
                else (),
            )
        )
    with ws.write("示例数据") as writer:
        records.write_entries(writer, drafts)

    january = month_code(month_of(dt.date(today.year, 1, 1)))
    for member in source.on(today):
        row = next(m for m in source.members if m.uuid == member.uuid)
        category = Category(row.category) if row.category else Category.EMPLOYED
        if category is Category.RETIRED:
            dues.add_base(
                ws, member.uuid, january, category, gross=str(rng.randrange(3000, 6500)), actor="示例数据"
            )
        else:
            dues.add_base(
                ws,
                member.uuid,
                january,
                Category.EMPLOYED,
                gross=str(rng.randrange(3500, 9500)),
                income_tax=str(rng.randrange(0, 300)),
                actor="示例数据",
            )
    book = dues.load_dues(ws, month_of(today))
    for index, member in enumerate(book.members):
        paid_until = month_of(today) - (index % 4 == 3) * 2 - 1  # most paid through last month, a few behind
        months = [k for k in sorted(member.dues) if k <= paid_until and member.dues[k].amount > 0]
        if months:
            amount = sum((member.dues[k].amount for k in months), Decimal("0.00"))
            dues.record_payment(
                ws,
                member.uuid,
                paid_on=today - dt.timedelta(days=3),
                months=[month_code(k) for k in months],
                amount=str(amount),
                collector="组织委员",
                actor="示例数据",
            )
