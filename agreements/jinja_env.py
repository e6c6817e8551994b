"""The Jinja2 environment of the list pages (templates/jinja2/), through Django's own Jinja2 backend.

At 25 rows, Django's template engine took three quarters of a list page's CPU time; Jinja2 compiles
templates to Python and renders the same page several times faster. The environment gives templates
what the Django templates of those pages used, with the same results:

- translations: the `jinja2.ext.i18n` extension with Django's gettext and ngettext, so `{{ _("…") }}` and
  `{% trans %}` read the same catalogue (placeholders are `%(name)s` in both);
- `url()`, `static()`, `querystring()` as Django's tags, and Django's own filters for dates, numbers and text;
- autoescaping on, `csrf_input` from the backend.

`Jinja2` below also reports each rendering to Django's test client, as Django templates do, so that
tests can read `response.context` of these pages.
"""

import datetime
import functools
import sys

import jinja2
from django.apps import apps
from django.conf import settings
from django.contrib.humanize.templatetags.humanize import intcomma
from django.http import HttpResponse
from django.template import defaultfilters
from django.template.backends import jinja2 as jinja2_backend
from django.templatetags.static import static as static_url
from django.urls import get_script_prefix, reverse
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.timezone import template_localtime
from django.utils.translation import get_language, get_language_info, gettext, ngettext, pgettext, trans_real
from markupsafe import Markup

from agreements import deadlines, jinja_panels, kept_forms
from agreements.people import credited_name
from agreements.templatetags.documents import document_type
from agreements.templatetags.tracker import NAV_SECTIONS, URGENT_STATES, roman

# {(url name, script prefix): its URL}, for the links without arguments every page repeats (the header's).
_plain_urls = {}


def url(name, *args, **kwargs):
    if args or kwargs:
        return reverse(name, args=args or None, kwargs=kwargs or None)
    key = (name, get_script_prefix())
    found = _plain_urls.get(key)
    if found is None:
        found = _plain_urls[key] = reverse(name)
    return found


# {(file, script prefix): its URL}: the stylesheet and scripts every page links, hashed names looked up once.
_static_urls = {}


def static(path):
    """Django's {% static %}, kept per file: the manifest of hashed names does not change while a process runs."""
    key = (path, get_script_prefix())
    found = _static_urls.get(key)
    if found is None:
        found = _static_urls[key] = static_url(path)
    return found


# {(url name, script prefix): the URL with "{}" for the id}, so that a row's links cost a format, not a reverse().
_id_urls = {}
_ID = 987654321


def id_url(name, pk):
    """reverse(name, args=[pk]) for a URL whose only argument is an object's id (the rows' links)."""
    key = (name, get_script_prefix())
    pattern = _id_urls.get(key)
    if pattern is None:
        pattern = _id_urls[key] = reverse(name, args=[_ID]).replace(str(_ID), "{}", 1)
    return pattern.format(int(pk))


@jinja2.pass_context
def querystring(context, **changes):
    """Django's {% querystring %}: the current query string with `changes` (None removes a key), or ""."""
    query = context["request"].GET
    params = query.copy()
    for key, value in changes.items():
        if value is None:
            params.pop(key, None)
        else:
            params[key] = value
    if not params and not query:
        return ""
    return f"?{params.urlencode()}"


def nav_section(request):
    """Which header link the current page belongs to, so it can be marked aria-current."""
    match = getattr(request, "resolver_match", None)
    return NAV_SECTIONS.get(match.url_name, "") if match else ""


def languages():
    """The interface languages with their names, as {% get_language_info_list %} gives them."""
    return [get_language_info(code) for code, _name in settings.LANGUAGES]


@functools.lru_cache(maxsize=4096)
def _date_in(language, value, format_name):
    return date_format(value, format_name)


def date(value, format_name="DATE_FORMAT"):
    """Django's |date with a named format; a day is formatted once per language (the rows repeat few dates)."""
    if not value:
        return ""
    if type(value) is datetime.date:
        return _date_in(get_language(), value, format_name)
    # A moment is shown in the site's time zone, as Django's |date shows it.
    return date_format(template_localtime(value), format_name)


def choice_labels(model_label, field_name):
    """{value: label} of a field's choices in the current language, for rows: get_FOO_display() rebuilds its
    mapping on every call. `model_label` is "app_label.Model"."""
    field = apps.get_model(model_label)._meta.get_field(field_name)
    return {value: str(label) for value, label in field.flatchoices}


def floatformat(value, arg=-1):
    """Django's |floatformat. A whole number shown with no decimals is written as it is, as Django writes it, without
    its Decimal arithmetic: the percentages of every table row."""
    if type(value) is int and arg in ("0u", "0"):
        return str(value)
    return defaultfilters.floatformat(value, arg)


def _deadline_key(line, today):
    """What a line's deadline cue and state depend on: its status, the days to its deadline, what "soon" means."""
    due = line.due_date
    return line.status, None if due is None else (due - today).days, deadlines.soon_days()


def deadline_cue(line, today):
    """The cue beside a line's deadline, coloured by its state; nothing once the line is closed (as tracker.py)."""
    if today is None:
        return ""
    return _cue_html(get_language(), *_deadline_key(line, today))


def deadline_state(line, today):
    if today is None:
        return ""
    return _state(*_deadline_key(line, today)).value


# Any day: a cue and a state depend only on the days between the deadline and today.
_DAY = datetime.date(2000, 1, 1)


def _due(days):
    return None if days is None else _DAY + datetime.timedelta(days=days)


# Kept per value: a page's rows repeat a few dozen cues, and each took a translation looked up and a format_html()
# (a fifth of a list's template time). `language` and `soon` are in the key, not read here: the cue is made in the
# active language, and deadlines reads what "soon" means from the settings.
@functools.lru_cache(maxsize=4096)
def _cue_html(language, status, days, soon):
    cue = deadlines.cue(status, _due(days), _DAY)
    if not cue:
        return ""
    state = _state(status, days, soon)
    if state in URGENT_STATES:
        return format_html('<strong class="tag tag-{}">{}</strong>', state.value, cue)
    return format_html('<span class="secondary deadline-later">{}</span>', cue)


@functools.lru_cache(maxsize=4096)
def _state(status, days, soon):
    """deadlines.state() of a line `days` from its deadline."""
    return deadlines.state(status, _due(days), _DAY)


def environment(**options):
    env = jinja2.Environment(extensions=["jinja2.ext.i18n"], **options)
    env.install_gettext_callables(gettext, ngettext, newstyle=True)
    env.globals.update(
        url=url,
        id_url=id_url,
        choice_labels=choice_labels,
        static=static,
        querystring=querystring,
        nav_section=nav_section,
        get_language=get_language,
        languages=languages,
        deadline_cue=deadline_cue,
        deadline_state=deadline_state,
        pgettext=pgettext,
        document_upload_form=jinja_panels.document_upload_form,
        awaiting_approval_panel=jinja_panels.awaiting_approval_panel,
        update_links_panel=jinja_panels.update_links_panel,
        access_list=jinja_panels.access_list,
        filter_form=kept_forms.filter_form,
    )
    env.filters.update(
        date=date,
        floatformat=floatformat,
        intcomma=intcomma,
        truncatechars=defaultfilters.truncatechars,
        capfirst=defaultfilters.capfirst,
        roman=roman,
        safe_markup=Markup,
        credited=credited_name,
        truncatewords=defaultfilters.truncatewords,
        # Django's, not Jinja2's own: "1.2 MB" → "1,2 MB" in Spanish, as on the Django pages.
        filesizeformat=defaultfilters.filesizeformat,
        document_type=document_type,
    )
    return env


def _bound_gettext(translation):
    """Jinja2's newstyle gettext (jinja2.ext) over one translation catalogue rather than Django's gettext."""

    @jinja2.pass_context
    def gettext(context, message, **variables):
        found = translation.gettext(message) if message else ""
        if context.eval_ctx.autoescape:
            found = Markup(found)
        return found % variables

    return gettext


def _bound_ngettext(translation):
    @jinja2.pass_context
    def ngettext(context, singular, plural, number, **variables):
        variables.setdefault("num", number)
        found = translation.ngettext(singular, plural, number)
        if context.eval_ctx.autoescape:
            found = Markup(found)
        return found % variables

    return ngettext


def bound_translations():
    """`_`, `gettext` and `ngettext` for one render, bound to the language active when it starts.

    Django's gettext looks the active translation up in a thread-local (asgiref's Local) on every call, which was
    about a tenth of a page's template time; a render cannot change language halfway, so it is looked up once.
    Put in the render's context, these take the place of the environment's globals for the page and its includes
    (macros imported without context keep the globals, which give the same words). Without an active language
    (deactivate_all) or with translations off, the globals are left to answer."""
    language = get_language()
    if language is None or not settings.USE_I18N:
        return {}
    translation = trans_real.translation(language)
    gettext_bound = _bound_gettext(translation)
    return {"_": gettext_bound, "gettext": gettext_bound, "ngettext": _bound_ngettext(translation)}


class Template(jinja2_backend.Template):
    @property
    def name(self):
        return self.template.name

    def render(self, context=None, request=None):
        context = {**bound_translations(), **(context or {})}
        html = super().render(context, request)
        # What Django's test client records for Django templates (response.context, assertTemplateUsed). Only
        # where django.test is loaded already: a production worker need not import the test framework.
        test_signals = sys.modules.get("django.test.signals")
        if test_signals is not None:
            test_signals.template_rendered.send(sender=self, template=self, context=context or {})
        return html


class Jinja2(jinja2_backend.Jinja2):
    def get_template(self, template_name):
        template = super().get_template(template_name)
        return Template(template.template, self)


# The engine of templates/jinja2/. Built here rather than in settings.TEMPLATES so that Django's template
# lookups (the admin, forms, emails) never search it; views reach it through render() below.
engine = Jinja2(
    {
        "NAME": "jinja2",
        "DIRS": [settings.BASE_DIR / "templates" / "jinja2"],
        "APP_DIRS": False,
        "OPTIONS": {
            "environment": "agreements.jinja_env.environment",
            "context_processors": [
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    }
)


def render(request, template_name, context=None, status=None):
    """django.shortcuts.render for a template of templates/jinja2/."""
    return HttpResponse(engine.get_template(template_name).render(context, request), status=status)
