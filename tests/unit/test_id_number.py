import datetime as dt

import pytest

from app.domain.id_number import IdNumberError, check_digit, parse_id_number
from tests.fixtures.people import make_id, wrong_check_digit


def test_known_valid_number() -> None:
    # The GB 11643 example: 11010519491231002X.
    parsed = parse_id_number("11010519491231002X")
    assert parsed.birth_date == dt.date(1949, 12, 31)
    assert parsed.gender == "女"
    assert check_digit("11010519491231002") == "X"


def test_lower_case_x_is_accepted_and_stored_upper_case() -> None:
    assert parse_id_number("11010519491231002x").value == "11010519491231002X"


def test_full_width_and_spaces_are_normalised() -> None:
    assert parse_id_number(" １１０１０５１９４９１２３１００２Ｘ ").value == "11010519491231002X"


def test_wrong_check_digit_is_refused_and_says_which_digit() -> None:
    number = make_id(dt.date(1980, 5, 17), "男")
    with pytest.raises(IdNumberError, match=f"末位应为{number[17]}"):
        parse_id_number(wrong_check_digit(number))


@pytest.mark.parametrize("text", ["1101051949123100", "11010519491231002XX", "A1010519491231002X"])
def test_wrong_length_or_characters(text: str) -> None:
    with pytest.raises(IdNumberError):
        parse_id_number(text)


def test_impossible_birth_date_is_refused() -> None:
    first17 = "11010519490230001"
    with pytest.raises(IdNumberError, match="不存在"):
        parse_id_number(first17 + check_digit(first17))


def test_gender_from_seventeenth_digit() -> None:
    assert parse_id_number(make_id(dt.date(1990, 1, 2), "男")).gender == "男"
    assert parse_id_number(make_id(dt.date(1990, 1, 2), "女")).gender == "女"
