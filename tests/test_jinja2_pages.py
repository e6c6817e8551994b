"""The list pages are Jinja2 templates (templates/jinja2/): their page shell must stay the Django pages' own."""

import datetime
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

from agreements import jinja_env, jinja_messages, roles
from agreements.jinja_env import engine
from agreements.models import DeadlineChange, Follow, ProgressUpdate

pytestmark = pytest.mark.django_db


def shell(html):
    """The parts every page shares, without whitespace, titles, tokens and the language switcher's return address."""
    parts = [
        re.search(r"<head>.*?</head>", html, re.S).group(0),
        re.search(r'<header class="site-header">.*?</header>', html, re.S).group(0),
        re.search(r'<footer class="site-footer">.*?</footer>', html, re.S).group(0),
    ]
    text = re.sub(r'name="next" value="[^"]*"', 'name="next"', "\n".join(parts))
    text = re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", text)
    text = re.sub(r"<title>.*?</title>", "", text, flags=re.S)
    return re.sub(r"\s+", " ", re.sub(r">\s+<", "><", text)).strip()


@pytest.mark.parametrize("language", ["es", "en"])
def test_list_pages_share_the_django_pages_shell(client, make, language):
    line = make.action_line()
    # An editor with a person: every link of the header shows.
    user = make.user(username="editor-shell", is_staff=True, groups=[roles.EDITOR])
    make.person(user=user)
    client.force_login(user)
    headers = {"accept-language": language}
    # A page of each engine in the same header section, so that the same link is marked current: the session page
    # and the progress form are Django templates.
    jinja_page = client.get("/commissions/", headers=headers).text
    django_page = client.get(line.agreement.session.get_absolute_url(), headers=headers).text
    assert shell(jinja_page).count('aria-current="page"') == 1
    assert shell(jinja_page) == shell(django_page)
    jinja_page = client.get("/action-lines/", headers=headers).text
    django_page = client.get(reverse("agreements:action_line_update", args=[line.pk]), headers=headers).text
    assert "<form" in django_page
    assert shell(jinja_page) == shell(django_page)


def test_jinja2_pages_are_translated_and_escaped(client, make):
    make.agreement(title="Acuerdo <b>sin</b> marcas & más")
    client.force_login(make.user(groups=[roles.VIEWER]))
    page = client.get("/agreements/", headers={"accept-language": "es"}).text
    assert "Acuerdo &lt;b&gt;sin&lt;/b&gt; marcas &amp; más" in page
    assert '<h1 class="heading-xl">Acuerdos</h1>' in page
    assert "Descargar en CSV" in page
    english = client.get("/agreements/", headers={"accept-language": "en"}).text
    assert "Download as CSV" in english and "1 agreement" in english


def test_every_trans_block_is_listed_for_make_messages():
    """makemessages does not read `{% trans %}` blocks of Jinja2 templates: agreements/jinja_messages.py lists them."""
    # A lazy plural keeps its two strings as the keyword arguments of ngettext.
    plurals = [plural.__reduce__()[1][3] for plural in jinja_messages.PLURALS]
    listed = set(jinja_messages.MESSAGES) | {(plural["singular"], plural["plural"]) for plural in plurals}
    blocks = set()
    for template in Path(settings.BASE_DIR, "templates", "jinja2").rglob("*.html"):
        for _line, function, message in engine.env.extract_translations(template.read_text()):
            strings = tuple(part for part in (message if isinstance(message, tuple) else (message,)) if part)
            if "%(" in strings[0]:
                blocks.add(strings if function == "ngettext" else strings[0])
    assert blocks and blocks <= listed, blocks - listed
    catalogue = Path(settings.BASE_DIR, "locale", "es", "LC_MESSAGES", "django.po").read_text()
    for message in blocks:
        singular = message[0] if isinstance(message, tuple) else message
        assert f'msgid "{singular}"' in catalogue


@pytest.mark.parametrize("page", ["dashboard", "commission list", "commission page"])
def test_dashboard_and_commission_pages_are_jinja2_translated_and_escaped(client, make, page):
    commission = make.commission(name="Comisión <b>mixta</b> & más")
    session = make.session(commission_=commission, number=8, city="Minsk")
    line = make.action_line(agreement_=make.agreement(meeting_=make.meeting(session_=session)))
    user = make.user(groups=[roles.VIEWER])
    Follow.objects.create(user=user, agreement=line.agreement)
    client.force_login(user)
    path = {"dashboard": "/", "commission list": "/commissions/", "commission page": commission.get_absolute_url()}
    response = client.get(path[page], headers={"accept-language": "es"})
    assert [template.name for template in response.templates if isinstance(template, jinja_env.Template)]
    html = response.text
    assert "Comisión &lt;b&gt;mixta&lt;/b&gt; &amp; más" in html
    expected = {
        "dashboard": "Sus comisiones",
        "commission list": "Sesión VIII",
        "commission page": "1 reunión sectorial",
    }
    assert expected[page] in html


def test_object_pages_show_moments_in_the_sites_time_zone(client, make, in_english):
    """The agreement and action line pages are Jinja2 templates; a moment reads as Django's |date showed it."""
    line = make.action_line()
    moment = datetime.datetime(2026, 1, 10, 2, 30, tzinfo=datetime.UTC)  # 22:30 the day before in Caracas
    ProgressUpdate.objects.create(action_line=line, note="Trucks delivered", created_at=moment)
    DeadlineChange.objects.create(
        action_line=line, old_date=line.due_date, new_date=line.due_date + datetime.timedelta(days=9), reason="Rain"
    )
    client.force_login(make.user(groups=[roles.VIEWER]))
    for url, template in (
        (line.agreement.get_absolute_url(), "agreements/agreement_detail.html"),
        (line.get_absolute_url(), "agreements/action_line_detail.html"),
    ):
        response = client.get(url)
        assert [t.name for t in response.templates][0] == template
        page = response.text
        assert 'datetime="2026-01-09T22:30:00-04:00"' in page and "Trucks delivered" in page
        assert "Jan. 9, 2026, 10:30 p.m." in page
        assert "Rain" in page


def test_editor_panels_reach_editors_only_on_the_jinja2_pages(client, make, in_english):
    """The upload form, the access list and the update-link panels are the Django pages' own, with a CSRF token."""
    line = make.action_line()
    editor = make.user(groups=[roles.EDITOR])
    client.force_login(editor)
    agreement_page = client.get(line.agreement.get_absolute_url()).text
    line_page = client.get(line.get_absolute_url()).text
    assert 'id="access-list"' in agreement_page and "Attach a document" in agreement_page
    assert 'id="update-links"' in line_page and "Attach a document" in line_page
    assert re.search(r'name="csrfmiddlewaretoken" value="\w+"', agreement_page)
    client.force_login(make.user(groups=[roles.VIEWER]))
    agreement_page = client.get(line.agreement.get_absolute_url()).text
    line_page = client.get(line.get_absolute_url()).text
    assert 'id="access-list"' not in agreement_page and "Attach a document" not in agreement_page
    assert 'id="update-links"' not in line_page and "Attach a document" not in line_page


# Words of the catalogue in each form a template asks for them: _() with and without values (one to escape),
# {% trans %} with a plural, ngettext with its implicit `num`.
WORDS = (
    '{{ _("Commissions") }}|{{ _("Session %(number)s", number=n) }}|'
    '{{ _("from the counterpart: %(name)s", name=who) }}|'
    "{% trans counter=n %}{{ counter }} agreement{% pluralize %}{{ counter }} agreements{% endtrans %}|"
    '{{ ngettext("%(num)s day", "%(num)s days", n) }}'
)


@pytest.mark.parametrize(("language", "word"), [("es", "Comisiones"), ("en", "Commissions")])
def test_a_render_bound_to_its_language_gives_the_words_djangos_gettext_gives(language, word):
    from django.utils import translation

    values = {"n": 3, "who": "<b>Ana</b>"}
    with translation.override(language):
        bound = jinja_env.Template(engine.env.from_string(WORDS), engine).render(values)
        unbound = engine.env.from_string(WORDS).render(values)
        assert set(jinja_env.bound_translations()) == {"_", "gettext", "ngettext"}
    assert bound == unbound
    assert bound.startswith(word) and "&lt;b&gt;Ana&lt;/b&gt;" in bound
    with translation.override(None):
        # No active language: Django's own gettext answers, as the environment's globals.
        assert jinja_env.bound_translations() == {}


def test_a_deadlines_cue_and_state_are_kept_per_language_days_and_what_soon_means(settings):
    """jinja_env.deadline_cue keeps each cue's HTML; the key holds all it depends on."""
    from types import SimpleNamespace

    from django.utils import translation

    from agreements import deadlines

    today = datetime.date(2026, 3, 10)
    line = SimpleNamespace(status="in_progress", due_date=datetime.date(2026, 3, 14))
    for language in ("es", "en", "es"):
        with translation.override(language):
            cue = deadlines.cue(line.status, line.due_date, today)
            assert str(jinja_env.deadline_cue(line, today)) == f'<strong class="tag tag-soon">{cue}</strong>'
    assert jinja_env.deadline_state(line, today) == "soon"
    settings.DUE_SOON_DAYS = 2
    assert jinja_env.deadline_state(line, today) == "later"
    assert "deadline-later" in jinja_env.deadline_cue(line, today)
    done = SimpleNamespace(status="done", due_date=line.due_date)
    assert jinja_env.deadline_state(done, today) == "done" and jinja_env.deadline_cue(done, today) == ""
