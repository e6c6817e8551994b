"""Countries, sectors, institutions and people of the demo, in Spanish as the ministry writes them.

Real names only where the source reports give them (José Biomorgi, Alberto Quintero); everyone else is invented.
The China report names nobody on the Chinese side, and the demo invents nobody there.
"""

from agreements.models import Country, Institution, Person, Sector

from .upsert import upsert

COUNTRIES = {"VE": "Venezuela", "BY": "Belarús", "CN": "China"}

# (name, OECD DAC sector code or "")
SECTORS = [
    ("Industria", "321"),
    ("Ciencia y tecnología", ""),
    ("Agricultura", "311"),
    ("Transporte", "210"),
    ("Vivienda", "16030"),
    ("Petroquímica", ""),
    ("Alimentación", ""),
    ("Energía", "230"),
    ("Telecomunicaciones", "220"),
    ("Salud", "120"),
]

MINISTRY, AGENCY, ENTERPRISE, ACADEMIC = "ministry", "agency", "state_enterprise", "academic"

# key: (name, acronym, kind, country)
INSTITUTIONS = {
    "mppre": ("Ministerio del Poder Popular para Relaciones Exteriores", "MPPRE", MINISTRY, "VE"),
    "mppipn": ("Ministerio del Poder Popular para Industrias y Producción Nacional", "MPPIPN", MINISTRY, "VE"),
    "mincyt": ("Ministerio del Poder Popular para Ciencia y Tecnología", "MINCYT", MINISTRY, "VE"),
    "mppat": ("Ministerio del Poder Popular para la Agricultura Productiva y Tierras", "MPPAPT", MINISTRY, "VE"),
    "mppt": ("Ministerio del Poder Popular para el Transporte", "MPPT", MINISTRY, "VE"),
    "minhvi": ("Ministerio del Poder Popular para Hábitat y Vivienda", "MINHVI", MINISTRY, "VE"),
    "minppal": ("Ministerio del Poder Popular para la Alimentación", "MINPPAL", MINISTRY, "VE"),
    "mppp": ("Ministerio del Poder Popular de Petróleo", "MPPP", MINISTRY, "VE"),
    "mpps": ("Ministerio del Poder Popular para la Salud", "MPPS", MINISTRY, "VE"),
    "veneminsk": ("Empresa Mixta Veneminsk", "Veneminsk", ENTERPRISE, "VE"),
    "mazven": ("Empresa Mixta Mazven", "Mazven", ENTERPRISE, "VE"),
    "pedro_camejo": ("Empresa Socialista Pedro Camejo", "ESPC", ENTERPRISE, "VE"),
    "pequiven": ("Petroquímica de Venezuela, S.A.", "Pequiven", ENTERPRISE, "VE"),
    "cantv": ("Compañía Anónima Nacional Teléfonos de Venezuela", "CANTV", ENTERPRISE, "VE"),
    "ivic": ("Instituto Venezolano de Investigaciones Científicas", "IVIC", ACADEMIC, "VE"),
    "by_industry": ("Ministerio de Industria de la República de Belarús", "", MINISTRY, "BY"),
    "mtz": ("Fábrica de Tractores de Minsk", "MTZ", ENTERPRISE, "BY"),
    "maz": ("Fábrica de Automóviles de Minsk", "MAZ", ENTERPRISE, "BY"),
    "gknt": ("Comité Estatal de Ciencia y Tecnología de la República de Belarús", "GKNT", AGENCY, "BY"),
    "by_agriculture": ("Ministerio de Agricultura y Alimentación de la República de Belarús", "", MINISTRY, "BY"),
    "by_transport": ("Ministerio de Transporte y Comunicaciones de la República de Belarús", "", MINISTRY, "BY"),
    "by_construction": ("Ministerio de Arquitectura y Construcción de la República de Belarús", "", MINISTRY, "BY"),
    "belneftekhim": ("Consorcio Estatal Belneftekhim", "Belneftekhim", ENTERPRISE, "BY"),
    # The report speaks of cooperation "with Chongqing" and names no Chinese ministry, company or official.
    "chongqing": ("Gobierno Municipal de Chongqing", "", AGENCY, "CN"),
}

# key: (full name, position, institution, email, language, superior). Superiors come before their staff.
PEOPLE = {
    "biomorgi": (
        "José Biomorgi",
        "Ministro del Poder Popular para Industrias y Producción Nacional",
        "mppipn", "despacho@industrias.gob.example", "es", None,
    ),
    "pacheco": (
        "Carmen Elena Pacheco", "Viceministra de Planificación Industrial",
        "mppipn", "cpacheco@industrias.gob.example", "es", "biomorgi",
    ),
    "rondon": (
        "Luis Alberto Rondón", "Director General de Proyectos Industriales",
        "mppipn", "lrondon@industrias.gob.example", "es", "pacheco",
    ),
    "contreras": (
        "Yusmary Contreras", "Gerente de Planta", "veneminsk", "ycontreras@veneminsk.example", "es", "rondon",
    ),
    "villarroel": (
        "Héctor Villarroel", "Gerente General", "mazven", "hvillarroel@mazven.example", "es", "rondon",
    ),
    "mejias": (
        "Rosa Angélica Mejías", "Gerente de Servicios Técnicos",
        "pedro_camejo", "rmejias@pedrocamejo.example", "es", None,
    ),
    "quintero": (
        "Alberto Quintero", "Viceministro de Ciencia y Tecnología",
        "mincyt", "despacho.viceministro@mincyt.gob.example", "es", None,
    ),
    "ochoa": (
        "Daniela Ochoa", "Directora de Cooperación Internacional",
        "mincyt", "dochoa@mincyt.gob.example", "es", "quintero",
    ),
    "ortega": (
        "Jesús Manuel Ortega", "Coordinador de Tecnologías de la Información",
        "mincyt", "jortega@mincyt.gob.example", "es", "ochoa",
    ),
    "salas": (
        "Ramón Eduardo Salas", "Director de Mecanización Agrícola",
        "mppat", "rsalas@agricultura.gob.example", "es", None,
    ),
    "montilla": (
        "Gabriela Montilla", "Directora de Transporte de Carga",
        "mppt", "gmontilla@transporte.gob.example", "es", None,
    ),
    "bastidas": (
        "Julio César Bastidas", "Director de Proyectos Habitacionales",
        "minhvi", "jbastidas@vivienda.gob.example", "es", None,
    ),
    "urdaneta": (
        "Mariela Urdaneta", "Gerente de Fertilizantes", "pequiven", "murdaneta@pequiven.example", "es", None,
    ),
    "figueroa": (
        "Omar Figueroa", "Director de Abastecimiento", "minppal", "ofigueroa@alimentacion.gob.example", "es", None,
    ),
    "briceno": (
        "Andrés Eloy Briceño", "Director de Cooperación Energética",
        "mppp", "abriceno@petroleo.gob.example", "es", None,
    ),
    "lugo": (
        "Verónica Lugo", "Gerente de Infraestructura de Red", "cantv", "vlugo@cantv.example", "es", None,
    ),
    "aguilera": (
        "Patricia Aguilera", "Directora de Investigación en Salud",
        "mpps", "paguilera@salud.gob.example", "es", None,
    ),
    "marquez": (
        "Isabel Cristina Márquez", "Secretaria Ejecutiva de las Comisiones Mixtas",
        "mppre", "imarquez@cancilleria.gob.example", "es", None,
    ),
    "karpovich": (
        "Aliaksandr Karpovich", "Head of International Cooperation",
        "by_industry", "a.karpovich@minprom.by.example", "en", None,
    ),
    "savitski": (
        "Dzmitry Savitski", "Deputy Director for Exports", "mtz", "d.savitski@mtz.by.example", "en", "karpovich",
    ),
    "kavalenka": (
        "Volha Kavalenka", "Export Manager, Latin America", "maz", "v.kavalenka@maz.by.example", "en", "karpovich",
    ),
    "melnikau": (
        "Siarhei Melnikau", "Head of the Latin America Section", "gknt", "s.melnikau@gknt.by.example", "en", None,
    ),
    "bahdanava": (
        "Iryna Bahdanava", "Chief Specialist, Agricultural Machinery",
        "by_agriculture", "i.bahdanava@mshp.by.example", "en", None,
    ),
    "tsimashenka": (
        "Andrei Tsimashenka", "Project Director, Prefabricated Housing",
        "by_construction", "a.tsimashenka@mas.by.example", "en", None,
    ),
    "zhuk": (
        "Pavel Zhuk", "Director of Foreign Projects", "belneftekhim", "p.zhuk@belneftekhim.by.example", "en", None,
    ),
}  # fmt: skip


def load_reference():
    """Returns (countries, sectors, institutions, people), each a dict by key."""
    countries = {code: upsert(Country, {"code": code}, {"name": name}) for code, name in COUNTRIES.items()}
    sectors = {name: upsert(Sector, {"name": name}, {"code": code}) for name, code in SECTORS}
    institutions = {
        key: upsert(
            Institution,
            {"name": name, "country": countries[country]},
            {"acronym": acronym, "kind": kind},
        )
        for key, (name, acronym, kind, country) in INSTITUTIONS.items()
    }
    people = {}
    for key, (full_name, position, institution, email, language, superior) in PEOPLE.items():
        people[key] = upsert(
            Person,
            {"full_name": full_name},
            {
                "position": position,
                "institution": institutions[institution],
                "email": email,
                "language": language,
                "superior": people[superior] if superior else None,
                "is_active": True,
            },
        )
    return countries, sectors, institutions, people
