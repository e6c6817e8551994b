"""Panels that Jinja2 pages share with Django pages, drawn by their Django templates so each is written once.

The upload form under a page's documents (also on the session and meeting pages), the access list (also on its
own form page), and the action line page's panels for editors (the updates awaiting approval share their list
with the page of all updates awaiting approval). Each is called from a Jinja2 template with the page's context;
each answers "" at once to those who may not use it, as the Django tags do, which is most readers.
"""

import jinja2
from django.template.loader import render_to_string
from markupsafe import Markup

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
    values = counterpart.update_links_panel(_tag_context(context), line)
    return _render(context, "agreements/counterpart/line_panel.html", values) if values else ""


@jinja2.pass_context
def access_list(context, agreement, grants, grant_form):
    """The agreement's access list and the form to clear a user, for the secretariat."""
    values = {"agreement": agreement, "grants": grants, "grant_form": grant_form}
    return _render(context, "agreements/includes/access_list.html", values)
