"""Following agreements: Follow and Unfollow on the agreement page (POST, then back with a message), and the
"Following" page."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from .. import deadlines
from ..access import get_agreement_for_user
from ..clock import local_today
from ..following import follows
from ..models.action_lines import OPEN_STATUSES

PER_PAGE = 50


@require_POST
def follow(request, pk):
    agreement = get_agreement_for_user(request, pk)
    follows.follow(request.user, agreement)
    messages.success(request, _("You follow this agreement: its news will come in your daily email."))
    return redirect(agreement)


@require_POST
def unfollow(request, pk):
    agreement = get_agreement_for_user(request, pk)
    follows.unfollow(request.user, agreement)
    messages.success(request, _("You no longer follow this agreement."))
    return redirect(agreement)


def following_list(request):
    page_obj = Paginator(follows.followed_by(request.user), PER_PAGE).get_page(request.GET.get("page"))
    today = local_today()
    for agreement in page_obj.object_list:
        # The next deadline is an open line's, so it gets the same cue as a line's deadline: passed ones say so.
        if agreement.next_deadline:
            state = deadlines.date_state(agreement.next_deadline, today)
            agreement.next_deadline_state = state.value
            agreement.next_deadline_cue = deadlines.cue(OPEN_STATUSES[0], agreement.next_deadline, today)
            agreement.next_deadline_urgent = state != deadlines.State.LATER
    return render(request, "agreements/following.html", {"page_obj": page_obj, "agreements": page_obj.object_list})
