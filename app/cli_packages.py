"""`branchbook` commands for signing keys and packages: key, export, package verify (branch or none);
enroll, revoke, handover, import, summary, branches, stats, receiving-key (committee)."""

from __future__ import annotations

import argparse
import getpass
import os
import sys
from pathlib import Path
from typing import Any

from app.cli import EXIT_INVALID, EXIT_OK, CliError, _date, _emit, _open, _period
from app.services import workspaces
from app.storage.workspace import WorkspaceKind

PASSPHRASE_ENV = "BRANCHBOOK_PASSPHRASE"
NEW_PASSPHRASE_ENV = "BRANCHBOOK_NEW_PASSPHRASE"


def _passphrase(prompt: str, env: str = PASSPHRASE_ENV, confirm: bool = False) -> str:
    if value := os.environ.get(env):
        return value
    if not sys.stdin.isatty():
        raise CliError(f"需要口令：请设置环境变量 {env}（在交互终端中运行时会提示输入）")
    first = getpass.getpass(f"{prompt}：")
    if confirm and getpass.getpass("再输入一次：") != first:
        raise CliError("两次输入的口令不一致")
    return first


def _key_json(key: Any) -> dict[str, Any]:
    return {
        "key_id": key.key_id,
        "fingerprint": key.fingerprint,
        "public_key": key.public_key,
        "created_on": key.created_on.isoformat(),
        "predecessor": key.predecessor,
    }


# ---- branch: keys and export ---------------------------------------------------------------------


def cmd_key_init(args: argparse.Namespace) -> int:
    from app.services.signing_keys import create_key

    ws = _open(args, WorkspaceKind.BRANCH)
    try:
        key = create_key(ws, _passphrase("为签名密钥设置口令（至少8个字符）", confirm=True))
    finally:
        workspaces.close(ws)
    _emit(args, _key_json(key), lambda: f"已生成签名密钥 {key.key_id}\n指纹：{key.fingerprint}")
    return EXIT_OK


def cmd_key_show(args: argparse.Namespace) -> int:
    from app.services.signing_keys import current_key

    ws = _open(args, WorkspaceKind.BRANCH)
    try:
        key = current_key(ws)
    finally:
        workspaces.close(ws)
    if key is None:
        raise CliError("本支部还没有签名密钥；请运行 branchbook key init")
    _emit(
        args,
        _key_json(key),
        lambda: f"密钥编号：{key.key_id}\n指纹：{key.fingerprint}\n公钥：{key.public_key}",
    )
    return EXIT_OK


def cmd_key_card(args: argparse.Namespace) -> int:
    from app.services.signing_keys import write_key_card

    ws = _open(args, WorkspaceKind.BRANCH)
    try:
        pub, pdf = write_key_card(ws, Path(args.output))
    finally:
        workspaces.close(ws)
    _emit(args, {"pub": str(pub), "pdf": str(pdf)}, lambda: f"公钥卡：{pub}\n打印页：{pdf}")
    return EXIT_OK


def cmd_key_backup(args: argparse.Namespace) -> int:
    from app.services.signing_keys import backup_key

    ws = _open(args, WorkspaceKind.BRANCH)
    try:
        path = backup_key(ws, Path(args.output))
    finally:
        workspaces.close(ws)
    _emit(args, {"backup": str(path)}, lambda: f"已备份（仍受口令保护）：{path}")
    return EXIT_OK


def cmd_key_handover(args: argparse.Namespace) -> int:
    from app.services.signing_keys import handover, write_handover

    ws = _open(args, WorkspaceKind.BRANCH)
    try:
        old = _passphrase("旧签名密钥的口令")
        new = _passphrase("为新签名密钥设置口令", NEW_PASSPHRASE_ENV, confirm=True)
        result = handover(ws, old, new, args.reason)
        statement, signature = write_handover(ws, Path(args.output))
    finally:
        workspaces.close(ws)
    data = {**_key_json(result.new_key), "statement": str(statement), "signature": str(signature)}
    _emit(
        args,
        data,
        lambda: (
            f"新密钥 {result.new_key.key_id}，指纹 {result.new_key.fingerprint}\n"
            f"交接声明：{statement}（签名 {signature}），请连同新公钥卡交上级党委"
        ),
    )
    return EXIT_OK


def cmd_export(args: argparse.Namespace) -> int:
    from app.services.package_export import export_package

    ws = _open(args, WorkspaceKind.BRANCH)
    try:
        result = export_package(
            ws, args.period, Path(args.output), _passphrase("签名密钥的口令"), encrypt_to=args.encrypt_to
        )
    finally:
        workspaces.close(ws)
    data = {
        "file": str(result.path),
        "sequence": result.sequence,
        "periods": list(result.periods),
        "sha256": result.sha256,
        "manifest_sha256": result.manifest_sha256,
        "counts": result.counts,
        "encrypted": result.encrypted,
    }
    _emit(
        args,
        data,
        lambda: (
            f"已生成第 {result.sequence} 号上报包：{result.path}"
            + ("（已加密）" if result.encrypted else "")
            + f"\nSHA-256：{result.sha256}\n{args.period.label()}已标记为已上报，其中的记录不能再直接修改"
        ),
    )
    return EXIT_OK


def cmd_package_verify(args: argparse.Namespace) -> int:
    from app.io.package.age_crypt import AgeError, decrypt, is_encrypted
    from app.io.package.container import PackageRejected
    from app.io.package.package_file import sha256_hex, verify_with_public_key

    try:
        data = Path(args.file).read_bytes()
        key_text = Path(args.pubkey).read_text(encoding="utf-8")
        identity = Path(args.identity).read_text(encoding="ascii") if args.identity else None
    except OSError as exc:
        raise CliError(f"无法读取文件：{exc.filename}：{exc.strerror}") from None
    except UnicodeDecodeError:
        raise CliError(f"公钥文件 {args.pubkey} 不是文本文件") from None
    result: dict[str, Any] = {"file": args.file, "verified": False}
    try:
        if is_encrypted(data):
            if identity is None:
                raise PackageRejected("encrypted", "上报包已加密，请用 --identity 指定解密私钥文件")
            try:
                data = decrypt(data, identity)
            except AgeError as exc:
                raise PackageRejected("encrypted", str(exc)) from None
        unpacked = verify_with_public_key(data, key_text)
    except PackageRejected as exc:
        result.update({"reason": exc.reason, "message": str(exc)})
        if args.json:
            _emit(args, result, str)
        print(f"校验未通过：{args.file}：{exc}", file=sys.stderr)
        return EXIT_INVALID
    m = unpacked.manifest
    result.update(
        {
            "verified": True,
            "branch": m.branch_code,
            "name": m.branch_name,
            "sequence": m.sequence,
            "periods": m.periods,
            "created_at": m.created_at,
            "key_id": m.key_id,
            "sha256": sha256_hex(data),
            "manifest_sha256": m.sha256,
            "counts": m.counts,
        }
    )
    _emit(
        args,
        result,
        lambda: (
            f"校验通过：{m.branch_name}（{m.branch_code}）第 {m.sequence} 号，期间 {'、'.join(m.periods)}，"
            f"密钥 {m.key_id}，生成于 {m.created_at}"
        ),
    )
    return EXIT_OK


# ---- committee -----------------------------------------------------------------------------------


def cmd_enroll(args: argparse.Namespace) -> int:
    from app.services.committee_keys import enroll, read_key_card

    try:
        text = Path(args.keycard).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        raise CliError(f"无法读取公钥卡 {args.keycard}") from None
    card = read_key_card(text)
    if not args.yes and not sys.stdin.isatty():
        raise CliError(f"登记前须与支部核对指纹 {card.fingerprint}；核对一致后加 --yes 再运行")
    if not args.yes:
        print(f"支部：{args.branch or card.branch_code}\n密钥编号：{card.key_id}\n指纹：{card.fingerprint}")
        if input("与支部打印的公钥卡核对一致吗？[y/N] ").strip().lower() not in ("y", "yes", "是"):
            raise CliError("未登记：指纹未确认")
    ws = _open(args, WorkspaceKind.COMMITTEE)
    try:
        key = enroll(ws, text, branch_code=args.branch, branch_name=args.name, org_class=args.org_class)
    finally:
        workspaces.close(ws)
    data = {
        "branch": key.branch_code,
        "key_id": key.key_id,
        "fingerprint": key.fingerprint,
        "state": key.state,
    }
    _emit(args, data, lambda: f"已登记支部 {key.branch_code} 的公钥 {key.key_id}\n指纹：{key.fingerprint}")
    return EXIT_OK


def cmd_revoke(args: argparse.Namespace) -> int:
    from app.services.committee_keys import revoke

    ws = _open(args, WorkspaceKind.COMMITTEE)
    try:
        revoke(ws, args.key_id, args.reason)
    finally:
        workspaces.close(ws)
    _emit(
        args, {"key_id": args.key_id.upper(), "state": "revoked"}, lambda: f"已吊销密钥 {args.key_id.upper()}"
    )
    return EXIT_OK


def cmd_handover(args: argparse.Namespace) -> int:
    from app.services.committee_keys import accept_handover

    statement_path = Path(args.statement)
    signature_path = (
        Path(args.signature) if args.signature else statement_path.with_name(statement_path.name + ".minisig")
    )
    try:
        statement = statement_path.read_bytes()
        signature = signature_path.read_text(encoding="ascii")
    except (OSError, UnicodeDecodeError) as exc:
        raise CliError(
            f"无法读取交接声明或其签名：{getattr(exc, 'filename', '') or signature_path}"
        ) from None
    ws = _open(args, WorkspaceKind.COMMITTEE)
    try:
        key = accept_handover(ws, statement, signature)
    finally:
        workspaces.close(ws)
    data = {
        "branch": key.branch_code,
        "key_id": key.key_id,
        "fingerprint": key.fingerprint,
        "state": key.state,
    }
    _emit(
        args,
        data,
        lambda: f"已接受交接：支部 {key.branch_code} 的新密钥 {key.key_id}，指纹 {key.fingerprint}",
    )
    return EXIT_OK


def cmd_import(args: argparse.Namespace) -> int:
    from app.services.package_import import import_packages, package_files

    paths = [Path(p) for p in args.paths]
    missing = [str(p) for p in paths if not p.exists()]
    if missing:
        raise CliError(f"找不到：{'、'.join(missing)}")
    if not package_files(paths):
        raise CliError("没有找到上报包（.bbpkg 文件）")
    ws = _open(args, WorkspaceKind.COMMITTEE)
    try:
        outcomes = import_packages(
            ws, paths, dry_run=args.dry_run, passphrase=os.environ.get(PASSPHRASE_ENV) or None
        )
    finally:
        workspaces.close(ws)
    data = [o.as_json() for o in outcomes]

    def text() -> str:
        lines = []
        for o in outcomes:
            who = f"{o.branch_name or o.branch or '?'} 第 {o.seq} 号" if o.seq else ""
            lines.append(f"[{o.status_label}] {Path(o.file).name} {who}：{o.message}")
        counts = {
            label: sum(1 for o in outcomes if o.status_label == label)
            for label in {o.status_label for o in outcomes}
        }
        lines.append("合计：" + "，".join(f"{k} {v} 个" for k, v in sorted(counts.items())))
        return "\n".join(lines)

    _emit(args, data, text)
    return EXIT_INVALID if any(o.status == "rejected" for o in outcomes) else EXIT_OK


def cmd_summary(args: argparse.Namespace) -> int:
    from app.services.committee_reports import export_summary, summary

    ws = _open(args, WorkspaceKind.COMMITTEE)
    try:
        if args.output:
            path = export_summary(ws, args.period, Path(args.output))
            rows = None
        else:
            rows = summary(ws, args.period)
    finally:
        workspaces.close(ws)
    if rows is None:
        _emit(args, {"file": str(path)}, lambda: f"已导出汇总：{path}")
        return EXIT_OK
    data = [r.as_json() for r in rows]

    def text() -> str:
        lines = [
            f"{r.code}\t{r.name}\t{'已收到' if r.received else '未收到'}{'（逾期）' if r.late else ''}\t"
            f"党员 {r.members if r.members is not None else '—'}\t党费 {r.dues_collected:.2f}/{r.dues_due:.2f}\t"
            f"违规 {r.violations} 提醒 {r.warnings}"
            for r in rows
        ]
        received = sum(1 for r in rows if r.received)
        return "\n".join([*lines, f"{args.period.label()}：{len(rows)} 个支部，已收到 {received} 个"])

    _emit(args, data, text)
    return EXIT_OK


def cmd_branches(args: argparse.Namespace) -> int:
    from app.services.committee_reports import branch_overview

    ws = _open(args, WorkspaceKind.COMMITTEE)
    try:
        rows = branch_overview(ws)
    finally:
        workspaces.close(ws)
    data = [
        {
            "branch": r.code,
            "name": r.name,
            "class": r.org_class,
            "pass_mark": r.pass_mark,
            "advanced_mark": r.advanced_mark,
            "key_id": r.key_id,
            "fingerprint": r.fingerprint,
            "key_state": r.key_state,
            "last_sequence": r.last_sequence,
            "last_periods": list(r.last_periods),
            "last_created_at": r.last_created_at,
            "gaps": list(r.gaps),
        }
        for r in rows
    ]
    _emit(
        args,
        data,
        lambda: "\n".join(
            f"{r.code}\t{r.name}\t{r.class_label}\t密钥{r.key_state} {r.key_id or ''}\t"
            f"最近：第 {r.last_sequence or '—'} 号 {'、'.join(r.last_periods)}"
            + (f"\t缺第 {'、'.join(map(str, r.gaps))} 号" if r.gaps else "")
            for r in rows
        ),
    )
    return EXIT_OK


def cmd_stats(args: argparse.Namespace) -> int:
    from app.services.committee_reports import roster_stats

    ws = _open(args, WorkspaceKind.COMMITTEE)
    try:
        stats = roster_stats(ws, args.at)
    finally:
        workspaces.close(ws)

    def text() -> str:
        lines = [f"党员 {stats.total} 人（{stats.branches} 个支部，截至 {stats.as_of.isoformat()}）"]
        for title, counts in stats.groups():
            lines.append(f"{title}：" + "，".join(f"{k} {v}" for k, v in counts.items()))
        return "\n".join(lines)

    _emit(args, stats.as_json(), text)
    return EXIT_OK


def cmd_receiving_key(args: argparse.Namespace) -> int:
    from app.services.committee_keys import create_receiving_key, receiving_recipient

    ws = _open(args, WorkspaceKind.COMMITTEE)
    try:
        if args.action == "init":
            recipient = create_receiving_key(
                ws, _passphrase("为接收加密密钥设置口令（至少8个字符）", confirm=True)
            )
        else:
            recipient = receiving_recipient(ws)
            if not recipient:
                raise CliError("本党委还没有接收加密密钥；请运行 branchbook receiving-key init")
    finally:
        workspaces.close(ws)
    _emit(args, {"recipient": recipient}, lambda: f"接收公钥（交给各支部填写）：{recipient}")
    return EXIT_OK


# ---- parser --------------------------------------------------------------------------------------


def add_commands(sub: Any, common: argparse.ArgumentParser, parser_class: type) -> None:
    key = sub.add_parser("key", help="支部签名密钥").add_subparsers(
        dest="key_command", required=True, parser_class=parser_class
    )
    p = key.add_parser("init", parents=[common], help=f"生成签名密钥（口令取自环境变量 {PASSPHRASE_ENV}）")
    p.set_defaults(func=cmd_key_init)
    p = key.add_parser("show", parents=[common], help="显示密钥编号、指纹和公钥")
    p.set_defaults(func=cmd_key_show)
    p = key.add_parser("card", parents=[common], help="写出公钥卡（.pub）和打印页（.pdf）")
    p.add_argument("-o", "--output", required=True, help="公钥卡文件 FILE.pub")
    p.set_defaults(func=cmd_key_card)
    p = key.add_parser("backup", parents=[common], help="把加密的密钥文件备份到文件夹")
    p.add_argument("-o", "--output", required=True, help="文件夹，例如U盘")
    p.set_defaults(func=cmd_key_backup)
    p = key.add_parser(
        "handover",
        parents=[common],
        help=f"换届交接：新密钥＋旧密钥签名的声明（新口令取自 {NEW_PASSPHRASE_ENV}）",
    )
    p.add_argument("--reason", required=True)
    p.add_argument("-o", "--output", required=True, help="交接声明 FILE.json（签名写在 FILE.json.minisig）")
    p.set_defaults(func=cmd_key_handover)

    p = sub.add_parser("export", parents=[common], help="生成一个期间的签名上报包；该期间随即锁定")
    p.add_argument("--period", type=_period, required=True, help="YYYY-MM、YYYYQn 或 YYYY")
    p.add_argument("-o", "--output", required=True, help="FILE.bbpkg")
    p.add_argument("--encrypt-to", help="上级党委的 age 接收公钥（age1…）")
    p.set_defaults(func=cmd_export)

    package = sub.add_parser("package", help="上报包").add_subparsers(
        dest="package_command", required=True, parser_class=parser_class
    )
    p = package.add_parser("verify", parents=[common], help="用公钥校验上报包（无需工作区）")
    p.add_argument("file")
    p.add_argument("--pubkey", required=True, help="支部公钥卡 FILE.pub")
    p.add_argument("--identity", help="加密上报包的 age 解密私钥文件")
    p.set_defaults(func=cmd_package_verify)

    p = sub.add_parser("enroll", parents=[common], help="登记支部公钥卡（核对指纹）")
    p.add_argument("keycard")
    p.add_argument("--branch", help="支部代码（默认取公钥卡上的）")
    p.add_argument("--name", help="支部名称")
    p.add_argument("--class", dest="org_class", type=int, choices=[1, 2, 3, 4], help="支部类别")
    p.add_argument("--yes", action="store_true", help="已核对指纹，不再询问")
    p.set_defaults(func=cmd_enroll)
    p = sub.add_parser("revoke", parents=[common], help="吊销一把支部密钥")
    p.add_argument("key_id")
    p.add_argument("--reason", required=True)
    p.set_defaults(func=cmd_revoke)
    p = sub.add_parser("handover", parents=[common], help="接受支部换届交接声明")
    p.add_argument("statement", help="交接声明 FILE.json")
    p.add_argument("--signature", help="签名文件（默认 FILE.json.minisig）")
    p.set_defaults(func=cmd_handover)
    p = sub.add_parser("import", parents=[common], help="导入上报包（文件或文件夹）")
    p.add_argument("paths", nargs="+")
    p.add_argument("--dry-run", action="store_true", help="只检查并列出新增、更新、未变、冲突，不写入")
    p.set_defaults(func=cmd_import)
    p = sub.add_parser("summary", parents=[common], help="各支部一个期间的汇总")
    p.add_argument("--period", type=_period, required=True)
    p.add_argument("-o", "--output", help="导出为 FILE.xlsx")
    p.set_defaults(func=cmd_summary)
    p = sub.add_parser("branches", parents=[common], help="已登记的支部、密钥状态和最近上报")
    p.set_defaults(func=cmd_branches)
    p = sub.add_parser("stats", parents=[common], help="各支部党员统计（状态、性别、年龄、学历、类别）")
    p.add_argument("--at", type=_date, help="按哪一天计算年龄（默认今天）")
    p.set_defaults(func=cmd_stats)
    p = sub.add_parser("receiving-key", parents=[common], help="本党委接收加密上报包的密钥")
    p.add_argument("action", choices=["init", "show"])
    p.set_defaults(func=cmd_receiving_key)
