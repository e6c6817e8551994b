"""Where a deadline stands: one rule, its boundaries, the due-soon setting, and the same answer from a queryset."""

import datetime

import pytest
from django.utils import translation

from agreements import deadlines
from agreements.deadlines import State
from agreements.models import ActionLine

TODAY = datetime.date(2026, 4, 15)
DAY = datetime.timedelta(days=1)


@pytest.mark.parametrize(
    ("days", "expected"),
    [
        (-30, State.OVERDUE),
        (-1, State.OVERDUE),
        (0, State.TODAY),
        (1, State.SOON),
        (7, State.SOON),
        (8, State.LATER),
        (400, State.LATER),
    ],
)
@pytest.mark.parametrize("status", ["not_started", "in_progress", "blocked"])
def test_an_open_line_is_overdue_due_today_soon_or_later(status, days, expected):
    assert deadlines.state(status, TODAY + days * DAY, TODAY) == expected


@pytest.mark.parametrize("days", [-10, 0, 3, 30])
def test_a_closed_line_is_done_or_cancelled_whatever_its_deadline(days):
    assert deadlines.state("done", TODAY + days * DAY, TODAY) == State.DONE
    assert deadlines.state("cancelled", TODAY + days * DAY, TODAY) == State.CANCELLED


def test_due_soon_window_is_a_setting(settings):
    settings.DUE_SOON_DAYS = 3
    assert deadlines.state("in_progress", TODAY + 3 * DAY, TODAY) == State.SOON
    assert deadlines.state("in_progress", TODAY + 4 * DAY, TODAY) == State.LATER
    settings.DUE_SOON_DAYS = 14
    assert deadlines.state("in_progress", TODAY + 14 * DAY, TODAY) == State.SOON


def test_due_soon_window_is_seven_days_unless_set(settings):
    del settings.DUE_SOON_DAYS
    assert deadlines.soon_days() == 7


def test_each_state_has_one_css_class():
    assert [state.css for state in State] == [
        "tag-overdue",
        "tag-today",
        "tag-soon",
        "tag-later",
        "tag-done",
        "tag-cancelled",
    ]


@translation.override("en")
def test_cue_words_open_lines_only():
    assert deadlines.cue("blocked", TODAY - 5 * DAY, TODAY) == "5 days overdue"
    assert deadlines.cue("blocked", TODAY - DAY, TODAY) == "1 day overdue"
    assert deadlines.cue("in_progress", TODAY, TODAY) == "due today"
    assert deadlines.cue("in_progress", TODAY + DAY, TODAY) == "in 1 day"
    assert deadlines.cue("not_started", TODAY + 7 * DAY, TODAY) == "in 7 days"
    assert deadlines.cue("done", TODAY - 5 * DAY, TODAY) == ""
    assert deadlines.cue("cancelled", TODAY + 5 * DAY, TODAY) == ""


@translation.override("es")
def test_cue_words_in_spanish():
    assert deadlines.cue("in_progress", TODAY - 2 * DAY, TODAY) != "2 days overdue"


@pytest.mark.django_db
def test_queryset_and_counts_agree_with_the_pure_function(make, settings):
    settings.DUE_SOON_DAYS = 7
    agreement = make.agreement()
    done = {"completed_date": TODAY - DAY, "percent_complete": 100}
    lines = [
        make.action_line(agreement, due_date=TODAY + days * DAY, status=status, **(done if status == "done" else {}))
        for days, status in [
            (-3, "in_progress"),
            (-1, "blocked"),
            (0, "not_started"),
            (1, "in_progress"),
            (7, "in_progress"),
            (8, "not_started"),
            (-40, "done"),
            (5, "cancelled"),
        ]
    ]
    rows = ActionLine.objects.filter(agreement=agreement)
    for state in State:
        expected = {line.pk for line in lines if deadlines.line_state(line, TODAY) == state}
        assert set(rows.in_state(state, TODAY).values_list("pk", flat=True)) == expected, state
    assert rows.aggregate(**deadlines.counts(TODAY)) == {
        "overdue": 2,
        "today": 1,
        "soon": 2,
        "later": 1,
        "done": 1,
        "cancelled": 1,
    }
    assert set(rows.overdue(TODAY).values_list("pk", flat=True)) == {lines[0].pk, lines[1].pk}
    assert [line.is_overdue(TODAY) for line in lines] == [True, True, False, False, False, False, False, False]
