"""The roster sheet adapter against real .xlsx files: our template and sheets as secretaries keep them."""

from __future__ import annotations

import datetime as dt
import os
import random
import time
import zipfile

import openpyxl
import openpyxl.xml
import pytest

from app.io.excel import roster_sheet
from app.io.excel.roster_sheet import (
    ROSTER_COLUMNS,
    RosterSheet,
    SheetError,
    read_roster_sheet,
    write_roster_sheet,
)
from tests.fixtures.sheets import (
    TYPICAL_DIRTY_HEADERS,
    add_cached_formula,
    rewrite_sheet_xml,
    write_dirty_roster,
    write_fake_encrypted_xlsx,
    write_fake_xls,
    write_not_a_zip,
    write_template_like,
    write_zip_bomb,
)

ZHANG = {
    "序号": 1,
    "党员姓名": "张三",
    "性别": "男",
    "民族": "汉族",
    "出生年月": "1985.03",
    "文化程度": "大学本科",
    "身份证号": "11010519850301002X",
    "籍贯": "河南郑州",
    "参加工作时间": "2007.07",
    "入党时间": "2008.06.15",
    "转正时间": "2009.06.15",
    "人员类别": "正式党员",
    "所在党小组": "第一党小组",
    "手机": "13800138000",
    "家庭住址": "郑州市二七区",
    "备注": "支部委员",
}
LI = {
    "序号": 2,
    "党员姓名": "李四",
    "性别": "女",
    "民族": "回族",
    "出生年月": "1990.11",
    "文化程度": "大专",
    "身份证号": "410102199011150021",
    "入党时间": "2015.07",
    "人员类别": "预备党员",
    "所在党小组": "第二党小组",
    "手机": "13900139000",
}
WANG = {
    "序号": 3,
    "党员姓名": "王小明",
    "性别": "男",
    "民族": "汉族",
    "出生年月": "1978.01",
    "入党时间": "2001.07",
}

EXPECTED_FIELD = {
    "党员姓名": "name",
    "性别": "gender",
    "民族": "ethnicity",
    "出生年月": "birth_date",
    "文化程度": "education",
    "身份证号": "id_number",
    "籍贯": "native_place",
    "参加工作时间": "work_start",
    "入党时间": "joined_on",
    "转正时间": "full_on",
    "人员类别": "status",
    "所在党小组": "group",
    "手机": "phone",
    "备注": "note",
}


def by_field(record: dict[str, object]) -> dict[str, object]:
    """A dirty row (keyed by header text) as the field-keyed values the reader should produce."""
    return {EXPECTED_FIELD[k]: v for k, v in record.items() if k in EXPECTED_FIELD}


def names(sheet: RosterSheet) -> list[object]:
    return [row.values.get("name") for row in sheet.rows]


# --------------------------------------------------------------------------- safe opening


def test_openpyxl_parses_xml_through_defusedxml():
    assert openpyxl.xml.DEFUSEDXML is True


def test_xls_suffix_is_refused_with_save_as_hint(tmp_path):
    path = write_fake_xls(tmp_path / "花名册.xls")
    with pytest.raises(SheetError) as caught:
        read_roster_sheet(path)
    message = str(caught.value)
    assert "花名册.xls" in message
    assert "旧版 Excel（.xls）" in message
    assert "另存为” .xlsx" in message


def test_ole2_file_renamed_to_xlsx_is_refused_as_old_excel(tmp_path):
    path = write_fake_xls(tmp_path / "改了后缀.xlsx")
    with pytest.raises(SheetError, match=r"改了后缀\.xlsx.*旧版 Excel（\.xls）.*另存为” \.xlsx"):
        read_roster_sheet(path)


def test_password_protected_xlsx_gets_its_own_message(tmp_path):
    path = write_fake_encrypted_xlsx(tmp_path / "加密.xlsx")
    with pytest.raises(SheetError, match=r"加密\.xlsx.*密码"):
        read_roster_sheet(path)


def test_not_a_zip_is_refused(tmp_path):
    path = write_not_a_zip(tmp_path / "其实是文本.xlsx")
    with pytest.raises(SheetError, match=r"其实是文本\.xlsx.*不是有效的 Excel"):
        read_roster_sheet(path)


def test_zip_that_is_not_a_workbook_is_refused(tmp_path):
    path = tmp_path / "压缩包.xlsx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("readme.txt", "not a workbook")
    with pytest.raises(SheetError, match=r"压缩包\.xlsx.*不是有效的 Excel"):
        read_roster_sheet(path)


def test_empty_file_is_refused(tmp_path):
    path = tmp_path / "空.xlsx"
    path.write_bytes(b"")
    with pytest.raises(SheetError, match=r"空\.xlsx"):
        read_roster_sheet(path)


def test_missing_file_is_refused(tmp_path):
    with pytest.raises(SheetError, match=r"找不到文件“不存在\.xlsx”"):
        read_roster_sheet(tmp_path / "不存在.xlsx")


def test_directory_is_refused(tmp_path):
    folder = tmp_path / "文件夹.xlsx"
    folder.mkdir()
    with pytest.raises(SheetError, match=r"文件夹\.xlsx"):
        read_roster_sheet(folder)


def test_zip_bomb_is_refused_before_inflating(tmp_path):
    path = write_zip_bomb(tmp_path / "炸弹.xlsx")
    assert path.stat().st_size < 2 * 1024 * 1024  # small on disk, > 200 MB declared
    started = time.perf_counter()
    with pytest.raises(SheetError) as caught:
        read_roster_sheet(path)
    assert time.perf_counter() - started < 2.0  # refused from the zip directory, nothing inflated
    assert "炸弹.xlsx" in str(caught.value)
    assert "200 MB" in str(caught.value)


def test_too_many_zip_entries_is_refused(tmp_path, monkeypatch):
    path = write_template_like(tmp_path / "条目.xlsx", [{"name": "张三"}])
    with zipfile.ZipFile(path) as archive:
        count = len(archive.infolist())
    read_roster_sheet(path)  # fine under the real limit
    monkeypatch.setattr(roster_sheet, "MAX_ZIP_ENTRIES", count - 1)
    with pytest.raises(SheetError, match=r"条目\.xlsx.*超过"):
        read_roster_sheet(path)


def test_file_larger_than_limit_is_refused(tmp_path, monkeypatch):
    path = write_template_like(tmp_path / "大文件.xlsx", [{"name": "张三"}])
    monkeypatch.setattr(roster_sheet, "MAX_FILE_BYTES", path.stat().st_size - 1)
    with pytest.raises(SheetError) as caught:
        read_roster_sheet(path)
    assert "大文件.xlsx" in str(caught.value)
    assert "上限" in str(caught.value)
    assert "KB" in str(caught.value)  # names the limit


def test_rows_beyond_max_rows_are_refused(tmp_path, monkeypatch):
    path = write_template_like(tmp_path / "多.xlsx", [{"name": f"人{i}", "gender": "男"} for i in range(11)])
    monkeypatch.setattr(roster_sheet, "MAX_ROWS", 11)
    assert len(read_roster_sheet(path).rows) == 11
    monkeypatch.setattr(roster_sheet, "MAX_ROWS", 10)
    with pytest.raises(SheetError, match=r"多\.xlsx.*超过 10 行"):
        read_roster_sheet(path)


def test_file_is_closed_after_reading(tmp_path):
    # Linux /proc lists the open files; the test platform (CI) is Linux.
    path = tmp_path / "关闭.xlsx"
    write_dirty_roster(path, [ZHANG], headers=TYPICAL_DIRTY_HEADERS)
    read_roster_sheet(path)
    with pytest.raises(SheetError):
        read_roster_sheet(write_fake_xls(tmp_path / "x.xls"))
    open_files = {os.path.realpath(f"/proc/self/fd/{fd}") for fd in os.listdir("/proc/self/fd")}
    assert str(path.resolve()) not in open_files


# --------------------------------------------------------------------------- finding the header


def test_header_is_found_below_title_rows(tmp_path):
    layout = write_dirty_roster(tmp_path / "花名册.xlsx", [ZHANG, LI, WANG], headers=TYPICAL_DIRTY_HEADERS)
    sheet = read_roster_sheet(tmp_path / "花名册.xlsx")
    assert layout.header_row == 4
    assert sheet.header_row == 4
    assert sheet.sheet_name == "花名册"
    assert sheet.path == tmp_path / "花名册.xlsx"
    assert [row.row for row in sheet.rows] == layout.data_rows == [5, 6, 7]
    assert names(sheet) == ["张三", "李四", "王小明"]


def test_header_in_first_row_without_titles(tmp_path):
    write_dirty_roster(tmp_path / "a.xlsx", [ZHANG], headers=TYPICAL_DIRTY_HEADERS, title_rows=False)
    sheet = read_roster_sheet(tmp_path / "a.xlsx")
    assert sheet.header_row == 1
    assert [row.row for row in sheet.rows] == [2]


def test_shuffled_columns_with_local_header_names(tmp_path):
    headers = list(TYPICAL_DIRTY_HEADERS)
    random.Random(7).shuffle(headers)
    write_dirty_roster(tmp_path / "乱序.xlsx", [ZHANG, LI], headers=headers)
    sheet = read_roster_sheet(tmp_path / "乱序.xlsx")

    assert sheet.rows[0].values == by_field(ZHANG)
    assert sheet.rows[1].values == by_field(LI)
    assert sheet.columns == {field: header for header, field in EXPECTED_FIELD.items()}
    for header, field in EXPECTED_FIELD.items():
        assert sheet.column_letters[field] == openpyxl.utils.get_column_letter(headers.index(header) + 1)


@pytest.mark.parametrize(
    ("header", "field"),
    [
        ("出生年月日", "birth_date"),
        ("公民身份号码", "id_number"),
        ("身份证号码", "id_number"),
        ("身份证", "id_number"),
        ("最高学历", "education"),
        ("参加工作年月", "work_start"),
        ("入党年月", "joined_on"),
        ("转正年月", "full_on"),
        ("党员类别", "category"),
        ("党内职务", "post"),
        ("行政职务", "job"),
        ("工作单位及职务", "job"),
        ("联系方式", "phone"),
        ("手机号码", "phone"),
        ("倒班班组", "team"),
        ("是否流动党员", "mobile"),
        ("流动党员外出流向", "mobile"),
    ],
)
def test_more_synonyms(tmp_path, header, field):
    write_dirty_roster(
        tmp_path / "s.xlsx", [{"姓名": "张三", "性别": "男", header: "值"}], headers=["姓名", "性别", header]
    )
    sheet = read_roster_sheet(tmp_path / "s.xlsx")
    assert sheet.rows[0].values == {"name": "张三", "gender": "男", field: "值"}
    assert sheet.columns[field] == header


def test_headers_with_line_breaks_full_width_and_remarks(tmp_path):
    headers = [
        "姓\n名",
        "性　别",  # ideographic space
        " 民族 ",
        "出生年月\n（年.月）",
        "身份证号（18位）",
        "入党时间：",
        "转正时间(年.月.日)",
        "联系电话\r\n（手机）",
        "*党小组",
    ]
    row = {
        "姓\n名": "张三",
        "性　别": "男",
        " 民族 ": "汉族",
        "出生年月\n（年.月）": "1985.03",
        "身份证号（18位）": "11010519850301002X",
        "入党时间：": "2008.06",
        "转正时间(年.月.日)": "2009.06.01",
        "联系电话\r\n（手机）": "13800138000",
        "*党小组": "一组",
    }
    write_dirty_roster(tmp_path / "表头.xlsx", [row], headers=headers)
    sheet = read_roster_sheet(tmp_path / "表头.xlsx")
    assert sheet.rows[0].values == {
        "name": "张三",
        "gender": "男",
        "ethnicity": "汉族",
        "birth_date": "1985.03",
        "id_number": "11010519850301002X",
        "joined_on": "2008.06",
        "full_on": "2009.06.01",
        "phone": "13800138000",
        "group": "一组",
    }
    assert sheet.ignored_headers == []
    assert sheet.columns["name"] == "姓名"
    assert sheet.columns["birth_date"] == "出生年月(年.月)"


def test_full_width_parentheses_in_header_remark(tmp_path):
    write_dirty_roster(
        tmp_path / "a.xlsx", [{"姓名": "张三", "性别": "男", "入党日期（年．月）": "2001.07"}],
        headers=["姓名", "性别", "入党日期（年．月）"],
    )  # fmt: skip
    assert read_roster_sheet(tmp_path / "a.xlsx").rows[0].values["joined_on"] == "2001.07"


def test_unrecognised_headers_are_reported_and_serial_numbers_are_not(tmp_path):
    headers = ["编号", *TYPICAL_DIRTY_HEADERS, "婚姻状况"]
    write_dirty_roster(tmp_path / "a.xlsx", [ZHANG], headers=headers)
    sheet = read_roster_sheet(tmp_path / "a.xlsx")
    assert sheet.ignored_headers == ["家庭住址", "婚姻状况"]
    assert "address" not in sheet.rows[0].values
    assert "郑州市二七区" not in sheet.rows[0].values.values()


def test_second_column_for_the_same_field_is_ignored(tmp_path):
    headers = ["姓名", "性别", "手机", "联系电话", "入党时间"]
    row = {
        "姓名": "张三",
        "性别": "男",
        "手机": "13800138000",
        "联系电话": "0371-6666666",
        "入党时间": "2001.07",
    }
    write_dirty_roster(tmp_path / "a.xlsx", [row], headers=headers)
    sheet = read_roster_sheet(tmp_path / "a.xlsx")
    assert sheet.rows[0].values["phone"] == "13800138000"
    assert sheet.columns["phone"] == "手机"
    assert sheet.ignored_headers == ["联系电话"]


def test_missing_name_header_is_refused(tmp_path):
    headers = ["序号", "性别", "民族", "出生年月", "入党时间"]
    write_dirty_roster(tmp_path / "无姓名.xlsx", [{"性别": "男", "民族": "汉族"}], headers=headers)
    with pytest.raises(SheetError) as caught:
        read_roster_sheet(tmp_path / "无姓名.xlsx")
    assert "无姓名.xlsx" in str(caught.value)
    assert "找不到表头" in str(caught.value)
    assert "“姓名”" in str(caught.value)


def test_name_with_only_one_other_column_is_not_a_header(tmp_path):
    write_dirty_roster(
        tmp_path / "a.xlsx", [{"姓名": "张三", "性别": "男"}], headers=["姓名", "性别", "住址"]
    )
    with pytest.raises(SheetError, match="找不到表头"):
        read_roster_sheet(tmp_path / "a.xlsx")


def test_header_must_be_within_first_30_rows(tmp_path):
    path = tmp_path / "a.xlsx"
    wb = openpyxl.Workbook()
    ws = wb.active
    for _ in range(30):
        ws.append(["说明文字"])
    ws.append(["姓名", "性别", "民族"])
    ws.append(["张三", "男", "汉族"])
    wb.save(path)
    with pytest.raises(SheetError, match="找不到表头"):
        read_roster_sheet(path)
    ws.delete_rows(1)
    wb.save(path)
    assert read_roster_sheet(path).header_row == 30


def test_row_with_most_recognised_headers_wins(tmp_path):
    path = tmp_path / "a.xlsx"
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["填表说明：姓名、性别、民族必填"])
    ws.append(["姓名", "性别", "民族"])  # a small legend table
    ws.append([])
    ws.append(["姓名", "性别", "民族", "出生年月", "入党时间"])
    ws.append(["张三", "男", "汉族", "1985.03", "2001.07"])
    wb.save(path)
    sheet = read_roster_sheet(path)
    assert sheet.header_row == 4
    assert sheet.rows[0].row == 5


def test_instruction_sheet_first_falls_back_to_roster_sheet(tmp_path):
    write_dirty_roster(tmp_path / "a.xlsx", [ZHANG], headers=TYPICAL_DIRTY_HEADERS, leading_sheet="填表说明")
    wb = openpyxl.load_workbook(tmp_path / "a.xlsx")
    assert wb.active.title == "填表说明"
    sheet = read_roster_sheet(tmp_path / "a.xlsx")
    assert sheet.sheet_name == "花名册"
    assert names(sheet) == ["张三"]


def test_active_sheet_is_preferred(tmp_path):
    path = tmp_path / "a.xlsx"
    write_dirty_roster(path, [ZHANG], headers=TYPICAL_DIRTY_HEADERS, sheet_title="2023年")
    wb = openpyxl.load_workbook(path)
    new = wb.create_sheet("2024年")
    new.append(["姓名", "性别", "民族"])
    new.append(["李四", "女", "回族"])
    wb.active = wb.index(new)
    wb.save(path)
    sheet = read_roster_sheet(path)
    assert sheet.sheet_name == "2024年"
    assert names(sheet) == ["李四"]


def test_wrong_dimension_in_sheet_xml_does_not_truncate(tmp_path):
    path = tmp_path / "a.xlsx"
    write_dirty_roster(path, [ZHANG, LI], headers=TYPICAL_DIRTY_HEADERS)

    def wrong_dimension(xml: str) -> str:
        start = xml.index("<dimension ")
        end = xml.index("/>", start) + 2
        return xml[:start] + '<dimension ref="A1"/>' + xml[end:]

    rewrite_sheet_xml(path, "花名册", wrong_dimension)
    sheet = read_roster_sheet(path)
    assert [row.values for row in sheet.rows] == [by_field(ZHANG), by_field(LI)]


# --------------------------------------------------------------------------- where the data ends


def test_rows_stop_at_signature_footer(tmp_path):
    layout = write_dirty_roster(tmp_path / "a.xlsx", [ZHANG, LI], headers=TYPICAL_DIRTY_HEADERS, footer=True)
    sheet = read_roster_sheet(tmp_path / "a.xlsx")
    assert names(sheet) == ["张三", "李四"]  # 王五 written after the footer is not read
    assert layout.footer_row == 8


@pytest.mark.parametrize(
    "footer",
    ["制表人：张三", "制 表 人：张三", "填表人:李四", "填报人：王五", "审核人：李四", "负责人：赵六",
     "制表日期：2024.03.01", "填报日期：2024年3月", "合计", "总计：3人", "说明：本表…", "注：以上信息", "注:以上", "注 ：以上"],
)  # fmt: skip
def test_each_footer_word_ends_the_table(tmp_path, footer):
    path = tmp_path / "a.xlsx"
    layout = write_dirty_roster(path, [ZHANG, LI], headers=TYPICAL_DIRTY_HEADERS, footer=False)
    wb = openpyxl.load_workbook(path)
    ws = wb.active
    after = layout.data_rows[-1] + 1
    ws.cell(row=after, column=1, value=footer)
    ws.cell(row=after + 1, column=2, value="王五")
    ws.cell(row=after + 1, column=3, value="男")
    wb.save(path)
    assert names(read_roster_sheet(path)) == ["张三", "李四"]


def test_footer_in_a_later_column_also_ends_the_table(tmp_path):
    path = tmp_path / "a.xlsx"
    layout = write_dirty_roster(path, [ZHANG], headers=TYPICAL_DIRTY_HEADERS, footer=False)
    wb = openpyxl.load_workbook(path)
    ws = wb.active
    ws.cell(row=layout.data_rows[-1] + 1, column=5, value="审核人：李四")
    ws.cell(row=layout.data_rows[-1] + 2, column=2, value="王五")
    wb.save(path)
    assert names(read_roster_sheet(path)) == ["张三"]


def test_two_blank_rows_end_the_table(tmp_path):
    path = tmp_path / "a.xlsx"
    layout = write_dirty_roster(path, [ZHANG, LI], headers=TYPICAL_DIRTY_HEADERS, footer=False)
    wb = openpyxl.load_workbook(path)
    ws = wb.active
    later = layout.data_rows[-1] + 3  # two blank rows in between
    ws.cell(row=later, column=2, value="王五")
    ws.cell(row=later, column=3, value="男")
    wb.save(path)
    assert names(read_roster_sheet(path)) == ["张三", "李四"]


def test_one_blank_row_inside_data_is_skipped(tmp_path):
    layout = write_dirty_roster(
        tmp_path / "a.xlsx", [ZHANG, LI, WANG], headers=TYPICAL_DIRTY_HEADERS, blank_row_inside=True
    )
    sheet = read_roster_sheet(tmp_path / "a.xlsx")
    assert layout.blank_rows == [6]
    assert names(sheet) == ["张三", "李四", "王小明"]
    assert [row.row for row in sheet.rows] == layout.data_rows == [5, 7, 8]


def test_row_of_spaces_counts_as_blank(tmp_path):
    path = tmp_path / "a.xlsx"
    layout = write_dirty_roster(path, [ZHANG], headers=TYPICAL_DIRTY_HEADERS, footer=False)
    wb = openpyxl.load_workbook(path)
    ws = wb.active
    last = layout.data_rows[-1]
    ws.cell(row=last + 1, column=2, value="　 ")
    ws.cell(row=last + 2, column=4, value="\n")
    ws.cell(row=last + 3, column=2, value="王五")
    wb.save(path)
    assert names(read_roster_sheet(path)) == ["张三"]


def test_prenumbered_empty_rows_are_not_members(tmp_path):
    path = tmp_path / "a.xlsx"
    layout = write_dirty_roster(path, [ZHANG], headers=TYPICAL_DIRTY_HEADERS, footer=False)
    wb = openpyxl.load_workbook(path)
    ws = wb.active
    for offset in range(1, 6):
        ws.cell(row=layout.data_rows[-1] + offset, column=1, value=offset + 1)  # 序号 only
    ws.cell(row=layout.data_rows[-1] + 6, column=2, value="李四")
    wb.save(path)
    sheet = read_roster_sheet(path)
    assert names(sheet) == ["张三", "李四"]
    assert sheet.rows[1].row == layout.data_rows[-1] + 6


# --------------------------------------------------------------------------- cell values


def test_full_width_and_stray_whitespace_in_values_are_normalised(tmp_path):
    row = {
        "党员姓名": " 张三\u200b ",
        "性别": "男",
        "身份证号": "１１０１０５１９８５０３０１００２Ｘ",
        "手机": "１３８ ００１３ ８０００",
        "出生年月": "１９８５．０３",
        "备注": "党小组长\n\n  兼  宣传委员　",
        "家庭住址": "   ",
    }
    write_dirty_roster(tmp_path / "a.xlsx", [row], headers=TYPICAL_DIRTY_HEADERS)
    values = read_roster_sheet(tmp_path / "a.xlsx").rows[0].values
    assert values == {
        "name": "张三",
        "gender": "男",
        "id_number": "11010519850301002X",
        "phone": "138 0013 8000",
        "birth_date": "1985.03",
        "note": "党小组长 兼 宣传委员",
    }


def test_empty_strings_are_left_out(tmp_path):
    row = {"党员姓名": "张三", "性别": "男", "民族": "　", "备注": " \n "}
    write_dirty_roster(tmp_path / "a.xlsx", [row], headers=TYPICAL_DIRTY_HEADERS)
    assert read_roster_sheet(tmp_path / "a.xlsx").rows[0].values == {"name": "张三", "gender": "男"}


def test_excel_dates_become_dates(tmp_path):
    row = {
        "党员姓名": "张三",
        "性别": "男",
        "出生年月": dt.date(1985, 3, 1),
        "入党时间": dt.datetime(2008, 6, 15, 0, 0),
        "转正时间": dt.datetime(2009, 6, 15, 14, 30),
    }
    write_dirty_roster(tmp_path / "a.xlsx", [row], headers=TYPICAL_DIRTY_HEADERS)
    values = read_roster_sheet(tmp_path / "a.xlsx").rows[0].values
    assert values["birth_date"] == dt.date(1985, 3, 1)
    assert type(values["birth_date"]) is dt.date
    assert values["joined_on"] == dt.date(2008, 6, 15)
    assert type(values["joined_on"]) is dt.date
    assert values["full_on"] == dt.datetime(2009, 6, 15, 14, 30)  # a real time is kept


def test_numbers_are_kept_as_numbers(tmp_path):
    row = {
        "党员姓名": "张三",
        "性别": "男",
        "出生年月": 198503,
        "入党时间": 2008.06,
        "手机": 13800138000,
        "序号": 1,
    }
    write_dirty_roster(tmp_path / "a.xlsx", [row], headers=TYPICAL_DIRTY_HEADERS)
    values = read_roster_sheet(tmp_path / "a.xlsx").rows[0].values
    assert values["birth_date"] == 198503
    assert type(values["birth_date"]) is int
    assert values["joined_on"] == pytest.approx(2008.06)
    assert type(values["joined_on"]) is float
    assert values["phone"] == 13800138000


def test_formula_cells_are_read_by_cached_value(tmp_path):
    path = tmp_path / "公式.xlsx"
    headers = ["序号", "姓名", "性别", "出生年月", "入党时间", "备注"]
    rows = [
        {"序号": 1, "姓名": "占位", "性别": "男", "出生年月": 0, "入党时间": "2001.07", "备注": "x"},
        {"序号": 2, "姓名": "李四", "性别": "女", "出生年月": dt.date(2000, 1, 1), "入党时间": "2010.07"},
    ]
    layout = write_dirty_roster(path, rows, headers=headers)
    first, second = layout.data_rows
    add_cached_formula(path, "花名册", f"B{first}", 'CONCATENATE("张","三")', "张三")
    add_cached_formula(path, "花名册", f"D{first}", "198000+503", 198503)
    add_cached_formula(
        path, "花名册", f"D{second}", "DATE(1990,5,6)", dt.date(1990, 5, 6)
    )  # date-formatted cell
    add_cached_formula(path, "花名册", f"A{second}", "A5+1", 2)

    with zipfile.ZipFile(path) as archive:
        xml = archive.read("xl/worksheets/sheet1.xml").decode()
    assert (
        "<f>CONCATENATE(&quot;张&quot;,&quot;三&quot;)</f>" in xml or '<f>CONCATENATE("张","三")</f>' in xml
    )

    sheet = read_roster_sheet(path)
    assert sheet.rows[0].values["name"] == "张三"
    assert sheet.rows[0].values["birth_date"] == 198503
    assert sheet.rows[1].values["birth_date"] == dt.date(1990, 5, 6)


def test_rare_characters_in_names_survive(tmp_path):
    rows = [
        {"党员姓名": "𠮷田", "性别": "男"},  # outside the BMP
        {"党员姓名": "王堃", "性别": "男"},
        {"党员姓名": "张喆", "性别": "女"},
        {
            "党员姓名": "李\uf9dc",
            "性别": "女",
        },  # CJK compatibility ideograph 隆; NFKC would rewrite it to U+9686
    ]
    write_dirty_roster(tmp_path / "a.xlsx", rows, headers=TYPICAL_DIRTY_HEADERS)
    assert names(read_roster_sheet(tmp_path / "a.xlsx")) == ["𠮷田", "王堃", "张喆", "李\uf9dc"]


def test_booleans_come_through_as_values(tmp_path):
    path = tmp_path / "a.xlsx"
    headers = ["姓名", "性别", "民族", "备注"]
    write_dirty_roster(path, [{"姓名": "张三", "性别": "男", "民族": "汉族", "备注": True}], headers=headers)
    assert read_roster_sheet(path).rows[0].values["note"] is True


# --------------------------------------------------------------------------- our template


def full_record(index: int) -> dict[str, object]:
    return {
        "name": f"张{index}号" if index % 3 else "𠮷田喆",
        "gender": "女" if index % 2 else "男",
        "ethnicity": "汉族",
        "birth_date": "1985.03",
        "id_number": "11010519850301002X" if index % 2 else "410102199011150021",
        "education": "大学本科",
        "native_place": "河南郑州",
        "work_start": "2007.07",
        "joined_on": "2008.06.15",
        "full_on": "2009",
        "status": "正式党员",
        "category": "在职",
        "post": "组织委员",
        "job": "检修班班长",
        "phone": "013800138000",
        "group": "第一党小组",
        "team": "甲班",
        "mobile": "广东深圳",
        "note": "=1+1",  # must stay text, not become a formula
    }


def test_template_round_trip_is_exact(tmp_path):
    records = [
        full_record(1),
        full_record(3),
        {"name": "王堃", "gender": "男", "birth_date": "1990.10", "note": "#N/A", "joined_on": None},
        {"name": "李四", "phone": 13900139000, "post": "", "team": "乙班"},  # int → text column, "" → empty
    ]
    path = tmp_path / "模板.xlsx"
    write_roster_sheet(path, records, unit="一车间党支部")
    sheet = read_roster_sheet(path)

    assert sheet.header_row == 3
    assert sheet.ignored_headers == []
    assert sheet.columns == {spec.field: spec.header for spec in ROSTER_COLUMNS}
    assert [row.row for row in sheet.rows] == [4, 5, 6, 7]
    assert sheet.rows[0].values == full_record(1)
    assert sheet.rows[1].values == full_record(3)
    assert sheet.rows[2].values == {"name": "王堃", "gender": "男", "birth_date": "1990.10", "note": "#N/A"}
    assert sheet.rows[3].values == {"name": "李四", "phone": "13900139000", "team": "乙班"}
    assert sheet.rows[0].values["id_number"] == "11010519850301002X"
    assert sheet.rows[1].values["name"] == "𠮷田喆"


def test_template_layout(tmp_path):
    path = tmp_path / "模板.xlsx"
    write_roster_sheet(path, [full_record(1)], unit="一车间党支部", title="2024年党员花名册")
    wb = openpyxl.load_workbook(path)
    ws = wb.active
    last = openpyxl.utils.get_column_letter(len(ROSTER_COLUMNS))
    assert ws["A1"].value == "2024年党员花名册"
    assert ws["A1"].font.b
    assert ws["A1"].alignment.horizontal == "center"
    assert ws["A2"].value == "填报单位：一车间党支部"
    assert {str(r) for r in ws.merged_cells.ranges} == {f"A1:{last}1", f"A2:{last}2"}
    assert [c.value for c in ws[3]] == [spec.header for spec in ROSTER_COLUMNS]
    assert all(c.font.b and c.border.left.style == "thin" for c in ws[3])
    assert ws.freeze_panes is not None
    assert ws[ws.freeze_panes].row == 4
    for col, spec in enumerate(ROSTER_COLUMNS, start=1):
        cell = ws.cell(row=4, column=col)
        assert cell.border.bottom.style == "thin"
        if spec.field in {"id_number", "phone", "birth_date", "work_start", "joined_on", "full_on"}:
            assert cell.number_format == "@", spec.field
            assert cell.data_type == "s", spec.field
        assert ws.column_dimensions[openpyxl.utils.get_column_letter(col)].width >= 6
    assert ws["S4"].value == "=1+1"
    assert ws["S4"].data_type == "s"  # text, not a formula


def test_template_helper_writes_the_template(tmp_path):
    path = write_template_like(tmp_path / "t.xlsx", [{"name": "张三", "gender": "男"}])
    sheet = read_roster_sheet(path)
    assert sheet.header_row == 3
    assert sheet.rows[0].values == {"name": "张三", "gender": "男"}


def test_five_thousand_rows_write_and_read_quickly(tmp_path):
    path = tmp_path / "大支部.xlsx"
    records = [full_record(i) for i in range(5000)]
    started = time.perf_counter()
    write_roster_sheet(path, records)
    written = time.perf_counter()
    sheet = read_roster_sheet(path)
    finished = time.perf_counter()
    assert len(sheet.rows) == 5000
    assert sheet.rows[-1].row == 5003
    assert sheet.rows[4999].values == full_record(4999)
    # ~4.5 s here for 21 columns (write 2.3, read 2.2); the bound leaves room for a loaded CI runner.
    assert finished - started < 8.0, f"write {written - started:.2f}s, read {finished - written:.2f}s"


def test_template_write_leaves_no_temporary_files(tmp_path):
    write_roster_sheet(tmp_path / "a.xlsx", [{"name": "张三"}])
    write_roster_sheet(tmp_path / "a.xlsx", [{"name": "李四"}])  # overwrites in place
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.xlsx"]
    assert names(read_roster_sheet(tmp_path / "a.xlsx")) == ["李四"]


def test_template_write_to_missing_folder_is_a_sheet_error(tmp_path):
    with pytest.raises(SheetError, match=r"无法保存“a\.xlsx”"):
        write_roster_sheet(tmp_path / "没有" / "a.xlsx", [{"name": "张三"}])
