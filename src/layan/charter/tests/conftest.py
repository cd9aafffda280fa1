import pytest

from layan.charter.models import Service


@pytest.fixture
def make_service(demo_agencies):
    """Create a service of a demo agency (by slug) with sensible delivery components; override any field."""

    def make(agency="dispendukcapil-sby", code="akta-kelahiran", **fields):
        values = dict(
            name="Penerbitan Akta Kelahiran",
            requirements="1. Surat keterangan lahir\n2. Kartu Keluarga\n\n- KTP-el orang tua",
            procedure="Isi formulir\nSerahkan berkas\nAmbil akta",
            time_value=1,
            time_unit=Service.TimeUnit.WORKING_DAYS,
            product="Kutipan akta kelahiran",
            is_published=True,
        )
        values.update(fields)
        return Service.objects.create(agency=demo_agencies[agency], code=code, **values)

    return make
