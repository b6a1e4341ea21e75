"""Frequency tables of the synthetic Peruvian world: names, places, plans, device prefixes.

Names are common Peruvian given names and surnames, listed most frequent first; the generator
weights them with a Zipf-like law over the rank, so a few names dominate as in real registries.
No table row is a person: people are random combinations drawn from these tables.
"""

from __future__ import annotations

from typing import Final

import numpy as np

MALE_NAMES: Final[tuple[str, ...]] = (
    "JUAN", "JOSE", "LUIS", "CARLOS", "JORGE", "MIGUEL", "CESAR", "VICTOR", "JESUS", "PEDRO",
    "MANUEL", "ANGEL", "JULIO", "FRANCISCO", "ALEJANDRO", "DANIEL", "DAVID", "EDWIN", "WILLIAM",
    "ROBERTO", "RAUL", "OSCAR", "FERNANDO", "RICARDO", "ALBERTO", "ANTONIO", "MARIO", "ENRIQUE",
    "HECTOR", "JAVIER", "WILBER", "ROGER", "ELMER", "FREDY", "EDGAR", "HUGO", "SEGUNDO", "ALFREDO",
    "EDUARDO", "GUSTAVO", "RUBEN", "MARCO", "HENRY", "RONALD", "WALTER", "NESTOR", "PERCY",
    "SANTIAGO", "SEBASTIAN", "MATEO", "DIEGO", "ANDRES", "GABRIEL", "RODRIGO", "ADRIAN",
    "SERGIO", "RAFAEL", "ARMANDO", "TEODORO", "FELIX", "JHON", "KEVIN", "BRYAN", "JEAN",
    "ALEXANDER", "CRISTIAN", "RENZO", "GONZALO", "ABEL", "ISAAC", "NICOLAS", "EMILIO", "BENJAMIN",
    "IGNACIO", "TOMAS",
)  # fmt: skip

FEMALE_NAMES: Final[tuple[str, ...]] = (
    "MARIA", "ROSA", "ANA", "CARMEN", "JUANA", "ELIZABETH", "LUZ", "ROSARIO", "GLADYS", "MARTHA",
    "PATRICIA", "NANCY", "SONIA", "ROXANA", "LUCIA", "YOLANDA", "TERESA", "JULIA", "GLORIA",
    "ELENA", "MARGARITA", "BEATRIZ", "CARLA", "ANDREA", "VERONICA", "SANDRA", "MONICA", "CLAUDIA",
    "KAREN", "JESSICA", "KATHERINE", "DIANA", "PAOLA", "VANESSA", "MILAGROS", "SILVIA", "ISABEL",
    "VICTORIA", "FLOR", "MERY", "NELLY", "LIDIA", "DORIS", "BERTHA", "MARLENE", "ELSA", "ALICIA",
    "CAROLINA", "ESTHER", "SOFIA", "VALENTINA", "CAMILA", "XIMENA", "FERNANDA", "GABRIELA",
    "DANIELA", "NICOLE", "ALEJANDRA", "LORENA", "LILIANA", "NATALY", "ROCIO", "EVELYN", "RUTH",
    "MIRIAM", "LEYDI", "JUDITH", "JENNY", "MAGALY", "SUSANA", "FIORELLA", "ALESSANDRA", "LUANA",
    "ADRIANA", "AURORA",
)  # fmt: skip

SURNAMES: Final[tuple[str, ...]] = (
    "QUISPE", "FLORES", "SANCHEZ", "RODRIGUEZ", "GARCIA", "MAMANI", "HUAMAN", "ROJAS", "DIAZ",
    "CHAVEZ", "TORRES", "VASQUEZ", "RAMIREZ", "MENDOZA", "CASTILLO", "ESPINOZA", "LOPEZ",
    "GONZALES", "PEREZ", "RAMOS", "GUTIERREZ", "CRUZ", "HERNANDEZ", "VARGAS", "GOMEZ",
    "CONDORI", "FERNANDEZ", "RUIZ", "MORALES", "MARTINEZ", "ALVAREZ", "JIMENEZ", "CORDOVA",
    "SALAZAR", "CASTRO", "ROMERO", "TICONA", "HUAMANI", "ORTIZ", "SILVA", "MEDINA", "AGUILAR",
    "VILCA", "HUANCA", "LEON", "VALDIVIA", "PAREDES", "VEGA", "NUÑEZ", "CARDENAS", "PALOMINO",
    "CAMPOS", "LAZO", "REYES", "MORENO", "CHOQUE", "APAZA", "CALLE", "HUARCAYA", "INGA",
    "DE LA TORRE", "DE LA CRUZ", "SOTO", "SALAS", "CABRERA", "ZAPATA", "NAVARRO", "LUNA",
    "ACOSTA", "MEZA", "HUERTA", "PACHECO", "VALENCIA", "POMA", "CCAHUANA", "CUSI", "TITO",
    "CHOQUEHUANCA", "ARIAS", "BRAVO", "CARRASCO", "DELGADO", "FIGUEROA", "GUERRERO", "HERRERA",
    "IBARRA", "LEIVA", "MALDONADO", "MIRANDA", "MUÑOZ", "NIETO", "OCHOA", "ORTEGA", "PAZ",
    "PEÑA", "QUINTANA", "RIOS", "RIVERA", "ROSALES", "SAAVEDRA", "SEGURA", "SOSA", "SUAREZ",
    "TAPIA", "URBINA", "VALERA", "VELASQUEZ", "VERA", "VILLANUEVA", "YUPANQUI", "ZEVALLOS",
    "ALARCON", "ALVARADO", "ARANDA", "BENITES", "BERROCAL", "CAHUANA", "CALDERON", "CANO",
    "CARBAJAL", "CASAS", "CHUQUIMIA", "CONDE", "CUEVA", "ESPINOZA DE LOS MONTEROS", "ESTRADA",
    "FARFAN", "GALLEGOS", "GAMARRA", "GUEVARA", "HUAYTA", "JARA", "LLANOS", "LOZANO", "MACEDO",
    "MANRIQUE", "MARQUEZ", "MEJIA", "MONTES", "MONTOYA", "NOLASCO", "OBREGON", "OLIVERA",
    "PALACIOS", "PINEDO", "PONCE", "PORTOCARRERO", "QUIROZ", "RIVAS", "ROBLES", "SALINAS",
    "SANTOS", "SIERRA", "SOLIS", "TELLO", "TRUJILLO", "UGARTE", "URIBE", "VALDEZ", "VALLEJOS",
    "VILLEGAS", "YAURI", "ZUÑIGA", "ACUÑA", "AYALA", "BARRIENTOS", "BUSTAMANTE", "CACERES",
    "CHIRINOS", "CUADROS", "DAVILA", "ESCOBAR", "FUENTES", "GALINDO", "HUAYHUA", "LAURA",
    "LINARES", "LLACSA", "MAYTA", "NINA", "OTINIANO", "PAUCAR", "PUMA", "QUILLA", "SULLCA",
    "TAIPE", "USCAMAYTA", "VILLAFUERTE", "YAÑEZ", "ZAMORA", "ÑAUPARI", "D'ANGELO", "O'PHELAN",
    "D'ONOFRIO",
)  # fmt: skip

#: Surnames whose spelling with acute accents occurs in some systems (SÁNCHEZ vs SANCHEZ).
ACCENTED: Final[dict[str, str]] = {
    "SANCHEZ": "SÁNCHEZ", "RODRIGUEZ": "RODRÍGUEZ", "GARCIA": "GARCÍA", "HUAMAN": "HUAMÁN",
    "DIAZ": "DÍAZ", "CHAVEZ": "CHÁVEZ", "VASQUEZ": "VÁSQUEZ", "RAMIREZ": "RAMÍREZ",
    "LOPEZ": "LÓPEZ", "PEREZ": "PÉREZ", "GUTIERREZ": "GUTIÉRREZ", "HERNANDEZ": "HERNÁNDEZ",
    "GOMEZ": "GÓMEZ", "FERNANDEZ": "FERNÁNDEZ", "MARTINEZ": "MARTÍNEZ", "ALVAREZ": "ÁLVAREZ",
    "JIMENEZ": "JIMÉNEZ", "CORDOVA": "CÓRDOVA", "LEON": "LEÓN", "CARDENAS": "CÁRDENAS",
    "RIOS": "RÍOS", "SUAREZ": "SUÁREZ", "VELASQUEZ": "VELÁSQUEZ", "ALARCON": "ALARCÓN",
    "CALDERON": "CALDERÓN", "MARQUEZ": "MÁRQUEZ", "MEJIA": "MEJÍA", "OBREGON": "OBREGÓN",
    "SOLIS": "SOLÍS", "DAVILA": "DÁVILA", "FARFAN": "FARFÁN", "CACERES": "CÁCERES",
    "JOSE": "JOSÉ", "JESUS": "JESÚS", "CESAR": "CÉSAR", "VICTOR": "VÍCTOR", "ANGEL": "ÁNGEL",
    "RAUL": "RAÚL", "OSCAR": "ÓSCAR", "HECTOR": "HÉCTOR", "RUBEN": "RUBÉN", "NESTOR": "NÉSTOR",
    "SEBASTIAN": "SEBASTIÁN", "ANDRES": "ANDRÉS", "FELIX": "FÉLIX", "ADRIAN": "ADRIÁN",
    "TOMAS": "TOMÁS", "NICOLAS": "NICOLÁS", "BENJAMIN": "BENJAMÍN", "LUCIA": "LUCÍA",
    "SOFIA": "SOFÍA", "ROCIO": "ROCÍO",
}  # fmt: skip

STREET_TYPES: Final[tuple[str, ...]] = ("AV.", "JR.", "CALLE", "PSJE.")
STREET_TYPE_WEIGHTS: Final[tuple[float, ...]] = (0.38, 0.30, 0.24, 0.08)

STREETS: Final[tuple[str, ...]] = (
    "LOS OLIVOS", "JAVIER PRADO", "AREQUIPA", "LARCO", "GRAU", "BOLOGNESI", "SAN MARTIN",
    "LAS FLORES", "LOS PINOS", "TUPAC AMARU", "ANGAMOS", "BENAVIDES", "PETIT THOUARS",
    "BRASIL", "AREQUIPA NORTE", "LA MARINA", "UNIVERSITARIA", "NARANJAL", "PROCERES",
    "CESAR VALLEJO", "JOSE OLAYA", "MIGUEL GRAU", "ALFONSO UGARTE", "LOS INCAS", "HUASCAR",
    "ATAHUALPA", "MANCO CAPAC", "PACHACUTEC", "LOS ALAMOS", "LAS GARDENIAS", "LOS CEDROS",
    "EL SOL", "LA PAZ", "UNION", "COMERCIO", "JUNIN", "CUSCO", "PUNO", "AYACUCHO", "HUANUCO",
    "LAMBAYEQUE", "TACNA", "MOQUEGUA", "LORETO", "ICA", "LOS FRESNOS", "LAS CASUARINAS",
    "SANTA ROSA", "SAN JUAN", "SAN PEDRO", "28 DE JULIO", "2 DE MAYO", "9 DE DICIEMBRE",
    "INDEPENDENCIA", "REPUBLICA", "EL EJERCITO", "LA CULTURA", "PERU", "AMERICA", "PANAMERICANA",
)  # fmt: skip

#: (region, weight, districts). Lima-heavy as the real customer base.
REGIONS: Final[tuple[tuple[str, float, tuple[str, ...]], ...]] = (
    ("LIMA", 0.36, (
        "SAN JUAN DE LURIGANCHO", "SAN MARTIN DE PORRES", "ATE", "COMAS", "VILLA EL SALVADOR",
        "VILLA MARIA DEL TRIUNFO", "SAN JUAN DE MIRAFLORES", "LOS OLIVOS", "PUENTE PIEDRA",
        "SANTIAGO DE SURCO", "CHORRILLOS", "CARABAYLLO", "LIMA", "SANTA ANITA", "INDEPENDENCIA",
        "EL AGUSTINO", "LA VICTORIA", "MIRAFLORES", "SAN ISIDRO", "JESUS MARIA", "BREÑA",
        "RIMAC", "LA MOLINA", "SAN BORJA", "LINCE", "PUEBLO LIBRE", "SURQUILLO", "HUACHO",
    )),
    ("CALLAO", 0.035, ("CALLAO", "VENTANILLA", "BELLAVISTA", "LA PERLA")),
    ("PIURA", 0.06, ("PIURA", "CASTILLA", "SULLANA", "PAITA", "TALARA")),
    ("LA LIBERTAD", 0.06, ("TRUJILLO", "LA ESPERANZA", "EL PORVENIR", "VICTOR LARCO HERRERA")),
    ("AREQUIPA", 0.05, ("AREQUIPA", "CERRO COLORADO", "PAUCARPATA", "CAYMA", "YANAHUARA")),
    ("CAJAMARCA", 0.045, ("CAJAMARCA", "JAEN", "CHOTA")),
    ("JUNIN", 0.04, ("HUANCAYO", "EL TAMBO", "CHILCA", "TARMA")),
    ("CUSCO", 0.04, ("CUSCO", "WANCHAQ", "SANTIAGO", "SAN SEBASTIAN")),
    ("LAMBAYEQUE", 0.04, ("CHICLAYO", "JOSE LEONARDO ORTIZ", "LA VICTORIA", "LAMBAYEQUE")),
    ("PUNO", 0.038, ("PUNO", "JULIACA", "AZANGARO")),
    ("ANCASH", 0.035, ("HUARAZ", "CHIMBOTE", "NUEVO CHIMBOTE")),
    ("LORETO", 0.03, ("IQUITOS", "PUNCHANA", "BELEN", "SAN JUAN BAUTISTA")),
    ("ICA", 0.026, ("ICA", "CHINCHA ALTA", "PISCO", "NASCA")),
    ("SAN MARTIN", 0.026, ("TARAPOTO", "MOYOBAMBA", "MORALES")),
    ("HUANUCO", 0.023, ("HUANUCO", "AMARILIS", "PILLCO MARCA")),
    ("AYACUCHO", 0.02, ("AYACUCHO", "HUANTA", "SAN JUAN BAUTISTA")),
    ("UCAYALI", 0.017, ("CALLERIA", "YARINACOCHA", "MANANTAY")),
    ("APURIMAC", 0.013, ("ABANCAY", "ANDAHUAYLAS")),
    ("AMAZONAS", 0.013, ("CHACHAPOYAS", "BAGUA GRANDE")),
    ("TACNA", 0.012, ("TACNA", "GREGORIO ALBARRACIN", "CIUDAD NUEVA")),
    ("HUANCAVELICA", 0.011, ("HUANCAVELICA", "LIRCAY")),
    ("PASCO", 0.008, ("CHAUPIMARCA", "YANACANCHA", "OXAPAMPA")),
    ("TUMBES", 0.008, ("TUMBES", "ZARUMILLA", "CORRALES")),
    ("MOQUEGUA", 0.006, ("MOQUEGUA", "ILO")),
    ("MADRE DE DIOS", 0.005, ("TAMBOPATA", "INAMBARI")),
)  # fmt: skip

PLANS: Final[tuple[str, ...]] = (
    "PREPAGO", "PREPAGO PLUS", "POSTPAGO 29.90", "POSTPAGO 39.90", "POSTPAGO 55.90",
    "POSTPAGO ILIMITADO 69.90", "POSTPAGO ILIMITADO 99.90", "CONTROL 19.90", "EMPRESAS 45.00",
)  # fmt: skip
PLAN_WEIGHTS: Final[tuple[float, ...]] = (0.42, 0.12, 0.1, 0.09, 0.07, 0.07, 0.03, 0.07, 0.03)
PLAN_PRICES: Final[tuple[float, ...]] = (0.0, 0.0, 29.9, 39.9, 55.9, 69.9, 99.9, 19.9, 45.0)

EMAIL_DOMAINS: Final[tuple[str, ...]] = (
    "gmail.com", "hotmail.com", "outlook.com", "yahoo.com", "yahoo.es", "hotmail.es",
    "outlook.es", "gmail.pe", "yahoo.pe", "hotmail.pe",
)  # fmt: skip
EMAIL_DOMAIN_WEIGHTS: Final[tuple[float, ...]] = (
    0.5,
    0.2,
    0.08,
    0.06,
    0.05,
    0.04,
    0.03,
    0.01,
    0.01,
    0.02,
)

#: Synthetic 8-digit type allocation codes (device model prefixes) for IMEIs.
TAC_PREFIXES: Final[tuple[int, ...]] = (
    35332811, 35391110, 35847631, 86769504, 35290611, 35467509, 86012305, 35694210, 49015420,
    35875605, 86403702, 35209811, 35325907, 86893103, 35161010, 35999212,
)  # fmt: skip

#: First three digits of the operator's own mobile numbers and of the other operators'.
OWN_PREFIXES: Final[tuple[int, ...]] = (
    940, 941, 942, 943, 944, 945, 946, 947, 948, 949, 950, 951, 952, 953, 954, 955, 956,
    957, 958, 959, 970, 971, 972, 973, 974, 975, 976, 977, 978, 979, 980, 981, 982, 983,
)  # fmt: skip
OTHER_PREFIXES: Final[tuple[int, ...]] = (
    910, 911, 912, 913, 914, 915, 916, 917, 918, 919, 920, 921, 922, 923, 924, 925, 926,
    927, 928, 929, 930, 931, 932, 933, 934, 960, 961, 962, 963, 964, 990, 991, 992, 993,
)  # fmt: skip


def zipf_weights(n: int, s: float = 1.0, offset: float = 2.0) -> np.ndarray:
    """Normalized Zipf-Mandelbrot weights ``1 / (rank + offset) ** s`` for ranks ``0..n-1``."""
    w = 1.0 / (np.arange(n, dtype=np.float64) + offset) ** s
    return np.asarray(w / w.sum(), dtype=np.float64)


def accented(names: tuple[str, ...]) -> tuple[str, ...]:
    """The same table with the accented spelling where one exists."""
    return tuple(ACCENTED.get(name, name) for name in names)
