"""The rows of the agreement and action-line tables, read as values rather than as model instances.

A page of 25 action lines was about 150 model instances (each line with its agreement, two people and two
institutions): building them took more of the request than the query did. The tables read a few fields of each,
so `agreement_rows` and `action_line_rows` turn a list's queryset into one of plain rows carrying those fields
under the same names the templates use (`line.agreement.reference_code`, `agreement.sector.name`, `line.pk`, …).
The queryset stays a queryset: the paginator counts it, slices it and looks its rows up by id as before.
"""

from django.db.models.query import ValuesListIterable

from .models.action_lines import OPEN_STATUSES
from .models.commissions import to_roman


class Row:
    """One row's fields as attributes; `pk` as on a model."""

    # Set on the lines the reader sees only as their responsible person (access.mark_hidden_agreements).
    agreement_hidden = False

    @property
    def pk(self):
        return self.id


class Named:
    """A person as a table cell shows them: by their name."""

    __slots__ = ("full_name",)

    def __init__(self, full_name):
        self.full_name = full_name

    def __str__(self):
        return self.full_name


class Institution:
    __slots__ = ("name", "acronym")

    def __init__(self, name, acronym):
        self.name = name
        self.acronym = acronym

    def __str__(self):
        return f"{self.name} ({self.acronym})" if self.acronym else self.name


def _row(values):
    row = Row()
    row.__dict__ = values
    return row


def _iterable(build):
    """A queryset iterable that yields build(tuple of the fields asked for) for each row."""

    class Rows(ValuesListIterable):
        def __iter__(self):
            return map(build, super().__iter__())

    return Rows


def _rows_of(queryset, fields, iterable):
    rows = queryset.values_list(*fields)
    rows._iterable_class = iterable
    return rows


# --- Agreements (templates/jinja2/agreements/includes/agreement_table.html) ----------------------------------------

AGREEMENT_FIELDS = (
    "id",
    "reference_code",
    "title",
    "status",
    "signed_date",
    "carried_from_number",
    "carried_to_number",
    "progress",
    "overdue_count",
    "sector__name",
    "commission__name",
    "commission__short_name",
    "session__number",
)


def _agreement(values):
    (pk, code, title, status, signed, carried_from, carried_to, progress, overdue, sector, name, short, number) = values
    return _row(
        {
            "id": pk,
            "reference_code": code,
            "title": title,
            "status": status,
            "signed_date": signed,
            "carried_from_number": carried_from,
            "carried_to_number": carried_to,
            "progress": progress,
            "overdue_count": overdue,
            "sector": _row({"name": sector}),
            # What str(Commission) and Session.roman_number say.
            "commission": short or name,
            "session": _row({"roman_number": to_roman(number) if number else ""}),
        }
    )


_AgreementRows = _iterable(_agreement)


def agreement_rows(queryset):
    """AgreementFilter.rows() after its filters, as the agreement table's rows."""
    return _rows_of(queryset, AGREEMENT_FIELDS, _AgreementRows)


# --- Action lines (templates/jinja2/agreements/includes/action_line_table.html) ------------------------------------

ACTION_LINE_FIELDS = (
    "id",
    "title",
    "status",
    "due_date",
    "percent_complete",
    "target_quantity",
    "achieved_quantity",
    "target_unit",
    "carried_from_number",
    "carried_to_number",
    "agreement_id",
    "agreement__reference_code",
    "agreement__title",
    "agreement__confidentiality",
    "responsible_person_id",
    "responsible_person__full_name",
    "responsible_institution_id",
    "responsible_institution__name",
    "responsible_institution__acronym",
    "counterpart_person_id",
    "counterpart_person__full_name",
    "counterpart_institution_id",
    "counterpart_institution__name",
    "counterpart_institution__acronym",
)


def _action_line(values):
    (
        pk,
        title,
        status,
        due,
        percent,
        target,
        achieved,
        unit,
        carried_from,
        carried_to,
        agreement_id,
        code,
        agreement_title,
        confidentiality,
        person_id,
        person_name,
        institution_id,
        institution_name,
        institution_acronym,
        counterpart_id,
        counterpart_name,
        counterpart_institution_id,
        counterpart_institution_name,
        counterpart_institution_acronym,
    ) = values
    return _row(
        {
            "id": pk,
            "title": title,
            "status": status,
            "is_open": status in OPEN_STATUSES,
            "due_date": due,
            "percent_complete": percent,
            "target_quantity": target,
            "achieved_quantity": achieved,
            "target_unit": unit,
            "carried_from_number": carried_from,
            "carried_to_number": carried_to,
            "agreement_id": agreement_id,
            "agreement": _row({"reference_code": code, "title": agreement_title, "confidentiality": confidentiality}),
            "responsible_person_id": person_id,
            "responsible_person": None if person_id is None else Named(person_name),
            "responsible_institution": (
                None if institution_id is None else Institution(institution_name, institution_acronym)
            ),
            "counterpart_person_id": counterpart_id,
            "counterpart_person": None if counterpart_id is None else Named(counterpart_name),
            "counterpart_institution": (
                None
                if counterpart_institution_id is None
                else Institution(counterpart_institution_name, counterpart_institution_acronym)
            ),
        }
    )


_ActionLineRows = _iterable(_action_line)


def action_line_rows(queryset):
    """ActionLineFilter.rows() (or MyActionLineFilter's) after its filters, as the action-line table's rows."""
    return _rows_of(queryset, ACTION_LINE_FIELDS, _ActionLineRows)
