"""Preparing the next session: the secretariat carries pending agreements and action lines over into it."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods

from .. import carry_over
from ..access import get_session_for_user, is_secretariat
from ..clock import local_today
from ..models import to_roman


def _checked(form, name, found_ids):
    """The ids to show ticked: what was sent back, or on a first visit everything that may be carried."""
    if form.is_bound:
        return {int(pk) for pk in form.data.getlist(name) if pk.isdigit()}
    return found_ids


@require_http_methods(["GET", "POST"])
def prepare_next_session(request, pk):
    session = get_session_for_user(request, pk)
    if not is_secretariat(request.user):
        raise PermissionDenied
    next_session = carry_over.next_session_of(session)
    found = carry_over.candidates(session, request.user, next_session)
    creating = next_session is None
    form = carry_over.CarryOverForm(request.POST or None, found=found, creating=creating)
    if request.method == "POST" and form.is_valid():
        try:
            outcome = carry_over.carry_over(
                session,
                request.user,
                form.cleaned_data["agreements"],
                form.cleaned_data["lines"],
                new_session=form.new_session(),
            )
        except (IntegrityError, ValidationError):
            # Another editor carried the same items, or made the session, a moment before: show the page afresh.
            messages.error(request, _("Someone else carried items over at the same moment. Check the list again."))
            return redirect("agreements:prepare_next_session", pk=session.pk)
        messages.success(request, _summary(outcome))
        return redirect(outcome.session)
    context = {
        "session": session,
        "next_session": next_session,
        "next_number": to_roman(session.number + 1),
        "form": form,
        "groups": carry_over.by_sector(found),
        "checked_agreements": _checked(form, "agreements", {c.agreement.pk for c in found if not c.already_carried}),
        "checked_lines": _checked(form, "lines", {line.pk for c in found for line in c.open_lines}),
        "today": local_today(),
    }
    return render(request, "agreements/prepare_next_session.html", context)


def _summary(outcome):
    agreements = ngettext("%(count)d agreement", "%(count)d agreements", outcome.agreements) % {
        "count": outcome.agreements
    }
    lines = ngettext("%(count)d action line", "%(count)d action lines", outcome.lines) % {"count": outcome.lines}
    text = _("Carried over to session %(number)s: %(agreements)s and %(lines)s.") % {
        "number": outcome.session.roman_number,
        "agreements": agreements,
        "lines": lines,
    }
    if outcome.skipped:
        text += " " + ngettext(
            "%(count)d item had already been carried over and was left as it was.",
            "%(count)d items had already been carried over and were left as they were.",
            outcome.skipped,
        ) % {"count": outcome.skipped}
    return text
