"""Rows that earlier versions of the demo loaded and that the reports do not support; loading removes them.

They recorded a Venezuela–China commission with a signed memorandum, invented Chinese officials and companies,
and contracts signed at the VIII Venezuela–Belarus session for sectors that were only evaluated. A database loaded
before keeps its other rows; on a fresh database there is nothing to remove.
"""

import contextlib

from django.db.models import ProtectedError

from agreements.models import Agreement, Commission, Institution, Person, SectoralMeeting

from .china import NAME as CHINA

OLD_CHINA = "Comisión de Cooperación Científica y Tecnológica Venezuela–China"

# (reference code, title): matched on both, so that the current agreement with the same code is left alone.
AGREEMENTS = [
    ("VE-CN-I-ENE-01", "Ampliación de la cooperación en el sector petrolero"),
    ("VE-CN-I-TEL-01", "Telecomunicaciones e infraestructura"),
    (
        "VE-CN-I-CYT-01",
        "Memorando de entendimiento en neurociencia, electrónica, tecnologías de la información e inteligencia "
        "artificial",
    ),
    ("VE-CN-I-SAL-01", "Cooperación en investigación médica"),
    ("VE-CN-I-AGR-01", "Avances agrícolas: semillas mejoradas y riego tecnificado"),
    ("VE-BY-VIII-CYT-01", "Memorando de entendimiento en cooperación científica y tecnológica"),
    ("VE-BY-VIII-AGR-01", "Ampliación de la mecanización agrícola"),
    ("VE-BY-VIII-TRA-01", "Cooperación en transporte de carga y mantenimiento de flota"),
    ("VE-BY-VIII-VIV-01", "Construcción de viviendas con tecnología constructiva bielorrusa"),
    ("VE-BY-VIII-PET-01", "Cooperación Pequiven–Belneftekhim en fertilizantes nitrogenados"),
    ("VE-BY-VIII-ALI-01", "Abastecimiento de leche en polvo y productos lácteos"),
]

# The China record's sectoral meetings, of which only science and technology remains.
MEETING_SECTORS = ["Energía", "Telecomunicaciones", "Salud", "Agricultura"]

PEOPLE = ["Li Wen", "Zhao Ming", "Chen Jing", "Wang Lei", "Liu Yang", "Sun Hui"]

INSTITUTIONS = [
    "Ministerio de Ciencia y Tecnología de la República Popular China",
    "Ministerio de Industria y Tecnologías de la Información de China",
    "Corporación Nacional de Petróleo de China",
    "Comisión de Ciencia y Tecnología de Chongqing",
    "Academia China de Ciencias Agrícolas",
    "Universidad Médica de Chongqing",
]


def remove_retired_rows():
    for code, title in AGREEMENTS:
        for agreement in Agreement.objects.filter(reference_code=code, title=title):
            agreement.delete()  # one by one, so that each leaves its "deleted" history record
    china = Commission.objects.filter(name=OLD_CHINA).first()
    if china and not Commission.objects.filter(name=CHINA).exists():
        china.name = CHINA
        china.save()
    empty = SectoralMeeting.objects.filter(
        session__commission__name=CHINA, sector__name__in=MEETING_SECTORS, agreements__isnull=True
    )
    for meeting in empty:
        meeting.delete()
    people = Person.objects.filter(full_name__in=PEOPLE, institution__country__code="CN")
    institutions = Institution.objects.filter(name__in=INSTITUTIONS, country__code="CN")
    for row in [*people, *institutions]:
        with contextlib.suppress(ProtectedError):  # still used by rows entered by hand: kept
            row.delete()
