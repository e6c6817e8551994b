"""The import template's columns: key, headers in both languages, what each means, and how values are written.

Headers are part of a file format that ministries fill in and send back, so both spellings are written here,
not taken from the translation catalogue: a file made from an older template must still be read after the
interface's wording changes. Either language's header is accepted on upload; the template is written in the
user's language. Meanings are interface text and go through gettext.
"""

import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from django.conf import settings
from django.utils import translation
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from ..models import ActionLine, Agreement


@dataclass(frozen=True)
class Column:
    key: str
    english: str
    spanish: str
    meaning: str
    required: bool = False

    @property
    def header(self):
        """The header in the active language."""
        return self.header_in(get_language())

    def header_in(self, language):
        """The header in `language`: Spanish for Spanish, English otherwise."""
        return self.spanish if (language or "").startswith("es") else self.english


COLUMNS = [
    Column(
        "commission",
        "Commission",
        "Comisión",
        _("The commission's name or short name, as recorded. It must exist already."),
        required=True,
    ),
    Column(
        "session",
        "Session number",
        "Número de sesión",
        _("The session's number, e.g. 8 or VIII. The session must exist already."),
        required=True,
    ),
    Column("sector", "Sector", "Sector", _("The sectoral meeting's sector: one of the sectors listed below."), True),
    Column(
        "meeting_date",
        "Meeting date",
        "Fecha de la reunión",
        _("The date of the sectoral meeting. Needed only when the session has no meeting for this sector yet."),
    ),
    Column(
        "agreement_external_reference",
        "Agreement external reference",
        "Referencia externa del acuerdo",
        _(
            "Your own key for the agreement. Rows with the same key are lines of one agreement; importing again "
            "updates the agreement instead of adding another."
        ),
        required=True,
    ),
    Column(
        "reference_code",
        "Agreement reference code",
        "Código de referencia del acuerdo",
        _(
            "The agreement's reference code in this system, unique, e.g. VE-BY-VIII-IND-01. Needed for a new "
            "agreement. An agreement recorded without an external reference is found by this code."
        ),
    ),
    Column("agreement_title", "Agreement title", "Título del acuerdo", _("Needed for a new agreement.")),
    Column("kind", "Kind", "Tipo", _("One of the kinds listed below. Empty on a new agreement: commitment.")),
    Column(
        "agreement_status",
        "Agreement status",
        "Estado del acuerdo",
        _("One of the agreement statuses listed below. Empty on a new agreement: agreed."),
    ),
    Column(
        "confidentiality",
        "Confidentiality",
        "Confidencialidad",
        _("Public, internal or restricted (see below). Empty on a new agreement: internal."),
    ),
    Column("signed_date", "Signed date", "Fecha de firma", _("Needed for a signed memorandum or contract.")),
    Column(
        "line_external_reference",
        "Line external reference",
        "Referencia externa de la línea",
        _(
            "Your own key for the action line, unique in the file. Importing again updates the line instead of "
            "adding another."
        ),
        required=True,
    ),
    Column("line_title", "Action line title", "Título de la línea de acción", _("Needed for a new action line.")),
    Column(
        "responsible_person",
        "Responsible person (our side)",
        "Responsable (nuestra parte)",
        _("Full name of a person already recorded."),
    ),
    Column(
        "responsible_institution",
        "Responsible institution (our side)",
        "Institución responsable (nuestra parte)",
        _("Name or acronym of an institution already recorded. Empty: the responsible person’s institution."),
    ),
    Column(
        "counterpart_person",
        "Counterpart person",
        "Responsable de la contraparte",
        _("Full name of a person already recorded."),
    ),
    Column(
        "counterpart_institution",
        "Counterpart institution",
        "Institución de la contraparte",
        _("Name or acronym of an institution already recorded. Empty: the counterpart person’s institution."),
    ),
    Column("deadline", "Deadline", "Fecha límite", _("Needed for a new action line.")),
    Column(
        "target_quantity",
        "Target quantity",
        "Meta (cantidad)",
        _("A number greater than zero, e.g. 80. A target needs its unit."),
    ),
    Column("target_unit", "Unit", "Unidad", _("What the target counts, e.g. tractors.")),
    Column(
        "line_status",
        "Line status",
        "Estado de la línea",
        _("One of the action line statuses listed below. Empty on a new line: not started."),
    ),
    Column(
        "percent_complete",
        "Percent complete",
        "Porcentaje de avance",
        _("A whole number from 0 to 100. A finished line is 100."),
    ),
    Column(
        "completed_date",
        "Completed date",
        "Fecha de finalización",
        _("Needed when the line's status is done; only then."),
    ),
]

BY_KEY = {column.key: column for column in COLUMNS}


@lru_cache(maxsize=65536)  # a file repeats its commission, sectors, people and choices on every row
def normalise(text):
    """How headers, names and choices are compared: case, accents and repeated spaces do not matter."""
    decomposed = unicodedata.normalize("NFKD", str(text))
    plain = "".join(character for character in decomposed if not unicodedata.combining(character))
    return " ".join(plain.casefold().split())


# Either language's header, or the key itself, names a column.
HEADER_KEYS = {
    normalise(spelling): column.key for column in COLUMNS for spelling in (column.english, column.spanish, column.key)
}


def column_letter(index):
    """0 → "A", 25 → "Z", 26 → "AA": how a spreadsheet names the column at `index`."""
    letters = ""
    index += 1
    while index:
        index, remainder = divmod(index - 1, 26)
        letters = chr(65 + remainder) + letters
    return letters


# Columns whose cells name one of a model's choices: by its code or its label in any of the site's languages.
CHOICES = {
    "kind": Agreement.Kind,
    "agreement_status": Agreement.Status,
    "confidentiality": Agreement.Confidentiality,
    "line_status": ActionLine.Status,
}

DATE_FORMATS = ("%Y-%m-%d", "%d/%m/%Y")


def choice_spellings(choices):
    """{normalised spelling: code} for every code and every label in every language."""
    spellings = {}
    for code, label in choices.choices:
        spellings[normalise(code)] = code
        spellings[normalise(code.replace("_", " "))] = code
        for language, _name in settings.LANGUAGES:
            with translation.override(language):
                spellings.setdefault(normalise(str(label)), code)
    return spellings
