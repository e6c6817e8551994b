"""/search/?q=…: the header's search box, across agreements, action lines, meetings, people and progress notes."""

from django import forms
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from ..clock import local_today
from ..search.everywhere import MAX_LENGTH, search_everywhere


class SearchForm(forms.Form):
    # A CharField refuses NUL characters too, which PostgreSQL cannot take in a query.
    q = forms.CharField(label=_("Search"), max_length=MAX_LENGTH, required=False, strip=True)


@require_GET
def search(request):
    form = SearchForm(request.GET)
    valid = form.is_valid()
    text = form.cleaned_data["q"] if valid else ""
    groups = search_everywhere(request.user, text) if text else []
    context = {
        "form": form,
        "text": text,
        "groups": groups,
        "found": [group for group in groups if group.count],
        # Action lines found show their deadline's cue (overdue, due soon) as the lists do.
        "today": local_today(),
    }
    return render(request, "agreements/search.html", context, status=200 if valid else 400)
