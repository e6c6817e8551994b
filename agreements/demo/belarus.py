"""The Venezuela–Belarus High-Level Joint Commission: session VII in Minsk and session VIII in Caracas.

Source: the report on the VIII session (see the seeds). Its industry outcomes are in `industry.py`, the other
sectors of session VIII in `sectors.py`. Session VII is invented and kept small: just enough earlier history to show
carried-over agreements and lines, and one signed contract with its legal dates.
"""

import datetime

from agreements.models import ActionLine, Agreement, Commission

from .industry import INDUSTRY_SUMMARY, load_industry
from .sectors import load_other_sectors
from .upsert import set_related, upsert

Kind, Status, Confidentiality = Agreement.Kind, Agreement.Status, Agreement.Confidentiality
DONE, CANCELLED = ActionLine.Status.DONE, ActionLine.Status.CANCELLED


def wednesday_before(day):
    return day - datetime.timedelta(days=(day.weekday() - 2) % 7)


def load_belarus(build, countries, sectors):
    commission = upsert(
        Commission,
        {"name": "Comisión Mixta de Alto Nivel Venezuela–Belarús"},
        {
            "short_name": "Venezuela–Belarús",
            "lead_institution": build.institutions["mppre"],
            "description": (
                "Mecanismo de cooperación entre la República Bolivariana de Venezuela y la República de Belarús. "
                "Sesiona alternando sede entre Caracas y Minsk, con reuniones por sector."
            ),
        },
    )
    set_related(commission, "parties", [countries["VE"], countries["BY"]])

    # Session VIII was installed on a Wednesday in Caracas; the sectoral meetings met on the Thursday.
    viii_start = wednesday_before(build.day(-70))
    vii_start = viii_start - datetime.timedelta(weeks=104)
    vii = build.session(commission, 7, vii_start, "Minsk", countries["BY"])
    viii = build.session(commission, 8, viii_start, "Caracas", countries["VE"])

    # The meeting the report is about comes first, so that it is the first meeting in the admin.
    industry = build.meeting(
        viii,
        sectors["Industria"],
        viii_start + datetime.timedelta(days=1),
        "Ministerio del Poder Popular para Industrias y Producción Nacional, Caracas",
        chairs="José Biomorgi (Venezuela)\nAliaksandr Karpovich (Belarús)",
        participants="Veneminsk, Mazven, Empresa Socialista Pedro Camejo, MTZ, MAZ",
        summary=INDUSTRY_SUMMARY,
    )
    carried = load_session_vii(build, vii, sectors)
    load_industry(build, industry, carried)
    load_other_sectors(build, viii, sectors, carried)
    return commission


def load_session_vii(build, session, sectors):
    day = session.start_date + datetime.timedelta(days=1)
    start = (day - build.today).days  # lines of session VII are dated from its meetings
    industry = build.meeting(
        session,
        sectors["Industria"],
        day,
        "Ministerio de Industria de la República de Belarús, Minsk",
        chairs="Carmen Elena Pacheco (Venezuela)\nAliaksandr Karpovich (Belarús)",
        summary="Evaluación de las fábricas Veneminsk y Mazven y plan para reanudar el ensamblaje.",
    )
    plan = build.agreement(
        industry,
        "VE-BY-VII-IND-01",
        "Plan de reactivación de las fábricas Veneminsk y Mazven",
        ours=["mppipn", "veneminsk", "mazven"],
        theirs=["by_industry", "mtz", "maz"],
        coordinator="pacheco",
        kind=Kind.ACTION_PLAN,
        status=Status.SUSPENDED,
        description="Continúa en el acuerdo VE-BY-VIII-IND-01 de la VIII Comisión Mixta.",
    )
    build.line(
        plan,
        "Evaluación del estado de la planta de Mazven",
        start + 90,
        ours="villarroel",
        our_institution="mazven",
        theirs="kavalenka",
        their_institution="maz",
        status=DONE,
        completed=start + 85,
    )
    parts = build.line(
        plan,
        "Suministro de partes y piezas para el ensamblaje de 50 tractores",
        start + 180,
        ours="rondon",
        our_institution="mppipn",
        theirs="savitski",
        their_institution="mtz",
        status=CANCELLED,
        percent=30,
        target=(50, "tractores"),
        achieved=15,
        description="Trasladado a la VIII Comisión Mixta, que amplió la meta a tractores y camiones.",
    )

    agriculture = build.meeting(
        session,
        sectors["Agricultura"],
        day,
        "Ministerio de Agricultura y Alimentación de la República de Belarús, Minsk",
        chairs="Ramón Eduardo Salas (Venezuela)\nIryna Bahdanava (Belarús)",
        summary="Mecanización del plan de siembra con maquinaria bielorrusa.",
    )
    mechanisation = build.agreement(
        agriculture,
        "VE-BY-VII-AGR-01",
        "Mecanización agrícola con maquinaria bielorrusa",
        ours=["mppat"],
        theirs=["by_agriculture", "mtz"],
        coordinator="salas",
        kind=Kind.CONTRACT,
        status=Status.COMPLETED,
        confidentiality=Confidentiality.PUBLIC,
        signed_date=day,
        entry_into_force_date=day + datetime.timedelta(days=15),
        expiry_date=day + datetime.timedelta(days=2 * 365),
    )
    build.line(
        mechanisation,
        "Entrega de 120 tractores MTZ para el plan de siembra",
        start + 150,
        ours="salas",
        our_institution="mppat",
        theirs="bahdanava",
        their_institution="by_agriculture",
        status=DONE,
        completed=start + 140,
        target=(120, "tractores"),
        achieved=120,
    )
    training = build.line(
        mechanisation,
        "Formación de operadores y mecánicos",
        start + 200,
        ours="salas",
        our_institution="mppat",
        status=CANCELLED,
        percent=40,
        description="Trasladado a la VIII Comisión Mixta.",
    )
    return {"industry_plan": plan, "parts": parts, "mechanisation": mechanisation, "training": training}
