"""Venezuela–China cooperation under the Belt and Road Initiative, as the second report tells it.

Source: an interview with Venezuela's Deputy Minister of Science and Technology at the Belt and Road Conference on
Science and Technology Exchange (BRST), a multilateral conference in Chongqing on 7 November. He said cooperation
with China could grow in oil production and acknowledged its support in telecommunications and infrastructure; with
Chongqing, in electronics, IT and AI, neuroscience, medicine and agriculture. Nothing was signed, and the report
names no Chinese official or company: each area is a proposal with our own follow-up, and nobody on the Chinese side.

The domain has no "conference" object, so the record is a cooperation framework (not a joint commission) whose one
"session" is the conference and whose one meeting, in science and technology, is the delegation's participation.
"""

import datetime

from agreements.models import ActionLine, Agreement, Commission

from .upsert import set_related, upsert

Kind, Status, Confidentiality = Agreement.Kind, Agreement.Status, Agreement.Confidentiality
IN_PROGRESS, DONE = ActionLine.Status.IN_PROGRESS, ActionLine.Status.DONE

NAME = "Cooperación Venezuela–China en la Franja y la Ruta"
CONFERENCE = "Conferencia de la Franja y la Ruta sobre Intercambio Científico y Tecnológico (BRST)"

DESCRIPTION = (
    "Registro de la cooperación con la República Popular China en el marco de la Iniciativa de la Franja y la Ruta. "
    "No es una comisión mixta: su sesión I es la participación de Venezuela en la " + CONFERENCE + ", una "
    "conferencia multilateral celebrada en Chongqing el 7 de noviembre. Allí el Viceministro de Ciencia y Tecnología "
    "propuso áreas de cooperación; se registran como propuestas, sin instrumentos firmados."
)

SUMMARY = (
    "En una entrevista durante la conferencia, el Viceministro de Ciencia y Tecnología señaló que Venezuela tiene "
    "riqueza petrolera pero le falta experiencia para maximizar su producción, y que la cooperación con China podría "
    "convertir al país en un centro energético y sentar un precedente en América Latina. Reconoció el apoyo de China "
    "en telecomunicaciones e infraestructura. Destacó la electrónica, las tecnologías de la información y la "
    "inteligencia artificial como pilares de la cooperación con Chongqing, que también podría extenderse a la "
    "neurociencia, la investigación médica y la agricultura. No se firmó ningún instrumento."
)


def conference_day(today):
    """The latest 7 November at least 60 days ago, so every demo deadline falls after the conference."""
    year = today.year if today - datetime.date(today.year, 11, 7) >= datetime.timedelta(days=60) else today.year - 1
    return datetime.date(year, 11, 7)


def load_china(build, countries, sectors):
    commission = upsert(
        Commission,
        {"name": NAME},
        {"short_name": "Venezuela–China", "lead_institution": build.institutions["mincyt"], "description": DESCRIPTION},
    )
    set_related(commission, "parties", [countries["VE"], countries["CN"]])
    day = conference_day(build.today)
    session = build.session(commission, 1, day, "Chongqing", countries["CN"], days=1)
    meeting = build.meeting(
        session,
        sectors["Ciencia y tecnología"],
        day,
        CONFERENCE,
        participants="Viceministro de Ciencia y Tecnología de Venezuela (MINCYT)",
        summary=SUMMARY,
    )

    def proposal(code, title, description, ours, coordinator, theirs=(), **fields):
        return build.agreement(
            meeting,
            code,
            title,
            ours=ours,
            theirs=theirs,
            coordinator=coordinator,
            kind=Kind.OTHER,
            status=Status.PROPOSED,
            description=description,
            **fields,
        )

    oil = proposal(
        "VE-CN-I-CYT-01",
        "Propuesta de cooperación petrolera para maximizar la producción",
        "Según el viceministro, Venezuela tiene riqueza petrolera pero le falta experiencia para maximizar la "
        "producción; la cooperación con China podría hacer del país un centro energético para América Latina.",
        ours=["mincyt", "mppp"],
        coordinator="briceno",
    )
    needs = build.line(
        oil,
        "Nota técnica sobre la experiencia que se necesita para aumentar la producción petrolera",
        -20,
        ours="briceno",
        our_institution="mppp",
        status=IN_PROGRESS,
        percent=15,
    )
    build.update(needs, -25, "Se pidieron al sector petrolero los datos de producción por campo.", by="editor")
    build.line(
        oil,
        "Consulta al Ministerio del Poder Popular de Petróleo sobre la propuesta",
        -10,
        ours="ochoa",
        our_institution="mincyt",
        status=DONE,
        completed=-12,
    )

    network = proposal(
        "VE-CN-I-CYT-02",
        "Continuidad de la cooperación en telecomunicaciones e infraestructura",
        "El viceministro reconoció el apoyo de China en telecomunicaciones e infraestructura.",
        ours=["mincyt", "cantv"],
        coordinator="lugo",
        confidentiality=Confidentiality.PUBLIC,
    )
    projects = build.line(
        network,
        "Inventario de los proyectos de telecomunicaciones e infraestructura con participación china",
        10,
        original=-5,
        ours="lugo",
        our_institution="cantv",
        status=IN_PROGRESS,
        percent=55,
    )
    build.deadline_change(projects, -5, 10, "Faltan los datos de los proyectos de infraestructura vial.", on=-7)

    technology = proposal(
        "VE-CN-I-CYT-03",
        "Propuesta de cooperación con Chongqing en electrónica, tecnologías de la información e inteligencia "
        "artificial",
        "Áreas que el viceministro destacó como pilares de la cooperación con Chongqing.",
        ours=["mincyt"],
        coordinator="quintero",
        theirs=["chongqing"],
        confidentiality=Confidentiality.PUBLIC,
    )
    training = build.line(
        technology,
        "Propuesta de formación de especialistas en electrónica, tecnologías de la información e inteligencia "
        "artificial",
        -2,
        ours="ortega",
        our_institution="mincyt",
        status=IN_PROGRESS,
        percent=70,
    )
    build.update(training, -4, "Borrador enviado al despacho del viceministro para su revisión.", percent=70)

    neuroscience = proposal(
        "VE-CN-I-CYT-04",
        "Propuesta de cooperación con Chongqing en neurociencia",
        "Campo en el que, según el viceministro, la cooperación con Chongqing podría florecer.",
        ours=["mincyt", "ivic"],
        coordinator="ochoa",
        theirs=["chongqing"],
    )
    build.line(
        neuroscience,
        "Nota conceptual de cooperación en neurociencia",
        40,
        ours="ochoa",
        our_institution="mincyt",
    )

    medicine = proposal(
        "VE-CN-I-CYT-05",
        "Propuesta de cooperación con Chongqing en investigación médica",
        "Los avances médicos figuran entre los campos de cooperación que el viceministro mencionó.",
        ours=["mincyt", "mpps"],
        coordinator="aguilera",
        theirs=["chongqing"],
    )
    build.line(
        medicine,
        "Identificación de centros venezolanos de investigación médica interesados",
        60,
        ours="aguilera",
        our_institution="mpps",
    )

    agriculture = proposal(
        "VE-CN-I-CYT-06",
        "Propuesta de cooperación con Chongqing en agricultura",
        "Los avances agrícolas figuran entre los campos de cooperación que el viceministro mencionó.",
        ours=["mincyt", "mppat"],
        coordinator="salas",
        theirs=["chongqing"],
    )
    build.line(
        agriculture,
        "Nota de interés sobre tecnología agrícola para la cooperación con Chongqing",
        75,
        ours="salas",
        our_institution="mppat",
    )
    return commission
