"""The digest email: one person's reminders, grouped as overdue / due today / coming up, in their language."""

from dataclasses import dataclass
from email.utils import formataddr

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.utils import translation

from .. import deadlines
from ..access import email_shows_line
from ..counterpart.links import digest_url, is_link_url
from ..following.digest import followed_context

ESCALATION_KINDS = ("escalation_coordinator", "escalation_superior")


@dataclass
class DigestItem:
    line: object
    days_overdue: int
    escalated: bool
    url: str
    # False for a restricted line the recipient is not cleared for: the email names its reference and deadline only.
    shown: bool = True

    @property
    def by_link(self):
        """The URL is a signed update link, which needs no sign-in."""
        return is_link_url(self.url)

    @property
    def reference(self):
        return f"{self.line.agreement.reference_code} · {self.line.pk}"

    @property
    def days_left(self):
        return -self.days_overdue

    @property
    def session(self):
        return self.line.agreement.session

    @property
    def commission(self):
        return self.line.agreement.session.commission


def digest_items(person, reminders, today):
    """One item per action line (a person can owe several reminders about one line), with days from `today`."""
    by_line = {}
    for reminder in reminders:
        by_line.setdefault(reminder.action_line_id, []).append(reminder)
    return [
        DigestItem(
            line=rows[0].action_line,
            days_overdue=-deadlines.days_left(rows[0].action_line.due_date, today),
            escalated=any(row.kind in ESCALATION_KINDS for row in rows),
            # A responsible person without an account gets their signed update link instead of a sign-in.
            url=digest_url(person, rows[0].action_line),
            shown=email_shows_line(person, rows[0].action_line),
        )
        for rows in by_line.values()
    ]


def digest_context(person, reminders, today):
    items = digest_items(person, reminders, today)
    State = deadlines.State

    def in_state(*states):
        return [item for item in items if deadlines.date_state(item.line.due_date, today) in states]

    overdue = sorted(in_state(State.OVERDUE), key=lambda item: -item.days_overdue)
    due_today = in_state(State.TODAY)
    coming_up = sorted(in_state(State.SOON, State.LATER), key=lambda item: item.days_left)
    return {
        "person": person,
        "overdue": overdue,
        "due_today": due_today,
        "coming_up": coming_up,
        "total": len(items),
        "overdue_count": len(overdue),
        "site_url": settings.SITE_URL,
    }


def build_digest(person, reminders, today, message_id, followed=()):
    """An EmailMultiAlternatives (text and HTML) for `person`, rendered in their language; `followed` are the
    FollowNotice rows told after the deadlines, under "Agreements you follow"."""
    context = digest_context(person, reminders, today) | followed_context(followed)
    with translation.override(person.language or settings.LANGUAGE_CODE):
        subject = " ".join(render_to_string("emails/reminder_digest_subject.txt", context).split())
        text = render_to_string("emails/reminder_digest.txt", context)
        html = render_to_string("emails/reminder_digest.html", context)
    message = EmailMultiAlternatives(
        subject,
        text,
        to=[formataddr((person.full_name, person.email))],
        # Auto-Submitted (RFC 3834) keeps out-of-office replies from answering a robot.
        headers={"Message-ID": message_id, "Auto-Submitted": "auto-generated"},
    )
    message.attach_alternative(html, "text/html")
    return message
