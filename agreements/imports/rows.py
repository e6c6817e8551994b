"""Reading an import's rows: every cell parsed by its column, the lines grouped into agreements, repeats found.

This looks at the file alone, never at the database (agreements/imports/check.py does that). Agreement columns
are repeated on each of an agreement's lines; a later line may leave them empty, but may not contradict the
first. Every problem is recorded as a row error: row number, column letter and header, message.
"""

from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from . import parse
from .columns import CHOICES, choice_spellings, normalise
from .parse import CellError

AGREEMENT_COLUMNS = (
    "commission", "session", "sector", "meeting_date", "reference_code", "agreement_title", "kind",
    "agreement_status", "confidentiality", "signed_date",
)  # fmt: skip


class Errors:
    """The row errors of one file, starting with the problems found while reading it."""

    def __init__(self, sheet):
        self.sheet = sheet
        self.found = list(sheet.problems)

    def add(self, row, key, message):
        letter, header = self.sheet.column(key)
        self.found.append({"row": row, "letter": letter, "column": header, "message": str(message)})

    def in_file_order(self):
        """By row, then left to right ("B" before "AA")."""
        return sorted(self.found, key=lambda error: (error["row"] or 0, len(error["letter"]), error["letter"]))


@dataclass
class Group:
    """One agreement of the file: its first row, its values (filled from later rows where the first is empty)."""

    row: int
    values: dict
    from_row: dict = field(default_factory=dict)


def parsers():
    """{column key: function from a raw cell to its value, raising CellError}."""

    def choice(key):
        spellings = choice_spellings(CHOICES[key])
        allowed = ", ".join(str(label) for label in CHOICES[key].labels)
        return lambda value: parse.choice(value, spellings, allowed)

    def text(limit):
        return lambda value: parse.text(value, limit)

    return {
        "commission": text(200),
        "session": parse.session_number,
        "sector": text(100),
        "meeting_date": parse.date,
        "agreement_external_reference": text(100),
        "reference_code": text(40),
        "agreement_title": text(300),
        "kind": choice("kind"),
        "agreement_status": choice("agreement_status"),
        "confidentiality": choice("confidentiality"),
        "signed_date": parse.date,
        "line_external_reference": text(100),
        "line_title": text(300),
        "responsible_person": text(200),
        "responsible_institution": text(230),
        "counterpart_person": text(200),
        "counterpart_institution": text(230),
        "deadline": parse.date,
        "target_quantity": parse.quantity,
        "target_unit": text(60),
        "line_status": choice("line_status"),
        "percent_complete": parse.percent,
        "completed_date": parse.date,
    }


def read_rows(sheet, errors):
    """([(row number, {key: value})…], {agreement external reference: Group}); problems go to `errors`."""
    cell_parsers = parsers()
    rows, groups, line_rows = [], {}, {}
    for number, cells in sheet.rows:
        values, bad = {}, set()
        for key, parser in cell_parsers.items():
            try:
                values[key] = parser(cells.get(key))
            except CellError as problem:
                errors.add(number, key, problem)
                values[key], bad = None, bad | {key}
        reference = values["agreement_external_reference"]
        line_reference = values["line_external_reference"]
        if reference is None and "agreement_external_reference" not in bad:
            errors.add(number, "agreement_external_reference", _("Write the agreement's external reference."))
        if line_reference is None and "line_external_reference" not in bad:
            errors.add(number, "line_external_reference", _("Write the action line's external reference."))
        elif line_reference in line_rows:
            message = _("The line external reference “%(reference)s” is also on row %(row)s: one row per line.")
            errors.add(number, "line_external_reference", message % {"reference": line_reference,
                                                                     "row": line_rows[line_reference]})  # fmt: skip
        else:
            line_rows[line_reference] = number
        if reference is not None:
            add_to_group(groups, reference, number, values, errors)
        rows.append((number, values))
    shared_codes(groups, errors)
    return rows, groups


def add_to_group(groups, reference, number, values, errors):
    group = groups.get(reference)
    if group is None:
        group = groups[reference] = Group(number, {key: values[key] for key in AGREEMENT_COLUMNS})
        group.from_row = dict.fromkeys(AGREEMENT_COLUMNS, number)
        return
    for key in AGREEMENT_COLUMNS:
        value, first = values[key], group.values[key]
        if value is None or value == first:
            continue
        if first is None:
            group.values[key], group.from_row[key] = value, number
        elif normalise(value) != normalise(first):
            message = _("Row %(row)s gives this agreement “%(first)s” here; give the same value or leave it empty.")
            errors.add(number, key, message % {"row": group.from_row[key], "first": first})


def shared_codes(groups, errors):
    """Two agreements of the file may not share a reference code."""
    codes = {}
    for reference, group in groups.items():
        code = group.values["reference_code"]
        if code and codes.setdefault(code, reference) != reference:
            first = groups[codes[code]].row
            message = _("The reference code “%(code)s” is also given to another agreement on row %(row)s.")
            errors.add(group.from_row["reference_code"], "reference_code", message % {"code": code, "row": first})
