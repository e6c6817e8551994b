"""An editor carries the demo's pending session VIII items into a new session IX, in a real browser, twice.

The first time one line is left behind; the second time only that line goes, into the agreement already
carried, and nothing is carried twice. Locators read addresses, names and classes, not words, so the same
journey runs in Spanish and English.
"""

import datetime
import re

import pytest
from django.db.models import Count
from django.urls import reverse
from playwright.sync_api import expect

from agreements.models import ActionLine, Agreement, Country, Session

from .conftest import screenshot, serious_violations
from .test_phone_lists import TOO_WIDE

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

COMMISSION = "Venezuela–Belarús"


def ticked(page, name):
    return {int(value) for value in page.locator(f'#main input[name="{name}"]:checked').evaluate_all(
        "(boxes) => boxes.map((box) => box.value)"
    )}  # fmt: skip


def carried_into(session):
    """(agreements, action lines) of `session` that continue an earlier one."""
    agreements = Agreement.objects.filter(session=session, carried_over_from__isnull=False)
    lines = ActionLine.objects.filter(agreement__session=session, carried_over_from__isnull=False)
    return agreements.count(), lines.count()


def carried_twice(session):
    """Originals with more than one continuation in `session`: there must be none."""
    agreements = (
        Agreement.objects.filter(session=session, carried_over_from__isnull=False)
        .values("carried_over_from").annotate(copies=Count("pk")).filter(copies__gt=1)
    )  # fmt: skip
    lines = (
        ActionLine.objects.filter(agreement__session=session, carried_over_from__isnull=False)
        .values("carried_over_from").annotate(copies=Count("pk")).filter(copies__gt=1)
    )  # fmt: skip
    return list(agreements) + list(lines)


@pytest.mark.parametrize(("language", "width"), [("en", 1280), ("es", 375), ("es", 1280), ("en", 375)])
def test_editor_carries_the_pending_items_of_viii_into_a_new_ix_twice_without_doubles(
    open_page, live_server, demo, language, width
):
    viii = Session.objects.get(commission__short_name=COMMISSION, number=8)
    assert not Session.objects.filter(commission=viii.commission, number=9).exists()
    prepare = reverse("agreements:prepare_next_session", args=[viii.pk])
    page = open_page("editor", language=language, width=width)
    page.goto(live_server.url + viii.get_absolute_url())

    page.locator(f'#main a[href="{prepare}"]').click()
    page.wait_for_url(re.compile(rf".*{re.escape(prepare)}$"))
    # Everything pending is offered ticked; the editor leaves the last line for later.
    agreements, lines = ticked(page, "agreements"), ticked(page, "lines")
    assert agreements and len(lines) >= 2
    left = page.locator('#main input[name="lines"]').last
    left_id = int(left.get_attribute("value"))
    left.uncheck()
    start = viii.start_date.replace(year=viii.start_date.year + 1)
    page.locator('#main [name="city"]').fill("Minsk")
    page.locator('#main [name="country"]').select_option(str(Country.objects.get(code="BY").pk))
    page.locator('#main [name="start_date"]').fill(start.isoformat())
    page.locator('#main [name="end_date"]').fill((start + datetime.timedelta(days=2)).isoformat())
    assert serious_violations(page) == []
    fits(page, width)
    screenshot(page, f"carry-over-prepare-{language}-{width}")

    page.locator("#main form button[type=submit]").click()
    ix = Session.objects.get(commission=viii.commission, number=9)
    page.wait_for_url(re.compile(rf".*{re.escape(ix.get_absolute_url())}$"))
    lines -= {left_id}
    expected = agreements | set(ActionLine.objects.filter(pk__in=lines).values_list("agreement_id", flat=True))
    assert carried_into(ix) == (len(expected), len(lines))
    assert (ix.city, ix.start_date) == ("Minsk", start)
    expect(page.locator(".messages .notification-success")).to_contain_text(str(len(lines)))

    # Session IX lists the carried agreements, each "carried over from VIII"; an original says "… to IX".
    page.locator(f'#main a[href^="{reverse("agreements:agreement_list")}"]').first.click()
    tags = page.locator("#main .tag-carried")
    expect(tags).to_have_count(len(expected))
    expect(tags.first).to_contain_text("VIII")
    screenshot(page, f"carry-over-ix-agreements-{language}-{width}")
    original = Agreement.objects.get(pk=min(expected))
    page.goto(live_server.url + original.get_absolute_url())
    expect(page.locator("#main .caption .tag-carried").last).to_contain_text(re.compile(r"\bIX\b"))

    # Again: what went is shown as gone, only the line left behind is offered, and nothing is carried twice.
    page.goto(live_server.url + prepare)
    expect(page.locator('#main input[name="agreements"]')).to_have_count(0)
    assert ticked(page, "lines") == {left_id}
    page.locator("#main form button[type=submit]").click()
    page.wait_for_url(re.compile(rf".*{re.escape(ix.get_absolute_url())}$"))
    assert carried_into(ix) == (len(expected), len(lines) + 1)
    assert carried_twice(ix) == []
    assert Session.objects.filter(commission=viii.commission, number=9).count() == 1
    assert ActionLine.objects.get(carried_over_from=left_id).agreement.carried_over_from_id == (
        ActionLine.objects.get(pk=left_id).agreement_id
    )


def fits(page, width):
    if width < 1280:
        assert page.evaluate(TOO_WIDE) == []
