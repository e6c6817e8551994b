"""The follow-up matrix of a commission's sessions: the page, its XLSX file and the PDF briefing pack.

A pack over BRIEFING_PDF_MAX_LINES is not drawn here: the page offers to prepare it in the background
(agreements/views/briefing_packs.py).
"""

from django.conf import settings
from django.http import HttpResponse, HttpResponseBadRequest
from django.shortcuts import render
from django.utils import translation
from django.utils.http import content_disposition_header, urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from ..access import get_commission_for_user
from ..briefing import matrix, pdf, xlsx
from ..clock import local_today


def build_matrix(request, pk, data):
    """The commission, the sessions form (from `data`), and the matrix (None when the form is not valid)."""
    commission = get_commission_for_user(request, pk)
    form = matrix.SessionsForm(data, commission)
    if not form.is_valid():
        return commission, form, None
    return commission, form, matrix.build(commission, form.cleaned_data["session"], request.user, local_today())


def bad_sessions(form):
    lines = [_("The sessions are not valid:"), *form.errors.get("session", [])]
    return HttpResponseBadRequest("\n".join(lines), content_type="text/plain; charset=utf-8")


@require_GET
def follow_up(request, pk):
    commission, form, built = build_matrix(request, pk, request.GET)
    context = {"commission": commission, "form": form, "matrix": built}
    if built is not None:
        context["query"] = urlencode([("session", session.pk) for session in built.sessions])
        context["pdf_too_large"] = pdf.too_large(built)
        context["pdf_limit"] = settings.BRIEFING_PDF_MAX_LINES
    return render(request, "agreements/follow_up.html", context, status=200 if built else 400)


@require_GET
def follow_up_xlsx(request, pk):
    _commission, form, built = build_matrix(request, pk, request.GET)
    if built is None:
        return bad_sessions(form)
    return xlsx.xlsx_response(built, f"follow-up-{matrix.download_name(built, 'xlsx')}")


@require_GET
def follow_up_pdf(request, pk):
    language = request.GET.get("lang") or translation.get_language()
    if language not in dict(settings.LANGUAGES):
        return HttpResponseBadRequest(_("Unknown language."), content_type="text/plain; charset=utf-8")
    with translation.override(language):
        commission, form, built = build_matrix(request, pk, request.GET)
        if built is None:
            return bad_sessions(form)
    if pdf.too_large(built):
        # Too long to draw while the reader waits: the page offers to prepare it in the background.
        context = {"commission": commission, "matrix": built, "pdf_limit": settings.BRIEFING_PDF_MAX_LINES}
        context["query"] = urlencode([("session", session.pk) for session in built.sessions])
        return render(request, "agreements/briefing_too_large.html", context)
    document = pdf.draw(built, language)
    response = HttpResponse(document, content_type="application/pdf")
    response["Content-Disposition"] = content_disposition_header(True, f"briefing-{matrix.download_name(built, 'pdf')}")
    return response
