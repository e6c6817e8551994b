"""Synthetic data at scale for benchmarks: commissions, sessions, meetings, agreements, people and action lines.

Proportions follow a ministry's real load (about 5 action lines per agreement, 50 lines per person), and
deadlines spread from five years ago to two years ahead, older ones mostly done, so that a day's sweep
owes reminders for about 2% of the lines (20,000 at 1,000,000). The two big tables go in with COPY on
PostgreSQL, their secondary indexes dropped and rebuilt; other databases get bulk_create.

COPY fires the placement triggers (agreements/placement.py), one primary-key lookup per row: at 200,000 lines
that was within the run-to-run noise (about 52 s with them, 57 s without), so they stay on during the load.
"""

import datetime
import io
import random
import time

from django.core.management.base import BaseCommand, CommandError
from django.core.management.color import no_style
from django.db import connection, transaction
from django.db.models import Max
from django.utils import timezone

from agreements import tallies
from agreements.clock import local_today
from agreements.models import (
    ActionLine,
    Agreement,
    Commission,
    Country,
    Institution,
    Person,
    Sector,
    SectoralMeeting,
    Session,
    to_roman,
)

PARTNERS = [
    ("BY", "Belarús"), ("CN", "China"), ("RU", "Rusia"), ("IR", "Irán"), ("TR", "Turquía"), ("CU", "Cuba"),
    ("IN", "India"), ("VN", "Vietnam"), ("DZ", "Argelia"), ("BR", "Brasil"), ("AR", "Argentina"),
    ("BO", "Bolivia"), ("NI", "Nicaragua"), ("ZA", "Sudáfrica"), ("QA", "Catar"), ("ID", "Indonesia"),
    ("MX", "México"), ("CO", "Colombia"), ("SY", "Siria"), ("KZ", "Kazajistán"),
]  # fmt: skip
SECTORS = [
    "Industria", "Agricultura", "Ciencia y tecnología", "Transporte", "Vivienda", "Petroquímica", "Alimentación",
    "Energía", "Salud", "Educación", "Minería", "Comercio", "Cultura", "Turismo", "Telecomunicaciones",
]  # fmt: skip
CITIES = ["Caracas", "Maracaibo", "Valencia", "Barquisimeto", "Ciudad Guayana", "Barinas"]
GIVEN = ["José", "María", "Luis", "Ana", "Carlos", "Carmen", "Jesús", "Rosa", "Pedro", "Daniela", "Andrés", "Yusmary"]
FAMILY = ["Rondón", "Pacheco", "Contreras", "Mejías", "Ochoa", "Ortega", "Salas", "Bastidas", "Urdaneta", "Lugo"]
FOREIGN = ["Kavalenka", "Savitski", "Zhao", "Chen", "Ivanov", "Rahimi", "Yilmaz", "Nguyen", "Rao", "Haddad"]
ACTIONS = [
    "Suministro de repuestos para {n} tractores y camiones",
    "Estudio de mercado en {country}",
    "Capacitación de {n} técnicos en {sector}",
    "Instalación de una planta piloto de {sector}",
    "Transferencia tecnológica en {sector}",
    "Firma del contrato de suministro con {country}",
    "Plan de sustitución de importaciones de {sector}",
    "Misión técnica a {country}",
    "Mantenimiento de {n} equipos entregados",
    "Intercambio de especialistas en {sector}",
]
AGREEMENTS = [
    "Memorando de entendimiento en {sector}",
    "Plan de acción de {sector} con {country}",
    "Contrato de cooperación en {sector}",
    "Compromiso de reactivación industrial en {sector}",
]
AGREEMENT_KINDS = ["memorandum", "contract", "action_plan", "commitment"]
AGREEMENT_STATUSES = ["agreed", "signed", "in_implementation", "in_implementation", "completed", "suspended"]
SESSIONS_PER_COMMISSION = 10
SECTORS_PER_SESSION = 8
LINES_PER_AGREEMENT = 5
CHUNK = 50_000


def bench_sizes(lines):
    return {
        "commissions": min(len(PARTNERS), max(2, lines // 1000)),
        "agreements": max(1, lines // LINES_PER_AGREEMENT),
        "our_people": max(20, lines // 80),
        "their_people": max(10, lines // 125),
    }


def pick_status(rng, days_overdue):
    """Older deadlines are mostly done; recent and future ones mostly open."""
    roll = rng.random()
    if days_overdue > 365:
        return "done" if roll < 0.85 else "cancelled" if roll < 0.92 else "in_progress"
    if days_overdue > 0:
        if roll < 0.40:
            return "done"
        if roll < 0.45:
            return "cancelled"
        return "in_progress" if roll < 0.75 else "not_started" if roll < 0.90 else "blocked"
    if roll < 0.07:
        return "done"
    if roll < 0.10:
        return "cancelled"
    return "not_started" if roll < 0.55 else "in_progress" if roll < 0.95 else "blocked"


class CsvCopy:
    """COPY rows into a table from CSV made here: NULL unquoted, text quoted (so '' stays an empty string)."""

    def __init__(self, model):
        self.model = model
        self.fields = list(model._meta.concrete_fields)
        self.columns = ", ".join(connection.ops.quote_name(field.column) for field in self.fields)

    @staticmethod
    def value(item):
        if item is None:
            return ""
        if isinstance(item, str):
            return '"' + item.replace('"', '""') + '"'
        return str(item)

    def write(self, rows):
        sql = (
            f"COPY {connection.ops.quote_name(self.model._meta.db_table)} ({self.columns}) FROM STDIN WITH (FORMAT csv)"
        )
        buffer = io.StringIO()
        count = 0
        with connection.cursor() as cursor:
            for row in rows:
                buffer.write(",".join(self.value(row[field.attname]) for field in self.fields))
                buffer.write("\n")
                count += 1
                if count % CHUNK == 0:
                    buffer.seek(0)
                    cursor.copy_expert(sql, buffer)
                    buffer = io.StringIO()
            buffer.seek(0)
            cursor.copy_expert(sql, buffer)
        return count


def write_rows(model, rows):
    if connection.vendor == "postgresql":
        return CsvCopy(model).write(rows)
    made = [model(**row) for row in rows]
    model.objects.bulk_create(made, batch_size=2000)
    return len(made)


def secondary_indexes(model):
    """(name, definition) of the table's indexes that back no constraint (PostgreSQL)."""
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT index.relname, pg_get_indexdef(index.oid)
            FROM pg_index x
            JOIN pg_class index ON index.oid = x.indexrelid
            JOIN pg_class tbl ON tbl.oid = x.indrelid
            LEFT JOIN pg_constraint c ON c.conindid = index.oid
            WHERE tbl.relname = %s AND c.oid IS NULL
            """,
            [model._meta.db_table],
        )
        return cursor.fetchall()


class Generator:
    def __init__(self, lines, seed=2026, today=None, log=print):
        self.lines = lines
        self.rng = random.Random(seed)
        self.today = today or local_today()
        self.sizes = bench_sizes(lines)
        self.log = log
        self.now = timezone.now()

    def run(self):
        started = time.perf_counter()
        with transaction.atomic():
            self.reference_data()
            self.commissions()
            dropped = self.drop_indexes() if connection.vendor == "postgresql" else []
            agreements = self.agreements()
            self.log(f"{agreements:,} agreements after {time.perf_counter() - started:.1f} s")
            made = self.action_lines()
            self.log(f"{made:,} action lines after {time.perf_counter() - started:.1f} s")
            # Django's foreign keys are deferred; PostgreSQL builds no index while their checks are pending.
            connection.check_constraints()
            self.rebuild_indexes(dropped)
            self.reset_sequences()
        self.log(f"Indexes rebuilt and committed after {time.perf_counter() - started:.1f} s")
        # VACUUM cannot run inside a transaction (as in a test); the planner's statistics matter only for a benchmark.
        if connection.vendor == "postgresql" and not connection.in_atomic_block:
            with connection.cursor() as cursor:
                for model in (Agreement, ActionLine, Person):
                    cursor.execute(f"VACUUM ANALYZE {connection.ops.quote_name(model._meta.db_table)}")
                # Each COPY chunk added to the same few rows of the kept figures (agreements/tallies.py).
                for table in tallies.TABLES:
                    cursor.execute(f"VACUUM ANALYZE {table}")
        self.log(f"Done in {time.perf_counter() - started:.1f} s")
        return made

    def reference_data(self):
        self.home = Country.objects.get_or_create(code="VE", defaults={"name": "Venezuela"})[0]
        self.partners = [
            Country.objects.get_or_create(code=code, defaults={"name": name})[0]
            for code, name in PARTNERS[: self.sizes["commissions"]]
        ]
        self.sectors = [Sector.objects.get_or_create(name=name)[0] for name in SECTORS]
        self.our_institutions = self.institutions(self.home, 150, "Ministerio del Poder Popular")
        self.their_institutions = {
            country.pk: self.institutions(country, 15, f"Organismo de {country.name}") for country in self.partners
        }
        rng = self.rng
        bosses = Person.objects.bulk_create(
            [
                self.person(rng, "es", self.our_institutions, "Viceministro")
                for _ in range(max(2, self.sizes["our_people"] // 50))
            ]
        )
        ours = [self.person(rng, "es", self.our_institutions, "Director") for _ in range(self.sizes["our_people"])]
        for person in ours[: len(ours) // 10]:
            person.superior = rng.choice(bosses)
        self.our_people = [p.pk for p in Person.objects.bulk_create(ours, batch_size=2000)]
        self.coordinators = self.our_people[: max(1, len(self.our_people) // 10)]
        everyone_abroad = [i for institutions in self.their_institutions.values() for i in institutions]
        theirs = [self.person(rng, "en", everyone_abroad, "Specialist") for _ in range(self.sizes["their_people"])]
        self.their_people = [p.pk for p in Person.objects.bulk_create(theirs, batch_size=2000)]

    def institutions(self, country, count, prefix):
        names = [f"{prefix} {n} ({country.code}-{self.rng.randrange(10**6)})" for n in range(count)]
        return Institution.objects.bulk_create(
            [Institution(name=name, country=country, kind="ministry") for name in names]
        )

    def person(self, rng, language, institutions, position):
        family = FAMILY if language == "es" else FOREIGN
        name = f"{rng.choice(GIVEN)} {rng.choice(family)} {rng.randrange(10**6)}"
        reachable = rng.random() < 0.95  # some have left or never gave an address
        return Person(
            full_name=name,
            position=position,
            institution=rng.choice(institutions),
            email=f"p{rng.randrange(10**9)}@bench.example" if reachable else "",
            language=language if rng.random() < 0.8 else ("en" if language == "es" else "es"),
            is_active=reachable or rng.random() < 0.5,
        )

    def commissions(self):
        rng, today = self.rng, self.today
        meetings = []
        self.country_of = {}
        for country in self.partners:
            name = f"Comisión Mixta de Alto Nivel Venezuela–{country.name} ({rng.randrange(10**6)})"
            commission = Commission.objects.create(name=name, short_name=f"VE–{country.code}")
            commission.parties.add(self.home, country)
            self.country_of[commission.pk] = country
            first = today - datetime.timedelta(days=6 * 365)
            step = (6 * 365 - 20) // SESSIONS_PER_COMMISSION
            for number in range(1, SESSIONS_PER_COMMISSION + 1):
                start = first + datetime.timedelta(days=step * (number - 1) + rng.randrange(10))
                session = Session.objects.create(
                    commission=commission,
                    number=number,
                    start_date=start,
                    end_date=start + datetime.timedelta(days=2),
                    city=rng.choice(CITIES),
                    country=self.home,
                    status="held",
                )
                for n, sector in enumerate(rng.sample(self.sectors, SECTORS_PER_SESSION)):
                    meetings.append(
                        SectoralMeeting(session=session, sector=sector, date=start + datetime.timedelta(days=n % 3))
                    )
        made = SectoralMeeting.objects.bulk_create(meetings)
        # Agreements follow meetings in time, so older agreements get the older deadlines.
        self.meetings = sorted(
            SectoralMeeting.objects.filter(pk__in=[m.pk for m in made]).select_related("session"),
            key=lambda m: (m.date, m.pk),
        )

    def drop_indexes(self):
        dropped = []
        with connection.cursor() as cursor:
            for model in (Agreement, ActionLine):
                for name, definition in secondary_indexes(model):
                    cursor.execute(f"DROP INDEX {connection.ops.quote_name(name)}")
                    dropped.append(definition)
        return dropped

    def rebuild_indexes(self, definitions):
        with connection.cursor() as cursor:
            for definition in definitions:
                cursor.execute(definition)

    def reset_sequences(self):
        with connection.cursor() as cursor:
            for sql in connection.ops.sequence_reset_sql(no_style(), [Agreement, ActionLine]):
                cursor.execute(sql)

    def agreements(self):
        rng = self.rng
        first_id = (Agreement.objects.aggregate(last=Max("id"))["last"] or 0) + 1
        count = self.sizes["agreements"]
        self.agreement_rows = []  # (id, commission_id, sector_id, country, session_id) for the action lines

        def rows():
            for n in range(count):
                meeting = self.meetings[n * len(self.meetings) // count]
                session = meeting.session
                agreement_id = first_id + n
                country = self.country_of[session.commission_id]
                sector = self.sectors_by_id[meeting.sector_id]
                self.agreement_rows.append(
                    (agreement_id, session.commission_id, meeting.sector_id, country, session.pk)
                )
                status = rng.choice(AGREEMENT_STATUSES)
                yield {
                    "id": agreement_id,
                    "meeting_id": meeting.pk,
                    "reference_code": f"VE-{country.code}-{to_roman(session.number)}-{agreement_id}",
                    "external_reference": "",
                    "title": rng.choice(AGREEMENTS).format(sector=sector.name.lower(), country=country.name),
                    "description": "Acuerdo alcanzado en la reunión sectorial; seguimiento por líneas de acción.",
                    "kind": rng.choice(AGREEMENT_KINDS),
                    "status": status,
                    "confidentiality": "restricted" if rng.random() < 0.05 else "internal",
                    # Signed instruments carry their date (a constraint); the meeting's day will do.
                    "signed_date": meeting.date if status != "agreed" else None,
                    "entry_into_force_date": None,
                    "expiry_date": None,
                    "coordinator_id": rng.choice(self.coordinators) if rng.random() < 0.9 else None,
                    "carried_over_from_id": None,
                    "session_id": session.pk,
                    "commission_id": session.commission_id,
                    "sector_id": meeting.sector_id,
                    "search_vector": None,
                    "created_at": self.now,
                    "updated_at": self.now,
                }

        self.sectors_by_id = {sector.pk: sector for sector in self.sectors}
        return write_rows(Agreement, rows())

    def action_lines(self):
        rng, today = self.rng, self.today
        first_id = (ActionLine.objects.aggregate(last=Max("id"))["last"] or 0) + 1
        span = (-5 * 365, 2 * 365)
        offsets = sorted(rng.randint(*span) for _ in range(self.lines))
        per_agreement = len(self.agreement_rows)

        def rows():
            for n, offset in enumerate(offsets):
                agreement_id, commission_id, sector_id, country, session_id = self.agreement_rows[
                    n * per_agreement // self.lines
                ]
                due = today + datetime.timedelta(days=offset)
                status = pick_status(rng, -offset)
                percent = {"done": 100, "in_progress": rng.randrange(10, 95), "blocked": rng.randrange(0, 60)}
                moved = rng.random() < 0.15
                yield {
                    "id": first_id + n,
                    "agreement_id": agreement_id,
                    "title": rng.choice(ACTIONS).format(
                        n=rng.randrange(5, 200), country=country.name, sector=self.sectors_by_id[sector_id].name.lower()
                    ),
                    "description": "Línea de acción con responsable y plazo de seguimiento.",
                    "external_reference": "",
                    "responsible_institution_id": rng.choice(self.our_institutions).pk,
                    "responsible_person_id": rng.choice(self.our_people),
                    "counterpart_institution_id": rng.choice(self.their_institutions[country.pk]).pk,
                    "counterpart_person_id": rng.choice(self.their_people) if rng.random() < 0.6 else None,
                    "original_due_date": due - datetime.timedelta(days=rng.randrange(30, 120)) if moved else due,
                    "due_date": due,
                    "status": status,
                    "percent_complete": percent.get(status, 0),
                    "completed_date": min(due, today) - datetime.timedelta(days=rng.randrange(0, 30))
                    if status == "done"
                    else None,
                    "target_quantity": None,
                    "target_unit": "",
                    "achieved_quantity": None,
                    "carried_over_from_id": None,
                    "commission_id": commission_id,
                    "sector_id": sector_id,
                    "session_id": session_id,
                    # The placement trigger copies the agreement's.
                    "confidentiality": "restricted",
                    "search_vector": None,
                    "created_at": self.now,
                    "updated_at": self.now,
                }

        return write_rows(ActionLine, rows())


class Command(BaseCommand):
    help = "Add N action lines (with commissions, sessions, meetings, agreements and people) for benchmarks."

    def add_arguments(self, parser):
        parser.add_argument("--action-lines", type=int, default=1000, help="How many action lines to add.")
        parser.add_argument("--seed", type=int, default=2026, help="Random seed, for the same data every time.")

    def handle(self, *args, action_lines, seed, **options):
        if action_lines < 1:
            raise CommandError("--action-lines must be 1 or more")
        Generator(action_lines, seed=seed, log=self.stdout.write).run()
