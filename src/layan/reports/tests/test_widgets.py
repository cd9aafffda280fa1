"""The fast choice widgets write exactly the HTML Django's templates write."""

from django import forms

from layan.reports.widgets import FastCheckboxList, FastSelect

CHOICES = [
    ("", "Semua instansi"),
    ("Disarankan <untuk> kategori ini", [("1", 'Dinas "Air" & Jalan'), ("2", "Dinas Sosial")]),
    ("Instansi lain", [("3", "Kecamatan Tegalsari"), ("40", "PDAM")]),
]


class TemplateCheckboxes(forms.CheckboxSelectMultiple):
    template_name = "reports/staff/_checkbox_select.html"


def test_select_is_the_same_html_as_the_template():
    for value in ("", "2", "40", "nothing"):
        fast = FastSelect(choices=CHOICES).render("agency", value, attrs={"id": "id_agency"})
        slow = forms.Select(choices=CHOICES).render("agency", value, attrs={"id": "id_agency"})
        assert fast == slow
    assert '<option value="2" selected>Dinas Sosial</option>' in FastSelect(choices=CHOICES).render("a", "2")
    assert "&lt;untuk&gt;" in FastSelect(choices=CHOICES).render("a", "")


def test_checkbox_list_is_the_same_html_as_the_template():
    flat = [("1", "Satu"), ("2", "Dua <b>")]
    for choices in (CHOICES[1:], flat):
        for value in ([], ["1"], ["1", "3"]):
            attrs = {"id": "id_bulk_agencies"}
            fast = FastCheckboxList(choices=choices).render("agencies", value, attrs=attrs)
            slow = TemplateCheckboxes(choices=choices).render("agencies", value, attrs=attrs)
            assert fast == slow
    assert FastCheckboxList(choices=flat).render("a", []) == TemplateCheckboxes(choices=flat).render("a", [])
