"""Built-in word lists the value detectors match against.

All lists are short, public-knowledge lists (the most frequent given names and surnames of the
Hispanic and Lusophone world, Korean family names, Peru's regions, large cities, common status
and plan words, mobile country codes). Entries are lowercase and accent-free, the form
:func:`fold` produces.
"""

from __future__ import annotations

import unicodedata
from typing import Final

__all__ = [
    "CITIES",
    "GIVEN_NAMES",
    "KOREAN_SURNAMES",
    "MCCS",
    "PLAN_WORDS",
    "REGIONS",
    "STATUS_WORDS",
    "STREET_LEADS",
    "STREET_WORDS",
    "SURNAMES",
    "fold",
]


def fold(text: str) -> str:
    """Lowercase ``text`` and strip Latin accents, leaving Hangul syllables intact.

    NFKD splits Hangul syllables into jamo, which are letters (not combining marks), so the
    final NFC puts them back together.
    """
    decomposed = unicodedata.normalize("NFKD", text.lower())
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return unicodedata.normalize("NFC", stripped)


def _words(text: str) -> frozenset[str]:
    return frozenset(fold(word) for word in text.split())


GIVEN_NAMES: Final[frozenset[str]] = _words(
    """
    maria jose juan carlos luis jorge miguel pedro manuel antonio francisco javier jesus david
    daniel alejandro fernando ricardo roberto eduardo raul sergio victor oscar julio cesar mario
    pablo andres diego rafael alberto enrique hector hugo ivan marco marcos martin nicolas
    rodrigo santiago sebastian gabriel mateo lucas samuel emilio felipe gustavo guillermo ramon
    alfredo arturo walter wilmer wilson edwin elmer percy segundo teodoro
    ana rosa carmen luz julia elena isabel patricia lucia sofia valentina camila daniela andrea
    gabriela carolina claudia diana fernanda veronica monica silvia sandra paola natalia
    mariana alejandra adriana beatriz cristina gloria juana margarita marta martha teresa
    victoria ximena yolanda milagros flor nancy liliana susana elizabeth katherine lourdes
    joao pedro paulo thiago rafael bruno felipe gustavo leonardo matheus gabriel luiz antonio
    francisca antonia adriana juliana fernanda amanda bruna leticia larissa vanessa jessica
    aline camila rita raimundo sebastiao geraldo severino
    """
)

SURNAMES: Final[frozenset[str]] = _words(
    """
    garcia rodriguez gonzalez fernandez lopez martinez sanchez perez gomez martin jimenez ruiz
    hernandez diaz moreno alvarez munoz romero alonso gutierrez navarro torres dominguez vazquez
    ramos gil ramirez serrano blanco suarez molina morales ortega delgado castro ortiz rubio
    marin sanz nunez iglesias medina garrido cortes castillo santos lozano guerrero cano prieto
    mendez cruz flores herrera vargas reyes rojas chavez mendoza quispe mamani huaman condori
    ccori choque apaza ticona huanca cahuana yupanqui vilca nina paucar espinoza salazar
    aguilar silva cardenas rivera campos vega paredes rios zapata cabrera velasquez guzman
    fuentes valdivia carrasco palacios huamani cueva sosa soto contreras pena figueroa acosta
    benitez luna cabello villanueva leon palomino mejia miranda arias bravo calderon
    oliveira souza sousa rodrigues ferreira alves pereira lima gomes costa ribeiro carvalho
    almeida lopes fernandes vieira barbosa rocha dias nascimento araujo cavalcanti moura
    """
)

#: The most frequent Korean family names, as single syllables.
KOREAN_SURNAMES: Final[frozenset[str]] = frozenset(
    "김 이 박 최 정 강 조 윤 장 임 한 오 서 신 권 황 안 송 류 전 홍".split()
    + "고 문 양 손 배 백 허 유 남 심 노".split()
)

#: Peru's 24 departments, the constitutional province of Callao and Lima's own region names.
REGIONS: Final[frozenset[str]] = frozenset(
    fold(name)
    for name in (
        "Amazonas",
        "Áncash",
        "Apurímac",
        "Arequipa",
        "Ayacucho",
        "Cajamarca",
        "Callao",
        "Cusco",
        "Cuzco",
        "Huancavelica",
        "Huánuco",
        "Ica",
        "Junín",
        "La Libertad",
        "Lambayeque",
        "Lima",
        "Lima Metropolitana",
        "Lima Provincias",
        "Loreto",
        "Madre de Dios",
        "Moquegua",
        "Pasco",
        "Piura",
        "Puno",
        "San Martín",
        "Tacna",
        "Tumbes",
        "Ucayali",
        "Provincia Constitucional del Callao",
    )
)

#: Large cities of Peru (with Lima's best-known districts), Spain, Brazil, Chile, Mexico, Korea.
CITIES: Final[frozenset[str]] = frozenset(
    fold(name)
    for name in (
        "Lima Arequipa Trujillo Chiclayo Piura Iquitos Cusco Huancayo Tacna Chimbote Pucallpa "
        "Juliaca Ica Sullana Ayacucho Cajamarca Puno Tumbes Tarapoto Huaraz Huanuco Moquegua "
        "Miraflores Surco Barranco Callao Chorrillos Comas Independencia Ate Lince Brena Rimac "
        "Madrid Barcelona Valencia Sevilla Zaragoza Malaga Murcia Bilbao Alicante Cordoba "
        "Valladolid Vigo Gijon Granada Salvador Fortaleza Recife Manaus Curitiba Belem Goiania "
        "Santiago Valparaiso Concepcion Antofagasta Temuco Rancagua Iquique Guadalajara "
        "Monterrey Puebla Tijuana Leon Juarez Merida Cancun Queretaro Seoul Busan Incheon Daegu "
        "Daejeon Gwangju Ulsan Suwon 서울 부산 인천 대구 대전 광주 울산 수원"
    ).split()
) | frozenset(
    fold(name)
    for name in (
        "San Isidro",
        "San Borja",
        "San Miguel",
        "La Molina",
        "Los Olivos",
        "San Juan de Lurigancho",
        "San Martin de Porres",
        "Villa El Salvador",
        "Jesus Maria",
        "Santiago de Surco",
        "Sao Paulo",
        "Rio de Janeiro",
        "Belo Horizonte",
        "Porto Alegre",
        "Las Palmas",
        "Palma de Mallorca",
        "Ciudad de Mexico",
        "Vina del Mar",
        "Puerto Montt",
    )
)

STATUS_WORDS: Final[frozenset[str]] = _words(
    """
    activo activa inactivo inactiva suspendido suspendida baja alta cancelado cancelada
    bloqueado bloqueada moroso pendiente vigente cortado retirado portado portada
    active inactive suspended cancelled canceled blocked terminated pending churned ported
    closed open enabled disabled deleted ativo ativa inativo inativa suspenso cancelado bloqueado
    정상 해지 정지 일시정지 사용중 휴면
    """
)

PLAN_WORDS: Final[frozenset[str]] = _words(
    """
    plan planes prepago postpago prepaid postpaid control ilimitado ilimitada unlimited max
    libre tarifa bono combo familiar empresarial basico basic premium gb mb mbps pack smart
    pre pos pospago controle prepagado 요금제 무제한 5g lte
    """
)

#: Street-type words of Spanish, Portuguese and English addresses, as folded tokens.
STREET_WORDS: Final[frozenset[str]] = _words(
    """
    av av. avenida jr jr. jiron calle cl ca psje psj pasaje mz mza manzana lt lote urb
    urbanizacion aa.hh ahh asentamiento prolongacion prol carretera km dpto dpt depto piso int
    rua r avenue ave street st road rd lane blvd boulevard apt travessa alameda praca estrada
    numero nro no n° bairro colonia col
    """
)

#: Street-type words that open an address even when it carries no number ("CALLE LAS FLORES").
STREET_LEADS: Final[frozenset[str]] = _words(
    """
    av avenida jr jiron calle psje pasaje prolongacion prol urb urbanizacion carretera rua
    avenue street travessa alameda estrada
    """
)

#: Mobile country codes an IMSI may start with (the Americas, Europe, East Asia).
MCCS: Final[frozenset[str]] = frozenset(
    """
    716 214 450 724 730 334 310 311 312 313 314 315 316 302 722 732 734 736 740 744 746 748
    704 706 708 710 712 714 330 338 368 370 372 234 235 262 208 222 228 232 204 206 268 240
    242 238 244 260 230 231 216 226 202 250 255 440 441 460 466 454 455 525 505 530 404 405
    """.split()
)
