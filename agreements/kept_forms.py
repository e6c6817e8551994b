"""A list page's filter form, rendered once per state of what it shows and kept in each process.

The form took a third of a list page's template time: a dozen fields through Django's widgets, the options of
commissions, sessions and sectors, the suggested names of people and institutions. Its HTML depends only on:

- which list it filters (the filter set's class) and the page's path (its "Clear filters" link);
- the values the URL gives (with the list's defaults), which decide the chosen options and any errors;
- the reference data it offers, which moves with the data version (agreements/data_version.py);
- the language and the day (a date's sanity is judged against today).

It says nothing of the reader: the option lists are the same for everyone (reference_choices.py) and the form is
sent by GET, with no CSRF token. So each process keeps the KEPT forms rendered last under a key of those values;
where the data version cannot be known (SQLite, inside a transaction) the form is rendered every time.
"""

import jinja2
from django.utils.translation import get_language
from markupsafe import Markup

from . import data_version
from .recent import Recent

TEMPLATE = "agreements/includes/filter_form.html"
# A form with the 200 sessions of the benchmark is about 30 kB: the forms kept take a few MB at most.
KEPT = 64
_kept = Recent(KEPT)


def form_key(request, filterset):
    version = data_version.current()
    if version is None:
        return None
    return (type(filterset), request.path, filterset.url_values(), version, get_language(), filterset.today)


def rendered(environment, request, filterset):
    return Markup(environment.get_template(TEMPLATE).render({"filter": filterset, "request": request}))


@jinja2.pass_context
def filter_form(context, filterset):
    """The filter form of `filterset` for the page's request, kept while the key is unchanged."""
    request = context["request"]
    key = form_key(request, filterset)
    if key is None:
        return rendered(context.environment, request, filterset)
    return _kept.get_or_make(key, lambda: rendered(context.environment, request, filterset))
