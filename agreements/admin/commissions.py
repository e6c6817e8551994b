"""Commissions, sessions and sectoral meetings; a meeting's agreements are entered on the meeting's page."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from agreements.models import Agreement, Commission, SectoralMeeting, Session

from .confidential import ConfidentialAdmin
from .documents import DocumentInline
from .layout import ReadableFieldsMixin
from .progress import format_progress


class SessionInline(admin.TabularInline):
    model = Session
    fields = ["number", "start_date", "end_date", "city", "country", "status"]
    autocomplete_fields = ["country"]
    show_change_link = True
    extra = 0


@admin.register(Commission)
class CommissionAdmin(admin.ModelAdmin):
    list_display = ["name", "short_name", "lead_institution", "established_date"]
    list_filter = ["parties"]
    list_select_related = ["lead_institution"]
    search_fields = ["name", "short_name", "description"]
    autocomplete_fields = ["parties", "lead_institution"]
    inlines = [SessionInline]
    show_full_result_count = False


class SectoralMeetingInline(admin.TabularInline):
    model = SectoralMeeting
    fields = ["sector", "date", "venue"]
    autocomplete_fields = ["sector"]
    show_change_link = True
    extra = 0


@admin.register(Session)
class SessionAdmin(admin.ModelAdmin):
    list_display = ["__str__", "commission", "roman_number", "start_date", "end_date", "city", "status"]
    list_filter = ["status", "commission", "country"]
    list_select_related = ["commission", "country"]
    search_fields = ["commission__name", "commission__short_name", "city"]
    autocomplete_fields = ["commission", "country"]
    date_hierarchy = "start_date"
    inlines = [SectoralMeetingInline]
    show_full_result_count = False

    def get_queryset(self, request):
        # The autocomplete on meetings and agreements shows each session with its commission.
        return super().get_queryset(request).select_related("commission")

    @admin.display(description=_("session"), ordering="number")
    def roman_number(self, session):
        return session.roman_number


class AgreementInline(ConfidentialAdmin, ReadableFieldsMixin, admin.StackedInline):
    """The meeting's outcomes in one place; action lines and institutions go on each agreement's own page.
    Only the agreements the reader is cleared for are listed."""

    model = Agreement
    fields = [
        "title",
        ("reference_code", "kind", "status", "confidentiality"),
        ("signed_date", "entry_into_force_date", "expiry_date"),
        ("coordinator", "progress"),
    ]
    readonly_fields = ["progress"]
    autocomplete_fields = ["coordinator"]
    show_change_link = True
    extra = 1

    def get_queryset(self, request):
        return super().get_queryset(request).with_progress()

    @admin.display(description=_("progress"))
    def progress(self, agreement):
        return format_progress(getattr(agreement, "progress", None))


@admin.register(SectoralMeeting)
class SectoralMeetingAdmin(ReadableFieldsMixin, admin.ModelAdmin):
    list_display = ["sector", "session", "date", "venue"]
    list_filter = ["sector", "session__commission", "session__status"]
    list_select_related = ["sector", "session__commission"]
    search_fields = ["sector__name", "session__commission__name", "session__city", "venue", "summary"]
    autocomplete_fields = ["session", "sector"]
    date_hierarchy = "date"
    show_full_result_count = False
    fieldsets = [
        (None, {"fields": ["session", "sector", "date", "venue"]}),
        (_("Who took part"), {"fields": ["chairs", "participants"]}),
        (_("Outcomes"), {"fields": ["summary"]}),
    ]

    def get_queryset(self, request):
        # The autocomplete on agreements and documents shows each meeting with its sector, session and commission.
        return super().get_queryset(request).select_related("sector", "session__commission")

    def get_inlines(self, request, obj):
        # A document needs the meeting to exist first; the agreements can be typed in with the meeting.
        return [AgreementInline, DocumentInline] if obj else [AgreementInline]

    def save_formset(self, request, form, formset, change):
        DocumentInline.stamp_uploader(request, formset)
        super().save_formset(request, form, formset, change)
