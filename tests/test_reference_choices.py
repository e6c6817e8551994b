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


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_chosen_sector_is_cleaned_from_the_kept_options_without_a_query(make):
    needs_postgresql()
    from agreements.filters import ActionLineFilter

    sector = make.sector(name="Energía")
    reader = make.user()
    reference_choices.current()  # kept for this state of the data

    def cleaned(value):
        filterset = ActionLineFilter({"sector": value}, queryset=ActionLineFilter.build_rows(reader))
        with CaptureQueriesContext(connection) as queries:
            valid = filterset.form.is_valid()
        sector_queries = [query for query in queries if "agreements_sector" in query["sql"]]
        return valid, filterset.form.cleaned_data.get("sector"), sector_queries

    valid, chosen, queries = cleaned(str(sector.pk))
    assert valid and chosen is reference_choices.options("sectors").rows[str(sector.pk)] and not queries
    # Another spelling of the id, or no id at all, is cleaned as Django does: with a query.
    valid, chosen, queries = cleaned(f"0{sector.pk}")
    assert valid and chosen == sector and queries
    for wrong in ("abc", str(sector.pk + 1000)):
        valid, _chosen, _queries = cleaned(wrong)
        assert not valid
