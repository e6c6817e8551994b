"""The email that hands a person their update link: the reminders' mail path, in the person's language.

Delivery follows the reminders' outbox: the UpdateLink row says the email is owed (email_status pending), the
broker is only the doorbell, and the reminders' dispatcher (agreements.tasks.dispatch_reminders) rings again for
every email still owed, so a link sent while the broker was down still reaches its person.
"""

import datetime
import logging
from email.utils import formataddr

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db.models import Q
from django.template.loader import render_to_string
from django.utils import timezone, translation

from ..access import email_shows_line
from ..models import UpdateLink
from ..models.reference import email_problem
from ..reminders.delivery import TRANSIENT_ERRORS, describe, is_permanent, send_then_quit
from .links import link_url, still_works

logger = logging.getLogger(__name__)
EmailStatus = UpdateLink.EmailStatus


def build_link_email(link):
    """An EmailMultiAlternatives (text and HTML) for `link.person`, rendered in their language."""
    person = link.person
    line = link.action_line
    context = {
        "link": link,
        "line": line,
        "person": person,
        "url": link_url(link),
        # Email leaves the building: a restricted line is named in full only to someone cleared for it.
        "shown": email_shows_line(person, line),
        "reference": f"{line.agreement.reference_code} · {line.pk}",
    }
    with translation.override(person.language or settings.LANGUAGE_CODE):
        subject = " ".join(render_to_string("emails/update_link_subject.txt", context).split())
        text = render_to_string("emails/update_link.txt", context)
        html = render_to_string("emails/update_link.html", context)
    message = EmailMultiAlternatives(
        subject,
        text,
        to=[formataddr((person.full_name, person.email))],
        # Auto-Submitted (RFC 3834) keeps out-of-office replies from answering a robot.
        headers={"Auto-Submitted": "auto-generated"},
    )
    message.attach_alternative(html, "text/html")
    return message


def stale_claims_before(now):
    return now - datetime.timedelta(seconds=settings.REMINDER_CLAIM_TIMEOUT)


def waiting(now=None):
    """Ids of links whose email is owed and not held by a task that may still come back: the dispatcher rings
    for these, as it does for reminder digests."""
    now = now or timezone.now()
    free = Q(email_claimed_at__isnull=True) | Q(email_claimed_at__lt=stale_claims_before(now))
    return list(
        UpdateLink.objects.filter(free, email_status=EmailStatus.PENDING).order_by("pk").values_list("pk", flat=True)
    )


def claim(link_id, now):
    """Take the link's email for this attempt with a conditional UPDATE; True when this call took it."""
    free = Q(email_claimed_at__isnull=True) | Q(email_claimed_at__lt=stale_claims_before(now))
    changed = UpdateLink.objects.filter(free, pk=link_id, email_status=EmailStatus.PENDING).update(email_claimed_at=now)
    return changed == 1


def settle(link_id, claimed_at, **fields):
    """Record the outcome of the attempt that holds the claim made at `claimed_at`."""
    UpdateLink.objects.filter(pk=link_id, email_claimed_at=claimed_at).update(**fields)


def send_link_email(link_id, last_attempt=False):
    """Send the link's email once if it is owed and the link still works; True when sent.

    The row is the outbox: a transient SMTP error gives the claim back and is raised for a retry, and if every
    retry fails (or the broker never delivered the task) the dispatcher rings again. A refused address, the
    last attempt's failure or a link that stopped working settles the row for good.
    """
    now = timezone.now()
    if not claim(link_id, now):
        return False
    link = UpdateLink.objects.select_related("person", "action_line__agreement__session__commission").get(pk=link_id)
    if not still_works(link, now):
        logger.info("Update link %s no longer works; its email is not sent", link_id)
        settle(link_id, now, email_status=EmailStatus.DROPPED, email_claimed_at=None)
        return False
    problem = email_problem(link.person.email)
    if problem:
        logger.warning("Update link %s not sent: %s", link_id, problem)
        settle(link_id, now, email_status=EmailStatus.FAILED, email_claimed_at=None, email_error=problem)
        return False
    try:
        send_then_quit(
            build_link_email(link),
            lambda: settle(link_id, now, email_status=EmailStatus.SENT, email_sent_at=timezone.now(), email_error=""),
        )
    except TRANSIENT_ERRORS as error:
        give_up = last_attempt or is_permanent(error)
        status = EmailStatus.FAILED if give_up else EmailStatus.PENDING
        settle(link_id, now, email_status=status, email_claimed_at=None, email_error=describe(error)[:2000])
        if not give_up:
            raise
        logger.warning("Email of update link %s failed: %s", link_id, describe(error))
        return False
    return True
