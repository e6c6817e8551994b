"""Signed update links in the admin: which line, for whom, in what state, until when, sent by whom; revoke them.

A link names its action line: it shows only to those cleared for the line (ConfidentialAdmin), so a staff user not
cleared for a restricted line sees neither the link nor the line's title.
"""

from django.contrib import admin, messages
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from agreements.counterpart.links import revoke
from agreements.models import UpdateLink

from .confidential import ConfidentialAdmin
from .counting import CappedCountAdmin

STATE_LABELS = {"active": _("Active"), "expired": _("Expired"), "revoked": _("Revoked")}


class StateFilter(admin.SimpleListFilter):
    title = _("state")
    parameter_name = "state"

    def lookups(self, request, model_admin):
        return list(STATE_LABELS.items())

    def queryset(self, request, queryset):
        now = timezone.now()
        live = Q(revoked_at__isnull=True)
        if self.value() == "active":
            return queryset.filter(live, expires_at__gt=now)
        if self.value() == "expired":
            return queryset.filter(live, expires_at__lte=now)
        if self.value() == "revoked":
            return queryset.filter(revoked_at__isnull=False)
        return queryset


@admin.register(UpdateLink)
class UpdateLinkAdmin(ConfidentialAdmin, CappedCountAdmin, admin.ModelAdmin):
    cleared_through = "action_line__"
    list_display = ("action_line", "person", "state", "expires_at", "created_by", "created_at", "email_status")
    list_filter = (StateFilter, "email_status", "expires_at", "created_at")
    search_fields = ("action_line__title", "action_line__agreement__reference_code", "person__full_name")
    list_select_related = ("action_line", "person", "created_by")
    ordering = ("-id",)
    actions = ("revoke_links",)
    # The token is the key to the line: never shown, and links are made from the line's page, not typed here.
    fields = (
        "action_line",
        "person",
        "created_by",
        "created_at",
        "expires_at",
        "revoked_at",
        "revoked_by",
        "last_used_at",
        "email_status",
        "email_sent_at",
        "email_error",
    )
    readonly_fields = fields

    @admin.display(description=_("state"))
    def state(self, link):
        return STATE_LABELS[link.state()]

    @admin.action(description=_("Revoke the selected links"), permissions=["change"])
    def revoke_links(self, request, queryset):
        revoked = sum(revoke(link, request.user) for link in queryset)
        self.message_user(
            request,
            ngettext("%(count)d link revoked.", "%(count)d links revoked.", revoked) % {"count": revoked},
            messages.SUCCESS,
        )

    def has_add_permission(self, request):
        return False
