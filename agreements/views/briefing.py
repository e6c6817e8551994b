"""The follow-up matrix of a commission's sessions: the page, its XLSX file and the PDF briefing pack."""

from django.conf import settings
from django.http import HttpResponse, HttpResponseBadRequest
from django.shortcuts import render
from django.utils import translation
from django.utils.http import content_disposition_header, urlencode
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from ..access import get_commission_for_user
from ..briefing import matrix, pdf, summary, xlsx
from ..clock import local_today


def _build(request, pk):
    """The commission, the sessions form, and the matrix (None when the form is not valid)."""
    commission = get_commission_for_user(request, pk)
    form = matrix.SessionsForm(request.GET, commission)
    if not form.is_valid():
        return commission, form, None
    return commission, form, matrix.build(commission, form.cleaned_data["session"], request.user, local_today())


def _bad_sessions(form):
    lines = [_("The sessions are not valid:"), *form.errors.get("session", [])]
    return HttpResponseBadRequest("\n".join(lines), content_type="text/plain; charset=utf-8")


def _filename(built, extension):
    numbers = "-".join(session.roman_number for session in built.sessions) or "none"
    return f"{slugify(str(built.commission))}-{numbers}-{built.today.isoformat()}.{extension}"


@require_GET
def follow_up(request, pk):
    commission, form, built = _build(request, pk)
    context = {"commission": commission, "form": form, "matrix": built}
    if built is not None:
        context["query"] = urlencode([("session", session.pk) for session in built.sessions])
        context["pdf_too_large"] = pdf.too_large(built)
        context["pdf_limit"] = settings.BRIEFING_PDF_MAX_LINES
    return render(request, "agreements/follow_up.html", context, status=200 if built else 400)


@require_GET
def follow_up_xlsx(request, pk):
    _commission, form, built = _build(request, pk)
    if built is None:
        return _bad_sessions(form)
    return xlsx.xlsx_response(built, f"follow-up-{_filename(built, 'xlsx')}")


@require_GET
def follow_up_pdf(request, pk):
    language = request.GET.get("lang") or translation.get_language()
    if language not in dict(settings.LANGUAGES):
        return HttpResponseBadRequest(_("Unknown language."), content_type="text/plain; charset=utf-8")
    with translation.override(language):
        commission, form, built = _build(request, pk)
        if built is None:
            return _bad_sessions(form)
    if pdf.too_large(built):
        # Said in the reader's language, not the pack's: it is a page, not the pack.
        context = {
            "commission": commission,
            "matrix": built,
            "pdf_limit": settings.BRIEFING_PDF_MAX_LINES,
            "query": urlencode([("session", session.pk) for session in built.sessions]),
        }
        return render(request, "agreements/briefing_too_large.html", context)
    with translation.override(language):
        context = {
            "commission": commission,
            "matrix": built,
            "summary": summary.summarise(built),
            "LANGUAGE_CODE": language,
        }
        document = pdf.render_pdf(context)
    response = HttpResponse(document, content_type="application/pdf")
    response["Content-Disposition"] = content_disposition_header(True, f"briefing-{_filename(built, 'pdf')}")
    return response
