"""The agreement and action-line lists: filters, sorting, counting, paging, bad input, query budget."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from agreements.models import ActionLine, Agreement
from agreements.pagination import CappedPaginator

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_today", "in_english")]

TODAY = datetime.date(2026, 4, 15)
AGREEMENTS = reverse("agreements:agreement_list")
ACTION_LINES = reverse("agreements:action_line_list")
MINE = reverse("agreements:my_action_lines")


def titles(response, name="agreements"):
    return sorted(row.title for row in response.context[name])


def test_agreement_list_shows_agreements_with_a_count(viewer, make):
    make.agreement(title="Reactivate the Veneminsk tractor factory")
    make.agreement(title="Reactivate the Mazven truck factory")
    response = viewer.get(AGREEMENTS)
    assert response.status_code == 200
    assert titles(response) == ["Reactivate the Mazven truck factory", "Reactivate the Veneminsk tractor factory"]
    assert "2 agreements" in response.text


def test_the_list_speaks_spanish_by_default(viewer, make):
    make.agreement()
    make.agreement()
    viewer.defaults.pop("HTTP_ACCEPT_LANGUAGE")
    response = viewer.get(AGREEMENTS)
    assert "2 acuerdos" in response.text
    assert "Aplicar filtros" in response.text


def test_restricted_agreements_are_not_listed_for_a_viewer(viewer, make):
    make.agreement(title="Open", confidentiality=Agreement.Confidentiality.INTERNAL)
    make.agreement(title="Secret", confidentiality=Agreement.Confidentiality.RESTRICTED)
    assert titles(viewer.get(AGREEMENTS)) == ["Open"]


def test_agreement_filters_by_placement_status_and_kind(viewer, make):
    industry = make.sector("Industry")
    commission = make.commission("Venezuela–Belarus")
    session = make.session(commission, number=8)
    wanted = make.agreement(
        make.meeting(session, industry), title="Wanted", status="in_implementation", kind="action_plan"
    )
    make.agreement(make.meeting(session), title="Other sector", status="in_implementation", kind="action_plan")
    make.agreement(make.meeting(sector_=industry), title="Other commission", status="proposed", kind="commitment")

    assert titles(viewer.get(AGREEMENTS, {"sector": industry.pk})) == ["Other commission", "Wanted"]
    assert titles(viewer.get(AGREEMENTS, {"commission": commission.pk})) == ["Other sector", "Wanted"]
    assert titles(viewer.get(AGREEMENTS, {"session": session.pk, "sector": industry.pk})) == ["Wanted"]
    assert titles(viewer.get(AGREEMENTS, {"status": "proposed"})) == ["Other commission"]
    assert titles(viewer.get(AGREEMENTS, {"kind": "action_plan", "sector": industry.pk})) == [wanted.title]


def test_agreement_filter_by_party_country(viewer, make):
    china = make.country("CN", "China")
    with_china = make.commission("Venezuela–China")
    with_china.parties.set([make.country(), china])
    make.agreement(make.meeting(make.session(with_china)), title="Belt and Road")
    make.agreement(title="Belarus only")
    assert titles(viewer.get(AGREEMENTS, {"country": china.pk})) == ["Belt and Road"]


def test_agreement_filter_by_institution_on_either_side_by_name_or_acronym(viewer, make):
    veneminsk = make.institution("Veneminsk Tractor Company", acronym="VMK")
    ours = make.agreement(title="Ours")
    ours.our_institutions.add(veneminsk)
    theirs = make.agreement(title="Theirs")
    theirs.counterpart_institutions.add(veneminsk, make.institution("Minsk Tractor Works"))
    make.agreement(title="Neither").our_institutions.add(make.institution("Mazven"))

    assert titles(viewer.get(AGREEMENTS, {"institution": "veneminsk"})) == ["Ours", "Theirs"]
    assert titles(viewer.get(AGREEMENTS, {"institution": "VMK"})) == ["Ours", "Theirs"]
    assert titles(viewer.get(AGREEMENTS, {"institution": "Tractor"})) == ["Ours", "Theirs"]


def test_agreement_filter_by_coordinator_name(viewer, make):
    make.agreement(title="Coordinated", coordinator=make.person("María Pérez"))
    make.agreement(title="Someone else", coordinator=make.person("José Rodríguez"))
    make.agreement(title="Nobody")
    assert titles(viewer.get(AGREEMENTS, {"coordinator": "pérez"})) == ["Coordinated"]


def test_agreement_filter_by_signed_date_range(viewer, make):
    make.agreement(title="January", signed_date=datetime.date(2026, 1, 10))
    make.agreement(title="March", signed_date=datetime.date(2026, 3, 10))
    make.agreement(title="Unsigned")
    query = {"signed_after": "2026-02-01", "signed_before": "2026-03-31"}
    assert titles(viewer.get(AGREEMENTS, query)) == ["March"]
    assert titles(viewer.get(AGREEMENTS, {"signed_before": "2026-01-10"})) == ["January"]


def test_agreement_filter_has_overdue_lines(viewer, make):
    late = make.agreement(title="Late")
    make.action_line(late, due_date=TODAY - datetime.timedelta(days=1))
    finished = make.agreement(title="Finished late")
    make.action_line(
        finished, due_date=TODAY - datetime.timedelta(days=9), status="done", percent_complete=100, completed_date=TODAY
    )
    make.action_line(make.agreement(title="On time"), due_date=TODAY)
    response = viewer.get(AGREEMENTS, {"has_overdue": "yes"})
    assert titles(response) == ["Late"]
    assert "1 overdue line" in response.text


def test_agreement_sort_is_whitelisted(viewer, make):
    make.agreement(title="B", signed_date=datetime.date(2026, 2, 1))
    make.agreement(title="A", signed_date=datetime.date(2026, 1, 1))
    make.agreement(title="C", signed_date=datetime.date(2026, 3, 1))
    order = [row.title for row in viewer.get(AGREEMENTS, {"sort": "signed"}).context["agreements"]]
    assert order == ["A", "B", "C"]
    order = [row.title for row in viewer.get(AGREEMENTS, {"sort": "-signed"}).context["agreements"]]
    assert order == ["C", "B", "A"]
    # Newest first is the default, and what an unknown sort falls back to.
    for sort in ("", "title; DROP TABLE", "-search_vector", "meeting__session"):
        response = viewer.get(AGREEMENTS, {"sort": sort})
        assert response.status_code == 200
        assert [row.title for row in response.context["agreements"]] == ["C", "A", "B"]


def test_sort_headers_link_to_the_other_direction_and_keep_filters(viewer, make):
    make.agreement(status="signed", signed_date=datetime.date(2026, 1, 1))
    response = viewer.get(AGREEMENTS, {"status": "signed", "sort": "signed"})
    assert 'aria-sort="ascending"' in response.text
    assert "?status=signed&amp;sort=-signed" in response.text


@pytest.mark.parametrize(
    "query",
    [
        {"status": "zzz"},
        {"signed_after": "notadate"},
        {"commission": "xyz"},
        {"commission": "999999"},
        {"sector": "1.5"},
        {"kind": "<script>"},
        {"session": "abc", "page": "abc"},
        {"q": "tractor\x00"},
        {"institution": "\x00"},
    ],
)
def test_nonsense_agreement_filters_show_the_error_and_list_nothing(viewer, make, query):
    make.agreement()
    response = viewer.get(AGREEMENTS, query)
    assert response.status_code == 200
    assert list(response.context["agreements"]) == []
    assert 'class="error-summary"' in response.text
    assert "agreement_export" not in response.text  # no download of a list that is in error


@pytest.mark.parametrize("page", ["abc", "-1", "0", "99999", "1e9", ""])
def test_nonsense_page_numbers_show_a_page(viewer, make, page):
    make.agreement(title="Only")
    response = viewer.get(AGREEMENTS, {"page": page})
    assert response.status_code == 200
    assert titles(response) == ["Only"]


def test_pagination_keeps_the_filters(viewer, make):
    for _ in range(30):
        make.agreement(status="proposed")
    make.agreement(status="agreed")
    response = viewer.get(AGREEMENTS, {"status": "proposed"})
    assert len(response.context["agreements"]) == 25
    assert "30 agreements" in response.text
    assert 'href="?status=proposed&amp;page=2"' in response.text
    second = viewer.get(AGREEMENTS, {"status": "proposed", "page": 2})
    assert len(second.context["agreements"]) == 5


def test_export_links_carry_the_filters_but_not_the_page(viewer, make):
    make.agreement(status="proposed")
    response = viewer.get(AGREEMENTS, {"status": "proposed", "page": "1", "sort": "reference"})
    assert reverse("agreements:agreement_export_xlsx") + "?status=proposed&amp;sort=reference" in response.text
    assert reverse("agreements:agreement_export_csv") + "?status=proposed&amp;sort=reference" in response.text


def test_people_and_institutions_are_typed_not_picked_from_a_long_select(viewer, make, monkeypatch):
    make.institution("Veneminsk")
    make.person("María Pérez")
    response = viewer.get(AGREEMENTS)
    assert 'name="institution"' in response.text and '<select name="institution"' not in response.text
    assert '<option value="Veneminsk">' in response.text  # few names: a datalist suggests them

    from agreements import reference_choices

    monkeypatch.setattr(reference_choices, "SUGGESTIONS", 1)
    make.institution("Mazven")
    response = viewer.get(AGREEMENTS)
    assert '<option value="Veneminsk">' not in response.text  # too many: a plain text box


def test_capped_paginator_counts_at_most_cap_plus_one_rows(make):
    for _ in range(12):
        make.agreement()

    class Small(CappedPaginator):
        cap = 10

    paginator = Small(Agreement.objects.order_by("id"), 4)
    with CaptureQueriesContext(connection) as queries:
        assert paginator.count == 11
    # One statement counts.
    counts = [query["sql"] for query in queries if "COUNT(" in query["sql"].upper()]
    assert len(counts) == 1 and "LIMIT 11" in counts[0]
    assert paginator.is_capped
    ten = Agreement.objects.filter(pk__in=list(Agreement.objects.order_by("id").values_list("pk", flat=True)[:10]))
    exactly_the_cap = Small(ten.order_by("id"), 4)
    assert (exactly_the_cap.count, exactly_the_cap.is_capped, exactly_the_cap.num_pages) == (10, False, 3)


def test_capped_paginator_pages_on_past_the_cap_without_counting(make):
    for _ in range(12):
        make.agreement()

    class Small(CappedPaginator):
        cap = 5

    paginator = Small(Agreement.objects.order_by("id"), 4)
    third = paginator.get_page(3)
    assert [len(third), third.start_index(), third.end_index()] == [4, 9, 12]
    assert not third.has_next()
    assert paginator.get_page(2).has_next() and paginator.get_page(2).next_page_number() == 3
    assert paginator.get_page(99).number == 2  # past the end: the last page the cap vouches for
    assert paginator.get_page("abc").number == 1


def test_list_beyond_the_cap_says_so_and_pages_on(viewer, make, monkeypatch):
    monkeypatch.setattr(CappedPaginator, "cap", 3)
    monkeypatch.setattr("agreements.views.lists.PER_PAGE", 2)
    for _ in range(5):
        make.agreement()
    response = viewer.get(AGREEMENTS)
    assert "3+ agreements" in response.text
    last = viewer.get(AGREEMENTS, {"page": 3})
    assert len(last.context["agreements"]) == 1
    assert not last.context["page_obj"].has_next()


def line_titles(response):
    return titles(response, "action_lines")


def test_action_line_filters(viewer, make):
    industry = make.sector("Industry")
    commission = make.commission("Venezuela–Belarus")
    agreement = make.agreement(make.meeting(make.session(commission), industry))
    ana = make.person("Ana Torres")
    minsk = make.institution("Minsk Tractor Works", acronym="MTZ")
    make.action_line(agreement, title="Overdue", due_date=TODAY - datetime.timedelta(days=3), responsible_person=ana)
    make.action_line(agreement, title="Blocked", status="blocked", due_date=TODAY, counterpart_person=ana)
    make.action_line(
        title="Done", status="done", percent_complete=100, completed_date=TODAY, counterpart_institution=minsk
    )
    make.action_line(title="Later", due_date=TODAY + datetime.timedelta(days=40), responsible_institution=minsk)

    assert line_titles(viewer.get(ACTION_LINES, {"overdue": "yes"})) == ["Overdue"]
    assert line_titles(viewer.get(ACTION_LINES, {"status": "blocked"})) == ["Blocked"]
    assert line_titles(viewer.get(ACTION_LINES, {"status": "open"})) == ["Blocked", "Later", "Overdue"]
    assert line_titles(viewer.get(ACTION_LINES, {"person": "torres"})) == ["Blocked", "Overdue"]
    assert line_titles(viewer.get(ACTION_LINES, {"institution": "MTZ"})) == ["Later"]
    assert line_titles(viewer.get(ACTION_LINES, {"institution": "MTZ", "status": "all"})) == ["Done", "Later"]
    assert line_titles(viewer.get(ACTION_LINES, {"sector": industry.pk})) == ["Blocked", "Overdue"]
    assert line_titles(viewer.get(ACTION_LINES, {"commission": commission.pk})) == ["Blocked", "Overdue"]
    query = {"due_after": TODAY.isoformat(), "due_before": (TODAY + datetime.timedelta(days=60)).isoformat()}
    assert line_titles(viewer.get(ACTION_LINES, query)) == ["Blocked", "Later"]


def test_action_lines_are_ordered_by_deadline_and_overdue_ones_are_marked(viewer, make):
    make.action_line(title="Later", due_date=TODAY + datetime.timedelta(days=3))
    make.action_line(title="Late", due_date=TODAY - datetime.timedelta(days=5))
    response = viewer.get(ACTION_LINES)
    assert [line.title for line in response.context["action_lines"]] == ["Late", "Later"]
    assert "5 days overdue" in response.text
    assert 'class="row-overdue"' in response.text
    response = viewer.get(ACTION_LINES, {"sort": "-deadline"})
    assert [line.title for line in response.context["action_lines"]] == ["Later", "Late"]


@pytest.mark.parametrize(
    "query", [{"status": "zzz"}, {"due_after": "31/02/2026"}, {"sector": "x"}, {"commission": "-1"}]
)
def test_nonsense_action_line_filters_show_the_error_and_list_nothing(viewer, make, query):
    make.action_line()
    response = viewer.get(ACTION_LINES, query)
    assert response.status_code == 200
    assert list(response.context["action_lines"]) == []
    assert 'class="error-summary"' in response.text


def test_my_action_lines_lists_the_lines_of_the_signed_in_person_on_either_side(client, make):
    account = make.user("focal", groups=["Focal point"])
    me = make.person("Ana Torres", user=account)
    make.action_line(title="Mine", responsible_person=me)
    make.action_line(title="Mine as counterpart", counterpart_person=me)
    make.action_line(title="Someone else's", responsible_person=make.person())
    client.force_login(account)
    response = client.get(MINE)
    assert response.status_code == 200
    assert line_titles(response) == ["Mine", "Mine as counterpart"]
    feed = f"http://testserver{reverse('agreements:person_feed', args=[me.feed_token])}"
    assert feed in response.text
    assert f'action="{reverse("agreements:person_feed_revoke")}"' in response.text
    assert line_titles(client.get(MINE, {"q": "counterpart"})) == ["Mine as counterpart"]


def test_my_action_lines_explains_when_the_account_has_no_person(viewer):
    response = viewer.get(MINE)
    assert response.status_code == 200
    assert "not linked to a person" in response.text


def rows_of_everything(make, count):
    commission = make.commission()
    meeting = make.meeting(make.session(commission))
    people = [make.person(institution=make.institution()) for _ in range(2)]
    for number in range(count):
        agreement = make.agreement(meeting, signed_date=datetime.date(2026, 1, 1), coordinator=people[0])
        agreement.our_institutions.add(people[0].institution)
        make.action_line(
            agreement,
            due_date=TODAY + datetime.timedelta(days=number - count // 2),
            responsible_person=people[0],
            responsible_institution=people[0].institution,
            counterpart_person=people[1],
            counterpart_institution=people[1].institution,
            target_quantity=80,
            target_unit="tractors",
            achieved_quantity=number,
        )
    return people[0]


@pytest.mark.parametrize(
    "url, query",
    [
        (AGREEMENTS, {}),
        (AGREEMENTS, {"q": "agreement", "institution": "Institution", "has_overdue": "yes", "sort": "signed"}),
        (ACTION_LINES, {}),
        (ACTION_LINES, {"q": "line", "person": "person", "status": "open", "overdue": "yes"}),
        (MINE, {}),
    ],
)
def test_lists_run_the_same_number_of_queries_for_5_and_50_rows(client, make, url, query):
    def count_queries(rows):
        ActionLine.objects.all().delete()
        Agreement.objects.all().delete()
        me = rows_of_everything(make, rows)
        account = make.user(groups=["Focal point"])
        me.user = account
        me.save()
        client.force_login(account)
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url, query)
        assert response.status_code == 200
        shown = response.context.get("action_lines", response.context.get("agreements"))
        return len(queries), len(shown)

    few, shown_few = count_queries(5)
    many, shown_many = count_queries(50)
    assert shown_many > shown_few > 0
    assert few == many


def test_each_list_filterset_has_filters_of_its_own_bound_to_it(make):
    """The filters are copied shallowly for speed: no copy may call into another request's FilterSet."""
    from agreements.filters import ActionLineFilter
    from agreements.models import ActionLine

    make.action_line(title="Repuestos para tractores")
    make.action_line(title="Semillas certificadas")
    first = ActionLineFilter({"q": "repuestos", "status": "all"}, queryset=ActionLine.objects.all())
    second = ActionLineFilter({"q": "semillas", "status": "all"}, queryset=ActionLine.objects.all())
    for name in first.filters:
        assert first.filters[name] is not second.filters[name]
        assert first.filters[name] is not ActionLineFilter.base_filters[name]
        assert first.filters[name].parent is first and second.filters[name].parent is second
    assert first.filters["q"].filter.f is first.filters["q"]  # the method filter calls its own FilterSet
    assert [line.title for line in first.qs] == ["Repuestos para tractores"]
    assert [line.title for line in second.qs] == ["Semillas certificadas"]
    assert first.form.fields["status"] is not second.form.fields["status"]
