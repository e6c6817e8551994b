"""Placeholder views, replaced as the pages are built."""

from django.http import HttpResponse


def agreement_list(request, *args, **kwargs):
    return HttpResponse(status=501)


def agreement_export_csv(request, *args, **kwargs):
    return HttpResponse(status=501)


def agreement_export_xlsx(request, *args, **kwargs):
    return HttpResponse(status=501)


def action_line_list(request, *args, **kwargs):
    return HttpResponse(status=501)


def my_action_lines(request, *args, **kwargs):
    return HttpResponse(status=501)


def action_line_export_csv(request, *args, **kwargs):
    return HttpResponse(status=501)


def action_line_export_xlsx(request, *args, **kwargs):
    return HttpResponse(status=501)
