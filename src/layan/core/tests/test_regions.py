import gzip

import pytest
from django.core.management import CommandError, call_command

from layan.core.models import Agency, Region
from layan.core.services import PACKAGED_REGIONS_FILE, agencies_serving, load_regions

SAMPLE = """kode,nama,level,kode_induk
35,Jawa Timur,provinsi,
35.78,Kota Surabaya,kabkota,35
35.78.05,Tegalsari,kecamatan,35.78
35.78.05.1001,Tegalsari,desa_kelurahan,35.78.05
91,Papua,provinsi,
91.71,Kota Jayapura,kabkota,91
"""


@pytest.mark.django_db
def test_load_is_idempotent_and_sets_timezones(tmp_path):
    path = tmp_path / "wilayah.csv"
    path.write_text(SAMPLE)
    first = load_regions(path)
    assert (first.created, first.updated) == (6, 0)
    second = load_regions(path)
    assert (second.created, second.updated, second.unchanged) == (0, 0, 6)
    village = Region.objects.get(code="35.78.05.1001")
    assert village.level == "desa" and village.parent_id == "35.78.05"
    assert village.timezone == "Asia/Jakarta"
    assert Region.objects.get(code="91.71").timezone_abbreviation == "WIT"
    assert village.full_name() == "Tegalsari, Tegalsari, Kota Surabaya, Jawa Timur"


@pytest.mark.django_db
def test_renamed_region_is_updated(tmp_path):
    path = tmp_path / "wilayah.csv"
    path.write_text(SAMPLE)
    load_regions(path)
    path.write_text(SAMPLE.replace("Kota Surabaya", "Kota Surabaya Raya"))
    assert load_regions(path).updated == 1
    assert Region.objects.get(code="35.78").name == "Kota Surabaya Raya"


@pytest.mark.django_db
def test_bad_file_changes_nothing(tmp_path):
    path = tmp_path / "wilayah.csv"
    path.write_text(SAMPLE + "35.78.99,Salah,desa_kelurahan,35.78\n")
    with pytest.raises(CommandError, match="bad region row"):
        call_command("load_regions", file=path)
    assert Region.objects.count() == 0


def test_packaged_file_holds_all_levels():
    with gzip.open(PACKAGED_REGIONS_FILE, "rt", encoding="utf-8") as fh:
        levels = [line.split(",")[2] for line in fh if line.count(",") == 3]
    assert levels.count("provinsi") == 38
    assert levels.count("kabkota") == 514


@pytest.mark.django_db
def test_load_one_province_from_packaged_file():
    result = load_regions(province="35")
    assert Region.objects.filter(level="kabkota").count() == 38  # Jawa Timur has 29 regencies and 9 cities
    assert Region.objects.get(code="35.78.05.1002").name == "Dr. Soetomo"
    assert result.created == Region.objects.count()


@pytest.mark.django_db
def test_agencies_serving_a_village(demo_agencies):
    village = Region.objects.get(code="35.78.05.1001")
    slugs = set(agencies_serving(village).values_list("slug", flat=True))
    assert {"surabaya", "dlh-sby", "kec-tegalsari", "jatim", "pdam-sby"} <= slugs
    assert "tuban" not in slugs
    kec = set(agencies_serving(village, kinds=[Agency.Kind.KECAMATAN]).values_list("slug", flat=True))
    assert kec == {"kec-tegalsari"}
