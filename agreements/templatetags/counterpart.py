"""The panel of updates awaiting approval on an action line's page, for editors (agreements/jinja_panels.py)."""

from django import template

from ..access import can_review_updates
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
