"""The filters behind /agreements/, /action-lines/ and their exports: one definition, so a list and its export agree.

Sorts are limited to orders an index in agreements/models serves. Sector and commission filters read
the copies stored on the agreement and the action line, not joins through meeting and session; text
goes through agreements.search; people and institutions are matched by name in a subquery.
"""

import copy
import datetime

import django_filters
from django import forms
from django.db.models import Avg, Count, Exists, IntegerField, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce
from django.forms.utils import flatatt
from django.http import QueryDict
from django.utils.choices import BaseChoiceIterator
from django.utils.formats import date_format
from django.utils.functional import cached_property
from django.utils.html import format_html
from django.utils.http import urlencode
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _
from django_filters.fields import ModelChoiceField

from . import carry_over, deadlines, list_bases, reference_choices, search
from .clock import local_today
from .forms import CheckboxInput, DateInput, SuggestingTextInput, TextInput
from .models import ActionLine, Agreement, Commission, Country, Institution, Person, Sector, Session
from .models.dates import validate_sane_date


def institutions_named(text):
    """Institutions whose name contains `text` or whose acronym is `text`, as a subquery."""
    return Institution.objects.filter(Q(name__icontains=text) | Q(acronym__iexact=text)).values("pk")


def people_named(text):
    """People whose name contains `text`, or has its words whatever the accents ("rondon" finds Rondón)."""
    by_words = search.search_person_names(Person.objects.all(), text).values("pk")
    return Person.objects.filter(Q(full_name__icontains=text) | Q(pk__in=by_words)).values("pk")


def institution_names():
    return reference_choices.options("institutions")


def person_names():
    return reference_choices.options("people")


def per_agreement(lines):
    """`lines` grouped by agreement, for a subquery correlated with the outer agreement row."""
    return lines.filter(agreement=OuterRef("pk")).order_by().values("agreement")


def count_per_agreement(lines):
    # A correlated subquery is computed for the rows of the page only, not for every matching agreement.
    counted = per_agreement(lines).annotate(n=Count("pk")).values("n")
    return Coalesce(Subquery(counted, output_field=IntegerField()), Value(0))


class ReferenceOptions(BaseChoiceIterator):
    """The choices of a ReferenceChoiceField: its empty label, then the cached options (reference_choices.py)."""

    def __init__(self, field):
        self.field = field

    @property
    def options(self):
        return self.field.reference_options()

    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        yield from self.options

    def __len__(self):
        return len(self.options) + (self.field.empty_label is not None)

    def __bool__(self):
        return True


class ReferenceChoiceField(ModelChoiceField):
    """Lists its options from reference_choices instead of its queryset, and cleans a value found among them to the
    row they were read from, without a query; any other value is cleaned as a ModelChoiceField does (one query),
    which refuses it or finds a row that is not offered under that spelling ("01"). `reference_options` is set by
    its filter."""

    iterator = ReferenceOptions

    def to_python(self, value):
        found = self.reference_options().rows.get(value) if isinstance(value, str) else None
        return found if found is not None else super().to_python(value)


class ReferenceChoiceFilter(django_filters.ModelChoiceFilter):
    """A commission, session, country or sector filter whose options come from the filter set's cached lists."""

    field_class = ReferenceChoiceField

    def __init__(self, *args, options, **kwargs):
        self.options_kind = options
        super().__init__(*args, **kwargs)

    @property
    def field(self):
        field = super().field
        field.reference_options = lambda: self.parent.reference_options[self.options_kind]
        return field


class Select(forms.Select):
    """A <select> written in Python: through the template engine, one template per option, the 200 sessions
    of the agreement filters took longer to render than all of the page's queries. Same markup otherwise
    (filter choices have no option groups); the options of reference data come escaped from their cache.
    """

    def render(self, name, value, attrs=None, renderer=None):
        attrs = self.build_attrs(self.attrs, attrs)
        chosen = set(self.format_value(value))
        cached = self.choices.options.markup if isinstance(self.choices, ReferenceOptions) else {}
        options = []
        for option_value, label in self.choices:
            option_value = "" if option_value is None else str(option_value)
            if option_value in chosen:
                # As Django's Select: only the first option with the value is selected.
                chosen = ()
                options.append(format_html('<option value="{}" selected>{}</option>', option_value, label))
            else:
                options.append(
                    cached.get(option_value) or format_html('<option value="{}">{}</option>', option_value, label)
                )
        return format_html(
            '<select name="{}"{}>\n  {}\n</select>', name, flatatt(attrs), mark_safe("\n  ".join(options))
        )


def select(**attrs):
    return Select(attrs={"class": "select", **attrs})


def checkbox():
    # value="yes" so that a ticked box reads ?overdue=yes in the address bar.
    return CheckboxInput(attrs={"class": "checkbox", "value": "yes"})


def text_input():
    return TextInput(attrs={"class": "input", "type": "search"})


def filter_value_in_words(field, value):
    """A filter's value as the summary above a list shows it; a ticked box is said by its label alone."""
    if value is True:
        return ""
    if isinstance(value, datetime.date):
        return date_format(value, "DATE_FORMAT")
    if getattr(field, "choices", None) and not hasattr(value, "pk"):
        return dict(field.choices).get(value, value)
    return str(value)


def commission_filter():
    """The commission filter that agreements and action lines share."""
    return ReferenceChoiceFilter(
        label=_("Commission"),
        queryset=Commission.objects.all(),
        options="commissions",
        empty_label=_("Any commission"),
        widget=select(),
    )


def sector_filter():
    """The sector filter that agreements and action lines share."""
    return ReferenceChoiceFilter(
        label=_("Sector"),
        queryset=Sector.objects.all(),
        options="sectors",
        empty_label=_("Any sector"),
        widget=select(),
    )


class FilterCopies(dict):
    """A FilterSet's filters, copied for each FilterSet made (django-filter deep-copies them, widgets, choices and
    querysets included: 2 ms of a list request). A filter's own attributes are all a request changes (its model,
    its parent FilterSet, its form field, built lazily), so a shallow copy of each will do; a filter that names a
    method is bound again to its copy, or it would call the method of another request's FilterSet."""

    def __deepcopy__(self, memo):
        copies = {}
        for name, base in self.items():
            if "_field" in base.__dict__:
                copies[name] = copy.deepcopy(base, memo)
                continue
            filter_ = copies[name] = copy.copy(base)
            if filter_.method is not None:
                filter_.method = filter_.method
        return copies


class ListFilterSet(django_filters.FilterSet):
    """Filters, then a whitelisted sort. An invalid form matches nothing instead of quietly ignoring a field.

    `sorts` maps a public sort key to the columns it orders by; `-key` reverses it. An unknown key
    gives the default order. With a text query and no chosen sort, the best matches come first
    (while they number no more than the list's cap: see views/lists.py).
    """

    sorts = {}
    default_sort = ""
    # How each sort reads in the list's summary: {key: (ascending, descending)}.
    sort_labels = {}
    # The filters shown first; the others wait under "More filters" unless one of them is in use.
    main_fields = ()
    # Values a filter takes when the URL names none (the worklists show open lines), and the value
    # that asks for no filtering at all; removing such a filter from the summary links to the latter.
    defaults = {}
    unfiltered = {}

    @classmethod
    def get_filters(cls):
        return FilterCopies(super().get_filters())

    def __init__(self, data=None, queryset=None, *, today=None, **kwargs):
        self.today = today or local_today()
        self.given = QueryDict(mutable=True)
        if data is not None:
            self.given = data.copy() if isinstance(data, QueryDict) else QueryDict(urlencode(data, doseq=True))
            data = self.given.copy()
            for name, value in self.defaults.items():
                if not data.get(name):
                    data[name] = value
        super().__init__(data, queryset, **kwargs)

    def filter_queryset(self, queryset):
        if not self.form.is_valid():
            return queryset.none()
        queryset = super().filter_queryset(queryset)
        ordering = self.order_by_fields(self.sort or self.default_sort)
        if not self.sort and "rank" in queryset.query.annotations:
            ordering = ("-rank", *ordering)
        return queryset.order_by(*ordering)

    def url_values(self):
        """The filter values of the URL, with the list's defaults, that decide its rows and its form (the page
        number decides neither): what kept_lists.py and kept_forms.py keep their work under."""
        return tuple(sorted((name, tuple(given)) for name, given in self.data.lists() if name != "page"))

    @cached_property
    def reference_options(self):
        """The option lists of commissions, sessions, countries and sectors: one query per page, not one per list."""
        return reference_choices.current()

    @cached_property
    def ranked(self):
        """Whether the rows come best match first: a text query and no sort chosen."""
        return not self.sort and "rank" in self.qs.query.annotations

    def unranked(self):
        """The same rows in the default order, for a text query matching too many rows to rank."""
        return self.qs.order_by(*self.order_by_fields(self.default_sort))

    def order_by_fields(self, key):
        fields = self.sorts[key.lstrip("-")]
        if key.startswith("-"):
            return tuple(field[1:] if field.startswith("-") else f"-{field}" for field in fields)
        return fields

    @property
    def main_boundfields(self):
        return [field for field in self.form if field.name in self.main_fields]

    @property
    def more_boundfields(self):
        return [field for field in self.form if field.name not in self.main_fields]

    @property
    def more_in_use(self):
        return any(self.data.get(field.name) or field.errors for field in self.more_boundfields)

    @property
    def sort(self):
        """The sort asked for in the URL when it is one we offer, else ""."""
        key = str(self.data.get("sort", ""))
        return key if key.lstrip("-") in self.sorts else ""

    @property
    def sort_label(self):
        """The order of the rows in words, for the summary above the list."""
        if self.ranked:
            return _("best match first")
        current = self.sort or self.default_sort
        labels = self.sort_labels.get(current.lstrip("-"))
        if not labels:
            return ""
        return labels[1] if current.startswith("-") else labels[0]

    @property
    def active_filters(self):
        """The filters in use: label, value in words and the query string of the same list without it."""
        if not self.is_valid():
            return []
        found = []
        for field in self.form:
            value = self.form.cleaned_data.get(field.name)
            if value in (None, "", False) or value == self.unfiltered.get(field.name):
                continue
            without = self.given.copy()
            without.pop(field.name, None)
            without.pop("page", None)
            if field.name in self.unfiltered:
                without[field.name] = self.unfiltered[field.name]
            found.append(
                {
                    "name": field.name,
                    "label": field.label,
                    "value": filter_value_in_words(field.field, value),
                    "query": f"?{without.urlencode()}" if without else "",
                }
            )
        return found

    @property
    def sort_columns(self):
        """Per sortable column: the `sort` value its header links to, and its aria-sort state."""
        current = self.sort or self.default_sort
        columns = {}
        for key in self.sorts:
            if current == key:
                columns[key] = {"next": f"-{key}", "aria": "ascending"}
            elif current == f"-{key}":
                columns[key] = {"next": key, "aria": "descending"}
            else:
                columns[key] = {"next": key, "aria": ""}
        return columns


class AgreementFilter(ListFilterSet):
    q = django_filters.CharFilter(label=_("Words"), method="filter_text", widget=text_input())
    commission = commission_filter()
    session = ReferenceChoiceFilter(
        label=_("Session"),
        queryset=Session.objects.select_related("commission"),
        options="sessions",
        empty_label=_("Any session"),
        widget=select(),
    )
    country = ReferenceChoiceFilter(
        label=_("Party country"),
        field_name="commission__parties",
        queryset=Country.objects.filter(commissions__isnull=False).distinct(),
        options="countries",
        empty_label=_("Any country"),
        widget=select(),
    )
    sector = sector_filter()
    status = django_filters.ChoiceFilter(
        label=_("Status"), choices=Agreement.Status.choices, empty_label=_("Any status"), widget=select()
    )
    kind = django_filters.ChoiceFilter(
        label=_("Kind"), choices=Agreement.Kind.choices, empty_label=_("Any kind"), widget=select()
    )
    institution = django_filters.CharFilter(
        label=_("Institution"),
        help_text=_("Either side. Part of the name, or the acronym."),
        method="filter_institution",
        widget=SuggestingTextInput(institution_names),
    )
    coordinator = django_filters.CharFilter(
        label=_("Coordinator"),
        help_text=_("Part of the name."),
        method="filter_coordinator",
        widget=SuggestingTextInput(person_names),
    )
    signed_after = django_filters.DateFilter(
        label=_("Signed on or after"),
        field_name="signed_date",
        lookup_expr="gte",
        validators=[validate_sane_date],
        widget=DateInput(),
    )
    signed_before = django_filters.DateFilter(
        label=_("Signed on or before"),
        field_name="signed_date",
        lookup_expr="lte",
        validators=[validate_sane_date],
        widget=DateInput(),
    )
    has_overdue = django_filters.BooleanFilter(
        label=_("Only agreements with overdue action lines"), method="filter_has_overdue", widget=checkbox()
    )

    main_fields = ("q", "commission", "sector", "status", "has_overdue")
    # Each served by an index: reference_code is unique, (signed_date, id), and the primary key.
    sorts = {"reference": ("reference_code",), "signed": ("signed_date", "id"), "created": ("id",)}
    default_sort = "-created"
    sort_labels = {
        "reference": (_("reference, A to Z"), _("reference, Z to A")),
        "signed": (_("date signed, earliest first"), _("date signed, latest first")),
        "created": (_("oldest recorded first"), _("newest recorded first")),
    }

    @classmethod
    def rows(cls, user, today):
        """What the list shows to `user`: visible agreements with their placement, progress and line counts."""
        return list_bases.base("agreements", user, lambda: cls.build_rows(user, today), today)

    @classmethod
    def lookup(cls, user, today, read):
        """A page's rows by id, read from rows(user, today) as `read` makes them (list_bases.lookup)."""
        return list_bases.lookup("agreements", user, lambda: cls.build_rows(user, today), read, today)

    @classmethod
    def build_rows(cls, user, today):
        return (
            carry_over.agreements_with_carry_over(Agreement.objects.visible_to(user))
            .select_related("commission", "session", "sector")
            .defer("search_vector")
            .annotate(
                progress=Subquery(
                    per_agreement(ActionLine.objects.exclude(status=ActionLine.Status.CANCELLED))
                    .annotate(mean=Avg("percent_complete"))
                    .values("mean")
                ),
                line_count=count_per_agreement(ActionLine.objects.all()),
                overdue_count=count_per_agreement(ActionLine.objects.overdue(today)),
            )
        )

    def filter_text(self, queryset, name, value):
        return search.search_agreements(queryset, value)

    def filter_institution(self, queryset, name, value):
        matches = institutions_named(value.strip())
        ours = Agreement.our_institutions.through.objects.filter(agreement=OuterRef("pk"), institution__in=matches)
        theirs = Agreement.counterpart_institutions.through.objects.filter(
            agreement=OuterRef("pk"), institution__in=matches
        )
        return queryset.filter(Exists(ours) | Exists(theirs))

    def filter_coordinator(self, queryset, name, value):
        return queryset.filter(coordinator__in=people_named(value.strip()))

    def filter_has_overdue(self, queryset, name, value):
        if not value:
            return queryset
        return queryset.filter(Exists(ActionLine.objects.overdue(self.today).filter(agreement=OuterRef("pk"))))


class MyActionLineFilter(ListFilterSet):
    """The filters that make sense on one person's own lines."""

    q = django_filters.CharFilter(label=_("Words"), method="filter_text", widget=text_input())
    status = django_filters.ChoiceFilter(
        label=_("Status"),
        help_text=_("Open: not done or cancelled."),
        choices=[("open", _("Open")), ("all", _("All statuses")), *ActionLine.Status.choices],
        empty_label=None,
        method="filter_status",
        widget=select(),
    )
    overdue = django_filters.BooleanFilter(label=_("Only overdue"), method="filter_overdue", widget=checkbox())
    deadline = django_filters.ChoiceFilter(
        label=_("Deadline"),
        choices=[(state.value, state.label) for state in deadlines.OPEN_STATES],
        empty_label=_("Any deadline"),
        method="filter_deadline",
        widget=select(),
    )
    due_after = django_filters.DateFilter(
        label=_("Deadline on or after"),
        field_name="due_date",
        lookup_expr="gte",
        validators=[validate_sane_date],
        widget=DateInput(),
    )
    due_before = django_filters.DateFilter(
        label=_("Deadline on or before"),
        field_name="due_date",
        lookup_expr="lte",
        validators=[validate_sane_date],
        widget=DateInput(),
    )

    main_fields = ("q", "status", "overdue")
    # A worklist: open lines unless the URL asks for all (?status=all) or another status.
    defaults = {"status": "open"}
    unfiltered = {"status": "all"}
    # (due_date, id) and the (status | sector | commission | person, …, due_date, id) indexes. Among open
    # lines the earliest deadlines are the overdue ones, so the default order puts them first.
    sorts = {"deadline": ("due_date", "id")}
    default_sort = "deadline"
    sort_labels = {"deadline": (_("deadline, earliest first"), _("deadline, latest first"))}

    @classmethod
    def rows(cls, user):
        """What the list shows to `user`: visible lines with what the table shows of them."""
        return list_bases.base("action_lines", user, lambda: cls.build_rows(user))

    @classmethod
    def lookup(cls, user, read):
        """A page's rows by id, read from rows(user) as `read` makes them (list_bases.lookup)."""
        return list_bases.lookup("action_lines", user, lambda: cls.build_rows(user), read)

    @classmethod
    def build_rows(cls, user):
        return (
            carry_over.lines_with_carry_over(ActionLine.objects.visible_to(user))
            .select_related(
                "agreement",
                "responsible_person",
                "responsible_institution",
                "counterpart_person",
                "counterpart_institution",
            )
            .defer("search_vector", "agreement__search_vector", "agreement__description")
        )

    def filter_text(self, queryset, name, value):
        return search.search_action_lines(queryset, value)

    def filter_status(self, queryset, name, value):
        if value == "all":
            return queryset
        return queryset.open() if value == "open" else queryset.filter(status=value)

    def filter_overdue(self, queryset, name, value):
        return queryset.overdue(self.today) if value else queryset

    def filter_deadline(self, queryset, name, value):
        return queryset.in_state(value, self.today)


class ActionLineFilter(MyActionLineFilter):
    main_fields = ("q", "status", "overdue", "person", "sector")

    person = django_filters.CharFilter(
        label=_("Responsible person"),
        help_text=_("Our side or the counterpart. Part of the name."),
        method="filter_person",
        widget=SuggestingTextInput(person_names),
    )
    institution = django_filters.CharFilter(
        label=_("Responsible institution"),
        help_text=_("Our side or the counterpart. Part of the name, or the acronym."),
        method="filter_institution",
        widget=SuggestingTextInput(institution_names),
    )
    sector = sector_filter()
    commission = commission_filter()

    def filter_person(self, queryset, name, value):
        people = people_named(value.strip())
        return queryset.filter(Q(responsible_person__in=people) | Q(counterpart_person__in=people))

    def filter_institution(self, queryset, name, value):
        matches = institutions_named(value.strip())
        return queryset.filter(Q(responsible_institution__in=matches) | Q(counterpart_institution__in=matches))
