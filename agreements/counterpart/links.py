"""Signed update links: create, sign, open, revoke, and the link a reminder digest carries.

The row keeps a random token; the URL carries it signed (TimestampSigner), so a tampered URL is refused
before the database is asked. Whether a link still works is the row's to say: revoked, expired, or its
person no longer responsible for the line.
"""

import datetime
import secrets

from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from ..models import UpdateLink

SALT = "agreements.counterpart.update-link"


class LinkGone(Exception):
    """A real link that no longer works (revoked, expired, or its person no longer responsible): 410."""

    def __init__(self, link):
        super().__init__(link.state())
        self.link = link


def signer():
    return signing.TimestampSigner(salt=SALT)


def link_url(link):
    """The absolute URL of `link`, for an email."""
    return settings.SITE_URL + reverse("agreements:update_link_page", args=[signer().sign(link.token)])


def is_link_url(url):
    """Whether `url` (absolute) is an update link's page."""
    prefix = reverse("agreements:update_link_page", args=["-"]).removesuffix("-/")
    return url.startswith(settings.SITE_URL + prefix)


def is_responsible(person, line):
    return person.pk in (line.responsible_person_id, line.counterpart_person_id)


def still_works(link, now=None):
    person = link.person
    return link.state(now) == "active" and person.is_active and is_responsible(person, link.action_line)


def create_link(line, person, sent_by, now=None, emailed=False):
    """A new link to `line` for `person`, one of its responsible people with an email address; `emailed` records
    its own email as owed (the outbox row agreements/counterpart/emails.py delivers)."""
    now = now or timezone.now()
    if person is None or not is_responsible(person, line):
        raise ValidationError(_("Choose one of the line's responsible people."), code="not_responsible")
    if not person.email:
        raise ValidationError(
            _("%(name)s has no email address. Add one to the person in the administration, then send the link."),
            code="no_email",
            params={"name": person.full_name},
        )
    if not person.is_active:
        raise ValidationError(_("%(name)s is inactive."), code="inactive", params={"name": person.full_name})
    return UpdateLink.objects.create(
        action_line=line,
        person=person,
        token=secrets.token_urlsafe(32),
        created_by=sent_by,
        created_at=now,
        expires_at=now + datetime.timedelta(days=settings.UPDATE_LINK_DAYS),
        email_status=UpdateLink.EmailStatus.PENDING if emailed else UpdateLink.EmailStatus.NONE,
    )


def open_link(signed, now=None):
    """The working link behind `signed`. Http404 for a tampered or unknown token; LinkGone when it stopped working."""
    now = now or timezone.now()
    try:
        token = signer().unsign(signed)
    except signing.BadSignature:
        raise Http404("Unknown link.") from None
    link = (
        UpdateLink.objects.select_related(
            "person", "action_line__agreement__session__commission", "action_line__sector"
        )
        .filter(token=token)
        .first()
    )
    if link is None:
        raise Http404("Unknown link.")
    try:
        # The signature's age too: a URL can never outlive the life its link was given.
        signer().unsign(signed, max_age=link.expires_at - link.created_at)
    except signing.SignatureExpired:
        raise LinkGone(link) from None
    if not still_works(link, now):
        raise LinkGone(link)
    return link


def revoke(link, revoked_by, now=None):
    """Stop `link` working; True if this call revoked it (a conditional UPDATE, so twice revokes once)."""
    changed = UpdateLink.objects.filter(pk=link.pk, revoked_at__isnull=True).update(
        revoked_at=now or timezone.now(), revoked_by=revoked_by
    )
    return changed == 1


def links_of(line):
    """The links listed on a line's page, newest first."""
    return line.update_links.select_related("person", "created_by", "revoked_by").order_by("-created_at", "-id")


def has_active_account(person):
    return bool(person.user_id) and person.user.is_active


def digest_url(person, line, now=None):
    """Where a digest item leads: the line's page for someone who can sign in; for a responsible person without
    an active account, their signed link (an unexpired one reused, else a new one). Escalation recipients who
    are not responsible for the line get the sign-in page's link: the signed page is for the line's people."""
    if has_active_account(person) or not is_responsible(person, line) or not person.is_active:
        return settings.SITE_URL + line.get_absolute_url()
    return link_url(reusable_link(person, line, now))


@transaction.atomic
def reusable_link(person, line, now=None):
    now = now or timezone.now()
    # A link with at least a day left, so the email never carries one about to stop working.
    link = (
        UpdateLink.objects.filter(
            person=person,
            action_line=line,
            revoked_at__isnull=True,
            expires_at__gt=now + datetime.timedelta(days=1),
        )
        .order_by("-expires_at")
        .first()
    )
    return link or create_link(line, person, sent_by=None, now=now)
