"""The outcomes page: a sectoral meeting with its agreements and their action lines, entered or edited at once."""

from django.contrib import messages
from django.db import IntegrityError
from django.forms.utils import ErrorDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from ..access import get_meeting_for_user, get_session_for_user, require_outcomes_editor
from ..filters import institution_names, person_names
from ..forms import SuggestingTextInput
from ..models import SectoralMeeting
from ..outcomes.forms import Outcomes, lines_prefix
from ..outcomes.newcomers import NewInstitutionForm, NewPersonForm


@require_http_methods(["GET", "POST"])
def record_outcomes(request):
    require_outcomes_editor(request)
    session_id = request.GET.get("session", "")
    session = get_session_for_user(request, int(session_id)) if session_id.isdigit() else None

    def blank_meeting():
        return SectoralMeeting(session=session) if session else SectoralMeeting()

    return _outcomes_page(request, blank_meeting)


@require_http_methods(["GET", "POST"])
def edit_outcomes(request, pk):
    require_outcomes_editor(request)
    return _outcomes_page(request, lambda: get_meeting_for_user(request, pk))


def _with_agreement_added(post):
    data = post.copy()
    count = _count(data, "agreements-TOTAL_FORMS")
    data["agreements-TOTAL_FORMS"] = str(count + 1)
    data[f"{lines_prefix(count)}-TOTAL_FORMS"] = "1"
    data[f"{lines_prefix(count)}-INITIAL_FORMS"] = "0"
    return data


def _with_line_added(post, index):
    data = post.copy()
    key = f"{lines_prefix(index)}-TOTAL_FORMS"
    if key in data:
        data[key] = str(_count(data, key) + 1)
    return data


def _count(data, key):
    value = data.get(key, "")
    return int(value) if value.isdigit() else 0


def _unjudged(form):
    """A form that shows what was typed in it without judging it."""
    form._errors = ErrorDict()
    return form


def _outcomes_page(request, load_meeting):
    meeting = load_meeting()
    post = request.POST if request.method == "POST" else None
    person_form = NewPersonForm(post, prefix="new_person")
    institution_form = NewInstitutionForm(post, prefix="new_institution")
    page_errors = []
    if post is None:
        outcomes = Outcomes(meeting=meeting, user=request.user)
    elif "add_agreement" in post:
        outcomes = Outcomes(_with_agreement_added(post), meeting=meeting, user=request.user, validate=False)
    elif "add_line" in post:
        index = post.get("add_line", "")
        data = _with_line_added(post, int(index)) if index.isdigit() else post
        outcomes = Outcomes(data, meeting=meeting, user=request.user, validate=False)
    elif "create_person" in post or "create_institution" in post:
        outcomes = Outcomes(post, meeting=meeting, user=request.user, validate=False)
        created_form = person_form if "create_person" in post else institution_form
        if created_form.is_valid():
            created = created_form.save()
            messages.success(request, _("“%(name)s” was added: type it in the rows that need it.") % {"name": created})
            if created_form is person_form:
                person_form = NewPersonForm(prefix="new_person")
            else:
                institution_form = NewInstitutionForm(prefix="new_institution")
    else:
        outcomes = Outcomes(post, meeting=meeting, user=request.user)
        if outcomes.is_valid():
            try:
                saved = outcomes.save()
            except IntegrityError:
                # Another editor saved the same reference or meeting a moment earlier; nothing of ours was kept.
                page_errors.append(_("Someone else saved at the same moment, so nothing was saved. Save again."))
                outcomes = Outcomes(post, meeting=load_meeting(), user=request.user, validate=False)
            else:
                messages.success(request, _("The outcomes of the meeting have been saved."))
                return redirect(saved)
    for form, action in ((person_form, "create_person"), (institution_form, "create_institution")):
        if form.is_bound and action not in post:
            _unjudged(form)  # typed but not submitted: kept as it is
    context = _context(meeting, outcomes, page_errors, person_form, institution_form)
    return render(request, "agreements/outcomes_form.html", context)


def _names(source):
    return SuggestingTextInput(source).suggestions


def _context(meeting, outcomes, page_errors, person_form, institution_form):
    session = meeting.session if meeting.session_id else None
    if meeting.pk:
        heading = _("Edit outcomes: %(sector)s") % {"sector": meeting.sector.name}
        cancel_url = meeting.get_absolute_url()
    else:
        heading = _("Record outcomes of a meeting")
        cancel_url = session.get_absolute_url() if session else reverse("agreements:home")
    newcomer_errors = [
        (form[name].id_for_label, f"{form.fields[name].label}: {message}")
        for form in (person_form, institution_form)
        for name, errors in form.errors.items()
        if name in form.fields
        for message in errors
    ]
    return {
        "meeting": meeting,
        "session": session,
        "outcomes": outcomes,
        "heading": heading,
        "cancel_url": cancel_url,
        "page_errors": page_errors,
        "error_entries": outcomes.error_entries() + newcomer_errors,
        "person_form": person_form,
        "institution_form": institution_form,
        "newcomers_open": bool(newcomer_errors) or person_form.has_changed() or institution_form.has_changed(),
        "people_names": _names(person_names),
        "institution_names": _names(institution_names),
    }
