"""The header's search: agreements, action lines, meetings, people and progress notes at once, grouped by kind.

Each kind asks the confidentiality rule (agreements/access.py) before it searches, shows at most `SHOWN` rows and
counts at most `CAP + 1`, so a word found in a million lines costs two short queries per kind. Rows come best
match first while the matches number no more than the cap (ranking scores every match); past it, newest first,
which an index serves. Progress notes always come newest first.
"""

from dataclasses import dataclass, field

from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _

from .. import access
from ..models import ActionLine, Agreement, Person, ProgressUpdate, SectoralMeeting
from . import search_action_lines, search_agreements, search_meetings, search_notes, search_people

SHOWN = 10
CAP = 1000
# The longest query the page takes; longer text answers 400.
MAX_LENGTH = 200


@dataclass
class Group:
    kind: str
    label: str
    rows: list = field(default_factory=list)
    count: int = 0
    more_url: str = ""  # the full list with the same words, where one exists

    @property
    def cap(self):
        return CAP

    @property
    def capped(self):
        return self.count > CAP

    @property
    def more(self):
        return self.count > len(self.rows)


def first_rows(matches, newest):
    """The rows to show, and how many match (counted up to CAP + 1)."""
    count = matches.order_by().values("pk")[: CAP + 1].count()
    ranked = "rank" in matches.query.annotations and count <= CAP
    ordering = ("-rank", *newest) if ranked else newest
    return list(matches.order_by(*ordering)[:SHOWN]), count


def agreements(user, text):
    visible = Agreement.objects.visible_to(user).select_related("session__commission").defer("search_vector")
    rows, count = first_rows(search_agreements(visible, text), ("-id",))
    url = reverse("agreements:agreement_list") + "?" + urlencode({"q": text})
    return Group("agreements", _("Agreements"), rows, count, url)


def action_lines(user, text):
    visible = (
        ActionLine.objects.visible_to(user)
        .select_related("agreement", "responsible_person", "counterpart_person")
        .defer("search_vector", "agreement__search_vector", "agreement__description")
    )
    rows, count = first_rows(search_action_lines(visible, text), ("-id",))
    url = reverse("agreements:action_line_list") + "?" + urlencode({"q": text})
    return Group("action_lines", _("Action lines"), access.mark_hidden_agreements(rows, user), count, url)


def meetings(user, text):
    # Meeting pages are open to every signed-in user (access.get_meeting_for_user); their agreements are not.
    every = SectoralMeeting.objects.select_related("sector", "session__commission")
    rows, count = first_rows(search_meetings(every, text), ("-date", "-id"))
    return Group("meetings", _("Sectoral meetings"), rows, count)


def people(user, text):
    # Names are offered to every signed-in user already, in the lists' "responsible person" filter.
    every = Person.objects.select_related("institution")
    rows, count = first_rows(search_people(every, text), ("full_name", "id"))
    for person in rows:
        person.lines_url = reverse("agreements:action_line_list") + "?" + urlencode({"person": person.full_name})
    return Group("people", _("People"), rows, count)


def progress_notes(user, text):
    readable = ProgressUpdate.objects.filter(action_line__in=ActionLine.objects.visible_to(user))
    if not access.is_secretariat(user):
        # Updates awaiting approval, and rejected ones, are the secretariat's alone.
        readable = readable.filter(review=ProgressUpdate.Review.APPROVED)
    readable = readable.select_related("action_line", "reported_by", "author__person__institution")
    rows, count = first_rows(
        search_notes(readable.defer("action_line__search_vector", "action_line__description"), text),
        ("-created_at", "-id"),
    )
    return Group("progress_notes", _("Progress notes"), rows, count)


KINDS = (agreements, action_lines, meetings, people, progress_notes)


def search_everywhere(user, text):
    """Every kind's group for `text`, in the order of KINDS (empty groups included)."""
    return [kind(user, text) for kind in KINDS]
