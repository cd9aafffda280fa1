"""Pages for citizens and the public. PLACEHOLDERS: being written."""

from django.http import Http404


def submit(request, *args, **kwargs):
    raise Http404


def submitted(request, *args, **kwargs):
    raise Http404


def track(request, *args, **kwargs):
    raise Http404


def reporter_page(request, *args, **kwargs):
    raise Http404


def public_list(request, *args, **kwargs):
    raise Http404


def public_detail(request, *args, **kwargs):
    raise Http404


def support(request, *args, **kwargs):
    raise Http404


def follow(request, *args, **kwargs):
    raise Http404


def attachment(request, *args, **kwargs):
    raise Http404
