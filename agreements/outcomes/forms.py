"""The outcomes page's forms: a meeting, its agreements (a formset) and each agreement's action lines (a formset
inside each agreement form), validated together and saved all or nothing.

Prefixes: `meeting-…`, `agreements-<i>-…` and `agreements-<i>-lines-<j>-…`; the page's script clones the empty
forms (`__prefix__` for an agreement, `__agreement__` and `__line__` for a line) and raises TOTAL_FORMS.
"""

from collections import defaultdict

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import transaction
from django.forms.utils import ErrorDict, ErrorList
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from ..forms import DateInput, plain_number
from ..models import ActionLine, Agreement, Sector, SectoralMeeting, Session
from . import lookups
from .references import suggest_references

MAX_ROWS = 200


class ReportUnknownFieldsMixin:
    """A model rule about a field the page does not show is reported at the top of its row, not lost."""

    def add_error(self, field, error):
        if field is None and hasattr(error, "error_dict"):
            known = {}
            for name, errors in error.error_dict.items():
                target = name if name in self.fields else NON_FIELD_ERRORS
                known.setdefault(target, []).extend(errors)
            error = ValidationError(known)
        super().add_error(field, error)


def text_input(**attrs):
    return forms.TextInput(attrs={"class": "input", **attrs})


class MeetingForm(ReportUnknownFieldsMixin, forms.ModelForm):
    class Meta:
        model = SectoralMeeting
        fields = ["session", "sector", "date", "venue", "chairs", "summary"]
        widgets = {
            "session": forms.Select(attrs={"class": "select", "data-outcomes-session": ""}),
            "sector": forms.Select(attrs={"class": "select", "data-outcomes-sector": ""}),
            "date": DateInput(),
            "venue": text_input(),
            "chairs": forms.Textarea(attrs={"rows": 2, "class": "textarea"}),
            "summary": forms.Textarea(attrs={"rows": 3, "class": "textarea"}),
        }
        error_messages = {
            "session": {"required": _("Choose the session the meeting was held at.")},
            "sector": {"required": _("Choose the meeting's sector.")},
            "date": {"required": _("Enter the date of the meeting."), "invalid": _("Enter the date as a real date.")},
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["sector"].queryset = Sector.objects.order_by("name")
        if self.instance.session_id:
            # The session is fixed once known: moving a meeting would move its agreements with it.
            del self.fields["session"]
            session = self.instance.session
            self.fields["date"].help_text = session_dates_hint(session)
        else:
            self.fields["session"].queryset = Session.objects.select_related("commission").order_by(
                "commission__name", "-number"
            )


def session_dates_hint(session):
    start = date_format(session.start_date, "DATE_FORMAT")
    if session.end_date and session.end_date != session.start_date:
        end = date_format(session.end_date, "DATE_FORMAT")
        return _("The session ran from %(start)s to %(end)s.") % {"start": start, "end": end}
    return _("The session began on %(start)s.") % {"start": start}


class AgreementForm(ReportUnknownFieldsMixin, forms.ModelForm):
    class Meta:
        model = Agreement
        fields = ["reference_code", "title", "kind", "status", "confidentiality", "signed_date"]
        labels = {"reference_code": _("Reference"), "signed_date": _("Signed on")}
        widgets = {
            "reference_code": text_input(**{"data-outcomes-reference": ""}),
            "title": text_input(),
            "kind": forms.Select(attrs={"class": "select"}),
            "status": forms.Select(attrs={"class": "select"}),
            "confidentiality": forms.Select(attrs={"class": "select"}),
            "signed_date": DateInput(),
        }
        error_messages = {
            "title": {"required": _("Enter the agreement's title.")},
            "reference_code": {"unique": _("Another agreement already has this reference.")},
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["reference_code"]
        field.required = False
        field.help_text = _("Leave empty for the next free one.")

    def clean_reference_code(self):
        # None rather than "": blank references are given out after validation, and the formset's check for
        # duplicate references skips None.
        return self.cleaned_data["reference_code"].strip() or None


class NameField(forms.CharField):
    """A person or institution typed by name; the form turns the name into the row (see LineForm.clean)."""

    def __init__(self, kind, side, **kwargs):
        attrs = {"class": "input", "autocomplete": "off", "list": f"outcomes-{kind}", "data-suggest": kind}
        attrs["data-side"] = side
        super().__init__(required=False, max_length=300, widget=forms.TextInput(attrs=attrs), **kwargs)


PERSON_FIELDS = {"responsible_person": "ours", "counterpart_person": "theirs"}
INSTITUTION_FIELDS = {"responsible_institution": "ours", "counterpart_institution": "theirs"}
INSTITUTION_OF = {"responsible_person": "responsible_institution", "counterpart_person": "counterpart_institution"}


class LineForm(ReportUnknownFieldsMixin, forms.ModelForm):
    responsible_person = NameField("people", "ours", label=_("Responsible, our side"))
    responsible_institution = NameField("institutions", "ours", label=_("Institution, our side"))
    counterpart_person = NameField("people", "theirs", label=_("Responsible, counterpart"))
    counterpart_institution = NameField("institutions", "theirs", label=_("Institution, counterpart"))

    class Meta:
        model = ActionLine
        fields = [
            "title",
            "responsible_person",
            "responsible_institution",
            "counterpart_person",
            "counterpart_institution",
            "due_date",
            "target_quantity",
            "target_unit",
        ]
        labels = {"title": _("Action line"), "due_date": _("Deadline"), "target_quantity": _("Target")}
        widgets = {
            "title": text_input(),
            "due_date": DateInput(),
            "target_quantity": forms.NumberInput(attrs={"class": "input", "min": 0, "step": "any"}),
            "target_unit": text_input(),
        }
        help_texts = {"target_quantity": "", "target_unit": ""}
        error_messages = {
            "title": {"required": _("Enter what is to be done.")},
            "due_date": {"required": _("Enter the deadline."), "invalid": _("Enter the deadline as a real date.")},
            "target_quantity": {"invalid": _("Enter the target as a number, like 80 or 12.5.")},
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        line = self.instance
        for name in (*PERSON_FIELDS, *INSTITUTION_FIELDS):
            self.initial[name] = getattr(line, name) if getattr(line, f"{name}_id") else None
        if line.pk:
            self.initial["target_quantity"] = plain_number(line.target_quantity)
            # Only a deadline that moves needs a reason; a new line has none to give.
            self.fields["deadline_reason"] = forms.CharField(
                label=_("Reason, if the deadline moves"),
                required=False,
                max_length=1000,
                widget=forms.TextInput(attrs={"class": "input"}),
            )
        self.fields["title"].widget.attrs["data-outcomes-line-title"] = ""

    @staticmethod
    def _display(name, value):
        if value is None or isinstance(value, str):
            return value or ""
        if name in PERSON_FIELDS:
            return lookups.display_person(value)
        return lookups.display_institution(value)

    def get_initial_for_field(self, field, field_name):
        value = super().get_initial_for_field(field, field_name)
        return self._display(field_name, value) if isinstance(field, NameField) else value

    def clean(self):
        cleaned = super().clean()
        for name in (*PERSON_FIELDS, *INSTITUTION_FIELDS):
            if name not in cleaned:
                continue
            text = cleaned[name].strip()
            current = getattr(self.instance, name) if getattr(self.instance, f"{name}_id") else None
            if not text:
                cleaned[name] = None
            elif current is not None and text == self._display(name, current):
                cleaned[name] = current
            else:
                finder = lookups.find_person if name in PERSON_FIELDS else lookups.find_institution
                try:
                    cleaned[name] = finder(text)
                except ValidationError as error:
                    self.add_error(name, error)
        for person_field, institution_field in INSTITUTION_OF.items():
            person = cleaned.get(person_field)
            if person is not None and institution_field in cleaned and cleaned[institution_field] is None:
                # A blank institution takes the person's.
                cleaned[institution_field] = person.institution
        moved = self.instance.pk and "due_date" in self.changed_data and cleaned.get("due_date")
        if moved and not cleaned.get("deadline_reason", "").strip():
            self.add_error("deadline_reason", _("Give a reason for the new deadline."))
        return cleaned


class LineFormSet(forms.BaseInlineFormSet):
    """One agreement's action lines; `lines` are the agreement's lines already loaded for the whole page."""

    def __init__(self, *args, lines=None, **kwargs):
        super().__init__(*args, **kwargs)
        if lines is not None:
            self._queryset = lines

    @property
    def empty_form(self):
        # "__line__" rather than "__prefix__": the agreement's own template already uses "__prefix__".
        form = self.form(
            auto_id=self.auto_id,
            prefix=self.add_prefix("__line__"),
            empty_permitted=True,
            use_required_attribute=False,
            renderer=self.form_renderer,
            **self.get_form_kwargs(None),
        )
        self.add_fields(form, None)
        return form


AgreementFormSet = forms.inlineformset_factory(
    SectoralMeeting,
    Agreement,
    form=AgreementForm,
    extra=0,
    can_delete=True,
    can_delete_extra=False,
    max_num=MAX_ROWS,
)
ActionLineFormSet = forms.inlineformset_factory(
    Agreement,
    ActionLine,
    form=LineForm,
    formset=LineFormSet,
    extra=0,
    can_delete=True,
    can_delete_extra=False,
    max_num=MAX_ROWS,
)


def lines_prefix(index):
    return f"agreements-{index}-lines"


class Outcomes:
    """The meeting form, its agreement formset and each agreement's line formset, as one form.

    `validate=False` renders what was posted without judging it: the "Add another" buttons and the inline
    creation of a person or institution keep everything typed without showing errors for unfinished rows.
    """

    def __init__(self, data=None, *, meeting, user, validate=True):
        self.user = user
        self.meeting_form = MeetingForm(data, instance=meeting, prefix="meeting")
        queryset = Agreement.objects.none()
        lines_of = defaultdict(list)
        if meeting.pk:
            queryset = Agreement.objects.visible_to(user).filter(meeting=meeting).order_by("reference_code", "pk")
            lines = (
                ActionLine.objects.visible_to(user)
                .filter(agreement__meeting=meeting)
                .select_related(
                    "responsible_person", "responsible_institution", "counterpart_person", "counterpart_institution"
                )
                .order_by("due_date", "pk")
            )
            for line in lines:
                lines_of[line.agreement_id].append(line)
        self.agreements = AgreementFormSet(data, instance=meeting, prefix="agreements", queryset=queryset)
        self.agreements.extra = 0 if meeting.pk and queryset.exists() else 1
        for index, form in enumerate(self.agreements.forms):
            agreement = form.instance
            form.lines = ActionLineFormSet(
                data,
                instance=agreement,
                prefix=lines_prefix(index),
                lines=lines_of[agreement.pk] if agreement.pk else None,
            )
            form.lines.extra = 0 if agreement.pk else 1
        self.empty_agreement = self.agreements.empty_form
        self.empty_agreement.lines = ActionLineFormSet(instance=Agreement(), prefix=lines_prefix("__prefix__"))
        self.empty_agreement.lines.extra = 1
        self.line_template = ActionLineFormSet(instance=Agreement(), prefix=lines_prefix("__agreement__")).empty_form
        if data is not None and not validate:
            self._silence()

    def _all_forms(self):
        yield self.meeting_form
        for form in self.agreements.forms:
            yield form
            yield from form.lines.forms

    def _all_formsets(self):
        yield self.agreements
        for form in self.agreements.forms:
            yield form.lines

    def _silence(self):
        """Mark every form as judged and faultless, so rendering shows what was typed and no errors."""
        for form in self._all_forms():
            form._errors = ErrorDict()
        for formset in self._all_formsets():
            formset._errors = []
            formset._non_form_errors = ErrorList()

    # Validation

    def _deleted(self, formset, form):
        return formset.can_delete and formset._should_delete_form(form)

    def _kept_agreements(self):
        for form in self.agreements.forms:
            if self._deleted(self.agreements, form):
                continue
            if form.instance.pk is None and not form.has_changed():
                continue
            yield form

    def is_valid(self):
        for form in self.agreements.forms:
            # Lines typed under an agreement left blank: the agreement is wanted, so its blanks are errors.
            if any(line.has_changed() for line in form.lines.forms):
                form.empty_permitted = False
        valid = self.meeting_form.is_valid()
        valid = self.agreements.is_valid() and valid
        for form in self.agreements.forms:
            if not self._deleted(self.agreements, form):
                valid = form.lines.is_valid() and valid
        if valid:
            self._give_out_references()
        return valid

    def _give_out_references(self):
        kept = list(self._kept_agreements())
        blank = [form for form in kept if not form.cleaned_data.get("reference_code")]
        if not blank:
            return
        meeting = self.meeting_form.instance
        typed = {form.cleaned_data["reference_code"] for form in kept if form.cleaned_data.get("reference_code")}
        session = placement_session(meeting.session_id)
        codes = suggest_references(session, meeting.sector, len(blank), typed)
        for form, code in zip(blank, codes, strict=True):
            form.instance.reference_code = code

    @property
    def has_errors(self):
        return bool(self.error_entries())

    def error_entries(self):
        """(field id, text) for the error summary, in page order; the id is None for a problem of the page."""
        if hasattr(self, "_entries"):
            return self._entries
        entries = _form_entries(self.meeting_form, "")
        for message in self.agreements.non_form_errors():
            entries.append(("agreements", message))
        for index, form in enumerate(self.agreements.forms, start=1):
            label = _("Agreement %(number)s") % {"number": index}
            entries.extend(_form_entries(form, label))
            for message in form.lines.non_form_errors():
                entries.append((form["title"].id_for_label, f"{label}: {message}"))
            for line_index, line in enumerate(form.lines.forms, start=1):
                line_label = _("Agreement %(number)s, action line %(line)s") % {"number": index, "line": line_index}
                entries.extend(_form_entries(line, line_label))
        self._entries = entries
        return entries

    # Saving

    @transaction.atomic
    def save(self):
        meeting = self.meeting_form.save()
        for form in self.agreements.forms:
            if self._deleted(self.agreements, form):
                if form.instance.pk:
                    form.instance.delete()
                continue
            if form.instance.pk is None and not form.has_changed():
                continue
            agreement = form.save(commit=False)
            agreement.meeting = meeting
            if agreement._state.adding or form.has_changed():
                agreement.save()
            self._save_lines(form.lines, agreement)
        return meeting

    def _save_lines(self, formset, agreement):
        for form in formset.forms:
            if self._deleted(formset, form):
                if form.instance.pk:
                    form.instance.delete()
                continue
            if not form.has_changed():
                continue
            line = form.save(commit=False)
            line.agreement = agreement
            if line.pk and "due_date" in form.changed_data:
                new_date, line.due_date = line.due_date, form.initial["due_date"]
                line.save()
                line.change_deadline(new_date, form.cleaned_data["deadline_reason"], user=self.user)
            else:
                line.save()


def _form_entries(form, label):
    entries = []
    first_field = next(iter(form.fields), None)
    for name, messages in form.errors.items():
        field_id = form[name].id_for_label if name in form.fields else form[first_field].id_for_label
        field_label = form.fields[name].label if name in form.fields else ""
        for message in messages:
            parts = [part for part in (str(label), str(field_label)) if part]
            prefix = ", ".join(parts)
            entries.append((field_id, f"{prefix}: {message}" if prefix else message))
    return entries


def placement_session(session_id):
    """The session with what a reference is made of: the commission's parties and our country."""
    return (
        Session.objects.select_related("commission__lead_institution__country")
        .prefetch_related("commission__parties")
        .get(pk=session_id)
    )
