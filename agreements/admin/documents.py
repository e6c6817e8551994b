"""Documents filed with sessions, meetings, agreements and action lines: final acts, minutes, signed texts, evidence.

Files go through the same checks as on the staff pages (agreements/uploads.py); the link to a stored file is
the download view, which asks agreements/access.py, never /media/.
"""

from django.contrib import admin
from django.contrib.admin.widgets import AdminFileWidget
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

from agreements.access import visible_documents
from agreements.models import Document
from agreements.uploads import DocumentFileForm


class _StoredFile:
    """What the file widget shows for a stored document: its name, linked to the download view."""

    def __init__(self, document):
        self.url = document.get_absolute_url()
        self.name = document.download_name

    def __str__(self):
        return self.name


class DocumentFileInput(AdminFileWidget):
    def get_context(self, name, value, attrs):
        document = getattr(value, "instance", None)
        if value and document is not None and document.pk:
            value = _StoredFile(document)
        return super().get_context(name, value, attrs)


class DocumentAdminForm(DocumentFileForm):
    class Meta(DocumentFileForm.Meta):
        widgets = {"file": DocumentFileInput}


STORED_FIELDS = ["original_name", "content_type", "size_label", "uploaded_by", "uploaded_at"]


class DocumentInline(admin.TabularInline):
    model = Document
    form = DocumentAdminForm
    fields = ["title", "kind", "file", *STORED_FIELDS]
    readonly_fields = STORED_FIELDS
    extra = 0

    @admin.display(description=_("size"))
    def size_label(self, document):
        return filesizeformat(document.size) if document.size is not None else "—"

    @staticmethod
    def stamp_uploader(request, formset):
        """Record who uploaded each new document in an inline formset."""
        if formset.model is not Document:
            return
        for form in formset.forms:
            if form.instance.pk is None and form.has_changed():
                form.instance.uploaded_by = request.user


@admin.register(Document)
class DocumentAdmin(admin.ModelAdmin):
    form = DocumentAdminForm
    list_display = ["title", "kind", "owner", "original_name", "content_type", "size_label", "uploaded_at"]
    list_filter = ["kind", "content_type", "uploaded_at"]
    list_select_related = [
        "session__commission",
        "meeting__sector",
        "meeting__session__commission",
        "agreement",
        "action_line",
    ]
    search_fields = ["title", "original_name", "agreement__reference_code", "agreement__title", "action_line__title"]
    autocomplete_fields = ["session", "meeting", "agreement", "action_line"]
    fieldsets = [
        (None, {"fields": ["title", "kind", "file"]}),
        (_("Filed with (exactly one)"), {"fields": ["session", "meeting", "agreement", "action_line"]}),
        (_("Stored file"), {"fields": STORED_FIELDS}),
    ]
    readonly_fields = STORED_FIELDS
    show_full_result_count = False

    def get_queryset(self, request):
        return visible_documents(request.user)

    @admin.display(description=_("filed with"))
    def owner(self, document):
        return document.session or document.meeting or document.agreement or document.action_line

    @admin.display(description=_("size"), ordering="size")
    def size_label(self, document):
        return filesizeformat(document.size) if document.size is not None else "—"

    def save_model(self, request, obj, form, change):
        if not change:
            obj.uploaded_by = request.user
        super().save_model(request, obj, form, change)
