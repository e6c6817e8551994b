"""The FollowNotice outbox: which notices are due, who is waiting for them, and claiming them for a digest.

Notices are told once a day. A notice is due once a daily reminder sweep has started after it was recorded
(`due_before`): the set of due notices changes only when a new day's sweep finishes, so a follower gets at
most one digest a day, and a follower with reminders too gets both in the same email, since the sweep commits
their reminders and makes their notices due at once.

A follower whose account has a person with an email address gets them in that person's reminder digest
(agreements.reminders.delivery claims both kinds of row in one transaction); a follower without one gets a
digest of their own, sent to the account's address (following/delivery.py).

FollowNotice has no claim token: a claim is told by its time (claimed_at) and the task that made it. A notice
held by a task that is retrying keeps the task's Reminder rows' times, so that task (and no other) takes it over
at once, as it does its reminders; a claim older than REMINDER_CLAIM_TIMEOUT is free for any task.
"""

import datetime

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Q

from ..models import FollowNotice, Person, Reminder, SweepRun

Status = FollowNotice.Status

# Conditional UPDATE … RETURNING, as for Reminder rows: two workers never share a notice.
CLAIM_SQL = """
UPDATE {notices} SET status = %(sending)s, claimed_at = %(now)s
WHERE follower_id = %(follower)s AND (
    (status = %(pending)s AND created_at <= %(due_before)s)
    OR (status = %(sending)s AND (claimed_at < %(stale)s OR claimed_at IN (
        SELECT claimed_at FROM {reminders} WHERE recipient_id = %(person)s AND claim_token = %(token)s
        UNION SELECT retry_at FROM {reminders} WHERE recipient_id = %(person)s AND claim_token = %(token)s
    )))
)
RETURNING id
"""


def stale_before(now):
    return now - datetime.timedelta(seconds=settings.REMINDER_CLAIM_TIMEOUT)


def due_before():
    """Notices recorded up to this moment are due: when the latest finished daily sweep was recorded, or None."""
    finished = SweepRun.objects.filter(finished_at__isnull=False).order_by("-run_date")
    return finished.values_list("started_at", flat=True).first()


def waiting(now):
    """Notices a new task may take: due and pending, or held by a task that has not come back."""
    stale = Q(status=Status.SENDING, claimed_at__lt=stale_before(now))
    cutoff = due_before()
    if cutoff is None:
        return FollowNotice.objects.filter(stale)
    return FollowNotice.objects.filter(Q(status=Status.PENDING, created_at__lte=cutoff) | stale)


# Where a follower's notices go: with the reminders of their person, when it has an address; else to the account.
TO_PERSON = Q(follower__person__isnull=False) & ~Q(follower__person__email="")


def people_waiting(now):
    """Person ids whose reminder digest has notices to carry."""
    return set(waiting(now).filter(TO_PERSON).values_list("follower__person", flat=True))


def accounts_waiting(now):
    """User ids owed a digest of notices alone, at their account's address."""
    return set(waiting(now).exclude(TO_PERSON).values_list("follower_id", flat=True))


def claim(follower_id, now, token="", person_id=None):
    """Take the follower's deliverable notices (pending → sending, claimed_at = now); returns their ids.

    `person_id` and `token` name the reminder claim this one goes with, so a retrying task takes back the
    notices it held. Called inside the transaction that claims the reminders, before them.
    """
    cutoff = due_before()
    ops = connection.ops
    sql = CLAIM_SQL.format(
        notices=ops.quote_name(FollowNotice._meta.db_table), reminders=ops.quote_name(Reminder._meta.db_table)
    )
    params = {
        "sending": Status.SENDING,
        "pending": Status.PENDING,
        "now": ops.adapt_datetimefield_value(now),
        "follower": follower_id,
        # With no sweep yet nothing is due: a date no notice is older than.
        "due_before": ops.adapt_datetimefield_value(cutoff or datetime.datetime(1970, 1, 1, tzinfo=datetime.UTC)),
        "stale": ops.adapt_datetimefield_value(stale_before(now)),
        "person": person_id or 0,
        "token": token or "-",
    }
    with transaction.atomic(savepoint=False), connection.cursor() as cursor:
        cursor.execute(sql, params)
        return tuple(sorted(row[0] for row in cursor.fetchall()))


def claim_for_person(person_id, now, token):
    """The notices of the account linked to this person, if the person has an address."""
    follower_id = Person.objects.filter(pk=person_id).exclude(email="").values_list("user_id", flat=True).first()
    return claim(follower_id, now, token, person_id) if follower_id else ()


def held(ids, at):
    """The notices among `ids` still claimed at `at`: a notice claimed again since is no longer ours."""
    return FollowNotice.objects.filter(pk__in=ids, status=Status.SENDING, claimed_at=at)


def mark_sent(ids, at, sent_at):
    return held(ids, at).update(status=Status.SENT, sent_at=sent_at)


def hold_for_retry(ids, at, retry_at):
    """Keep the notices with the retrying task: its Reminder rows carry `retry_at` too, which is how it finds them."""
    held(ids, at).update(claimed_at=retry_at)


def release(ids, at):
    """Give the notices back for the next attempt (digests of notices alone)."""
    held(ids, at).update(status=Status.PENDING, claimed_at=None)


def drop(ids, at=None):
    """Notices that will never be told: the follower lost clearance, left, or cannot be reached."""
    rows = FollowNotice.objects.filter(pk__in=ids) if at is None else held(ids, at)
    return rows.delete()[0]
