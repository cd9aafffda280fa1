"""Pages for staff. PLACEHOLDERS: being written."""

from django.http import Http404


def inbox(request, *args, **kwargs):
    raise Http404


def bulk_action(request, *args, **kwargs):
    raise Http404


def detail(request, *args, **kwargs):
    raise Http404


def act(request, *args, **kwargs):
    raise Http404


def intake(request, *args, **kwargs):
    raise Http404


def lookup(request, *args, **kwargs):
    raise Http404
