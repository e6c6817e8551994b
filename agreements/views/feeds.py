"""Placeholder views, replaced as the pages are built."""

from django.http import HttpResponse


def commission_feed(request, *args, **kwargs):
    return HttpResponse(status=501)


def person_feed(request, *args, **kwargs):
    return HttpResponse(status=501)


def revoke_person_feed(request, *args, **kwargs):
    return HttpResponse(status=501)
