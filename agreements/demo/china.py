"""Venezuela–China cooperation under the Belt and Road Initiative.

Source: the report on the Belt and Road Conference on Science and Technology Exchange in Chongqing (7 November):
oil, telecommunications and infrastructure, and proposed cooperation in neuroscience, medicine, agriculture,
electronics, IT and artificial intelligence.
"""

import datetime

from agreements.models import ActionLine, Agreement, Commission

from .upsert import set_related, upsert

Kind, Status, Confidentiality = Agreement.Kind, Agreement.Status, Agreement.Confidentiality
IN_PROGRESS, DONE = ActionLine.Status.IN_PROGRESS, ActionLine.Status.DONE


def conference_day(today):
    """The latest 7 November at least 60 days ago, so every demo deadline falls after the session."""
    year = today.year if today - datetime.date(today.year, 11, 7) >= datetime.timedelta(days=60) else today.year - 1
    return datetime.date(year, 11, 7)


def load_china(build, countries, sectors):
    commission = upsert(
        Commission,
        {"name": "Comisión de Cooperación Científica y Tecnológica Venezuela–China"},
        {
            "short_name": "Venezuela–China",
            "lead_institution": build.institutions["mincyt"],
            "description": (
                "Cooperación en el marco de la Iniciativa de la Franja y la Ruta: seguimiento de los compromisos "
                "de la Conferencia de la Franja y la Ruta sobre Intercambio Científico y Tecnológico (BRST)."
            ),
        },
    )
    set_related(commission, "parties", [countries["VE"], countries["CN"]])
    day = conference_day(build.today)
    session = build.session(commission, 1, day, "Chongqing", countries["CN"], days=1)
    venue = "Conferencia BRST, Chongqing"
    chairs = "Alberto Quintero (Venezuela)\nLi Wen (China)"

    energy = build.meeting(
        session,
        sectors["Energía"],
        day,
        venue,
        chairs=chairs,
        summary="Venezuela cuenta con grandes reservas de petróleo pero necesita experiencia para maximizar su "
        "producción; la cooperación con China podría hacer del país un centro energético para América Latina.",
    )
    oil = build.agreement(
        energy,
        "VE-CN-I-ENE-01",
        "Ampliación de la cooperación en el sector petrolero",
        ours=["mppp"],
        theirs=["cnpc"],
        coordinator="briceno",
        kind=Kind.COMMITMENT,
        status=Status.AGREED,
    )
    assistance = build.line(
        oil,
        "Programa de asistencia técnica para aumentar la producción petrolera",
        -20,
        ours="briceno",
        our_institution="mppp",
        theirs="zhao",
        their_institution="cnpc",
        status=IN_PROGRESS,
        percent=15,
    )
    build.update(
        assistance, -25, "CNPC pidió los datos de producción de los campos propuestos.", by="editor", percent=15
    )
    build.line(
        oil,
        "Mesa técnica bilateral sobre recuperación mejorada de crudo",
        -10,
        ours="briceno",
        our_institution="mppp",
        theirs="zhao",
        their_institution="cnpc",
        status=DONE,
        completed=-12,
    )

    telecom = build.meeting(session, sectors["Telecomunicaciones"], day, venue, chairs=chairs)
    network = build.agreement(
        telecom,
        "VE-CN-I-TEL-01",
        "Telecomunicaciones e infraestructura",
        ours=["cantv"],
        theirs=["cn_miit"],
        coordinator="lugo",
        kind=Kind.COMMITMENT,
        status=Status.IN_IMPLEMENTATION,
    )
    fibre = build.line(
        network,
        "Ampliación de la red troncal de fibra óptica",
        10,
        original=-5,
        ours="lugo",
        our_institution="cantv",
        theirs="wang",
        their_institution="cn_miit",
        status=IN_PROGRESS,
        percent=55,
    )
    build.deadline_change(fibre, -5, 10, "Los equipos de transmisión llegan en un segundo embarque.", on=-7)

    science = build.meeting(
        session,
        sectors["Ciencia y tecnología"],
        day,
        venue,
        chairs=chairs,
        summary="Electrónica, tecnologías de la información e inteligencia artificial como pilares; cooperación "
        "propuesta en neurociencia.",
    )
    memorandum = build.agreement(
        science,
        "VE-CN-I-CYT-01",
        "Memorando de entendimiento en neurociencia, electrónica, tecnologías de la información e inteligencia "
        "artificial",
        ours=["mincyt"],
        theirs=["cn_most", "cq_science"],
        coordinator="quintero",
        kind=Kind.MEMORANDUM,
        status=Status.SIGNED,
        confidentiality=Confidentiality.PUBLIC,
        signed_date=day,
        entry_into_force_date=day + datetime.timedelta(days=15),
    )
    build.line(
        memorandum,
        "Programa conjunto de investigación en neurociencia",
        40,
        ours="ochoa",
        our_institution="mincyt",
        theirs="chen",
        their_institution="cq_science",
    )
    ai = build.line(
        memorandum,
        "Formación de especialistas venezolanos en inteligencia artificial en Chongqing",
        -2,
        ours="ortega",
        our_institution="mincyt",
        theirs="chen",
        their_institution="cq_science",
        status=IN_PROGRESS,
        percent=70,
        target=(20, "especialistas"),
        achieved=14,
    )
    build.update(ai, -4, "Catorce especialistas completaron el primer módulo en Chongqing.", percent=70, achieved=14)
    build.line(
        memorandum,
        "Estudio de factibilidad de un parque tecnológico de electrónica y tecnologías de la información",
        25,
        ours="ortega",
        our_institution="mincyt",
        theirs="li",
        their_institution="cn_most",
        status=IN_PROGRESS,
        percent=20,
    )

    health = build.meeting(session, sectors["Salud"], day, venue, chairs=chairs)
    medicine = build.agreement(
        health,
        "VE-CN-I-SAL-01",
        "Cooperación en investigación médica",
        ours=["mpps"],
        theirs=["cq_medical"],
        coordinator="aguilera",
        kind=Kind.LETTER_OF_INTENT,
        status=Status.PROPOSED,
    )
    build.line(
        medicine,
        "Intercambio de investigadores con la Universidad Médica de Chongqing",
        60,
        ours="aguilera",
        our_institution="mpps",
        theirs="sun",
        their_institution="cq_medical",
    )

    agriculture = build.meeting(session, sectors["Agricultura"], day, venue, chairs=chairs)
    seeds = build.agreement(
        agriculture,
        "VE-CN-I-AGR-01",
        "Avances agrícolas: semillas mejoradas y riego tecnificado",
        ours=["mppat"],
        theirs=["caas"],
        coordinator="salas",
        kind=Kind.COMMITMENT,
        status=Status.AGREED,
        confidentiality=Confidentiality.PUBLIC,
    )
    build.line(
        seeds,
        "Parcelas demostrativas de semillas mejoradas",
        75,
        ours="salas",
        our_institution="mppat",
        theirs="liu",
        their_institution="caas",
    )
    return commission
