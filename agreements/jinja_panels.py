"""Panels of the Jinja2 object pages that only some users see.

Most are shared with Django pages and drawn by their Django templates, so each is written once: the upload form
under a page's documents (also on the session and meeting pages), the access list (also on its own form page),
and the updates awaiting approval (their list is also the page of all updates awaiting approval). Each is called
from a Jinja2 template with the page's context and answers "" at once to those who may not use it, as the Django
tags do, which is most readers. The update-link panel is the action line page's alone: its data is given here,
its markup is templates/jinja2/agreements/counterpart/line_panel.html.
"""

import jinja2
from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone
from markupsafe import Markup

from .access import can_review_updates
from .counterpart.forms import SendLinkForm
from .counterpart.links import links_of
from .templatetags import counterpart, documents


def _render(context, template_name, values):
    """The Django template with `values`, for the page's request (its CSRF token, user, language)."""
    return Markup(render_to_string(template_name, values, request=context["request"]))


def _tag_context(context):
    """What the Django inclusion tags read from a page's context."""
    return {"request": context["request"], "csrf_token": context.get("csrf_token")}


@jinja2.pass_context
def document_upload_form(context, owner):
    values = documents.document_upload_form(_tag_context(context), owner)
    return _render(context, "includes/document_upload_form.html", values) if values else ""


@jinja2.pass_context
def awaiting_approval_panel(context, line):
    values = counterpart.awaiting_approval_panel(_tag_context(context), line)
    return _render(context, "agreements/counterpart/awaiting_panel.html", values) if values else ""


@jinja2.pass_context
def update_links_panel(context, line):
    """What templates/jinja2/agreements/counterpart/line_panel.html shows the secretariat: the links sent for the
    line with their state, and the form to send one; None for everyone else."""
    if not can_review_updates(context["request"].user):
        return None
    now = timezone.now()
    links = list(links_of(line))
    for link in links:
        link.current_state = link.state(now)
    form = SendLinkForm(line=line, auto_id="link_%s")
    return {"links": links, "form": form, "link_days": settings.UPDATE_LINK_DAYS}


@jinja2.pass_context
def access_list(context, agreement, grants, grant_form):
    """The agreement's access list and the form to clear a user, for the secretariat."""
    values = {"agreement": agreement, "grants": grants, "grant_form": grant_form}
    return _render(context, "agreements/includes/access_list.html", values)
