"""Agreements, with their action lines entered inline and their progress computed, never typed."""

from django.contrib import admin
from django.contrib.admin.views.main import ChangeList
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from agreements.models import ActionLine, Agreement, AgreementAccess

from .confidential import ConfidentialAdmin
from .counting import CappedCountAdmin
from .documents import DocumentInline
from .forms import ActionLineAdminForm
from .history import NoRevertHistoryAdmin
from .layout import ReadableFieldsMixin
from .progress import format_progress


class ActionLineInline(ReadableFieldsMixin, admin.StackedInline):
    model = ActionLine
    form = ActionLineAdminForm
    fieldsets = [
        (None, {"fields": ["title", ("due_date", "original_due_date"), "deadline_reason",
                           ("status", "percent_complete", "completed_date")]}),
        (_("Responsible"), {"fields": [("responsible_person", "responsible_institution"),
                                       ("counterpart_person", "counterpart_institution")]}),
        (_("Quantity target"), {"fields": [("target_quantity", "target_unit", "achieved_quantity")]}),
        (_("Description and carry-over"), {"fields": ["description", "carried_over_from"], "classes": ["collapse"]}),
    ]  # fmt: skip
    readonly_fields = ["original_due_date"]
    autocomplete_fields = [
        "responsible_person",
        "responsible_institution",
        "counterpart_person",
        "counterpart_institution",
        "carried_over_from",
    ]
    show_change_link = True
    extra = 0


class AgreementAccessInline(admin.TabularInline):
    """The access list: users cleared for this agreement by name."""

    model = AgreementAccess
    fk_name = "agreement"
    fields = ["user", "granted_by", "granted_at"]
    readonly_fields = ["granted_by", "granted_at"]
    autocomplete_fields = ["user"]
    extra = 0


class AgreementChangeList(ChangeList):
    def get_results(self, request):
        super().get_results(request)
        # Progress for the shown page only: with_progress() on the whole list would make the changelist's
        # count join every action line.
        shown = Agreement.objects.filter(pk__in=[agreement.pk for agreement in self.result_list])
        progress = dict(shown.with_progress().values_list("pk", "progress"))
        for agreement in self.result_list:
            agreement.progress = progress.get(agreement.pk)


@admin.register(Agreement)
class AgreementAdmin(
    ConfidentialAdmin, CappedCountAdmin, ReadableFieldsMixin, NoRevertHistoryAdmin, SimpleHistoryAdmin
):
    list_display = ["reference_code", "title", "session_label", "sector", "status", "progress"]
    list_display_links = ["reference_code", "title"]
    list_filter = ["status", "kind", "confidentiality", "commission", "sector", "signed_date"]
    list_select_related = ["commission", "session", "sector"]
    search_fields = ["reference_code", "title"]
    autocomplete_fields = [
        "meeting",
        "coordinator",
        "our_institutions",
        "counterpart_institutions",
        "carried_over_from",
    ]
    readonly_fields = ["progress", "commission", "session", "sector"]
    history_list_display = ["status"]
    inlines = [ActionLineInline, DocumentInline]
    fieldsets = [
        (None, {"fields": ["meeting", "reference_code", "title", "description", "kind", "status", "confidentiality"]}),
        (_("Legal dates"), {"fields": [("signed_date", "entry_into_force_date", "expiry_date")]}),
        (_("Who"), {"fields": ["coordinator", "our_institutions", "counterpart_institutions"]}),
        (_("Carried over"), {"fields": ["carried_over_from"]}),
        (_("Placement and progress"), {"fields": [("commission", "session", "sector"), "progress"]}),
    ]

    def get_changelist(self, request, **kwargs):
        return AgreementChangeList

    def get_object(self, request, object_id, from_field=None):
        agreement = super().get_object(request, object_id, from_field)
        if agreement is not None:
            agreement.progress = agreement.compute_progress()
        return agreement

    def get_inlines(self, request, obj):
        # A document needs the agreement to exist first.
        return [ActionLineInline, DocumentInline, AgreementAccessInline] if obj else [ActionLineInline]

    @admin.display(description=_("session"), ordering="session__number")
    def session_label(self, agreement):
        return f"{agreement.commission} {agreement.session.roman_number}"

    @admin.display(description=_("progress"))
    def progress(self, agreement):
        return format_progress(getattr(agreement, "progress", None))

    def save_formset(self, request, form, formset, change):
        DocumentInline.stamp_uploader(request, formset)
        if formset.model is AgreementAccess:
            for grant_form in formset.forms:
                if grant_form.instance.pk is None and grant_form.has_changed():
                    grant_form.instance.granted_by = request.user
        super().save_formset(request, form, formset, change)
        if formset.model is ActionLine:
            for line_form in formset.initial_forms:
                if line_form not in formset.deleted_forms:
                    line_form.record_deadline_change(request.user)
