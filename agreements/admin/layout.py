"""Form widths that fit Spanish titles and institution names, on a desktop and on a phone."""

from .widgets import IdsOnlyAutocompleteAdmin


class ReadableFieldsMixin(IdsOnlyAutocompleteAdmin):
    wide_fields = ("title", "venue")
    short_text_areas = ("description", "chairs", "participants")

    class Media:
        css = {"all": ["css/admin.css"]}

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        formfield = super().formfield_for_dbfield(db_field, request, **kwargs)
        if formfield is None:
            return None
        if db_field.name in self.autocomplete_fields:
            # Select2 copies this into the box's style; the default cuts names after 25 characters.
            formfield.widget.attrs["data-width"] = "min(32em, 70vw)"
        elif db_field.name in self.wide_fields:
            # A class rather than a style attribute: the Content-Security-Policy refuses inline styles.
            formfield.widget.attrs["class"] = f"{formfield.widget.attrs.get('class', '')} wide-field".strip()
        elif db_field.name in self.short_text_areas:
            formfield.widget.attrs["rows"] = 3
        return formfield
