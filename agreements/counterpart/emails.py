"""The email that hands a person their update link: the reminders' mail path, in the person's language."""

import logging
from email.utils import formataddr

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.utils import timezone, translation

from ..access import email_shows_line
from ..models import UpdateLink
from ..models.reference import email_problem
from .links import link_url, still_works

logger = logging.getLogger(__name__)


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


def send_link_email(link_id):
    """Send the link's email if the link still works; True when sent. SMTP errors are raised for a retry."""
    link = (
        UpdateLink.objects.select_related("person", "action_line__agreement__session__commission")
        .filter(pk=link_id)
        .first()
    )
    if link is None or not still_works(link, timezone.now()):
        logger.info("Update link %s no longer works; its email is not sent", link_id)
        return False
    problem = email_problem(link.person.email)
    if problem:
        logger.warning("Update link %s not sent: %s", link_id, problem)
        return False
    build_link_email(link).send()
    return True
