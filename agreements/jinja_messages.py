"""The messages of the `{% trans %}` blocks in templates/jinja2/, written where `make messages` finds them.

makemessages reads .html files as Django templates: it finds `_("…")` in a Jinja2 template but not the
text of a `{% trans %}` block (with variables, or plural), and with --no-obsolete it would drop those
messages from the catalogue. Listing them here keeps them; tests/test_jinja2_pages.py fails when a
template's block is missing from this list.
"""

from django.utils.translation import gettext_noop, ngettext_lazy

MESSAGES = (
    gettext_noop("%(achieved)s of %(target)s %(unit)s"),
    gettext_noop("%(shown)s+ agreements"),
    gettext_noop("%(shown)s+ action lines"),
    gettext_noop("Sorted by %(order)s"),
    gettext_noop("Action lines for which %(name)s is responsible, on our side or as the counterpart."),
    gettext_noop("carried over from %(number)s"),
    gettext_noop("carried over to %(number)s"),
    gettext_noop("Page %(number)s"),
    gettext_noop("Page %(number)s of %(total)s"),
    gettext_noop("from the counterpart: %(name)s"),
    gettext_noop("Originally %(date)s"),
    gettext_noop("%(sector)s meeting, session %(number)s"),
    gettext_noop("session %(number)s"),
    gettext_noop("until %(date)s"),
    gettext_noop("Today, %(date)s"),
    gettext_noop("Session %(number)s"),
    gettext_noop("Session %(number)s, %(city)s"),
)

PLURALS = (
    ngettext_lazy("%(counter)s overdue line", "%(counter)s overdue lines", "counter"),
    ngettext_lazy("%(shown)s agreement", "%(shown)s agreements", "counter"),
    ngettext_lazy("%(shown)s action line", "%(shown)s action lines", "counter"),
    ngettext_lazy("%(counter)s sectoral meeting", "%(counter)s sectoral meetings", "counter"),
    ngettext_lazy("%(counter)s agreement", "%(counter)s agreements", "counter"),
    ngettext_lazy("%(counter)s open action line", "%(counter)s open action lines", "counter"),
    ngettext_lazy("%(counter)s overdue", "%(counter)s overdue", "counter"),
    ngettext_lazy("See the overdue action line", "See all %(counter)s overdue action lines", "counter"),
    ngettext_lazy("See the action line due soon", "See all %(counter)s action lines due soon", "counter"),
    ngettext_lazy(
        "open action line due today or in the next %(days)s days",
        "open action lines due today or in the next %(days)s days",
        "counter",
    ),
    ngettext_lazy(
        "By email, in the person's language. It works for %(days)s day.",
        "By email, in the person's language. It works for %(days)s days.",
        "days",
    ),
)
