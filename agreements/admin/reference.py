"""Reference data: countries, sectors, institutions and people."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from agreements.models import Country, Institution, Person, Sector


class CommissionPartyFilter(admin.SimpleListFilter):
    title = _("party to a commission")
    parameter_name = "party"

    def lookups(self, request, model_admin):
        return [("yes", _("Yes")), ("no", _("No"))]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.filter(commissions__isnull=False).distinct()
        if self.value() == "no":
            return queryset.filter(commissions__isnull=True)
        return queryset


@admin.register(Country)
class CountryAdmin(admin.ModelAdmin):
    list_display = ["name", "code"]
    list_filter = [CommissionPartyFilter]
    search_fields = ["name", "code"]
    show_full_result_count = False


@admin.register(Sector)
class SectorAdmin(admin.ModelAdmin):
    list_display = ["name", "code"]
    list_filter = [("code", admin.EmptyFieldListFilter)]
    search_fields = ["name", "code"]
    show_full_result_count = False


@admin.register(Institution)
class InstitutionAdmin(admin.ModelAdmin):
    list_display = ["name", "acronym", "kind", "country"]
    list_filter = ["kind", "country"]
    list_select_related = ["country"]
    search_fields = ["name", "acronym"]
    autocomplete_fields = ["country"]
    show_full_result_count = False


@admin.register(Person)
class PersonAdmin(admin.ModelAdmin):
    list_display = ["full_name", "position", "institution", "email", "language", "superior", "user", "is_active"]
    list_filter = ["is_active", "language", "institution__country", "institution__kind"]
    list_select_related = ["institution", "superior", "user"]
    search_fields = ["full_name", "email", "position", "institution__name", "institution__acronym"]
    autocomplete_fields = ["institution", "superior", "user"]
    readonly_fields = ["feed_token"]
    show_full_result_count = False
    fieldsets = [
        (None, {"fields": ["full_name", "position", "institution", "email", "phone", "language"]}),
        (_("Escalation and access"), {"fields": ["superior", "user", "is_active", "feed_token"]}),
    ]
