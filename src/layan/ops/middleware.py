"""The first middleware of the stack: operations endpoints, request ids, request metrics, replica reads.

- ``/healthz``, ``/readyz`` and ``/metrics`` are answered here, before the host check (ALLOWED_HOSTS), the HTTPS
  redirect, sessions and language: a load balancer or Prometheus calls an instance by its address.
- Every other request gets a request id: the proxy's ``X-Request-ID`` when it sends a sane one (nginx:
  ``proxy_set_header X-Request-ID $request_id;``), else a new one. It is in every log line written while the
  request is served and in the response's ``X-Request-ID`` header.
- The request is counted and timed by view (its URL name, so the number of series stays small).
- A GET of a dashboard view (``LAYAN_REPLICA_VIEWS``) reads from the replica (:mod:`layan.ops.db_router`).
"""

import json
import re
import time
import uuid

from django.http import HttpResponse, HttpResponseNotFound, JsonResponse

from . import db_router, health, metrics
from .logs import request_id

_SANE_ID = re.compile(r"^[A-Za-z0-9._:-]{1,64}$")
_METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})


def healthz(request):
    return JsonResponse({"status": "ok"})


def readyz(request):
    ready, checks = health.readiness()
    response = JsonResponse(health.readiness_body(ready, checks), status=200 if ready else 503)
    response["Cache-Control"] = "no-store"
    return response


def metrics_view(request):
    if not metrics.allowed(request):
        return HttpResponseNotFound(json.dumps({"error": "not found"}), content_type="application/json")
    body, content_type = metrics.exposition()
    return HttpResponse(body, content_type=content_type)


ENDPOINTS = {"/healthz": healthz, "/readyz": readyz, "/metrics": metrics_view}


class OpsMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        endpoint = ENDPOINTS.get(request.path_info.rstrip("/") or "/")
        if endpoint is not None and request.method in ("GET", "HEAD"):
            return endpoint(request)
        incoming = request.META.get("HTTP_X_REQUEST_ID", "")
        rid = incoming if _SANE_ID.match(incoming) else uuid.uuid4().hex
        request.layan_request_id = rid
        token = request_id.set(rid)
        started = time.perf_counter()
        try:
            with db_router.reading_from_replica(False):  # process_view may switch it on for this request
                response = self.get_response(request)
        finally:
            request_id.reset(token)
        match = getattr(request, "resolver_match", None)
        view = match.view_name if match is not None else "unmatched"
        method = request.method if request.method in _METHODS else "other"
        metrics.observe_request(view, method, response.status_code, time.perf_counter() - started)
        response["X-Request-ID"] = rid
        return response

    def process_view(self, request, view_func, view_args, view_kwargs):
        if db_router.replica_configured() and db_router.is_replica_view(request):
            db_router.read_from_replica_from_now()
        return None
