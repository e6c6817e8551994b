"""The "Attach a document" form under a page's documents, shown only to those who may file one there."""

from django import template
from django.urls import reverse

from ..uploads import ALLOWED_TYPES, DEFAULT_KIND, FORM_IDS, OWNER_FIELD, DocumentFileForm, may_attach

register = template.Library()


@register.inclusion_tag("includes/document_upload_form.html", takes_context=True)
def document_upload_form(context, owner):
    if not may_attach(context["request"].user, owner):
        return {}
    field = OWNER_FIELD[type(owner)]
    return {
        "form": DocumentFileForm(auto_id=FORM_IDS, initial={"kind": DEFAULT_KIND[field]}),
        "action": reverse(f"agreements:{field}_attach_document", args=[owner.pk]),
        "csrf_token": context.get("csrf_token"),
    }


@register.filter
def document_type(content_type):
    """'PDF', 'XLSX', … for a stored content type; empty for one outside the allow-list."""
    return ALLOWED_TYPES.get(content_type, "")
