"""The printable key card: what the committee clerk compares by eye (or phone) before enrolling a key."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas

from app.io.pdf.fonts import body_font


@dataclass(frozen=True)
class KeyCardFacts:
    branch_name: str
    branch_code: str
    committee: str
    key_id: str
    fingerprint: str
    public_key: str
    created_on: dt.date
    predecessor: str | None = None


def write_key_card_pdf(path: Path, facts: KeyCardFacts) -> None:
    font = body_font()
    # invariant: fixed creation date and document id, so the same key gives the same bytes.
    canvas = Canvas(str(path), pagesize=A4, invariant=1, pageCompression=1, initialFontName=font)
    canvas.setTitle(f"{facts.branch_name} 签名公钥卡")
    canvas.setAuthor("支部记录本")
    width, height = A4
    left = 25 * mm
    y = height - 35 * mm
    canvas.setFont(font, 20)
    canvas.drawCentredString(width / 2, y, "党支部上报签名公钥卡")
    y -= 18 * mm
    rows = [
        ("支部名称", facts.branch_name),
        ("支部代码", facts.branch_code),
        ("上级党委", facts.committee or "—"),
        ("密钥编号", facts.key_id),
        ("生成日期", f"{facts.created_on.year}年{facts.created_on.month}月{facts.created_on.day}日"),
    ]
    if facts.predecessor:
        rows.append(("接替密钥", f"{facts.predecessor}（换届交接，附旧密钥签名的交接声明）"))
    for label, value in rows:
        canvas.setFont(font, 12)
        canvas.drawString(left, y, f"{label}：")
        canvas.drawString(left + 28 * mm, y, value)
        y -= 10 * mm
    y -= 4 * mm
    canvas.setFont(font, 12)
    canvas.drawString(left, y, "公钥指纹（请逐组核对）：")
    y -= 12 * mm
    canvas.setFont(font, 18)
    groups = facts.fingerprint.split()
    canvas.drawString(left + 8 * mm, y, "  ".join(groups[:4]))
    y -= 10 * mm
    canvas.drawString(left + 8 * mm, y, "  ".join(groups[4:]))
    y -= 16 * mm
    canvas.setFont(font, 9)
    canvas.drawString(left, y, "minisign 公钥：")
    canvas.drawString(left + 24 * mm, y, facts.public_key)
    y -= 16 * mm
    canvas.setFont(font, 11)
    notes = [
        "使用说明：",
        "1. 本卡与公钥文件（.pub）一起交上级党委。党委登记公钥时，软件显示的指纹须与本卡逐组一致。",
        "2. 指纹不一致时不得登记，请当面或电话与支部书记核对。",
        "3. 本卡只含公钥，不含私钥和口令，可以复印存档。",
    ]
    for line in notes:
        canvas.drawString(left, y, line)
        y -= 7 * mm
    y -= 14 * mm
    canvas.drawString(left, y, "支部书记（签字）：________________    日期：____________")
    y -= 14 * mm
    canvas.drawString(left, y, "上级党委经办人核对（签字）：________________    日期：____________")
    canvas.showPage()
    canvas.save()
