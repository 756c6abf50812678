import datetime as dt

import pytest

from app.domain.partial_date import DateFormatError, PartialDate, normalise_text, parse_partial_date


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1985.03", PartialDate(1985, 3)),
        ("1985年3月", PartialDate(1985, 3)),
        ("1985-3-1", PartialDate(1985, 3, 1)),
        ("1985/03/01", PartialDate(1985, 3, 1)),
        ("198503", PartialDate(1985, 3)),
        ("19850301", PartialDate(1985, 3, 1)),
        ("1985年3月1日", PartialDate(1985, 3, 1)),
        ("1985.3.1", PartialDate(1985, 3, 1)),
        ("1985", PartialDate(1985)),
        ("１９８５．０３", PartialDate(1985, 3)),  # full-width digits
        (" 1985 . 03 ", PartialDate(1985, 3)),  # stray spaces
        (dt.date(1985, 3, 1), PartialDate(1985, 3, 1)),
        (dt.datetime(1985, 3, 1, 0, 0), PartialDate(1985, 3, 1)),
        (198503, PartialDate(1985, 3)),  # typed as a number in Excel
    ],
)
def test_every_written_form_is_read(text: object, expected: PartialDate) -> None:
    assert parse_partial_date(text) == expected


@pytest.mark.parametrize("text", ["", "不详", "  ", None, "—"])
def test_unknown_is_none_not_an_error(text: object) -> None:
    assert parse_partial_date(text) is None


def test_year_month_is_kept_not_invented_into_a_day() -> None:
    value = parse_partial_date("1985.03")
    assert value is not None
    assert value.day is None
    assert value.iso() == "1985-03"
    assert value.display() == "1985.03"
    assert value.to_date() is None
    assert PartialDate.from_iso("1985-03") == value


@pytest.mark.parametrize("text", ["1985.13", "1985-02-30", "明年", "85.3", "12/1985"])
def test_nonsense_is_refused_with_a_chinese_message(text: str) -> None:
    with pytest.raises(DateFormatError) as err:
        parse_partial_date(text)
    assert any("\u4e00" <= ch <= "\u9fff" for ch in str(err.value))


def test_ambiguous_float_is_refused() -> None:
    # 1985.10 typed as a number arrives as 1985.1: the month cannot be known.
    with pytest.raises(DateFormatError, match="1985年1月 还是 1985年10月"):
        parse_partial_date(1985.1)


def test_two_digit_month_from_a_number_cell_is_read() -> None:
    assert parse_partial_date(1985.03) == PartialDate(1985, 3)
    assert parse_partial_date(1985.12) == PartialDate(1985, 12)


def test_normalise_keeps_rare_characters_and_compatibility_ideographs() -> None:
    assert normalise_text("　张𠮷\u3000") == "张𠮷"
    assert normalise_text("\uf900") == "\uf900"  # NFKC would have changed it
    assert normalise_text("ＡＢ１２") == "AB12"


def test_ordering_by_earliest_day() -> None:
    assert PartialDate(1985, 3).earliest() == dt.date(1985, 3, 1)
    assert PartialDate(1985).earliest() == dt.date(1985, 1, 1)
