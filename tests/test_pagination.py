"""Page numbers of any size: past the cap a list pages on open-ended, and no page number ends in a database error."""

import pytest
from django.core.paginator import EmptyPage, PageNotAnInteger
from django.db import connection
from django.test.utils import CaptureQueriesContext

from agreements.models import Agreement
from agreements.pagination import MAX_OFFSET, CappedPaginator

pytestmark = pytest.mark.django_db

NONSENSE = ["abc", "1e9", "", "1.5", "٣x", "9" * 5000, "\x00", "None", None, 1.5]
BEFORE_THE_FIRST = ["0", "-1", str(-(2**70))]
HUGE = [str(2**63), str(2**63 - 1), str(2**64), str(10**30), "99999999999999999"]


class Small(CappedPaginator):
    cap = 5


@pytest.fixture
def twelve(make):
    for _ in range(12):
        make.agreement()
    return Agreement.objects.order_by("id")


@pytest.fixture
def capped_lists(viewer, make, monkeypatch):
    """Lists "with more than 1,000 matches": the cap lowered to 3, two rows a page, five agreements and lines."""
    monkeypatch.setattr(CappedPaginator, "cap", 3)
    monkeypatch.setattr("agreements.views.lists.PER_PAGE", 2)
    agreement = make.agreement()
    for _ in range(4):
        make.agreement()
    for _ in range(5):
        make.action_line(agreement)
    return viewer


def test_past_the_cap_a_huge_page_number_is_an_empty_page_not_a_database_error(twelve):
    paginator = Small(twelve, 4)
    for number in HUGE:
        with pytest.raises(EmptyPage):
            paginator.page(number)


def test_the_last_page_a_database_can_reach_is_asked_for_and_the_next_is_not(twelve, django_assert_num_queries):
    paginator = Small(twelve, 4)
    assert paginator.is_capped
    last_reachable = MAX_OFFSET // 4 + 1
    with django_assert_num_queries(1), pytest.raises(EmptyPage):
        paginator.page(last_reachable)  # OFFSET fits in 64 bits: the database says there is nothing there
    with django_assert_num_queries(0), pytest.raises(EmptyPage):
        paginator.page(last_reachable + 1)


def test_past_the_cap_pages_that_are_no_whole_number_or_before_the_first_are_refused(twelve):
    paginator = Small(twelve, 4)
    for number in NONSENSE:
        with pytest.raises(PageNotAnInteger):
            paginator.page(number)
    for number in BEFORE_THE_FIRST:
        with pytest.raises(EmptyPage):
            paginator.page(number)


def test_get_page_answers_nonsense_with_the_first_page_and_any_page_past_the_end_with_the_last_vouched_for(twelve):
    paginator = Small(twelve, 4)  # five rows vouched for, four a page: pages 1 and 2
    assert {repr(number): paginator.get_page(number).number for number in NONSENSE} == {
        repr(number): 1 for number in NONSENSE
    }
    out_of_range = HUGE + BEFORE_THE_FIRST
    assert {number: paginator.get_page(number).number for number in out_of_range} == dict.fromkeys(out_of_range, 2)


def test_under_the_cap_any_page_number_gives_a_page(twelve):
    paginator = CappedPaginator(twelve, 4)
    assert not paginator.is_capped
    for number in HUGE + BEFORE_THE_FIRST + NONSENSE:
        assert 1 <= paginator.get_page(number).number <= 3


@pytest.mark.parametrize("url", ["/agreements/", "/action-lines/"])
def test_a_list_past_the_cap_answers_any_page_number_with_a_page(capped_lists, url):
    for number in HUGE + BEFORE_THE_FIRST + NONSENSE[:-2]:
        response = capped_lists.get(url, {"page": number})
        assert response.status_code == 200, number
        page = response.context["page_obj"]
        assert page.number in (1, 2), number  # nonsense: the first page; out of range: the last vouched for
        assert len(page.object_list) == 2, number


def test_the_huge_page_of_the_issue_shows_the_last_page_the_list_vouches_for_and_pages_on(capped_lists):
    response = capped_lists.get("/agreements/", {"page": "9223372036854775808"})
    assert response.status_code == 200
    assert response.context["page_obj"].number == 2
    assert response.context["page_obj"].has_next()  # rows follow: the list goes on past the cap


def test_a_viewers_capped_count_of_action_lines_reads_the_lines_alone(viewer, make):
    """Clearance is asked of the line's copy of its agreement's confidentiality: no join to 200,000 agreements,
    whose plan swung from milliseconds to seconds with the filter."""
    agreement = make.agreement(confidentiality=Agreement.Confidentiality.INTERNAL)
    for _ in range(3):
        make.action_line(agreement)
    with CaptureQueriesContext(connection) as queries:
        response = viewer.get("/action-lines/", {"status": "open", "overdue": "yes", "q": "plan"})
    assert response.status_code == 200
    counts = [query["sql"] for query in queries.captured_queries if "COUNT(" in query["sql"]]
    assert counts, "the list counts its rows"
    for sql in counts:
        assert " JOIN " not in sql.upper(), sql
        assert '"agreements_actionline"."confidentiality" IN' in sql, sql
