"""``permissions.in_agencies``: the same rows whether a scope is a handful of agencies or thousands (on PostgreSQL a
large scope goes as one array parameter)."""

import pytest

from layan.core.models import Agency
from layan.core.permissions import in_agencies

pytestmark = pytest.mark.django_db


def test_small_and_large_scopes_select_the_same_rows():
    created = Agency.objects.bulk_create(
        [Agency(name=f"Instansi {i}", slug=f"instansi-{i}", kind="opd", level="kabkota") for i in range(250)]
    )
    ids = [a.pk for a in created]
    for scope in (ids[:3], ids[:150], set(ids[50:]), ids):
        found = set(Agency.objects.filter(in_agencies("pk", scope)).values_list("pk", flat=True))
        assert found == set(scope)
    assert not Agency.objects.filter(in_agencies("pk", [])).exists()
    outside = Agency.objects.exclude(in_agencies("pk", ids[:200]))
    assert set(outside.values_list("pk", flat=True)) == set(ids[200:])
