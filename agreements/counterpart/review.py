"""Updates that arrive through a signed link: held as pending, then approved (applied once) or rejected."""

import datetime

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from ..models import Document, ProgressUpdate, UpdateLink
from ..progress import apply_update
from ..uploads import original_name

Review = ProgressUpdate.Review


class TooManyUpdates(Exception):
    """The link already sent UPDATE_LINK_POSTS_PER_HOUR updates in the last hour."""


def recent_posts(link, now):
    return link.updates.filter(created_at__gt=now - datetime.timedelta(hours=1)).count()


@transaction.atomic
def submit(link, *, note, percent_complete=None, achieved_quantity=None, attachment=None, content_type="", now=None):
    """Record an update from `link`'s person, awaiting approval; the line is not touched.

    `attachment` is an uploaded file already checked against the document rules (its `content_type`).
    Raises TooManyUpdates past the hourly limit.
    """
    now = now or timezone.now()
    # Lock the link, so two posts at once cannot both slip under the limit.
    link = UpdateLink.objects.select_related("action_line", "person").select_for_update(of=("self",)).get(pk=link.pk)
    if recent_posts(link, now) >= settings.UPDATE_LINK_POSTS_PER_HOUR:
        raise TooManyUpdates
    update = ProgressUpdate.objects.create(
        action_line=link.action_line,
        note=note.strip(),
        percent_complete=percent_complete,
        achieved_quantity=achieved_quantity,
        review=Review.PENDING,
        reported_by=link.person,
        via_link=link,
        created_at=now,
    )
    if attachment is not None:
        name = original_name(attachment)
        Document.objects.create(
            title=name or link.action_line.title[:200],
            kind=Document.Kind.EVIDENCE,
            file=attachment,
            original_name=name,
            content_type=content_type,
            size=attachment.size,
            action_line=link.action_line,
            progress_update=update,
        )
    UpdateLink.objects.filter(pk=link.pk).update(last_used_at=now)
    return update


def awaiting_review():
    """The editors' queue, oldest first (the progress_update_to_review index)."""
    return (
        ProgressUpdate.objects.filter(review=Review.PENDING)
        .select_related("action_line__agreement", "reported_by")
        .prefetch_related("documents")
        .order_by("created_at", "id")
    )


@transaction.atomic
def approve(update, reviewer, now=None):
    """Apply a pending update to its line as a focal point's report would be; True if this call applied it.

    The row is locked and must still be pending, so approving twice applies once. Raises ValidationError (and
    changes nothing) when the result would break the line's rules.
    """
    pending = ProgressUpdate.objects.select_for_update().filter(pk=update.pk, review=Review.PENDING).first()
    if pending is None:
        return False
    pending.review = Review.APPROVED
    pending.reviewed_by = reviewer
    pending.reviewed_at = now or timezone.now()
    apply_update(pending)
    return True


def reject(update, reviewer, now=None):
    """Leave the line as it is; True if this call rejected a pending update."""
    changed = ProgressUpdate.objects.filter(pk=update.pk, review=Review.PENDING).update(
        review=Review.REJECTED, reviewed_by=reviewer, reviewed_at=now or timezone.now()
    )
    return changed == 1
