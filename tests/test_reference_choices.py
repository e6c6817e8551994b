"""The filters' option lists are built once per state of the reference tables, and follow every committed change."""

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from agreements import reference_choices
from tests.conftest import require_service

AGREEMENTS = "/agreements/"


def needs_postgresql():
    require_service("PostgreSQL", connection.vendor == "postgresql", "set DATABASE_URL=postgres://…")


def labels(kind):
    return [label for _value, label in reference_choices.options(kind)]


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_options_are_kept_until_a_reference_table_changes(make):
    needs_postgresql()
    sector = make.sector(name="Energía")
    first = reference_choices.current()
    assert "Energía" in labels("sectors")
    with CaptureQueriesContext(connection) as queries:
        again = reference_choices.current()
    assert again is first and len(queries) == 1  # the fingerprint only

    sector.name = "Energía eléctrica"
    sector.save()
    assert "Energía eléctrica" in labels("sectors") and "Energía" not in labels("sectors")

    session = make.session(city="Minsk")
    assert any("Minsk" in label for label in labels("sessions"))
    session.commission.short_name = "Comisión renombrada"
    session.commission.save()
    assert any(label.startswith("Comisión renombrada") for label in labels("sessions"))
    assert "Comisión renombrada" in labels("commissions")

    session.delete()
    assert not any("Minsk" in label for label in labels("sessions"))


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_filter_form_lists_options_as_before_and_marks_the_chosen_one(make):
    needs_postgresql()
    chosen = make.sector(name="Transporte & vialidad")
    make.sector(name="Agricultura")
    client = Client(headers={"accept-language": "en"})
    client.force_login(get_user_model().objects.create_user("reader", password="pw"))

    page = client.get(AGREEMENTS, {"sector": chosen.pk}).text
    assert '<option value="">Any sector</option>' in page
    assert f'<option value="{chosen.pk}" selected>Transporte &amp; vialidad</option>' in page
    # The cached markup of the chosen option is not reused unselected, nor the selection kept for the next page.
    assert f'<option value="{chosen.pk}">Transporte &amp; vialidad</option>' not in page
    page = client.get(AGREEMENTS).text
    assert '<option value="" selected>Any sector</option>' in page
    assert f'<option value="{chosen.pk}">Transporte &amp; vialidad</option>' in page
