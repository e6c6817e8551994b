"""Session VIII, industry: the Santa Inés Industrial Complex, Veneminsk tractors and Mazven trucks."""

from agreements.models import ActionLine, Agreement

Kind, Status, Confidentiality = Agreement.Kind, Agreement.Status, Agreement.Confidentiality
IN_PROGRESS, BLOCKED, DONE = ActionLine.Status.IN_PROGRESS, ActionLine.Status.BLOCKED, ActionLine.Status.DONE

INDUSTRY_SUMMARY = (
    "Reactivación del Complejo Industrial Santa Inés (estado Barinas), en particular la fábrica de tractores "
    "Veneminsk y la fábrica de camiones Mazven. Se acordó el suministro de las partes y piezas faltantes para "
    "ensamblar más de 80 equipos entre tractores y camiones y, en paralelo, la re-promoción de ambas fábricas para "
    "fortalecer el sector agroindustrial nacional. Para el mantenimiento de los equipos se evaluaron las instalaciones "
    "de la Empresa Socialista Pedro Camejo y la creación de concesionarios que vendan los equipos y presten "
    "mantenimiento básico y mayor. Se elaborará un plan de sustitución de importaciones de partes y piezas y, con la "
    "planta operativa, un estudio de mercado en América Latina."
)


def load_industry(build, meeting, carried):
    santa_ines = build.agreement(
        meeting,
        "VE-BY-VIII-IND-01",
        "Reactivación del Complejo Industrial Santa Inés (estado Barinas)",
        ours=["mppipn", "veneminsk", "mazven"],
        theirs=["by_industry", "mtz", "maz"],
        coordinator="pacheco",
        kind=Kind.ACTION_PLAN,
        status=Status.IN_IMPLEMENTATION,
        carried_over_from=carried["industry_plan"],
        description="Reactivación de la fábrica de tractores Veneminsk y de la fábrica de camiones Mazven.",
    )
    build.line(
        santa_ines,
        "Diagnóstico técnico de las líneas de ensamblaje de Veneminsk y Mazven",
        -45,
        ours="contreras",
        our_institution="veneminsk",
        theirs="savitski",
        their_institution="mtz",
        status=DONE,
        completed=-50,
    )
    parts = build.line(
        santa_ines,
        "Suministro de partes y piezas faltantes para ensamblar más de 80 tractores y camiones",
        -35,
        original=-60,
        ours="rondon",
        our_institution="mppipn",
        theirs="savitski",
        their_institution="mtz",
        status=IN_PROGRESS,
        percent=40,
        target=(80, "tractores y camiones"),
        achieved=32,
        carried_over_from=carried["parts"],
    )
    build.deadline_change(
        parts,
        -60,
        -35,
        "El embarque de partes desde Minsk se retrasó por falta de buque; MTZ confirmó una nueva fecha de despacho.",
        on=-62,
    )
    build.update(
        parts,
        -40,
        "Llegó a La Guaira el primer lote de partes: alcanza para ensamblar 20 tractores.",
        status=IN_PROGRESS,
        percent=25,
        achieved=20,
    )
    build.update(
        parts,
        -20,
        "Segundo lote recibido; se ensamblaron 12 camiones Mazven. Faltan cajas de velocidades para el resto.",
        percent=40,
        achieved=32,
    )
    build.line(
        santa_ines,
        "Reactivación de la línea de ensamblaje de tractores de Veneminsk",
        14,
        ours="contreras",
        our_institution="veneminsk",
        theirs="savitski",
        their_institution="mtz",
        status=IN_PROGRESS,
        percent=30,
    )
    trucks = build.line(
        santa_ines,
        "Reactivación de la línea de ensamblaje de camiones de Mazven",
        -16,
        ours="rondon",
        our_institution="mazven",
        theirs="kavalenka",
        their_institution="maz",
        status=BLOCKED,
        percent=10,
    )
    build.update(
        trucks,
        -18,
        "Bloqueado: falta certificar los moldes de cabina. MAZ enviará un técnico a Barinas.",
        status=BLOCKED,
        percent=10,
    )

    promotion = build.agreement(
        meeting,
        "VE-BY-VIII-IND-02",
        "Re-promoción de las fábricas Veneminsk y Mazven",
        ours=["mppipn", "veneminsk", "mazven"],
        theirs=["mtz", "maz"],
        coordinator="pacheco",
        kind=Kind.COMMITMENT,
        status=Status.IN_IMPLEMENTATION,
        confidentiality=Confidentiality.PUBLIC,
        description="Segunda línea de acción, en paralelo al suministro de partes, para fortalecer el sector "
        "agroindustrial nacional.",
    )
    plan = build.line(
        promotion,
        "Plan de re-promoción comercial de los tractores Veneminsk y los camiones Mazven",
        7,
        ours="rondon",
        our_institution="mppipn",
        theirs="kavalenka",
        their_institution="maz",
        status=IN_PROGRESS,
        percent=50,
    )
    build.update(plan, -6, "Borrador del plan enviado a MTZ y MAZ para comentarios.", status=IN_PROGRESS, percent=50)
    build.line(
        promotion,
        "Presentación de los equipos ante productores del sector agroindustrial",
        45,
        ours="contreras",
        our_institution="veneminsk",
    )

    maintenance = build.agreement(
        meeting,
        "VE-BY-VIII-IND-03",
        "Servicio de mantenimiento de los equipos producidos",
        ours=["mppipn", "pedro_camejo"],
        theirs=["mtz", "maz"],
        coordinator="pacheco",
        kind=Kind.COMMITMENT,
        status=Status.IN_IMPLEMENTATION,
    )
    build.line(
        maintenance,
        "Convenio con la Empresa Socialista Pedro Camejo para el servicio técnico de los tractores Veneminsk",
        1,
        ours="mejias",
        our_institution="pedro_camejo",
        theirs="savitski",
        their_institution="mtz",
        status=IN_PROGRESS,
        percent=70,
    )
    dealers = build.line(
        maintenance,
        "Estudio de factibilidad de concesionarios que vendan los equipos y presten mantenimiento básico y mayor",
        -8,
        ours="rondon",
        our_institution="mppipn",
        theirs="kavalenka",
        their_institution="maz",
        status=IN_PROGRESS,
        percent=20,
    )
    build.update(
        dealers, -15, "Se identificaron tres posibles concesionarios en Barinas, Portuguesa y Guárico.", percent=20
    )

    substitution = build.agreement(
        meeting,
        "VE-BY-VIII-IND-04",
        "Plan de sustitución de importaciones de partes y piezas",
        ours=["mppipn", "veneminsk", "mazven"],
        theirs=["mtz", "maz"],
        coordinator="pacheco",
        kind=Kind.ACTION_PLAN,
        status=Status.AGREED,
        confidentiality=Confidentiality.RESTRICTED,
        description="Sustitución progresiva de partes y piezas importadas por otras fabricadas en el territorio "
        "nacional.",
    )
    build.line(
        substitution,
        "Inventario de partes importadas que pueden fabricarse en el territorio nacional",
        0,
        ours="rondon",
        our_institution="mppipn",
        status=IN_PROGRESS,
        percent=80,
    )
    build.line(
        substitution,
        "Acuerdos con proveedores nacionales de autopartes",
        90,
        ours="villarroel",
        our_institution="mazven",
    )

    market = build.agreement(
        meeting,
        "VE-BY-VIII-IND-05",
        "Estudio de mercado en América Latina para los tractores y camiones",
        ours=["mppipn", "veneminsk", "mazven"],
        theirs=["mtz", "maz"],
        coordinator="pacheco",
        kind=Kind.COMMITMENT,
        status=Status.AGREED,
        confidentiality=Confidentiality.PUBLIC,
    )
    build.line(
        market,
        "Estudio de mercado regional, una vez operativa la planta",
        150,
        ours="villarroel",
        our_institution="mazven",
        theirs="kavalenka",
        their_institution="maz",
    )
