"""Placeholder views, replaced as the pages are built."""

from django.http import HttpResponse


def dashboard(request, *args, **kwargs):
    return HttpResponse(status=501)


def commission_list(request, *args, **kwargs):
    return HttpResponse(status=501)


def commission_detail(request, *args, **kwargs):
    return HttpResponse(status=501)


def session_detail(request, *args, **kwargs):
    return HttpResponse(status=501)


def meeting_detail(request, *args, **kwargs):
    return HttpResponse(status=501)


def agreement_detail(request, *args, **kwargs):
    return HttpResponse(status=501)


def action_line_detail(request, *args, **kwargs):
    return HttpResponse(status=501)
