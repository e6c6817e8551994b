"""Placeholder views, replaced as the pages are built."""

from django.http import HttpResponse


def post_update(request, *args, **kwargs):
    return HttpResponse(status=501)
