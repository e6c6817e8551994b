"""The reference data an import names, loaded once per check: commissions, sessions, sectors, meetings, people,
institutions, and the agreements and lines the file's references already point to."""

import difflib
from collections import defaultdict

from django.utils.translation import gettext as _

from ..models import ActionLine, Agreement, Commission, Institution, Person, Sector, SectoralMeeting, Session
from .columns import normalise
from .parse import CellError

CHUNK = 1000
AGREEMENT_FIELDS = (
    "id", "external_reference", "reference_code", "title", "kind", "status", "confidentiality", "signed_date",
    "entry_into_force_date", "expiry_date", "meeting_id", "updated_at",
)  # fmt: skip
LINE_FIELDS = (
    "id", "external_reference", "agreement_id", "title", "responsible_person_id", "responsible_institution_id",
    "counterpart_person_id", "counterpart_institution_id", "due_date", "target_quantity", "target_unit", "status",
    "percent_complete", "completed_date", "updated_at",
)  # fmt: skip


def closest(name, candidates):
    """Up to three of `candidates` (normalised → shown) nearest to `name`, for "did you mean"."""
    found = difflib.get_close_matches(normalise(name), list(candidates), n=3, cutoff=0.6)
    return [candidates[key] for key in found]


def did_you_mean(message, name, candidates):
    suggestions = closest(name, candidates)
    if suggestions:
        message += " " + _("Closest names: %(names)s.") % {"names": "; ".join(suggestions)}
    return message


def in_chunks(values):
    values = list(values)
    for start in range(0, len(values), CHUNK):
        yield values[start : start + CHUNK]


class Lookups:
    def __init__(self):
        self.commissions = {}
        self.commission_names = {}
        for pk, name, short_name in Commission.objects.values_list("id", "name", "short_name"):
            self.commission_names[pk] = short_name or name
            for spelling in (name, short_name):
                if spelling:
                    self.commissions.setdefault(normalise(spelling), pk)
        self.sessions = {
            (row["commission_id"], row["number"]): row
            for row in Session.objects.values("id", "commission_id", "number", "start_date", "end_date")
        }
        self.session_by_id = {row["id"]: row for row in self.sessions.values()}
        self.sectors, self.sector_names = {}, {}
        for pk, name, code in Sector.objects.values_list("id", "name", "code"):
            self.sector_names[pk] = name
            self.sectors[normalise(name)] = pk
            if code:
                self.sectors.setdefault(normalise(code), pk)
        self.meetings = {
            (session_id, sector_id): pk
            for pk, session_id, sector_id in SectoralMeeting.objects.values_list("id", "session_id", "sector_id")
        }
        self.meeting_placement = {pk: key for key, pk in self.meetings.items()}
        self._people = None
        self._institutions = None

    # Placement

    def commission(self, name):
        pk = self.commissions.get(normalise(name))
        if pk is None:
            names = {normalise(shown): shown for shown in self.commission_names.values()}
            raise CellError(did_you_mean(_("No commission called “%(name)s”.") % {"name": name}, name, names))
        return pk

    def session(self, commission_id, number):
        session = self.sessions.get((commission_id, number))
        if session is None:
            message = _("The commission %(commission)s has no session %(number)s: record the session first.")
            raise CellError(message % {"commission": self.commission_names[commission_id], "number": number})
        return session

    def sector(self, name):
        pk = self.sectors.get(normalise(name))
        if pk is None:
            names = {normalise(shown): shown for shown in self.sector_names.values()}
            raise CellError(did_you_mean(_("No sector called “%(name)s”.") % {"name": name}, name, names))
        return pk

    # People and institutions: loaded on first use, every name once.

    @property
    def people(self):
        if self._people is None:
            self._people = defaultdict(list)
            self.person_names = {}
            for pk, name, institution_id in Person.objects.values_list("id", "full_name", "institution_id"):
                self._people[normalise(name)].append((pk, institution_id))
                self.person_names[pk] = name
        return self._people

    @property
    def institutions(self):
        if self._institutions is None:
            self._institutions = defaultdict(set)
            self.institution_names = {}
            for pk, name, acronym in Institution.objects.values_list("id", "name", "acronym"):
                shown = f"{name} ({acronym})" if acronym else name
                self.institution_names[pk] = shown
                for spelling in {name, acronym, shown} - {""}:
                    self._institutions[normalise(spelling)].add(pk)
        return self._institutions

    def person(self, name, institution_id=None):
        """(id, institution id) of the person called `name`; among namesakes, the one at `institution_id`."""
        found = self.people.get(normalise(name), [])
        if len(found) > 1 and institution_id:
            found = [person for person in found if person[1] == institution_id] or found
        if len(found) == 1:
            return found[0]
        if found:
            message = _("Several people are called “%(name)s”: name their institution in the next column.")
            raise CellError(message % {"name": name})
        names = {normalise(shown): shown for shown in self.person_names.values()}
        raise CellError(did_you_mean(_("No person called “%(name)s”.") % {"name": name}, name, names))

    def institution(self, name):
        found = self.institutions.get(normalise(name), set())
        if len(found) == 1:
            return next(iter(found))
        if found:
            message = _("Several institutions are called “%(name)s”: write its full name with its acronym.")
            raise CellError(message % {"name": name})
        names = {normalise(shown): shown for shown in self.institution_names.values()}
        raise CellError(did_you_mean(_("No institution called “%(name)s”.") % {"name": name}, name, names))

    # What the file's references point to.

    def existing(self, agreement_references, codes, line_references):
        """Agreements by external reference and by reference code, lines by external reference."""
        self.agreements_by_reference, self.agreements_by_code, self.agreement_by_id = {}, {}, {}
        for chunk in in_chunks(agreement_references):
            for row in Agreement.objects.filter(external_reference__in=chunk).values(*AGREEMENT_FIELDS):
                self.agreements_by_reference[row["external_reference"]] = row
                self.agreement_by_id[row["id"]] = row
        for chunk in in_chunks(codes):
            for row in Agreement.objects.filter(reference_code__in=chunk).values(*AGREEMENT_FIELDS):
                self.agreements_by_code[row["reference_code"]] = row
                self.agreement_by_id[row["id"]] = row
        self.lines_by_reference = {}
        for chunk in in_chunks(line_references):
            for row in ActionLine.objects.filter(external_reference__in=chunk).values(*LINE_FIELDS):
                self.lines_by_reference[row["external_reference"]] = row
        missing = {row["agreement_id"] for row in self.lines_by_reference.values()} - set(self.agreement_by_id)
        for chunk in in_chunks(missing):
            for row in Agreement.objects.filter(pk__in=chunk).values(*AGREEMENT_FIELDS):
                self.agreement_by_id[row["id"]] = row

    def unkeyed_lines(self, agreement_ids):
        """{(agreement id, normalised title): [line rows]} of lines recorded without an external reference, so
        that the first import of agreements typed in by hand finds their lines by title."""
        found = defaultdict(list)
        for chunk in in_chunks(agreement_ids):
            rows = ActionLine.objects.filter(agreement_id__in=chunk, external_reference="").values(*LINE_FIELDS)
            for row in rows:
                found[(row["agreement_id"], normalise(row["title"]))].append(row)
        return found
