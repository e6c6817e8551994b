"""Editing an agreement's access list from its page: POST only, then back to the page with a message."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from .. import access_list
from ..access import can_manage_access, get_agreement_for_user
from ..models import AgreementAccess


def _agreement_to_manage(request, pk):
    if not can_manage_access(request.user):
        raise PermissionDenied
    return get_agreement_for_user(request, pk)


@require_POST
def grant_access(request, pk):
    agreement = _agreement_to_manage(request, pk)
    form = access_list.GrantForm(agreement, request.POST)
    if not form.is_valid():
        context = {"agreement": agreement, "form": form, "grants": access_list.grants_of(agreement)}
        return render(request, "agreements/access_list_form.html", context, status=400)
    user = form.cleaned_data["user"]
    access_list.grant(agreement, user, granted_by=request.user)
    messages.success(request, _("%(name)s may now see this agreement.") % {"name": user.get_full_name() or user})
    return redirect(agreement.get_absolute_url() + "#access-list")


@require_POST
def revoke_access(request, pk, grant_pk):
    agreement = _agreement_to_manage(request, pk)
    grant = get_object_or_404(AgreementAccess.objects.select_related("user"), pk=grant_pk, agreement=agreement)
    grant.delete()
    name = grant.user.get_full_name() or grant.user
    messages.success(request, _("%(name)s is no longer on the access list.") % {"name": name})
    return redirect(agreement.get_absolute_url() + "#access-list")
