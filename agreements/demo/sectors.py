"""Session VIII, the other sectors the report names: science and technology, agriculture, transport, housing,
petrochemicals and food.

The report says only that these topics "were also evaluated". Each meeting records the evaluation and at most a
proposed or agreed follow-up; nothing was signed on the day. The follow-up lines are illustrative.
"""

import datetime

from agreements.models import ActionLine, Agreement

Kind, Status, Confidentiality = Agreement.Kind, Agreement.Status, Agreement.Confidentiality
IN_PROGRESS, BLOCKED, DONE = ActionLine.Status.IN_PROGRESS, ActionLine.Status.BLOCKED, ActionLine.Status.DONE


def load_other_sectors(build, session, sectors, carried):
    day = session.start_date + datetime.timedelta(days=1)
    venue = "Sede de la Cancillería, Caracas"

    science = build.meeting(
        session,
        sectors["Ciencia y tecnología"],
        day,
        "Ministerio del Poder Popular para Ciencia y Tecnología, Caracas",
        chairs="Daniela Ochoa (Venezuela)\nSiarhei Melnikau (Belarús)",
        summary="Se evaluaron la cooperación científica y tecnológica, una convocatoria conjunta de proyectos y el "
        "intercambio de investigadores. Se propuso preparar un memorando de entendimiento.",
    )
    memorandum = build.agreement(
        science,
        "VE-BY-VIII-CYT-01",
        "Propuesta de memorando de entendimiento en cooperación científica y tecnológica",
        ours=["mincyt", "ivic"],
        theirs=["gknt"],
        coordinator="ochoa",
        kind=Kind.MEMORANDUM,
        status=Status.PROPOSED,
        confidentiality=Confidentiality.PUBLIC,
    )
    build.line(
        memorandum,
        "Borrador del memorando para la revisión de ambas partes",
        3,
        ours="ochoa",
        our_institution="mincyt",
        theirs="melnikau",
        their_institution="gknt",
        status=IN_PROGRESS,
        percent=60,
    )
    build.line(
        memorandum,
        "Propuesta de intercambio de investigadores entre el IVIC y centros bielorrusos",
        60,
        ours="ochoa",
        our_institution="ivic",
        theirs="melnikau",
        their_institution="gknt",
    )

    agriculture = build.meeting(
        session,
        sectors["Agricultura"],
        day,
        venue,
        chairs="Ramón Eduardo Salas (Venezuela)\nIryna Bahdanava (Belarús)",
        summary="Se evaluaron los repuestos y la formación para la maquinaria agrícola bielorrusa en servicio. Se "
        "acordó continuar la formación de operadores pendiente de la VII Comisión Mixta.",
    )
    follow_up = build.agreement(
        agriculture,
        "VE-BY-VIII-AGR-01",
        "Seguimiento de la mecanización agrícola: formación y repuestos",
        ours=["mppat", "pedro_camejo"],
        theirs=["by_agriculture", "mtz"],
        coordinator="salas",
        kind=Kind.COMMITMENT,
        status=Status.AGREED,
        carried_over_from=carried["mechanisation"],
    )
    build.line(
        follow_up,
        "Formación de operadores y mecánicos de maquinaria agrícola",
        -5,
        ours="salas",
        our_institution="mppat",
        theirs="bahdanava",
        their_institution="by_agriculture",
        status=DONE,
        completed=-10,
        target=(60, "operadores y mecánicos"),
        achieved=64,
        carried_over_from=carried["training"],
    )
    spares = build.line(
        follow_up,
        "Inventario de los repuestos que necesitan los tractores MTZ en servicio",
        -3,
        ours="salas",
        our_institution="mppat",
        theirs="bahdanava",
        their_institution="by_agriculture",
        status=IN_PROGRESS,
        percent=50,
    )
    build.update(spares, -9, "La mitad de los talleres de Pedro Camejo envió su inventario.", by="editor", percent=50)

    transport = build.meeting(
        session,
        sectors["Transporte"],
        day,
        venue,
        chairs="Gabriela Montilla (Venezuela)",
        summary="Se evaluó el estado de la flota de camiones MAZ en servicio y su mantenimiento.",
    )
    freight = build.agreement(
        transport,
        "VE-BY-VIII-TRA-01",
        "Propuesta de cooperación en mantenimiento de la flota de carga",
        ours=["mppt"],
        theirs=["by_transport", "maz"],
        coordinator="montilla",
        kind=Kind.OTHER,
        status=Status.PROPOSED,
    )
    build.line(
        freight,
        "Inventario de la flota de camiones MAZ en servicio en Venezuela",
        30,
        ours="montilla",
        our_institution="mppt",
        status=IN_PROGRESS,
        percent=10,
    )

    housing = build.meeting(
        session,
        sectors["Vivienda"],
        day,
        venue,
        chairs="Julio César Bastidas (Venezuela)\nAndrei Tsimashenka (Belarús)",
        summary="Se evaluó el uso de tecnología constructiva bielorrusa en proyectos habitacionales.",
    )
    construction = build.agreement(
        housing,
        "VE-BY-VIII-VIV-01",
        "Propuesta de cooperación en tecnología constructiva para vivienda",
        ours=["minhvi"],
        theirs=["by_construction"],
        coordinator="marquez",
        kind=Kind.OTHER,
        status=Status.PROPOSED,
    )
    visit = build.line(
        construction,
        "Visita técnica bielorrusa para evaluar proyectos habitacionales",
        -45,
        original=-55,
        ours="bastidas",
        our_institution="minhvi",
        theirs="tsimashenka",
        their_institution="by_construction",
        status=BLOCKED,
        percent=15,
    )
    build.deadline_change(visit, -55, -45, "La parte bielorrusa pidió reprogramar la visita.", on=-58)
    build.update(visit, -50, "La parte bielorrusa aún no confirma las fechas.", by="editor", status=BLOCKED)

    petrochemicals = build.meeting(
        session,
        sectors["Petroquímica"],
        day,
        venue,
        chairs="Mariela Urdaneta (Venezuela)\nPavel Zhuk (Belarús)",
        summary="Se evaluó la cooperación en fertilizantes nitrogenados.",
    )
    urea = build.agreement(
        petrochemicals,
        "VE-BY-VIII-PET-01",
        "Propuesta de cooperación Pequiven–Belneftekhim en fertilizantes nitrogenados",
        ours=["pequiven"],
        theirs=["belneftekhim"],
        coordinator="urdaneta",
        kind=Kind.OTHER,
        status=Status.PROPOSED,
        confidentiality=Confidentiality.RESTRICTED,
    )
    build.line(
        urea,
        "Evaluación técnica conjunta de la planta de urea",
        5,
        ours="urdaneta",
        our_institution="pequiven",
        theirs="zhuk",
        their_institution="belneftekhim",
        status=IN_PROGRESS,
        percent=40,
    )

    food = build.meeting(
        session,
        sectors["Alimentación"],
        day,
        venue,
        chairs="Omar Figueroa (Venezuela)",
        summary="Se evaluó el abastecimiento de leche en polvo y productos lácteos.",
    )
    dairy = build.agreement(
        food,
        "VE-BY-VIII-ALI-01",
        "Estudio del abastecimiento de leche en polvo y productos lácteos",
        ours=["minppal"],
        theirs=["by_agriculture"],
        coordinator="figueroa",
        kind=Kind.COMMITMENT,
        status=Status.AGREED,
        confidentiality=Confidentiality.PUBLIC,
    )
    build.line(
        dairy,
        "Lista de productos lácteos y volúmenes de interés",
        -20,
        ours="figueroa",
        our_institution="minppal",
        status=DONE,
        completed=-25,
    )
    build.line(
        dairy,
        "Propuesta de cronograma y condiciones de abastecimiento",
        21,
        ours="figueroa",
        our_institution="minppal",
    )
