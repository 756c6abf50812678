"""Benchmark: a city's committee imports a year of signed packages from every branch.

    .venv/bin/python bench/committee_import.py [--branches 7127] [--members 149015] [--out DIR] [--keep]
                                               [--json-out FILE] [--profile FILE] [--year 2026]

The reports' city (shared/domain/seeds.md): 7,127 branches, 149,015 members. Each branch's year is
generated directly in the shapes `package_export` writes (its roster, ~40 record-book entries with
attendance lists and minutes, dues, findings), sealed and signed with a fresh minisign key per branch,
and written as NAME.bbpkg beside the branch's key card. Then, in this order:

  - a committee workspace enrols every key card through `committee_keys.enroll`, one by one (timed
    apart; not part of the import);
  - the bare limit, in a child process: for the same packages, Ed25519 verification of the manifests
    (BLAKE2b-512 prehash + nacl, as minisign.verify does) plus SQLite executemany of the same rows into
    a fresh file with the same tables, in one transaction. Reading, unzipping, parsing and hashing are
    prepared outside the clock and reported beside it;
  - the real import of the whole folder (`package_import.import_packages`), in a child process so the
    peak RSS is the import's own;
  - the committee summary for the year's last quarter, the completeness matrix and the roster statistics.

Targets (issue): all imported in ≤ 10 minutes and ≤ 3× the bare limit; the summary in ≤ 2 s.
`--profile FILE` runs the import under cProfile instead (use it with a few hundred branches).
CI runs a small version: tests/services/test_committee_bench.py. The full size is not run in CI.
"""

from __future__ import annotations

import argparse
import base64
import concurrent.futures
import cProfile
import datetime as dt
import hashlib
import io
import json
import multiprocessing
import os
import pstats
import random
import resource
import shutil
import sqlite3
import sys
import tempfile
import time
import uuid as uuid_mod
import zipfile
from collections.abc import Callable
from dataclasses import asdict, dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import nacl.signing

from app import __version__
from app.domain.canonical import canonical_bytes, canonical_json
from app.domain.entries import ENTRY_TYPE_LABELS, EntryType
from app.domain.periods import Period
from app.io.package import minisign
from app.io.package.package_file import MANIFEST_NAME, SIGNATURE_NAME, seal
from app.services.demo import GIVEN, SURNAMES, make_id_number

TARGET_IMPORT_S = 600.0
TARGET_RATIO = 3.0
TARGET_SUMMARY_S = 2.0
COMMITTEE = "市直机关工委"

# ---- the city's branches, generated in the shapes package_export writes ---------------------------------

UNITS = ["化工厂", "炼油厂", "热电厂", "机修厂", "煤矿", "储运公司", "物资公司", "研究院", "机关", "社区"]
SHOPS = ["合成车间", "聚合车间", "动力车间", "检修车间", "生产科室", "综合办公室", "销售部", "后勤服务部"]
GROUP_NAMES = ["第一党小组", "第二党小组", "第三党小组", "第四党小组"]
PLACES = ["车间三楼会议室", "党员活动室", "厂部会议室", "班组学习室", "职工书屋"]
EDUCATIONS = ["研究生", "大学本科", "大学本科", "大学专科", "大学专科", "中专", "高中", "技校", "初中"]
NATIVE = ["山东济南", "河北保定", "山西太原", "四川成都", "陕西西安", "河南郑州", "辽宁沈阳"]
JOBS = ["操作工", "班长", "技术员", "维修工", "调度员", "工程师", "化验员", "管理人员"]
TEAMS = ["甲班", "乙班", "丙班", "丁班", "常白班"]
REASONS = ["倒班", "倒班", "倒班", "出差", "病假", "事假"]
TOPICS = {
    EntryType.BRANCH_COMMITTEE: [
        "研究本月党建工作安排",
        "讨论发展党员工作",
        "研究党费收缴情况",
        "部署安全生产专项检查",
    ],
    EntryType.PARTY_CONGRESS: [
        "学习传达上级会议精神",
        "表决本年度工作计划",
        "讨论接收预备党员",
        "通报党费收缴使用情况",
    ],
    EntryType.PARTY_LECTURE: [
        "书记讲党课：坚定理想信念",
        "党史专题学习",
        "学习党章党规",
        "新时代产业工人队伍建设",
    ],
    EntryType.THEME_DAY: ["重温入党誓词", "党员志愿服务", "参观红色教育基地", "党员先锋岗承诺践诺"],
    EntryType.GROUP_MEETING: [
        "学习《中国共产党支部工作条例（试行）》",
        "交流岗位建功体会",
        "讨论班组安全隐患整改",
    ],
    EntryType.ORG_LIFE: ["对照检查，开展批评和自我批评", "通报整改落实情况"],
    EntryType.MEMBER_REVIEW: ["民主评议党员", "评定等次"],
}
SENTENCES = [
    "会议传达学习了上级党委关于加强基层党组织建设的文件精神",
    "支部书记结合本单位生产经营实际作了讲话，要求全体党员在岗位上当先锋、作表率",
    "与会党员结合倒班岗位实际交流了学习体会，大家一致认为要把学习成果转化为推动工作的实际成效",
    "组织委员通报了本季度党费收缴情况，提醒未按时交纳的党员及时补交",
    "会议对近期安全生产检查中发现的隐患进行了分析，明确了整改责任人和完成时限",
    "宣传委员介绍了党员先锋岗、党员责任区的创建情况，提出下一步宣传工作打算",
    "纪检委员就廉洁从业提出要求，强调严守纪律规矩，严格执行中央八项规定精神",
    "会议讨论了发展党员工作，对入党积极分子的培养考察情况进行了研究",
    "针对部分党员因倒班未能参加组织生活的情况，支部决定安排补学并做好记录",
    "大家围绕提高装置平稳率、降低能耗物耗提出了合理化建议十余条",
    "会议要求各党小组认真落实“三会一课”制度，做到记录真实、内容完整",
    "支部委员分别汇报了分管工作进展情况，对存在的问题逐项明确了措施",
    "全体党员重温了入党誓词，进一步增强了党员意识和责任意识",
    "会议强调要关心关爱困难党员和离退休老党员，及时送去组织温暖",
]


def member_counts(branches: int, members: int, rng: random.Random) -> list[int]:
    """Branch sizes between 3 and 80 that add up to exactly `members` (a long tail of large branches)."""
    if not 3 * branches <= members <= 80 * branches:
        raise ValueError("每个支部 3–80 名党员")
    mean = members / branches
    sizes = [min(80, max(3, round(rng.lognormvariate(0, 0.45) * mean * 0.91))) for _ in range(branches)]
    diff = members - sum(sizes)
    while diff:
        i = rng.randrange(branches)
        step = 1 if diff > 0 else -1
        if 3 <= sizes[i] + step <= 80:
            sizes[i] += step
            diff -= step
    return sizes


def _uuid(rng: random.Random) -> str:
    return str(uuid_mod.UUID(int=rng.getrandbits(128), version=4))


def _name(rng: random.Random, used: set[str]) -> str:
    while True:
        name = rng.choice(SURNAMES) + "".join(rng.sample(GIVEN, rng.choice([1, 2])))
        if name not in used:
            used.add(name)
            return name


def _roster(rng: random.Random, size: int, year: int, groups: list[str]) -> list[dict[str, Any]]:
    posts = ["书记", "副书记", "组织委员", "宣传委员", "纪检委员"][: 3 if size < 15 else 5]
    used: set[str] = set()
    roster = []
    for i in range(size):
        gender = "男" if rng.random() < 0.62 else "女"
        birth = dt.date(rng.randint(1945, 2002), rng.randint(1, 12), rng.randint(1, 28))
        joined = dt.date(
            min(birth.year + rng.randint(20, 35), year - 2), rng.randint(1, 12), rng.randint(1, 28)
        )
        probationary = rng.random() < 0.03
        if probationary:
            joined = dt.date(year, rng.randint(1, 10), rng.randint(1, 28))
        retired = year - birth.year >= 60
        group = groups[i % len(groups)]
        roster.append(
            {
                "uuid": _uuid(rng),
                "name": _name(rng, used),
                "gender": gender,
                "ethnicity": "汉族" if rng.random() < 0.93 else "回族",
                "birth_date": birth.isoformat(),
                "id_number": make_id_number(rng, birth, gender),
                "education": rng.choice(EDUCATIONS),
                "status": "probationary" if probationary else "full",
                "category": "retired" if retired else "employed",
                "post": posts[i]
                if i < len(posts)
                else ("党小组长" if i < len(posts) + len(groups) else None),
                "joined_on": joined.isoformat(),
                "full_on": None if probationary else joined.replace(year=joined.year + 1).isoformat(),
                "group": group,
                "team": None if retired else rng.choice(TEAMS),
                "phone": f"13{rng.randint(100000000, 999999999)}",
                "native_place": rng.choice(NATIVE),
                "work_start": f"{birth.year + rng.randint(18, 24)}-{rng.randint(1, 12):02d}",
                "job": "退休" if retired else rng.choice(JOBS),
                "is_mobile": rng.random() < 0.02,
                "mobile_to": None,
                "note": "",
            }
        )
    return roster


def _minutes(rng: random.Random) -> str:
    picked = rng.sample(SENTENCES, rng.randint(5, 8))
    heads = "一二三四五六七八"
    return "\n".join(f"{heads[i]}、{s}。" for i, s in enumerate(picked))


def _entry(
    rng: random.Random,
    kind: EntryType,
    day: dt.date,
    roster: list[dict[str, Any]],
    committee: list[dict[str, Any]],
    group: str | None,
) -> dict[str, Any]:
    if kind is EntryType.BRANCH_COMMITTEE:
        expected = committee
    elif kind is EntryType.GROUP_MEETING:
        expected = [m for m in roster if m["group"] == group]
    else:
        expected = roster
    expected = sorted(expected, key=lambda m: m["name"])
    away = rng.sample(expected, min(len(expected) - 1, rng.choice([0, 0, 1, 1, 2, 3, 4])))
    away_ids = {m["uuid"] for m in away}
    present = [m for m in expected if m["uuid"] not in away_ids]
    reasons = {m["uuid"]: rng.choice(REASONS) for m in away}
    voters = [m for m in expected if m["status"] == "full"]
    present_voters = sum(1 for m in voters if m["uuid"] not in away_ids)
    resolutions = []
    if kind is EntryType.PARTY_CONGRESS:
        resolutions = [
            {
                "text": rng.choice(["同意本年度支部工作计划", "同意接收预备党员", "同意党费使用方案"]),
                "yes": present_voters, "no": 0, "abstain": 0, "written_yes": 0, "written_no": 0,
                "written_abstain": 0, "kind": "general", "candidate": None, "recorded": True,
                "passed": True, "total_yes": present_voters,
            }
        ]  # fmt: skip
    grades = {}
    if kind is EntryType.MEMBER_REVIEW:
        grades = {m["uuid"]: ("优秀" if rng.random() < 0.2 else "合格") for m in present}
    leaders = committee or roster
    return {
        "uuid": _uuid(rng),
        "type": kind.value,
        "type_label": ENTRY_TYPE_LABELS[kind],
        "date": day.isoformat(),
        "start": "19:00" if kind is not EntryType.THEME_DAY else "14:30",
        "end": "20:30" if kind is not EntryType.THEME_DAY else "17:00",
        "title": "",
        "place": rng.choice(PLACES),
        "host": leaders[0]["name"],
        "recorder": leaders[min(2, len(leaders) - 1)]["name"],
        "group": group,
        "makeup_of": None,
        "topics": rng.sample(TOPICS[kind], 2 if len(TOPICS[kind]) > 2 else 1),
        "agenda": "",
        "minutes": _minutes(rng),
        "summary": "",
        "absences": [
            {"member": u, "reason": reasons[u], "text": "", "written_opinion": False} for u in sorted(reasons)
        ],
        "nonvoting": [],
        "resolutions": resolutions,
        "grades": grades,
        "participants": [],
        "expected": len(expected),
        "present": len(present),
        "absent": len(away),
        "entitled_voters": len(voters),
        "present_voters": present_voters,
        "quorate": present_voters * 2 > len(voters),
        "exactly_half": present_voters * 2 == len(voters),
        "expected_members": [{"uuid": m["uuid"], "name": m["name"]} for m in expected],
        "present_members": [{"uuid": m["uuid"], "name": m["name"]} for m in present],
        "absent_members": [
            {"uuid": m["uuid"], "name": m["name"], "reason": reasons[m["uuid"]], "text": ""}
            for m in sorted(away, key=lambda m: m["name"])
        ],
        "made_up": 0,
        "absentees": len(away),
        "locked": False,
        "corrections": [],
    }


def _entries(
    rng: random.Random, roster: list[dict[str, Any]], groups: list[str], year: int
) -> list[dict[str, Any]]:
    """A year: 12 支委会, 4 党员大会, 4 党课, 12 主题党日, quarterly 党小组会 per group, 组织生活会, 民主评议."""
    committee = [m for m in roster if m["post"] in ("书记", "副书记", "组织委员", "宣传委员", "纪检委员")]
    plan: list[tuple[EntryType, dt.date, str | None]] = []
    for month in range(1, 13):
        plan.append((EntryType.BRANCH_COMMITTEE, dt.date(year, month, rng.randint(1, 8)), None))
        plan.append((EntryType.THEME_DAY, dt.date(year, month, rng.randint(10, 20)), None))
    for quarter in range(4):
        month = 3 * quarter + 2
        plan.append((EntryType.PARTY_CONGRESS, dt.date(year, month, rng.randint(21, 28)), None))
        plan.append((EntryType.PARTY_LECTURE, dt.date(year, month + 1, rng.randint(21, 28)), None))
        for group in groups:
            plan.append((EntryType.GROUP_MEETING, dt.date(year, month - 1, rng.randint(21, 28)), group))
    plan.append((EntryType.ORG_LIFE, dt.date(year, 12, rng.randint(9, 15)), None))
    plan.append((EntryType.MEMBER_REVIEW, dt.date(year, 12, rng.randint(16, 22)), None))
    plan.sort(key=lambda p: p[1])
    return [_entry(rng, kind, day, roster, committee, group) for kind, day, group in plan]


def _band(category: str, base: int) -> tuple[str, Decimal]:
    if category == "retired":
        return (
            ("基数 ≤ 5000：0.5%", Decimal("0.005")) if base <= 5000 else ("基数 > 5000：1%", Decimal("0.01"))
        )
    for limit, rate, label in ((3000, "0.005", "0.5%"), (5000, "0.01", "1%"), (10000, "0.015", "1.5%")):
        if base <= limit:
            return f"基数 ≤ {limit}：{label}", Decimal(rate)
    return "基数 > 10000：2%", Decimal("0.02")


def _dues(rng: random.Random, roster: list[dict[str, Any]], year: int) -> dict[str, Any]:
    rows = []
    total_due = total_paid = Decimal("0.00")
    for m in roster:
        base = rng.randrange(3000, 6500) if m["category"] == "retired" else rng.randrange(3500, 12000)
        band, rate = _band(m["category"], base)
        monthly = (base * rate).quantize(Decimal("0.01"))
        unpaid = rng.choice([0] * 8 + [1, 3])
        due, paid = monthly * 12, monthly * (12 - unpaid)
        rows.append(
            {
                "uuid": m["uuid"], "name": m["name"], "category": m["category"], "band": band,
                "monthly": f"{monthly:.2f}", "due": f"{due:.2f}", "paid": f"{paid:.2f}",
                "paid_through": f"{year}-{12 - unpaid:02d}", "months_unpaid": unpaid,
            }
        )  # fmt: skip
        total_due += due
        total_paid += paid
    return {
        "months": [f"{year}-{k:02d}" for k in range(1, 13)],
        "members": sorted(rows, key=lambda r: (r["name"], r["uuid"])),
        "totals": {
            "due": f"{total_due:.2f}",
            "collected": f"{total_paid:.2f}",
            "voluntary": "0.00",
            "remitted": f"{total_paid:.2f}",
        },
    }


def _findings(rng: random.Random, dues: dict[str, Any], year: int) -> list[dict[str, Any]]:
    findings = []
    for row in dues["members"]:
        if row["months_unpaid"] >= 3:
            findings.append(
                {
                    "rule": "dues.arrears",
                    "severity": "violation",
                    "subject": row["name"],
                    "message": f"{row['name']} 连续 {row['months_unpaid']} 个月未交纳党费（《关于中国共产党党费收缴、"
                    "使用和管理的规定》：连续6个月不交纳党费按自行脱党处理，应及时提醒）",
                }
            )
    for _ in range(rng.choice([0, 0, 1, 2])):
        month = rng.randint(1, 12)
        findings.append(
            {
                "rule": "frequency.group_meeting",
                "severity": "warning",
                "subject": "党小组会",
                "message": f"{year}年{month}月党小组会参加人数不足应到人数的一半，请安排补学",
            }
        )
    return findings


def branch_package(
    index: int, size: int, year: int, seed: int, created_at: str
) -> tuple[str, str, int, dict[str, bytes], dict[str, Any]]:
    """One branch's data files (canonical bytes) and manifest header, like package_export builds them."""
    rng = random.Random(seed * 1_000_003 + index)
    code = f"B{index + 1:05d}"
    name = f"{rng.choice(UNITS)}{index // 8 + 1}分厂{rng.choice(SHOPS)}党支部"
    org_class = rng.choice([1, 1, 1, 2, 2, 3, 4])
    groups = GROUP_NAMES[: 1 if size < 12 else 2 if size < 30 else 3 if size < 50 else 4]
    roster = _roster(rng, size, year, groups)
    entries = _entries(rng, roster, groups, year)
    dues = _dues(rng, roster, year)
    findings = _findings(rng, dues, year)
    data: dict[str, Any] = {
        "data/branch.json": {
            "code": code,
            "name": name,
            "class": org_class,
            "committee": COMMITTEE,
            "groups": sorted(groups),
            "period": {"code": str(year), "start": f"{year}-01-01", "end": f"{year}-12-31"},
        },
        "data/roster.json": roster,
        "data/entries.json": entries,
        "data/corrections.json": [],
        "data/dues.json": dues,
        "data/findings.json": findings,
    }
    counts = {
        "members": len(roster),
        "entries": len(entries),
        "corrections": 0,
        "findings": len(findings),
        "dues_members": len(dues["members"]),
    }
    header = {
        "schema_version": _schema_head(),
        "app_version": __version__,
        "created_at": created_at,
        "branch": {"code": code, "name": name, "class": org_class, "committee": COMMITTEE},
        "periods": [str(year)],
        "sequence": 1,
        "previous_package_sha256": None,
        "journal_head": hashlib.sha256(f"{seed}/{code}".encode()).hexdigest(),
        "counts": counts,
    }
    return code, name, org_class, {n: canonical_bytes(v) for n, v in data.items()}, header


_SCHEMA: list[str] = []


def _schema_head() -> str:
    if not _SCHEMA:
        from app.storage.workspace import schema_head

        _SCHEMA.append(schema_head())
    return _SCHEMA[0]


@dataclass
class Generated:
    branches: int
    members: int
    entries: int
    packages_bytes: int
    seconds: float
    packages_dir: str
    cards_dir: str


def generate(
    folder: Path,
    branches: int,
    members: int,
    year: int = 2026,
    seed: int = 7127,
    say: Callable[[str], None] = lambda _t: None,
) -> Generated:
    """Write folder/packages/CODE-YEAR-第1号.bbpkg and folder/cards/CODE.pub for every branch."""
    start = time.perf_counter()
    packages, cards = folder / "packages", folder / "cards"
    packages.mkdir(parents=True, exist_ok=True)
    cards.mkdir(parents=True, exist_ok=True)
    sizes = member_counts(branches, members, random.Random(seed))
    total_bytes = total_entries = 0
    for index, size in enumerate(sizes):
        created_at = f"{year + 1}-01-{2 + index % 8:02d}T09:{index % 60:02d}:00+08:00"
        code, _, _, files, header = branch_package(index, size, year, seed, created_at)
        pair = minisign.generate()
        package, _manifest = seal(files, header, pair)
        (packages / f"{code}-{year}-第1号.bbpkg").write_bytes(package)
        key_id = minisign.key_id_text(pair.key_id)
        (cards / f"{code}.pub").write_text(
            minisign.public_key_file_text(pair.key_id, pair.public, f"BranchBook branch={code} key={key_id}"),
            encoding="ascii",
        )
        total_bytes += len(package)
        total_entries += header["counts"]["entries"]
        if (index + 1) % 1000 == 0:
            say(f"  generated {index + 1}/{branches} packages ({time.perf_counter() - start:.0f} s)")
    return Generated(
        branches,
        sum(sizes),
        total_entries,
        total_bytes,
        time.perf_counter() - start,
        str(packages),
        str(cards),
    )


# ---- the committee: enrolment (through the service, one card at a time) ----------------------------------


@dataclass
class Enrolment:
    keys: int
    seconds: float
    first_ms: float  # mean per card over the first tenth
    last_ms: float  # …and over the last tenth


def create_and_enroll(
    ws_path: Path, cards_dir: Path, today: dt.date, say: Callable[[str], None] = lambda _t: None
) -> Enrolment:
    from app.services import committee_keys, workspaces

    ws = workspaces.create_committee(ws_path, name=COMMITTEE, code="C001")
    try:
        cards = sorted(Path(cards_dir).glob("*.pub"))
        tenth = max(1, len(cards) // 10)
        times: list[float] = []
        start = time.perf_counter()
        for i, card in enumerate(cards):
            t = time.perf_counter()
            committee_keys.enroll(ws, card.read_text(encoding="ascii"), today=today)
            times.append(time.perf_counter() - t)
            if (i + 1) % 1000 == 0:
                say(f"  enrolled {i + 1}/{len(cards)} keys ({time.perf_counter() - start:.0f} s)")
        total = time.perf_counter() - start
    finally:
        workspaces.close(ws)
    return Enrolment(len(cards), total, 1000 * sum(times[:tenth]) / tenth, 1000 * sum(times[-tenth:]) / tenth)


# ---- the bare limit: signature verification + executemany of the same rows ------------------------------

_TABLES = ("branch_record", "branch_period", "branch_member", "received_package")


def _bare_rows(data: bytes, file_name: str, imported_at: str) -> dict[str, list[tuple[Any, ...]]]:
    """The rows import_packages writes for one package (prepared outside the clock)."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        files = {name: archive.read(name) for name in archive.namelist()}
    m = json.loads(files[MANIFEST_NAME])
    for item in m["files"]:
        assert hashlib.sha256(files[item["path"]]).hexdigest() == item["sha256"]
    code, seq = m["branch"]["code"], m["sequence"]
    load = {name: json.loads(files[name]) for name in files if name.startswith("data/")}
    records = []
    for kind, name, day_key in (
        ("entry", "entries", "date"),
        ("member", "roster", None),
        ("correction", "corrections", "made_on"),
    ):
        for item in load[f"data/{name}.json"]:
            payload = canonical_json(item)
            day = item.get(day_key) if day_key else None
            records.append(
                (code, kind, item["uuid"], day, hashlib.sha256(payload.encode()).hexdigest(), seq, payload)
            )
    roster, findings, totals = (
        load["data/roster.json"],
        load["data/findings.json"],
        load["data/dues.json"]["totals"],
    )
    violations = sum(1 for f in findings if f.get("severity") == "violation")
    periods = [
        (code, p, seq, m["created_at"], len(roster), m["counts"]["entries"], totals["due"], totals["collected"],
         violations, len(findings) - violations, canonical_json(findings))
        for p in m["periods"]
    ]  # fmt: skip
    as_of = max(Period.parse(p).end for p in m["periods"]).isoformat()
    members = []
    for r in roster:
        birth = (r.get("birth_date") or "").split("-")
        members.append(
            (code, r["uuid"], as_of, r["gender"], int(birth[0]) if birth[0] else None,
             int(birth[1]) if len(birth) > 1 else None, r["education"], r["status"], r["category"])
        )  # fmt: skip
    received = [
        (str(uuid_mod.uuid4()), code, seq, canonical_json(m["periods"]), hashlib.sha256(data).hexdigest(),
         m["previous_package_sha256"], hashlib.sha256(files[MANIFEST_NAME]).hexdigest(), m["journal_head"],
         m["key_id"], m["created_at"], imported_at, file_name, canonical_json(m["counts"]))
    ]  # fmt: skip
    return {
        "branch_record": records,
        "branch_period": periods,
        "branch_member": members,
        "received_package": received,
        "_manifest": [(files[MANIFEST_NAME], files[SIGNATURE_NAME].decode("ascii"))],
    }


_INSERTS = {
    "branch_record": "INSERT OR REPLACE INTO branch_record (branch_code, kind, uuid, day, sha256, sequence, payload) "
    "VALUES (?, ?, ?, ?, ?, ?, ?)",
    "branch_period": "INSERT OR REPLACE INTO branch_period (branch_code, period, sequence, created_at, members, entries, "
    "dues_due, dues_collected, violations, warnings, findings) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
    "branch_member": "INSERT INTO branch_member (branch_code, uuid, as_of, gender, birth_year, birth_month, "
    "education, status, category) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
    "received_package": "INSERT INTO received_package (uuid, branch_code, sequence, periods, sha256, "
    "previous_sha256, manifest_sha256, journal_head, key_id, created_at, imported_at, file_name, counts) "
    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
}


def _verify_signature(manifest: bytes, signature_text: str, public: bytes) -> None:
    """minisign's prehashed check: Ed25519 over BLAKE2b-512 of the manifest, then over signature + comment."""
    lines = signature_text.rstrip("\n").split("\n")
    signature = base64.b64decode(lines[1])[10:]
    key = nacl.signing.VerifyKey(public)
    key.verify(hashlib.blake2b(manifest, digest_size=64).digest(), signature)
    key.verify(signature + lines[2][len("trusted comment: ") :].encode("utf-8"), base64.b64decode(lines[3]))


def bare_limit(packages_dir: str, cards_dir: str, db_path: str) -> dict[str, Any]:
    """Verify every manifest and executemany every row into a fresh file with the same tables, one transaction."""
    from sqlalchemy import create_engine

    from app.storage.models import Base

    engine = create_engine(f"sqlite:///{db_path}")
    Base.metadata.create_all(engine, tables=[Base.metadata.tables[t] for t in _TABLES])
    engine.dispose()
    keys = {}
    for card in Path(cards_dir).glob("*.pub"):
        key_id, public = minisign.parse_public_key(card.read_text(encoding="ascii"))
        keys[key_id] = public
    conn = sqlite3.connect(db_path, isolation_level=None)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=FULL")
    imported_at = dt.datetime.now().astimezone().isoformat(timespec="seconds")
    prepare = verify = insert = 0.0
    rows_written = packages = 0
    conn.execute("BEGIN")
    for path in sorted(Path(packages_dir).rglob("*.bbpkg")):
        t0 = time.perf_counter()
        data = path.read_bytes()
        rows = _bare_rows(data, path.name, imported_at)
        manifest, signature_text = rows.pop("_manifest")[0]
        public = keys[minisign.signature_key_id(signature_text)]
        t1 = time.perf_counter()
        _verify_signature(manifest, signature_text, public)
        t2 = time.perf_counter()
        for table in _TABLES:
            conn.executemany(_INSERTS[table], rows[table])
            rows_written += len(rows[table])
        t3 = time.perf_counter()
        prepare, verify, insert = prepare + (t1 - t0), verify + (t2 - t1), insert + (t3 - t2)
        packages += 1
    t = time.perf_counter()
    conn.execute("COMMIT")
    insert += time.perf_counter() - t
    conn.close()
    return {
        "packages": packages,
        "rows": rows_written,
        "verify_s": verify,
        "insert_s": insert,
        "bare_s": verify + insert,
        "prepare_s": prepare,
        "db_bytes": os.path.getsize(db_path),
        "peak_rss_mb": _max_rss_mb(),
    }


# ---- the real import and the reports ------------------------------------------------------------------


def _max_rss_mb() -> float:
    """This process's peak RSS. On Linux, VmHWM: ru_maxrss survives fork + exec, so a spawned child
    would report its parent's peak (the generator's) whenever that is higher than its own."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / (1024 * 1024 if sys.platform == "darwin" else 1024)  # bytes on macOS, KiB elsewhere


def run_import(
    ws_path: str,
    packages_dir: str,
    year: int,
    today: str,
    profile: str | None = None,
    progress_every: int = 0,
) -> dict[str, Any]:
    """import_packages on the whole folder, then the committee's reports. Run it in a fresh process."""
    from app.services import committee_reports, package_import
    from app.storage.workspace import open_workspace

    day = dt.date.fromisoformat(today)
    rss_before = _max_rss_mb()
    ws = open_workspace(Path(ws_path))
    out: dict[str, Any] = {}
    try:
        rss_open = _max_rss_mb()
        started = time.perf_counter()

        def progress(done: int, total: int, _name: str) -> None:
            if progress_every and done % progress_every == 0:
                print(f"  imported {done}/{total} ({time.perf_counter() - started:.0f} s)", flush=True)

        profiler = cProfile.Profile() if profile else None
        start = time.perf_counter()
        if profiler:
            profiler.enable()
        outcomes = package_import.import_packages(ws, [Path(packages_dir)], progress=progress)
        if profiler:
            profiler.disable()
            profiler.dump_stats(profile)
        out["import_s"] = time.perf_counter() - start
        out["peak_rss_mb"] = _max_rss_mb()
        out["rss_at_start_mb"] = rss_open
        out["rss_python_mb"] = rss_before
        statuses: dict[str, int] = {}
        for o in outcomes:
            statuses[o.status] = statuses.get(o.status, 0) + 1
        out["statuses"] = statuses
        out["rejected"] = [o.message for o in outcomes if o.status == "rejected"][:5]
        quarter = Period.parse(f"{year}Q4")

        def timed(fn: Callable[[], Any], repeat: int = 3) -> tuple[float, float, Any]:
            times, result = [], None
            for _ in range(repeat):
                t = time.perf_counter()
                result = fn()
                times.append(time.perf_counter() - t)
            return times[0], min(times), result

        first, best, rows = timed(lambda: committee_reports.summary(ws, quarter, today=day))
        out["summary_s"], out["summary_best_s"] = first, best
        out["summary_rows"] = len(rows)
        out["summary_received"] = sum(1 for r in rows if r.received)
        out["summary_members"] = sum(r.members or 0 for r in rows)
        first, best, (_periods, matrix) = timed(lambda: committee_reports.completeness(ws, year, today=day))
        out["completeness_s"], out["completeness_best_s"] = first, best
        out["completeness_cells"] = {
            state: sum(1 for row in matrix for c in row.cells if c.state == state)
            for state in ("received", "late", "missing", "not_due")
        }
        first, best, stats = timed(lambda: committee_reports.roster_stats(ws, quarter.end))
        out["roster_stats_s"], out["roster_stats_best_s"] = first, best
        out["stats_total"], out["stats_branches"] = stats.total, stats.branches
    finally:
        ws.close()
    out["db_bytes"] = os.path.getsize(ws_path)
    evidence = Path(ws_path).with_name(Path(ws_path).name + ".d") / "packages"
    out["evidence_bytes"] = sum(p.stat().st_size for p in evidence.rglob("*.bbpkg"))
    start = time.perf_counter()
    open_workspace(Path(ws_path)).close()
    out["reopen_s"] = time.perf_counter() - start
    return out


def in_child(fn: Callable[..., dict[str, Any]], *args: Any) -> dict[str, Any]:
    """Run fn in a fresh interpreter, so its peak RSS is its own and not the generator's."""
    context = multiprocessing.get_context("spawn")
    with concurrent.futures.ProcessPoolExecutor(1, mp_context=context) as pool:
        return pool.submit(fn, *args).result()


# ---- the report -------------------------------------------------------------------------------------------


def report(gen: Generated, enrol: Enrolment, bare: dict[str, Any], imp: dict[str, Any]) -> dict[str, Any]:
    ratio = imp["import_s"] / bare["bare_s"] if bare["bare_s"] else float("inf")
    imported = imp["statuses"].get("imported", 0)
    result = {
        "branches": gen.branches,
        "members": gen.members,
        "entries": gen.entries,
        "generation": asdict(gen),
        "enrolment": asdict(enrol),
        "bare": bare,
        "import": imp,
        "ratio": ratio,
        "packages_per_s": gen.branches / imp["import_s"],
        "members_per_s": gen.members / imp["import_s"],
        "targets": {
            "all_imported": imported == gen.branches,
            "import_within_10_min": imp["import_s"] <= TARGET_IMPORT_S,
            "within_3x_bare": ratio <= TARGET_RATIO,
            "summary_within_2_s": imp["summary_s"] <= TARGET_SUMMARY_S,
            "stats_total_matches": imp["stats_total"] == gen.members,
        },
    }
    return result


def print_report(r: dict[str, Any]) -> None:
    gen, enrol, bare, imp = r["generation"], r["enrolment"], r["bare"], r["import"]
    mark = {True: "ok", False: "MISSED"}
    print()
    print(f"city: {r['branches']} branches, {r['members']} members, {r['entries']} entries (one year each)")
    print(
        f"generation (data + seal + sign):  {gen['seconds']:8.1f} s  "
        f"({gen['packages_bytes'] / 1e6:.0f} MB of packages, {gen['packages_bytes'] / gen['branches'] / 1e3:.1f} kB each)"
    )
    print(
        f"enrolment (service, one by one):  {enrol['seconds']:8.1f} s  "
        f"({enrol['first_ms']:.1f} ms/card at first, {enrol['last_ms']:.1f} ms/card at the end)"
    )
    print(
        f"bare limit (verify + executemany):{bare['bare_s']:8.1f} s  = verify {bare['verify_s']:.1f} s + "
        f"insert {bare['insert_s']:.1f} s ({bare['rows']} rows); "
        f"unzip/parse/hash outside the clock {bare['prepare_s']:.1f} s"
    )
    print(
        f"import (whole folder):            {imp['import_s']:8.1f} s  ratio {r['ratio']:.2f}× bare  "
        f"{r['packages_per_s']:.1f} packages/s  {r['members_per_s']:.0f} members/s  statuses {imp['statuses']}"
    )
    print(
        f"peak RSS of the import process:   {imp['peak_rss_mb']:8.0f} MB  (at start {imp['rss_at_start_mb']:.0f} MB; "
        f"bare process {bare['peak_rss_mb']:.0f} MB)"
    )
    print(
        f"workspace:                        {imp['db_bytes'] / 1e6:8.0f} MB database + "
        f"{imp['evidence_bytes'] / 1e6:.0f} MB evidence copies; reopen (integrity check) {imp['reopen_s']:.1f} s"
    )
    print(
        f"summary {r['branches']} branches, Q4:   {imp['summary_s']:8.2f} s  (best {imp['summary_best_s']:.2f} s; "
        f"{imp['summary_received']}/{imp['summary_rows']} received)"
    )
    print(
        f"completeness (year × quarters):   {imp['completeness_s']:8.2f} s  (best {imp['completeness_best_s']:.2f} s; "
        f"{imp['completeness_cells']})"
    )
    print(
        f"roster statistics:                {imp['roster_stats_s']:8.2f} s  (best {imp['roster_stats_best_s']:.2f} s; "
        f"{imp['stats_total']} members in {imp['stats_branches']} branches)"
    )
    t = r["targets"]
    print()
    print(f"target: every package imported      {mark[t['all_imported']]}")
    print(f"target: import ≤ {TARGET_IMPORT_S / 60:.0f} min              {mark[t['import_within_10_min']]}")
    print(f"target: import ≤ {TARGET_RATIO:.0f}× bare limit        {mark[t['within_3x_bare']]}")
    print(f"target: summary ≤ {TARGET_SUMMARY_S:.0f} s               {mark[t['summary_within_2_s']]}")
    print(f"check: statistics count every member {mark[t['stats_total_matches']]}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--branches", type=int, default=7127)
    parser.add_argument("--members", type=int, default=149015)
    parser.add_argument("--year", type=int, default=2026)
    parser.add_argument("--seed", type=int, default=7127)
    parser.add_argument("--out", type=Path, help="work folder (default: a new temporary folder)")
    parser.add_argument("--keep", action="store_true", help="keep the packages and workspaces afterwards")
    parser.add_argument("--json-out", type=Path)
    parser.add_argument(
        "--profile", type=Path, help="cProfile the import into this file (skips the bare limit)"
    )
    args = parser.parse_args()
    work = args.out or Path(tempfile.mkdtemp(prefix="bench-committee-"))
    work.mkdir(parents=True, exist_ok=True)
    if any(work.iterdir()):
        parser.error(f"{work} is not empty")
    today = dt.date(args.year + 1, 1, 20)

    def say(text: str) -> None:
        print(text, flush=True)

    from bench import committee_import as me  # the child processes import the functions from here

    try:
        say(f"work folder: {work}")
        say(f"generating {args.branches} branches, {args.members} members …")
        gen = generate(work / "city", args.branches, args.members, args.year, args.seed, say)
        say(f"  done in {gen.seconds:.1f} s")
        say("enrolling key cards …")
        ws_path = work / "committee" / "市直机关工委.branchbook"
        enrol = create_and_enroll(ws_path, Path(gen.cards_dir), today, say)
        say(f"  done in {enrol.seconds:.1f} s")
        if args.profile:
            say("importing under cProfile …")
            imp = in_child(
                me.run_import,
                str(ws_path),
                gen.packages_dir,
                args.year,
                today.isoformat(),
                str(args.profile),
                100,
            )
            say(f"  import {imp['import_s']:.1f} s under the profiler, statuses {imp['statuses']}")
            stats = pstats.Stats(str(args.profile))
            stats.sort_stats("cumulative").print_stats(40)
            stats.sort_stats("tottime").print_stats(25)
            return 0
        say("bare limit …")
        bare = in_child(me.bare_limit, gen.packages_dir, gen.cards_dir, str(work / "bare.sqlite"))
        say(f"  done in {bare['bare_s']:.1f} s")
        say("importing …")
        imp = in_child(
            me.run_import, str(ws_path), gen.packages_dir, args.year, today.isoformat(), None,
            max(100, args.branches // 10),
        )  # fmt: skip
        result = report(gen, enrol, bare, imp)
        print_report(result)
        if args.json_out:
            args.json_out.write_text(json.dumps(result, ensure_ascii=False, indent=2), encoding="utf-8")
        return 0 if all(result["targets"].values()) else 1
    finally:
        if not args.keep and not args.out:
            shutil.rmtree(work, ignore_errors=True)
        elif not args.keep:
            for child in ("city", "committee", "bare.sqlite", "bare.sqlite-wal", "bare.sqlite-shm"):
                target = work / child
                if target.is_dir():
                    shutil.rmtree(target, ignore_errors=True)
                else:
                    target.unlink(missing_ok=True)


if __name__ == "__main__":
    sys.exit(main())
