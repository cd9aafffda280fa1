import pytest
from django.core.exceptions import ValidationError

from layan.core.models import Citizen
from layan.core.nik import parse_nik, validate_nik

# 35.78.05 (Tegalsari, Surabaya), born 12-08-1990, serial 0001.
VALID_MALE = "3578051208900001"
# The same place and date for a woman: day + 40 = 52.
VALID_FEMALE = "3578055208900002"


def test_parse_valid_male():
    info = parse_nik(VALID_MALE)
    assert info.district_code == "35.78.05"
    assert (info.birth_day, info.birth_month, info.birth_year_2digits) == (12, 8, 90)
    assert info.female is False
    assert info.serial == 1


def test_parse_female_day_has_forty_added():
    info = parse_nik(VALID_FEMALE)
    assert info.female is True
    assert info.birth_day == 12


@pytest.mark.parametrize("value", ["357805120890001", "35780512089000011", "35780512089000a1", ""])
def test_wrong_length_or_non_digits(value):
    with pytest.raises(ValidationError) as exc:
        parse_nik(value)
    assert exc.value.code == "nik_length"


@pytest.mark.parametrize(
    "value",
    [
        "3578053208900001",  # day 32
        "3578051213900001",  # month 13
        "3578053002900001",  # 30 February
        "3578057208900001",  # female day 72 -> 32
        "3578054008900001",  # day 40: neither a male (1-31) nor a female (41-71) day
        "3578052902010001",  # 29 Feb 2001 and 1901: no leap year in either century
    ],
)
def test_bad_date(value):
    with pytest.raises(ValidationError) as exc:
        parse_nik(value)
    assert exc.value.code == "nik_date"


def test_leap_day_accepted_when_some_century_has_it():
    assert parse_nik("3578052902000001").birth_month == 2  # 29 Feb 2000
    assert parse_nik("3578056902000001").female  # a woman born 29 Feb 2000


def test_zero_serial():
    with pytest.raises(ValidationError) as exc:
        parse_nik("3578051208900000")
    assert exc.value.code == "nik_serial"


@pytest.mark.django_db
def test_region_checked_against_region_data(regions):
    validate_nik(VALID_MALE)
    with pytest.raises(ValidationError) as exc:
        validate_nik("3578991208900001")  # Kota Surabaya has no district 99
    assert exc.value.code == "nik_region"
    with pytest.raises(ValidationError) as exc:
        validate_nik("9999051208900001")
    assert exc.value.code == "nik_region"


@pytest.mark.django_db
def test_citizen_model_validates_nik_and_stores_phone_in_e164(regions):
    citizen = Citizen(name="Siti", phone="0812-3456-7890", nik=VALID_FEMALE)
    citizen.full_clean()
    citizen.save()
    citizen.refresh_from_db()
    assert str(citizen.phone) == "+6281234567890"
    bad = Citizen(name="Budi", nik="3578051208900000")
    with pytest.raises(ValidationError) as exc:
        bad.full_clean()
    assert "nik" in exc.value.message_dict


@pytest.mark.django_db
def test_nik_error_message_in_indonesian_and_english(regions):
    from django.utils import translation

    with pytest.raises(ValidationError) as exc:
        parse_nik("123")
    with translation.override("id"):
        assert "16 angka" in exc.value.messages[0]
    with translation.override("en"):
        assert "16 digits" in exc.value.messages[0]
