import pytest

pytestmark = pytest.mark.django_db


def test_action_line_copies_commission_and_sector_from_its_agreement(make):
    line = make.action_line()
    meeting = line.agreement.meeting
    assert line.commission_id == meeting.session.commission_id
    assert line.sector_id == meeting.sector_id
    assert line.original_due_date == line.due_date
