"""Recording what followers are owed, in the transaction of the event itself.

Model signals catch every save(): the progress form, signed-link approvals, the staff pages and the admin.
Spreadsheet imports write in bulk, past save(), and call `record_status_changes` / `record_deadline_changes`
themselves. The person who made the change is not told of it. Whether a follower may still see the agreement is
asked when the digest is built (following/digest.py), so notices are recorded for every follower.
"""

from django.db.models.signals import post_init, post_save
from simple_history.models import HistoricalRecords

from ..models import ActionLine, Agreement, DeadlineChange, Follow, FollowNotice, Person, ProgressUpdate

Kind = FollowNotice.Kind


def acting_user_id(instance=None):
    """The signed-in user behind this write: set on the instance for history, or the current request's user."""
    user = getattr(instance, "_history_user", None)
    if user is None:
        request = getattr(HistoricalRecords.context, "request", None)
        user = getattr(request, "user", None)
    return user.pk if user is not None and user.is_authenticated else None


def record(events):
    """Insert one notice per follower per event; `events` are (agreement id, user ids to skip, notice fields).

    One query for the followers of every agreement named; a notice already there is left alone (unique per
    follower and progress update, or deadline change), so recording twice tells once.
    """
    events = list(events)
    if not events:
        return
    followers = {}
    rows = Follow.objects.filter(agreement_id__in={event[0] for event in events}).values_list("agreement_id", "user_id")
    for agreement_id, user_id in rows:
        followers.setdefault(agreement_id, []).append(user_id)
    FollowNotice.objects.bulk_create(
        [
            FollowNotice(follower_id=user_id, agreement_id=agreement_id, **fields)
            for agreement_id, skip, fields in events
            for user_id in followers.get(agreement_id, ())
            if user_id not in skip
        ],
        ignore_conflicts=True,
    )


def progress_event(update, actor_id=None):
    line = update.action_line
    skip = {update.author_id, update.reviewed_by_id, actor_id}
    if update.reported_by_id:
        skip |= set(Person.objects.filter(pk=update.reported_by_id).values_list("user_id", flat=True))
    fields = {"kind": Kind.PROGRESS, "action_line_id": line.pk, "progress_update_id": update.pk}
    return line.agreement_id, skip, fields


def deadline_event(change, agreement_id, actor_id=None):
    fields = {"kind": Kind.DEADLINE, "action_line_id": change.action_line_id, "deadline_change_id": change.pk}
    return agreement_id, {change.changed_by_id, actor_id}, fields


def status_event(instance, actor_id=None):
    """A status change of an agreement or of one of its lines, from the status it was loaded with."""
    fields = {"kind": Kind.STATUS, "old_status": instance._status_at_load, "new_status": instance.status}
    if isinstance(instance, ActionLine):
        return instance.agreement_id, {actor_id}, {**fields, "action_line_id": instance.pk}
    return instance.pk, {actor_id}, fields


def status_changed(instance):
    loaded = getattr(instance, "_status_at_load", None)
    return loaded is not None and loaded != instance.status


def record_status_changes(instances, user=None):
    """For bulk writes (imports): the agreements or lines among `instances` whose status changed since loaded."""
    actor_id = user.pk if user is not None else None
    changed = [instance for instance in instances if status_changed(instance)]
    record(status_event(instance, actor_id) for instance in changed)
    for instance in changed:
        instance._status_at_load = instance.status


def record_deadline_changes(changes, user=None):
    """For bulk writes (imports): DeadlineChange rows just created."""
    changes = list(changes)
    if not changes:
        return
    agreements = dict(
        ActionLine.objects.filter(pk__in={change.action_line_id for change in changes}).values_list("pk", "agreement")
    )
    actor_id = user.pk if user is not None else None
    record(deadline_event(change, agreements[change.action_line_id], actor_id) for change in changes)


# Signals.


def remember_loaded_state(sender, instance, **kwargs):
    # __dict__, not the attribute: reading a deferred field here would cost a query per row loaded.
    instance._status_at_load = instance.__dict__.get("status") if instance.pk else None
    instance._review_at_load = instance.__dict__.get("review") if instance.pk else None


def on_progress_update_saved(sender, instance, created, raw=False, **kwargs):
    approved = instance.review == ProgressUpdate.Review.APPROVED
    was_approved = not created and instance._review_at_load == ProgressUpdate.Review.APPROVED
    instance._review_at_load = instance.review
    if approved and not was_approved and not raw:
        record([progress_event(instance, acting_user_id(instance))])


def on_deadline_change_saved(sender, instance, created, raw=False, **kwargs):
    if created and not raw:
        agreement_id = ActionLine.objects.values_list("agreement_id", flat=True).get(pk=instance.action_line_id)
        record([deadline_event(instance, agreement_id, acting_user_id(instance))])


def on_status_holder_saved(sender, instance, created, raw=False, update_fields=None, **kwargs):
    if created or raw:
        instance._status_at_load = instance.status
        return
    if update_fields is not None and "status" not in update_fields:
        return
    if status_changed(instance):
        record([status_event(instance, acting_user_id(instance))])
    instance._status_at_load = instance.status


def connect():
    for model in (ActionLine, Agreement, ProgressUpdate):
        post_init.connect(remember_loaded_state, sender=model, dispatch_uid=f"following_loaded_{model.__name__}")
    post_save.connect(on_progress_update_saved, sender=ProgressUpdate, dispatch_uid="following_progress")
    post_save.connect(on_deadline_change_saved, sender=DeadlineChange, dispatch_uid="following_deadline")
    for model in (ActionLine, Agreement):
        post_save.connect(on_status_holder_saved, sender=model, dispatch_uid=f"following_status_{model.__name__}")
