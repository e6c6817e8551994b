"""Update links: editors send and revoke them from a line's page and review what arrives; the link's own page
lets the line's responsible person report progress without an account."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from ..access import get_action_line_for_user, require_reviewer
from ..clock import local_today
from ..counterpart import links, review
from ..counterpart.forms import LinkUpdateForm, SendLinkForm
from ..models import ProgressUpdate
from ..tasks import queue_update_link
from .progress import add_model_errors

UPDATES_PER_PAGE = 50


def _line_to_manage(request, pk):
    require_reviewer(request)
    return get_action_line_for_user(request, pk)


@require_POST
def send_link(request, pk):
    line = _line_to_manage(request, pk)
    form = SendLinkForm(request.POST, line=line)
    if form.is_valid():
        person = form.cleaned_data["recipient"]
        try:
            link = links.create_link(line, person, sent_by=request.user, emailed=True)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            queue_update_link(link.pk)
            messages.success(
                request,
                _("A link to report progress on this line has been sent to %(name)s (%(email)s).")
                % {"name": person.full_name, "email": person.email},
            )
    else:
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
    return redirect(line.get_absolute_url() + "#update-links")


@require_POST
def revoke_link(request, pk, link_pk):
    line = _line_to_manage(request, pk)
    link = get_object_or_404(line.update_links.select_related("person"), pk=link_pk)
    if links.revoke(link, request.user):
        messages.success(request, _("The link sent to %(name)s no longer works.") % {"name": link.person.full_name})
    else:
        messages.info(request, _("That link had already been revoked."))
    return redirect(line.get_absolute_url() + "#update-links")


@require_safe
def awaiting_approval(request):
    require_reviewer(request)
    page = Paginator(review.awaiting_review(), UPDATES_PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "agreements/counterpart/awaiting_approval.html", {"page_obj": page, "updates": page})


def _back(request, update):
    target = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return redirect(target)
    return redirect(update.action_line.get_absolute_url() + "#awaiting-approval")


def _update_to_review(request, pk):
    require_reviewer(request)
    return get_object_or_404(ProgressUpdate.objects.select_related("action_line", "reported_by"), pk=pk)


@require_POST
def approve_update(request, pk):
    update = _update_to_review(request, pk)
    try:
        applied = review.approve(update, request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        if applied:
            messages.success(request, _("The update has been approved and applied to the line."))
        else:
            messages.info(request, _("That update had already been reviewed."))
    return _back(request, update)


@require_POST
def reject_update(request, pk):
    update = _update_to_review(request, pk)
    if review.reject(update, request.user):
        messages.success(request, _("The update has been rejected; the line is unchanged."))
    else:
        messages.info(request, _("That update had already been reviewed."))
    return _back(request, update)


def _language(request, person):
    """The person's language, unless they picked one with the switcher on this page."""
    if settings.LANGUAGE_COOKIE_NAME in request.COOKIES:
        return translation.get_language()
    return person.language or settings.LANGUAGE_CODE


@login_not_required
@never_cache
@require_http_methods(["GET", "POST"])
def link_page(request, signed):
    """No sign-in: the signed token is the key. 404 for a tampered or unknown token, 410 for a link that stopped
    working; either way nothing changes."""
    try:
        link = links.open_link(signed)
    except links.LinkGone as gone:
        with translation.override(_language(request, gone.link.person)):
            context = {"state": gone.link.state()}
            return render(request, "agreements/counterpart/link_gone.html", context, status=410)
    line = link.action_line
    with translation.override(_language(request, link.person)):
        form = LinkUpdateForm(request.POST or None, request.FILES or None, line=line)
        status = 200
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            try:
                review.submit(
                    link,
                    note=data["note"],
                    percent_complete=data["percent_complete"],
                    achieved_quantity=data.get("achieved_quantity"),
                    attachment=data["attachment"],
                    content_type=form.content_type,
                )
            except review.TooManyUpdates:
                form.add_error(
                    None,
                    _("This link has sent %(count)s updates in the last hour, the most it may. Try again later.")
                    % {"count": settings.UPDATE_LINK_POSTS_PER_HOUR},
                )
                status = 429
            except ValidationError as error:
                add_model_errors(form, error)
            else:
                messages.success(
                    request,
                    _("Thank you. Your update has been sent; the secretariat reviews it before it shows on the line."),
                )
                return redirect(request.path)
        context = {
            "link": link,
            "line": line,
            "form": form,
            # The person is cleared for this line alone: its own timeline, approved updates only.
            "updates": line.progress_updates.filter(review=ProgressUpdate.Review.APPROVED)
            .select_related("author__person__institution", "reported_by")
            .order_by("-created_at", "-id"),
            "waiting": link.updates.filter(review=ProgressUpdate.Review.PENDING).count(),
            "today": local_today(),
        }
        return render(request, "agreements/counterpart/link_page.html", context, status=status)
