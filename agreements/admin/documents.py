"""Documents filed with meetings and agreements: minutes, signed texts, annexes."""

from django.contrib import admin

from agreements.models import Document


class DocumentInline(admin.TabularInline):
    model = Document
    fields = ["title", "kind", "file", "uploaded_by", "uploaded_at"]
    readonly_fields = ["uploaded_by", "uploaded_at"]
    extra = 0

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
    list_display = ["title", "kind", "meeting", "agreement", "uploaded_by", "uploaded_at"]
    list_filter = ["kind", "uploaded_at"]
    list_select_related = ["meeting__sector", "meeting__session__commission", "agreement", "uploaded_by"]
    search_fields = ["title", "agreement__reference_code", "agreement__title"]
    autocomplete_fields = ["meeting", "agreement"]
    readonly_fields = ["uploaded_by", "uploaded_at"]
    show_full_result_count = False

    def save_model(self, request, obj, form, change):
        if not change:
            obj.uploaded_by = request.user
        super().save_model(request, obj, form, change)
