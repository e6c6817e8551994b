"""The URLs to probe and their parameters, read from the FilterSets so that a new filter is scanned too."""

from dataclasses import dataclass

from django import forms
from django.urls import reverse

from agreements.filters import ActionLineFilter, AgreementFilter, MyActionLineFilter
from agreements.models import ActionLine, Agreement

# (URL name, its FilterSet, the model it lists, whether the page is paginated). Exports list every row.
TARGETS = (
    ("agreements:agreement_list", AgreementFilter, Agreement, True),
    ("agreements:agreement_export_csv", AgreementFilter, Agreement, False),
    ("agreements:agreement_export_xlsx", AgreementFilter, Agreement, False),
    ("agreements:action_line_list", ActionLineFilter, ActionLine, True),
    ("agreements:my_action_lines", MyActionLineFilter, ActionLine, True),
    ("agreements:action_line_export_csv", ActionLineFilter, ActionLine, False),
    ("agreements:action_line_export_xlsx", ActionLineFilter, ActionLine, False),
)
# Read outside the filter form: ListFilterSet.sort and views.lists.paginate.
SORT = "sort"
PAGE = "page"
# Each probe starts from the value that leaves most rows, so that sqlmap can tell a true condition from a false
# one. Free text: "a" is no word for full-text search, "de" is in few names.
TEXTS = ("de", "a", "e")
DATES = ("2000-01-01", "2099-12-31")


@dataclass(frozen=True)
class Probe:
    """One parameter of one URL, with a value that the list accepts."""

    path: str
    parameter: str
    value: str


def filterset_for(filterset_class, model):
    return filterset_class(queryset=model.objects.all())


def parameter_names(bound_field):
    """The query parameters one form field reads: a range widget reads one per part (due_after, due_before)."""
    widget = bound_field.field.widget
    if isinstance(widget, forms.MultiWidget):
        context = widget.get_context(bound_field.html_name, None, {})
        return [subwidget["name"] for subwidget in context["widget"]["subwidgets"]]
    return [bound_field.html_name]


def list_parameters(filterset_class, model, paginated):
    """Every parameter the view reads: the filter form's fields, the sort and, on a page, the page number."""
    form = filterset_for(filterset_class, model).form
    names = [name for bound_field in form for name in parameter_names(bound_field)]
    return [*names, SORT, *([PAGE] if paginated else [])]


def targets():
    """[(path, [parameter, …])] for every URL the scan probes."""
    return [
        (reverse(url_name), list_parameters(filterset_class, model, paginated))
        for url_name, filterset_class, model, paginated in TARGETS
    ]


def candidates(field):
    """Values the list accepts for one form field."""
    if isinstance(field, forms.ModelChoiceField):
        return [str(pk) for pk in field.queryset.values_list("pk", flat=True)[:20]] or ["1"]
    if isinstance(field, forms.ChoiceField):
        return [str(value) for value, _label in field.choices if value not in ("", None)]
    if isinstance(field, forms.DateField):
        return DATES
    if isinstance(field, forms.BooleanField | forms.NullBooleanField):
        return [str(field.widget.attrs.get("value", "true"))]
    return TEXTS


def sample_value(filterset, name):
    """Of the values the list accepts for `name`, the one that leaves most rows (reads the database)."""
    if name == SORT:
        return next(iter(filterset.sorts))
    if name == PAGE:
        return "1"
    return max(
        candidates(filterset.form.fields[name]),
        key=lambda value: type(filterset)({name: value}, queryset=filterset.queryset).qs.count(),
    )


def probes():
    """One probe per URL and parameter, each with only its own parameter set."""
    found = []
    for url_name, filterset_class, model, paginated in TARGETS:
        filterset = filterset_for(filterset_class, model)
        path = reverse(url_name)
        for name in list_parameters(filterset_class, model, paginated):
            found.append(Probe(path, name, sample_value(filterset, name)))
    return found
