"""Following agreements: Follow and Unfollow on the agreement page (POST, then back with a message), and the
"Following" page."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from ..access import get_agreement_for_user
from ..following import follows

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
    return render(request, "agreements/following.html", {"page_obj": page_obj, "agreements": page_obj.object_list})
