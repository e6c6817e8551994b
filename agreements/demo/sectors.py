"""Session VIII, the other sectors the report names: science and technology, agriculture, transport, housing,
petrochemicals and food."""

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
        summary="Firma de un memorando de cooperación científica y convocatoria conjunta de proyectos.",
    )
    memorandum = build.agreement(
        science,
        "VE-BY-VIII-CYT-01",
        "Memorando de entendimiento en cooperación científica y tecnológica",
        ours=["mincyt", "ivic"],
        theirs=["gknt"],
        coordinator="ochoa",
        kind=Kind.MEMORANDUM,
        status=Status.IN_IMPLEMENTATION,
        confidentiality=Confidentiality.PUBLIC,
        signed_date=day,
        entry_into_force_date=day + datetime.timedelta(days=30),
        expiry_date=day + datetime.timedelta(days=5 * 365),
    )
    build.line(
        memorandum,
        "Convocatoria conjunta de proyectos de investigación aplicada",
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
        "Programa de intercambio de investigadores entre el IVIC y centros bielorrusos",
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
        summary="Repuestos y formación para la maquinaria agrícola bielorrusa en servicio.",
    )
    mechanisation = build.agreement(
        agriculture,
        "VE-BY-VIII-AGR-01",
        "Ampliación de la mecanización agrícola",
        ours=["mppat", "pedro_camejo"],
        theirs=["by_agriculture", "mtz"],
        coordinator="salas",
        kind=Kind.COMMITMENT,
        status=Status.IN_IMPLEMENTATION,
        carried_over_from=carried["mechanisation"],
    )
    build.line(
        mechanisation,
        "Capacitación de operadores y mecánicos de maquinaria agrícola",
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
        mechanisation,
        "Suministro de repuestos para los tractores MTZ en servicio",
        -3,
        ours="salas",
        our_institution="mppat",
        theirs="bahdanava",
        their_institution="by_agriculture",
        status=IN_PROGRESS,
        percent=50,
    )
    build.update(
        spares, -9, "La mitad de los repuestos ya está en los talleres de Pedro Camejo.", by="editor", percent=50
    )

    transport = build.meeting(
        session, sectors["Transporte"], day, venue, chairs="Gabriela Montilla (Venezuela)", summary=""
    )
    freight = build.agreement(
        transport,
        "VE-BY-VIII-TRA-01",
        "Cooperación en transporte de carga y mantenimiento de flota",
        ours=["mppt"],
        theirs=["by_transport", "maz"],
        coordinator="montilla",
        kind=Kind.COMMITMENT,
        status=Status.AGREED,
    )
    build.line(
        freight,
        "Evaluación de la flota de camiones MAZ en servicio en Venezuela",
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
    )
    panels = build.agreement(
        housing,
        "VE-BY-VIII-VIV-01",
        "Construcción de viviendas con tecnología constructiva bielorrusa",
        ours=["minhvi"],
        theirs=["by_construction"],
        coordinator="marquez",
        kind=Kind.CONTRACT,
        status=Status.IN_IMPLEMENTATION,
        signed_date=day,
        entry_into_force_date=day,
        expiry_date=day + datetime.timedelta(days=3 * 365),
    )
    plant = build.line(
        panels,
        "Puesta en marcha de la planta de paneles prefabricados",
        -45,
        original=-55,
        ours="bastidas",
        our_institution="minhvi",
        theirs="tsimashenka",
        their_institution="by_construction",
        status=BLOCKED,
        percent=15,
    )
    build.deadline_change(
        plant,
        -55,
        -45,
        "La maquinaria de la planta quedó retenida en aduana; se reprogramó su instalación.",
        on=-58,
    )
    build.update(plant, -50, "Sigue pendiente la liberación de la maquinaria en aduana.", by="editor", status=BLOCKED)

    petrochemicals = build.meeting(
        session, sectors["Petroquímica"], day, venue, chairs="Mariela Urdaneta (Venezuela)\nPavel Zhuk (Belarús)"
    )
    urea = build.agreement(
        petrochemicals,
        "VE-BY-VIII-PET-01",
        "Cooperación Pequiven–Belneftekhim en fertilizantes nitrogenados",
        ours=["pequiven"],
        theirs=["belneftekhim"],
        coordinator="urdaneta",
        kind=Kind.CONTRACT,
        status=Status.SIGNED,
        confidentiality=Confidentiality.RESTRICTED,
        signed_date=day,
    )
    build.line(
        urea,
        "Estudio técnico para la rehabilitación de la planta de urea",
        5,
        ours="urdaneta",
        our_institution="pequiven",
        theirs="zhuk",
        their_institution="belneftekhim",
        status=IN_PROGRESS,
        percent=40,
    )

    food = build.meeting(session, sectors["Alimentación"], day, venue, chairs="Omar Figueroa (Venezuela)")
    milk = build.agreement(
        food,
        "VE-BY-VIII-ALI-01",
        "Abastecimiento de leche en polvo y productos lácteos",
        ours=["minppal"],
        theirs=["by_agriculture"],
        coordinator="figueroa",
        kind=Kind.COMMITMENT,
        status=Status.IN_IMPLEMENTATION,
        confidentiality=Confidentiality.PUBLIC,
    )
    build.line(
        milk,
        "Primer embarque de leche en polvo",
        -20,
        ours="figueroa",
        our_institution="minppal",
        status=DONE,
        completed=-25,
        target=(500, "toneladas"),
        achieved=500,
    )
    build.line(
        milk,
        "Segundo embarque de leche en polvo",
        21,
        ours="figueroa",
        our_institution="minppal",
        target=(1000, "toneladas"),
    )
