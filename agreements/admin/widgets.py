"""Autocomplete boxes that show a refused value again without looking it up.

Django's autocomplete widgets query the submitted ids to show their names when a form is re-rendered with
errors; an id that is no id at all ("abc", " ") makes that query fail, and the page with it. The form has
already refused such a value, so the box simply comes back empty.
"""

from django.contrib.admin.widgets import AutocompleteSelect, AutocompleteSelectMultiple
from django.core.exceptions import ValidationError


class IdsOnlyMixin:
    def optgroups(self, name, value, attr=None):
        remote = self.field.remote_field
        target = remote.model._meta.get_field(getattr(remote, "field_name", None) or remote.model._meta.pk.name)
        return super().optgroups(name, [choice for choice in value if is_value_of(target, choice)], attr)


# Past a 64-bit integer no database holds the id, and SQLite refuses to be asked for it.
BIGGEST_ID = 2**63 - 1


def is_value_of(field, value):
    try:
        value = field.to_python(value)
    except ValidationError:
        return False
    return not isinstance(value, int) or abs(value) <= BIGGEST_ID


class IdsOnlyAutocompleteSelect(IdsOnlyMixin, AutocompleteSelect):
    pass


class IdsOnlyAutocompleteSelectMultiple(IdsOnlyMixin, AutocompleteSelectMultiple):
    pass


class IdsOnlyAutocompleteAdmin:
    """ModelAdmin and inline mixin: its autocomplete fields use the widgets above."""

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if "widget" not in kwargs and db_field.name in self.get_autocomplete_fields(request):
            kwargs["widget"] = IdsOnlyAutocompleteSelect(db_field, self.admin_site, using=kwargs.get("using"))
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if "widget" not in kwargs and db_field.name in self.get_autocomplete_fields(request):
            kwargs["widget"] = IdsOnlyAutocompleteSelectMultiple(db_field, self.admin_site, using=kwargs.get("using"))
        return super().formfield_for_manytomany(db_field, request, **kwargs)
