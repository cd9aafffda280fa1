"""The baseline: a plain Django view that reads the same JSON body as the REST API's report creation and inserts
one row. CSRF-exempt as DRF's API views are (the API authenticates by key, not by cookie)."""

import json

from django.http import HttpResponseBadRequest, JsonResponse
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from .models import BareReport


@csrf_exempt
@require_POST
def bare_insert(request):
    try:
        data = json.loads(request.body)
        row = BareReport.objects.create(
            title=str(data["title"])[:200], description=str(data["description"]), created_at=timezone.now()
        )
    except (ValueError, KeyError, TypeError):
        return HttpResponseBadRequest()
    return JsonResponse({"id": row.pk}, status=201)
