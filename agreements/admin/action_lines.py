"""Action lines with their timeline: deadline changes and progress updates, shown but not typed here."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from agreements.models import ActionLine, DeadlineChange, ProgressUpdate
from agreements.people import credited_name

from .confidential import ConfidentialAdmin
from .counting import CappedCountAdmin
from .forms import ActionLineAdminForm
from .history import NoRevertHistoryAdmin
from .layout import ReadableFieldsMixin


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False
    view_on_site = False

    def has_add_permission(self, request, obj):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class DeadlineChangeInline(ReadOnlyInline):
    model = DeadlineChange
    fields = ["old_date", "new_date", "reason", "changed_by", "changed_at"]
    readonly_fields = fields


class ProgressUpdateInline(ReadOnlyInline):
    model = ProgressUpdate
    fields = ["created_at", "author", "note", "status", "percent_complete", "achieved_quantity", "new_due_date"]
    readonly_fields = fields


@admin.register(ActionLine)
class ActionLineAdmin(
    ConfidentialAdmin, CappedCountAdmin, ReadableFieldsMixin, NoRevertHistoryAdmin, SimpleHistoryAdmin
):
    cleared_through = ""
    form = ActionLineAdminForm
    list_display = [
        "title",
        "agreement_code",
        "responsible_person",
        "due_date",
        "status",
        "percent_complete",
    ]
    list_filter = ["status", "commission", "sector", "due_date"]
    # Served by the (due_date, id) index, as on the staff list.
    ordering = ["due_date", "id"]
    list_select_related = ["agreement", "responsible_person"]
    search_fields = ["title", "agreement__reference_code"]
    autocomplete_fields = [
        "agreement",
        "responsible_person",
        "responsible_institution",
        "counterpart_person",
        "counterpart_institution",
        "carried_over_from",
    ]
    readonly_fields = ["original_due_date", "commission", "sector"]
    history_list_display = ["status", "due_date", "percent_complete"]
    inlines = [DeadlineChangeInline, ProgressUpdateInline]
    fieldsets = [
        (None, {"fields": ["agreement", "title", "description", "carried_over_from"]}),
        (_("Our side"), {"fields": ["responsible_person", "responsible_institution"]}),
        (_("Counterpart"), {"fields": ["counterpart_person", "counterpart_institution"]}),
        (_("Deadline"), {"fields": ["due_date", "original_due_date", "deadline_reason"]}),
        (_("Progress"), {"fields": ["status", "percent_complete", "completed_date"]}),
        (_("Quantity target"), {"fields": [("target_quantity", "target_unit", "achieved_quantity")]}),
        (_("Placement"), {"fields": [("commission", "sector")]}),
    ]

    @admin.display(description=_("agreement"), ordering="agreement__reference_code")
    def agreement_code(self, line):
        return line.agreement.reference_code

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        form.record_deadline_change(request.user)


@admin.register(DeadlineChange)
class DeadlineChangeAdmin(ConfidentialAdmin, CappedCountAdmin, admin.ModelAdmin):
    cleared_through = "action_line__"
    """A deadline is moved on its action line, which records the change; rows here are the record, never edited."""

    list_display = ["action_line", "old_date", "new_date", "changed_by_name", "changed_at"]
    list_filter = ["changed_at", "action_line__sector"]
    list_select_related = ["action_line", "changed_by__person__institution"]
    search_fields = ["reason", "action_line__title"]

    @admin.display(description=_("changed by"), ordering="changed_by")
    def changed_by_name(self, change):
        return credited_name(change.changed_by) or "—"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(ProgressUpdate)
class ProgressUpdateAdmin(ConfidentialAdmin, CappedCountAdmin, admin.ModelAdmin):
    cleared_through = "action_line__"
    """Progress is reported on the action line's page, which applies it to the line; here a note can be corrected."""

    list_display = ["action_line", "created_at", "author_name", "status", "percent_complete"]
    list_filter = ["status", "created_at", "action_line__sector"]
    list_select_related = ["action_line", "author__person__institution"]
    search_fields = ["note", "action_line__title"]
    fields = [
        "action_line",
        "created_at",
        "author",
        "note",
        "status",
        "percent_complete",
        "achieved_quantity",
        "new_due_date",
    ]
    readonly_fields = [field for field in fields if field != "note"]

    @admin.display(description=_("author"), ordering="author")
    def author_name(self, update):
        return credited_name(update.author) or "—"

    def has_add_permission(self, request):
        return False
