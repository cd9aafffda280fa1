"""Shared fixtures: a small slice of real regions and the demo agencies, built by the tests themselves."""

import pytest

REGION_ROWS = [
    ("35", "Jawa Timur"),
    ("35.78", "Kota Surabaya"),
    ("35.78.05", "Tegalsari"),
    ("35.78.05.1001", "Tegalsari"),
    ("35.78.05.1002", "Dr. Soetomo"),
    ("35.78.08", "Gubeng"),
    ("35.78.08.1001", "Gubeng"),
    ("35.78.12", "Pabean Cantian"),
    ("35.78.13", "Bubutan"),
    ("35.78.15", "Krembangan"),
    ("35.78.16", "Semampir"),
    ("35.78.17", "Kenjeran"),
    ("35.23", "Kabupaten Tuban"),
    ("35.23.15", "Semanding"),
    ("35.23.15.2009", "Bektiharjo"),
    ("35.23.16", "Tuban"),
    ("51", "Bali"),
    ("51.71", "Kota Denpasar"),
    ("51.71.01", "Denpasar Selatan"),
    ("91", "Papua"),
    ("91.71", "Kota Jayapura"),
    ("91.71.01", "Jayapura Utara"),
]


def make_regions():
    from layan.core.models import Region
    from layan.core.regions import level_for_code, parent_code, timezone_for_code

    for code, name in REGION_ROWS:
        Region.objects.get_or_create(
            code=code,
            defaults=dict(
                name=name, level=level_for_code(code), parent_id=parent_code(code), timezone=timezone_for_code(code)
            ),
        )


@pytest.fixture
def regions(db):
    make_regions()


@pytest.fixture
def demo_agencies(regions):
    """The demo agencies and staff (one login per role per agency), as ``layan demo`` creates them."""
    from layan.core.demo import seed_reference_data

    return seed_reference_data()


@pytest.fixture
def staff(demo_agencies):
    """Look up a demo staff user by username, e.g. ``staff("penghubung.dlh-sby")``."""
    from layan.core.models import User

    return lambda username: User.objects.get(username=username)
