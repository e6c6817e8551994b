"""Briefing packs prepared in the background: asking for one, its progress page, and its download.

A pack belongs to the person who asked for it: it was drawn within their clearance, so its page and its file
answer 404 to anyone else, and to everyone once it is older than a day (agreements/briefing/packs.py).
"""

from django.conf import settings
from django.http import FileResponse, Http404, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import translation
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from .. import tasks
from ..briefing import packs
from ..models import BriefingPack
from .briefing import bad_sessions, build_matrix

# While the pack is drawn, its page reloads itself this often (seconds): no JavaScript needed.
REFRESH_SECONDS = 2


@require_POST
def briefing_pack_request(request, pk):
    language = request.POST.get("lang", "")
    if language not in dict(settings.LANGUAGES):
        return HttpResponseBadRequest(_("Unknown language."), content_type="text/plain; charset=utf-8")
    with translation.override(language):
        _commission, form, built = build_matrix(request, pk, request.POST)
    if built is None:
        return bad_sessions(form)
    pack = packs.request_pack(request.user, built, language)
    if packs.runs_in_background(built):
        tasks.queue_briefing_pack(pack.pk)
    else:
        packs.produce(pack.pk)
    return redirect(pack)


def get_pack_for_user(request, pk):
    return get_object_or_404(packs.live().select_related("commission"), pk=pk, requested_by=request.user)


@require_safe
def briefing_pack(request, pk):
    pack = get_pack_for_user(request, pk)
    sessions = list(pack.sessions.order_by("number"))
    elapsed, expected = packs.estimate(pack)
    context = {
        "pack": pack,
        "commission": pack.commission,
        "sessions": ", ".join(session.roman_number for session in sessions),
        "query": urlencode([("session", session.pk) for session in sessions]),
        "refresh_seconds": REFRESH_SECONDS if pack.working else None,
        "elapsed": elapsed,
        "expected": expected,
    }
    return render(request, "agreements/briefing_pack.html", context)


@require_safe
def briefing_pack_download(request, pk):
    pack = get_pack_for_user(request, pk)
    if pack.state != BriefingPack.State.DONE:
        raise Http404("The pack is not ready.")
    try:
        stored = pack.file.open("rb")
    except FileNotFoundError:
        raise Http404("The pack's file is missing.") from None
    response = FileResponse(stored, as_attachment=True, filename=pack.download_name, content_type="application/pdf")
    response["X-Content-Type-Options"] = "nosniff"
    return response
