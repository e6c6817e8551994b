"""Checking an import against the database: the Plan of what applying it would write. Nothing is written here.

The rows come parsed and grouped into agreements (agreements/imports/rows.py). The result is a Plan of plain
data: rows to create, rows to change (each field old → new), rows unchanged, every row error (row number, column
letter and header, message), and the writes that applying would make. An empty cell keeps what is recorded; on a
new row it takes the model's default.
"""

from collections import defaultdict
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from ..models import ActionLine, Agreement, to_roman
from .columns import normalise
from .lookups import Lookups
from .parse import CellError
from .rows import Errors, read_rows

PROGRESS_EVERY = 250

# The model field each column writes, for the agreement and for the line.
AGREEMENT_FIELDS = {
    "reference_code": "reference_code",
    "agreement_title": "title",
    "kind": "kind",
    "agreement_status": "status",
    "confidentiality": "confidentiality",
    "signed_date": "signed_date",
}
LINE_FIELDS = {
    "line_title": "title",
    "deadline": "due_date",
    "target_quantity": "target_quantity",
    "target_unit": "target_unit",
    "line_status": "status",
    "percent_complete": "percent_complete",
    "completed_date": "completed_date",
}
PEOPLE = (
    ("responsible_person", "responsible_institution"),
    ("counterpart_person", "counterpart_institution"),
)
# Where a model's own clean() message belongs: its field → the column that sets it.
COLUMN_OF_FIELD = {
    **{model_field: column for column, model_field in AGREEMENT_FIELDS.items()},
    "entry_into_force_date": "signed_date",
    "expiry_date": "signed_date",
}
COLUMN_OF_LINE_FIELD = {
    **{model_field: column for column, model_field in LINE_FIELDS.items()},
    "achieved_quantity": "target_quantity",
    **{f"{column}_id": column for pair in PEOPLE for column in pair},
}
NEW_AGREEMENT = {"kind": Agreement.Kind.COMMITMENT, "status": Agreement.Status.AGREED, "signed_date": None,
                 "confidentiality": Agreement.Confidentiality.INTERNAL, "entry_into_force_date": None,
                 "expiry_date": None}  # fmt: skip
NEW_LINE = {"status": ActionLine.Status.NOT_STARTED, "percent_complete": 0, "target_quantity": None,
            "target_unit": "", "completed_date": None, "due_date": None, "title": "",
            **{f"{column}_id": None for pair in PEOPLE for column in pair}}  # fmt: skip


@dataclass
class Plan:
    rows_total: int = 0
    errors: list = field(default_factory=list)
    created: list = field(default_factory=list)
    changed: list = field(default_factory=list)
    unchanged: list = field(default_factory=list)
    # Writes: {(session id, sector id): date} meetings to create; agreements and lines with the fields to set.
    new_meetings: dict = field(default_factory=dict)
    agreements: list = field(default_factory=list)
    lines: list = field(default_factory=list)

    @property
    def valid(self):
        return not self.errors


class Checker:
    def __init__(self, sheet, progress=None):
        self.sheet = sheet
        self.progress = progress or (lambda done: None)
        self.plan = Plan(rows_total=len(sheet.rows))
        self.errors = Errors(sheet)
        self.lookups = Lookups()

    def error(self, row, key, message):
        self.errors.add(row, key, message)

    def require(self, row, values, keys, message):
        for key in keys:
            if values[key] is None:
                self.error(row, key, message % {"column": self.sheet.column(key)[1].lower()})

    def model_errors(self, row, error, columns, fallback):
        by_field = error.message_dict if hasattr(error, "error_dict") else {"": error.messages}
        for model_field, messages in by_field.items():
            for message in messages:
                self.error(row, columns.get(model_field, fallback), message)

    # Each agreement, then each line, against the database.

    def check(self):
        rows, groups = read_rows(self.sheet, self.errors)
        self.lookups.existing(
            groups, {group.values["reference_code"] for group in groups.values()} - {None},
            {values["line_external_reference"] for _number, values in rows} - {None},
        )  # fmt: skip
        agreements = {reference: self.check_agreement(reference, group) for reference, group in groups.items()}
        known = [agreement["id"] for agreement in agreements.values() if agreement and agreement["id"]]
        self.unkeyed = self.lookups.unkeyed_lines(known)
        self.claimed = set()
        for done, (number, values) in enumerate(rows, start=1):
            agreement = agreements.get(values["agreement_external_reference"])
            changes = agreement["changes"] if agreement and agreement["row"] == number else []
            self.check_line(number, values, agreement, changes)
            if done % PROGRESS_EVERY == 0:
                self.progress(done)
        self.progress(len(rows))
        self.plan.agreements = [agreement for agreement in agreements.values() if agreement]
        self.plan.errors = self.errors.in_file_order()
        return self.plan

    def placement(self, group):
        """The agreement's meeting: ("id", pk) of an existing one or ("new", (session, sector)); None on error."""
        values, rows = group.values, group.from_row
        found = {}
        for key, find in (
            ("commission", self.lookups.commission),
            ("sector", self.lookups.sector),
            ("session", lambda number: self.lookups.session(found["commission"], number)),
        ):
            if values[key] is None:
                self.error(rows[key], key, _("Write the %(column)s.") % {"column": self.sheet.column(key)[1]})
            elif key != "session" or "commission" in found:
                try:
                    found[key] = find(values[key])
                except CellError as problem:
                    self.error(rows[key], key, problem)
        if len(found) < 3:
            return None
        session, sector_id = found["session"], found["sector"]
        key = (session["id"], sector_id)
        if key in self.lookups.meetings:
            return ("id", self.lookups.meetings[key])
        return self.new_meeting(key, session, values["meeting_date"], rows["meeting_date"])

    def new_meeting(self, key, session, day, row):
        sector = self.lookups.sector_names[key[1]]
        if day is None:
            message = _("Session %(session)s has no %(sector)s meeting yet: write its date to create it.")
            self.error(row, "meeting_date", message % {"session": to_roman(session["number"]), "sector": sector})
            return None
        start, end = session["start_date"], session["end_date"]
        if day < start or (end and day > end):
            message = _("Session %(session)s runs from %(start)s to %(end)s: the meeting must fall within it.")
            shown_end = end.isoformat() if end else _("an open end")
            self.error(row, "meeting_date", message % {"session": to_roman(session["number"]),
                                                       "start": start.isoformat(), "end": shown_end})  # fmt: skip
            return None
        self.plan.new_meetings.setdefault(key, day)
        return ("new", key)

    def check_agreement(self, reference, group):
        values, row = group.values, group.from_row
        existing = self.lookups.agreements_by_reference.get(reference)
        code = values["reference_code"]
        owner = self.lookups.agreements_by_code.get(code) if code else None
        if existing is None and owner and not owner["external_reference"]:
            existing = owner  # recorded by hand, without an external reference: this import gives it one
        if owner and (existing is None or owner["id"] != existing["id"]):
            message = _("The reference code “%(code)s” belongs to another agreement already.")
            self.error(row["reference_code"], "reference_code", message % {"code": code})
        meeting = self.placement(group)
        current = dict(existing) if existing else {**NEW_AGREEMENT, "reference_code": "", "title": ""}
        target = dict(current, external_reference=reference)
        for key, model_field in AGREEMENT_FIELDS.items():
            if values[key] is not None:
                target[model_field] = values[key]
        if existing is None:
            self.require(
                group.row, values, ("reference_code", "agreement_title"), _("A new agreement needs its %(column)s.")
            )
        try:
            Agreement(**{name: target[name] for name in (*NEW_AGREEMENT, "reference_code", "title")}).clean()
        except ValidationError as error:
            self.model_errors(group.row, error, COLUMN_OF_FIELD, "agreement_title")
        fields = {name: target[name] for name in (*AGREEMENT_FIELDS.values(), "external_reference")}
        if existing is not None:
            fields = {name: value for name, value in fields.items() if existing[name] != value}
        changes = [self.change(name, existing[name], value) for name, value in fields.items()] if existing else []
        if meeting is not None and existing and meeting != ("id", existing["meeting_id"]):
            changes = self.meeting_changes(existing["meeting_id"], meeting) + changes
        return {
            "id": existing["id"] if existing else None,
            "version": existing["updated_at"].isoformat() if existing else None,
            "reference": reference,
            "row": group.row,
            "meeting": meeting,
            "moved": bool(existing and meeting and meeting != ("id", existing["meeting_id"])),
            "fields": fields,
            "changes": changes,
            "reference_code": target["reference_code"],
        }

    def meeting_changes(self, meeting_id, meeting):
        lookups = self.lookups
        old_session, old_sector = lookups.meeting_placement[meeting_id]
        new_session, new_sector = meeting[1] if meeting[0] == "new" else lookups.meeting_placement[meeting[1]]
        old, new = lookups.session_by_id[old_session], lookups.session_by_id[new_session]
        changes = []
        if old["commission_id"] != new["commission_id"]:
            names = lookups.commission_names
            changes.append(self.shown("commission", names[old["commission_id"]], names[new["commission_id"]]))
        if old["number"] != new["number"]:
            changes.append(self.shown("session", to_roman(old["number"]), to_roman(new["number"])))
        if old_sector != new_sector:
            changes.append(self.shown("sector", lookups.sector_names[old_sector], lookups.sector_names[new_sector]))
        return changes

    def shown(self, column, old, new):
        return {"column": column, "old": old, "new": new}

    def change(self, model_field, old, new):
        column = COLUMN_OF_FIELD.get(model_field, "agreement_external_reference")
        return self.shown(column, display(old), display(new))

    def people(self, number, values, target):
        for person_column, institution_column in PEOPLE:
            institution_id = None
            if values[institution_column] is not None:
                try:
                    institution_id = self.lookups.institution(values[institution_column])
                except CellError as problem:
                    self.error(number, institution_column, problem)
                target[f"{institution_column}_id"] = institution_id
            if values[person_column] is not None:
                try:
                    person_id, their_institution = self.lookups.person(values[person_column], institution_id)
                except CellError as problem:
                    self.error(number, person_column, problem)
                    continue
                target[f"{person_column}_id"] = person_id
                if values[institution_column] is None and their_institution:
                    target[f"{institution_column}_id"] = their_institution

    def find_line(self, reference, values, agreement):
        existing = self.lookups.lines_by_reference.get(reference)
        if existing is None and agreement and agreement["id"] and values["line_title"]:
            found = self.unkeyed.get((agreement["id"], normalise(values["line_title"])), [])
            if len(found) == 1 and found[0]["id"] not in self.claimed:
                existing = found[0]  # recorded by hand, without an external reference: found by its title
                self.claimed.add(existing["id"])
        return existing

    def check_line(self, number, values, agreement, agreement_changes):
        reference = values["line_external_reference"]
        if reference is None:
            return
        existing = self.find_line(reference, values, agreement)
        target = dict(existing) if existing else dict(NEW_LINE)
        target["external_reference"] = reference
        for key, model_field in LINE_FIELDS.items():
            if values[key] is not None:
                target[model_field] = values[key]
        self.people(number, values, target)
        status = values["line_status"]
        if status == ActionLine.Status.DONE and values["percent_complete"] is None:
            target["percent_complete"] = 100
        elif status is not None and status != ActionLine.Status.DONE and values["completed_date"] is None:
            target["completed_date"] = None  # reopened: only a finished line has a completed date
        if existing is None:
            self.require(number, values, ("line_title", "deadline"), _("A new action line needs its %(column)s."))
        try:
            ActionLine(**{name: value for name, value in target.items() if name in NEW_LINE}).clean()
        except ValidationError as error:
            self.model_errors(number, error, COLUMN_OF_LINE_FIELD, "line_title")
        fields = {name: target[name] for name in (*NEW_LINE, "external_reference")}
        moved = existing is not None and agreement is not None and agreement["id"] != existing["agreement_id"]
        if existing is not None:
            fields = {name: value for name, value in fields.items() if existing[name] != value}
        changes = list(agreement_changes)
        if moved:
            old_code = self.lookups.agreement_by_id[existing["agreement_id"]]["reference_code"]
            changes.append(self.shown("reference_code", old_code, agreement["reference_code"]))
        if existing is not None:
            changes += [self.line_change(name, existing[name], value) for name, value in fields.items()]
        self.plan.lines.append({
            "id": existing["id"] if existing else None,
            "version": existing["updated_at"].isoformat() if existing else None,
            "agreement": values["agreement_external_reference"],
            "moved": moved,
            "fields": fields,
            "old_due_date": existing["due_date"] if existing and "due_date" in fields else None,
        })  # fmt: skip
        summary = {"row": number, "agreement": values["agreement_external_reference"], "line": reference}
        if existing is None:
            new_agreement = bool(agreement and not agreement["id"])
            self.plan.created.append({**summary, "title": target["title"], "new_agreement": new_agreement,
                                      "changes": list(agreement_changes)})  # fmt: skip
        elif changes:
            self.plan.changed.append({**summary, "title": target["title"], "changes": changes})
        else:
            self.plan.unchanged.append(number)

    def line_change(self, model_field, old, new):
        lookups = self.lookups
        for person_column, institution_column in PEOPLE:
            if model_field == f"{person_column}_id":
                lookups.people  # noqa: B018 - loads the names
                return self.shown(person_column, lookups.person_names.get(old, ""), lookups.person_names.get(new, ""))
            if model_field == f"{institution_column}_id":
                lookups.institutions  # noqa: B018 - loads the names
                names = lookups.institution_names
                return self.shown(institution_column, names.get(old, ""), names.get(new, ""))
        column = COLUMN_OF_LINE_FIELD.get(model_field, "line_external_reference")
        return self.shown(column, display(old), display(new))


def display(value):
    """A value as the preview shows it: dates as YYYY-MM-DD, quantities without trailing zeros."""
    if value is None:
        return ""
    if hasattr(value, "isoformat"):
        return value.isoformat()
    if hasattr(value, "normalize"):
        return f"{value.normalize():f}"
    return str(value)


def check(sheet, progress=None):
    """The Plan for `sheet` (agreements.imports.reader.Sheet); `progress(rows_done)` is called as rows are checked."""
    return Checker(sheet, progress).check()


def preview(plan, limit):
    """What the page shows, as JSON: up to `limit` rows of each kind (the counts are always whole)."""
    by_kind = defaultdict(int)
    for agreement in plan.agreements:
        by_kind["new" if agreement["id"] is None else "changed" if agreement["changes"] else "same"] += 1
    return {
        "created": plan.created[:limit],
        "changed": plan.changed[:limit],
        "unchanged": plan.unchanged[:limit],
        "new_meetings": len(plan.new_meetings),
        "new_agreements": by_kind["new"],
        "changed_agreements": by_kind["changed"],
    }
