"""Following and unfollowing an agreement, and what the "Following" page lists: only what the user is cleared for."""

from django.db.models import Min, OuterRef, Q, Subquery

from ..compiled_rows import once
from ..models import OPEN_STATUSES, Agreement, Follow, ProgressUpdate


def follow(user, agreement):
    """True if the user was not following it yet."""
    return Follow.objects.get_or_create(user=user, agreement=agreement)[1]


def unfollow(user, agreement):
    return Follow.objects.filter(user=user, agreement=agreement).delete()[0] > 0


def is_following(user, agreement):
    return user.is_authenticated and bool(once("follow", (), _follow, user.pk, agreement.pk))


def _follow(user_id, agreement_id):
    """The user's follow of the agreement, at most one, by a statement compiled once (compiled_rows.py)."""
    return Follow.objects.filter(user_id=user_id, agreement_id=agreement_id).values_list("pk", flat=True)[:1]


def followed_by(user):
    """The agreements `user` follows and may still see, with progress, next deadline and latest approved update."""
    latest = ProgressUpdate.objects.filter(
        action_line__agreement=OuterRef("pk"), review=ProgressUpdate.Review.APPROVED
    ).order_by("-created_at", "-id")
    return (
        Agreement.objects.visible_to(user)
        .filter(pk__in=Follow.objects.filter(user=user).values("agreement_id"))
        .with_progress()
        .annotate(
            next_deadline=Min("action_lines__due_date", filter=Q(action_lines__status__in=OPEN_STATUSES)),
            latest_update_at=Subquery(latest.values("created_at")[:1]),
            latest_update_note=Subquery(latest.values("note")[:1]),
            latest_update_line=Subquery(latest.values("action_line_id")[:1]),
        )
        .select_related("session__commission")
        .order_by("reference_code")
    )
