"""Public pages of the service catalogue: the list with search and agency filter, one service's standard, and an
agency's maklumat. Server-rendered, no JavaScript; unpublished services and agencies without a maklumat are 404."""

from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.http import urlencode

from layan.core.models import Agency

from . import services
from .forms import CatalogueFilterForm
from .models import Maklumat

PAGE_SIZE = 20


def catalogue(request):
    """``/layanan/``: published services, searchable by words and filterable by agency."""
    form = CatalogueFilterForm(request.GET or None)
    agency = query = None
    if form.is_bound and form.is_valid():
        agency, query = form.cleaned_data.get("instansi"), form.cleaned_data.get("q")
    found = services.published_services(agency=agency, q=query)
    page = Paginator(found, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "form": form,
        "page": page,
        "query": urlencode([(k, v) for k, v in request.GET.items() if k != "page" and v]),
        "filtered": bool(agency or query),
    }
    return render(request, "charter/list.html", context)


def service_detail(request, code):
    """``/layanan/<code>/``: the six delivery components first, the eight management components folded away."""
    service = services.service_for_code(code)
    if service is None:
        raise Http404
    report_url = reverse("reports:submit") + "?" + urlencode(services.report_form_prefill(service))
    context = {
        "service": service,
        "requirements": services.lines(service.requirements),
        "steps": services.lines(service.procedure),
        "duration": services.duration_in_words(service),
        "cost": services.cost_in_words(service),
        "management": [
            (services.component_label(key), services.component_value(service, key))
            for key in services.MANAGEMENT_FIELDS
        ],
        "categories": service.categories.filter(is_active=True),
        "maklumat": services.maklumat_for(service.agency),
        "report_url": report_url,
    }
    return render(request, "charter/detail.html", context)


def maklumat_page(request, slug):
    """``/maklumat/<agency>/``: the agency's signed declaration and the standards it promises to keep."""
    agency = get_object_or_404(Agency, slug=slug, is_active=True)
    maklumat = get_object_or_404(Maklumat, agency=agency)
    context = {
        "agency": agency,
        "maklumat": maklumat,
        "services": services.published_services(agency=agency),
        "report_url": reverse("reports:submit"),
    }
    return render(request, "charter/maklumat.html", context)
