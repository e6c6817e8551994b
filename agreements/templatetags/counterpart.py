"""The panels of an action line's page that only editors see: updates awaiting approval, and update links."""

from django import template
from django.conf import settings
from django.utils import timezone

from ..access import can_review_updates
from ..counterpart.forms import SendLinkForm
from ..counterpart.links import links_of
from ..models import ProgressUpdate

register = template.Library()


@register.inclusion_tag("agreements/counterpart/awaiting_panel.html", takes_context=True)
def awaiting_approval_panel(context, line):
    """The line's updates awaiting approval, with their approve and reject buttons."""
    request = context["request"]
    if not can_review_updates(request.user):
        return {}
    pending = (
        line.progress_updates.filter(review=ProgressUpdate.Review.PENDING)
        .select_related("reported_by")
        .prefetch_related("documents")
        .order_by("created_at", "id")
    )
    return {"show": True, "pending": pending, "request": request, "csrf_token": context.get("csrf_token")}


@register.inclusion_tag("agreements/counterpart/line_panel.html", takes_context=True)
def update_links_panel(context, line):
    """The links sent for the line, their state, and the form to send one."""
    request = context["request"]
    if not can_review_updates(request.user):
        return {}
    now = timezone.now()
    sent = list(links_of(line))
    for link in sent:
        link.current_state = link.state(now)
    return {
        "show": True,
        "line": line,
        "links": sent,
        "form": SendLinkForm(line=line, auto_id="link_%s"),
        "link_days": settings.UPDATE_LINK_DAYS,
        "request": request,
        "csrf_token": context.get("csrf_token"),
    }
