"""`branchbook archive`: the year-end archive (archive YEAR -o DIR), and archive verify / reopen / list."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from app.cli import EXIT_INVALID, EXIT_OK, CliError, _emit, _open
from app.cli_packages import _passphrase
from app.services import workspaces
from app.storage.workspace import WorkspaceKind

if TYPE_CHECKING:
    from app.services.archive import ArchivePreview


def _year(parser: argparse.ArgumentParser, text: str | None) -> int:
    if text is None or not text.isdigit() or len(text) != 4:
        parser.error(f"年度应写成四位数，如 2025：{text or '（未给出）'}")
    return int(text)


def _confirm(args: argparse.Namespace, preview: ArchivePreview) -> None:
    """Show the year's open violations, then ask (terminal) or insist on --yes (no terminal)."""
    out = sys.stderr if args.json else sys.stdout
    if preview.violations:
        print(f"{preview.year}年检查发现 {len(preview.violations)} 项违规尚未整改：", file=out)
        for i, finding in enumerate(preview.violations, 1):
            print(f"  {i}. {finding.subject}：{finding.message}", file=out)
    else:
        print(f"{preview.year}年检查未发现违规（提醒 {preview.warnings} 项）。", file=out)
    print(f"归档后{preview.year}年的记录将锁定，只能通过“更正”修改。", file=out)
    if args.yes:
        return
    if not sys.stdin.isatty():
        what = "已核对上述违规并确认归档" if preview.violations else "确认归档"
        raise CliError(f"需要确认：{what}后，请加 --yes 再运行")
    if input("确认归档？[y/N] ").strip().lower() not in ("y", "yes", "是"):
        raise CliError("未归档：未确认")


def _create(args: argparse.Namespace, year: int) -> int:
    from app.services.archive import archive_preview, create_archive

    if not args.output:
        args.archive_parser.error("归档需要用 -o DIR 指定存放的文件夹")
    ws = _open(args, WorkspaceKind.BRANCH)
    try:
        preview = archive_preview(ws, year)
        if preview.blockers:
            raise CliError("；".join(preview.blockers))
        _confirm(args, preview)
        result = create_archive(
            ws, year, Path(args.output), _passphrase("签名密钥的口令"), confirm_violations=True
        )
    finally:
        workspaces.close(ws)
    data = {
        "year": result.year,
        "folder": str(result.folder),
        "zip": str(result.zip_path),
        "manifest_sha256": result.manifest_sha256,
        "journal_head": result.journal_head,
        "key_id": result.key_id,
        "confirmed_violations": len(result.confirmed_violations),
        "files": [{"path": f.path, "size": f.size, "sha256": f.sha256} for f in result.files],
    }
    _emit(
        args,
        data,
        lambda: (
            f"已归档{result.year}年：{result.folder}\n压缩包：{result.zip_path}\n"
            f"清单 SHA-256：{result.manifest_sha256}\n{result.year}年的记录已锁定，如需改动请使用“更正”"
        ),
    )
    return EXIT_OK


def _verify(args: argparse.Namespace) -> int:
    from app.services.archive import verify_archive

    if not args.target:
        args.archive_parser.error("请给出要校验的归档文件夹或压缩包：archive verify PATH")
    key_text = None
    if args.pubkey:
        try:
            key_text = Path(args.pubkey).read_text(encoding="utf-8")
        except OSError as exc:
            raise CliError(f"无法读取公钥文件 {args.pubkey}：{exc.strerror}") from None
        except UnicodeDecodeError:
            raise CliError(f"公钥文件 {args.pubkey} 不是文本文件") from None
    # A workspace is used for its keys only when named on the command line: verify needs none.
    ws = _open(args) if args.workspace else None
    try:
        report = verify_archive(Path(args.target), key_text, ws)
    finally:
        if ws is not None:
            workspaces.close(ws)
    if args.json:
        _emit(args, report.as_json(), str)
    if not report.ok:
        for problem in report.problems:
            print(f"校验未通过：{problem}", file=sys.stderr)
        return EXIT_INVALID
    if not args.json:
        print(
            f"校验通过：{report.branch_name}（{report.branch_code}）{report.year}年度归档，"
            f"{report.files} 个文件，密钥 {report.key_id}，指纹 {report.fingerprint}，生成于 {report.created_at}"
        )
    if report.notice:
        print(f"注意：{report.notice}", file=sys.stderr)
    return EXIT_OK


def _reopen(args: argparse.Namespace) -> int:
    from app.services.archive import reopen_year

    year = _year(args.archive_parser, args.target)
    if args.reason is None:
        args.archive_parser.error("撤销归档须用 --reason 写明原因")
    ws = _open(args, WorkspaceKind.BRANCH)
    try:
        result = reopen_year(ws, year, args.reason)
    finally:
        workspaces.close(ws)
    data = {
        "year": result.year,
        "reopened_on": result.reopened_on.isoformat(),
        "reason": result.reason,
        "state": result.state,
    }
    after = "仍为已上报（整年上报包），" if result.state else ""
    _emit(
        args,
        data,
        lambda: (
            f"已撤销{year}年的归档（原因：{result.reason}）；{after}本年度记录可以再次直接修改，之后可重新归档"
        ),
    )
    return EXIT_OK


def _list(args: argparse.Namespace) -> int:
    from app.services.archive import archive_history

    ws = _open(args, WorkspaceKind.BRANCH)
    try:
        items = archive_history(ws)
    finally:
        workspaces.close(ws)

    def text() -> str:
        if not items:
            return "还没有归档记录"
        return "\n".join(
            f"{i.at}\t{i.year}年\t{i.label}\t"
            + (f"{i.folder_name}\t清单 {i.manifest_sha256}" if i.kind == "archived" else f"原因：{i.reason}")
            for i in items
        )

    _emit(args, [i.as_json() for i in items], text)
    return EXIT_OK


def cmd_archive(args: argparse.Namespace) -> int:
    if args.action == "verify":
        return _verify(args)
    if args.action == "reopen":
        return _reopen(args)
    if args.action == "list":
        return _list(args)
    if args.target is not None:
        args.archive_parser.error(f"多余的参数：{args.target}")
    return _create(args, _year(args.archive_parser, args.action))


def add_commands(sub: Any, common: argparse.ArgumentParser, parser_class: type) -> None:
    # One parser: argparse cannot mix a positional YEAR with sub-commands, so the first word decides.
    p = sub.add_parser(
        "archive",
        parents=[common],
        help="年度归档：archive YEAR -o DIR；archive verify PATH；archive reopen YEAR --reason R；archive list",
        description=(
            "archive YEAR -o DIR [--yes]  生成年度归档（PDF、表格、数据和签名清单）并锁定该年度；\n"
            "archive verify PATH [--pubkey FILE.pub]  校验归档文件夹或压缩包（无需工作区）；\n"
            "archive reopen YEAR --reason R  撤销归档（须写明原因）；\n"
            "archive list  归档和撤销记录"
        ),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("action", metavar="YEAR|verify|reopen|list")
    p.add_argument("target", nargs="?", metavar="PATH|YEAR", help="verify：归档文件夹或 .zip；reopen：年度")
    p.add_argument("-o", "--output", help="归档存放的文件夹（其中生成 <代码>-<年度>-年度归档/ 和同名 .zip）")
    p.add_argument("--yes", action="store_true", help="已核对检查结果，确认归档，不再询问")
    p.add_argument("--pubkey", help="verify：支部公钥卡 FILE.pub（默认用归档内附带的公钥，须核对指纹）")
    p.add_argument("--reason", help="reopen：撤销归档的原因")
    p.set_defaults(func=cmd_archive, archive_parser=p)
