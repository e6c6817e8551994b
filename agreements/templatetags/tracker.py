"""Template tags shared by every page: Roman numerals, deadline wording and breadcrumbs."""

from django import template
from django.urls import reverse
from django.utils.translation import gettext as _

from agreements import deadlines
from agreements.access import can_see_agreement
from agreements.models import ActionLine, Agreement, Commission, SectoralMeeting, Session, to_roman

register = template.Library()


@register.filter
def roman(number):
    """8 → "VIII"; anything that is not a positive whole number is shown as it is."""
    try:
        number = int(number)
    except (TypeError, ValueError):
        return number
    return to_roman(number) if number > 0 else number


# States whose cue is a coloured tag; a later deadline is told in plain grey words.
URGENT_STATES = (deadlines.State.OVERDUE, deadlines.State.TODAY, deadlines.State.SOON)


@register.filter
def days_label(line, today):
    """How the deadline of an open line stands today: "5 days overdue", "due today", "in 3 days"."""
    if today is None:
        return ""
    return deadlines.cue(line.status, line.due_date, today)


@register.filter
def deadline_state(line, today):
    """Where a line's deadline stands (agreements/deadlines.py): "overdue", "today", "soon", "later", "done",
    "cancelled"; its tag is the CSS class tag-<state>."""
    if today is None:
        return ""
    return deadlines.line_state(line, today).value


@register.inclusion_tag("includes/deadline_cue.html")
def deadline_cue(line, today):
    """The cue beside a line's deadline, coloured by its state; nothing once the line is closed."""
    state = deadline_state(line, today)
    return {"state": state, "cue": days_label(line, today), "urgent": state in URGENT_STATES}


def _session_trail(session):
    commission = session.commission
    return [
        (_("Commissions"), reverse("agreements:commission_list")),
        (str(commission), commission.get_absolute_url()),
        (_("Session %(number)s") % {"number": session.roman_number}, session.get_absolute_url()),
    ]


def _trail(obj):
    """Ancestors of a page's object, outermost first, read only from what the access helpers select_related."""
    if isinstance(obj, Commission):
        return [(_("Commissions"), reverse("agreements:commission_list"))]
    if isinstance(obj, Session):
        return _session_trail(obj)[:-1]
    if isinstance(obj, SectoralMeeting):
        return _session_trail(obj.session)
    if isinstance(obj, Agreement):
        meeting_url = reverse("agreements:meeting_detail", args=[obj.meeting_id])
        return [*_session_trail(obj.session), (obj.meeting.sector.name, meeting_url)]
    if isinstance(obj, ActionLine):
        agreement = obj.agreement
        meeting_url = reverse("agreements:meeting_detail", args=[agreement.meeting_id])
        return [
            *_session_trail(agreement.session),
            (obj.sector.name, meeting_url),
            (agreement.reference_code, agreement.get_absolute_url()),
        ]
    return []


@register.inclusion_tag("includes/breadcrumbs.html", takes_context=True)
def breadcrumbs_for(context, obj, agreement_visible=None):
    """`agreement_visible`: for a line, whether the user may open its agreement, when the page knows already."""
    crumbs = _trail(obj)
    if isinstance(obj, ActionLine):
        if agreement_visible is None:
            agreement_visible = can_see_agreement(context["request"].user, obj.agreement_id)
        if not agreement_visible:
            # The line's responsible person may open a line of an agreement they may not open: name it, no link.
            crumbs[-1] = (crumbs[-1][0], None)
    return {"crumbs": crumbs}


NAV_SECTIONS = {
    "home": "home",
    "commission_list": "commissions",
    "commission_detail": "commissions",
    "session_detail": "commissions",
    "meeting_detail": "commissions",
    "agreement_list": "agreements",
    "agreement_detail": "agreements",
    "action_line_list": "action_lines",
    "action_line_detail": "action_lines",
    "action_line_update": "action_lines",
    "my_action_lines": "mine",
    "following_list": "following",
    "outcomes_new": "outcomes",
    "outcomes_edit": "commissions",
    "import_list": "imports",
    "import_upload": "imports",
    "import_detail": "imports",
    "updates_awaiting_approval": "review",
}


@register.simple_tag(takes_context=True)
def nav_section(context):
    """Which header link the current page belongs to, so it can be marked aria-current."""
    match = getattr(context.get("request"), "resolver_match", None)
    return NAV_SECTIONS.get(match.url_name, "") if match else ""
