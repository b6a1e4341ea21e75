"""The synthetic population of Peru: persons with names, DNI, birth date, email and address.

Every attribute is an index into a table of ``_names`` or a number, drawn in one vectorized step
per attribute; strings are only built when a file needs them (see ``names`` and ``address``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from leaktriage.synth import _fmt
from leaktriage.synth import _names as T

#: Reference date of the world: ages and lifecycles are computed as of this day.
AS_OF = "2025-06-30"

GIVEN: tuple[str, ...] = T.FEMALE_NAMES + T.MALE_NAMES
N_FEMALE = len(T.FEMALE_NAMES)
DISTRICTS: tuple[str, ...] = tuple(d for _, _, ds in T.REGIONS for d in ds)
DISTRICT_REGION = np.array([i for i, (_, _, ds) in enumerate(T.REGIONS) for _ in ds], np.int64)
REGION_NAMES: tuple[str, ...] = tuple(r for r, _, _ in T.REGIONS)


@dataclass
class Population:
    """Persons as parallel arrays; index ``i`` is person ``i`` (``person_id``)."""

    sex: np.ndarray  #: 0 female, 1 male
    given1: np.ndarray  #: index into GIVEN
    given2: np.ndarray  #: index into GIVEN, -1 when the person has one given name
    paterno: np.ndarray  #: index into SURNAMES
    materno: np.ndarray
    accent: np.ndarray  #: the CRM spells this person's names with accents
    birth: np.ndarray  #: day number
    dni: np.ndarray  #: int64, distinct, 8 digits when zero-padded
    email: pa.Array
    street_type: np.ndarray
    street: np.ndarray
    house_no: np.ndarray
    apt: np.ndarray  #: 0 when none
    district: np.ndarray  #: index into DISTRICTS
    other_phone: np.ndarray  #: other operator's mobile number, 0 when none

    @property
    def size(self) -> int:
        return len(self.sex)

    @property
    def region(self) -> np.ndarray:
        return np.asarray(DISTRICT_REGION[self.district])

    def given_names(self, idx: np.ndarray, accents: np.ndarray | None = None) -> pa.Array:
        """Given names ("JUAN CARLOS") of persons ``idx``, accented where ``accents``."""
        return name_strings(
            [self.given1[idx], self.given2[idx]], GIVEN, _mask(accents, len(idx)), " "
        )

    def surname(self, which: str, idx: np.ndarray, accents: np.ndarray | None = None) -> pa.Array:
        col = self.paterno if which == "paterno" else self.materno
        return name_strings([col[idx]], T.SURNAMES, _mask(accents, len(idx)), " ")

    def surnames(self, idx: np.ndarray, accents: np.ndarray | None = None) -> pa.Array:
        return name_strings(
            [self.paterno[idx], self.materno[idx]], T.SURNAMES, _mask(accents, len(idx)), " "
        )

    def address(self, idx: np.ndarray) -> pa.Array:
        """ "AV. JAVIER PRADO 1234 DPTO 301" style addresses."""
        apt = self.apt[idx]
        dpto = _fmt.with_nulls(_fmt.join(["DPTO", _fmt.to_str(apt)], " "), apt == 0)
        return _fmt.join(
            [
                _fmt.table_take(T.STREET_TYPES, self.street_type[idx]),
                _fmt.table_take(T.STREETS, self.street[idx]),
                _fmt.to_str(self.house_no[idx]),
                dpto,
            ],
            " ",
        )

    def district_name(self, idx: np.ndarray) -> pa.Array:
        return _fmt.table_take(DISTRICTS, self.district[idx])

    def region_name(self, idx: np.ndarray) -> pa.Array:
        return _fmt.table_take(REGION_NAMES, DISTRICT_REGION[self.district[idx]])

    def dni_str(self, idx: np.ndarray) -> pa.Array:
        return _fmt.number(self.dni[idx], 8)

    def address_key(self, idx: np.ndarray) -> np.ndarray:
        """One integer per address, equal exactly when the address strings are equal."""
        return np.asarray(
            ((self.street_type[idx] * 100 + self.street[idx]) * 10_000 + self.house_no[idx])
            * 10_000
            + self.apt[idx],
            dtype=np.int64,
        )


def _mask(accents: np.ndarray | None, n: int) -> np.ndarray:
    return np.zeros(n, dtype=bool) if accents is None else accents


def name_strings(
    cols: list[np.ndarray], table: tuple[str, ...], accents: np.ndarray, sep: str = " "
) -> pa.Array:
    """Names from table indexes (-1 skipped), joined by ``sep``, accented where ``accents``."""
    tables = (table, T.accented(table))

    def build(which: int) -> Callable[[np.ndarray], pa.Array]:
        return lambda i: _fmt.join([_fmt.table_take(tables[which], c[i]) for c in cols], sep)

    return _fmt.assemble(accents.astype(np.int64), [build(0), build(1)])


def _email_token(name: str) -> str:
    folded = name.lower().replace("ñ", "n").replace("'", "").replace(" ", "")
    return folded


def _emails(rng: np.random.Generator, pop: Population) -> pa.Array:
    """Distinct emails built from names, digits and common domains."""
    n = pop.size
    given_tok = tuple(_email_token(g) for g in GIVEN)
    sur_tok = tuple(_email_token(s) for s in T.SURNAMES)
    g1, p1, m1 = pop.given1, pop.paterno, pop.materno
    initials = tuple(t[0] for t in given_tok)
    year = _fmt.ymd(pop.birth)[0] % 100
    num = rng.integers(1, 1000, n)

    def gv(i: np.ndarray) -> pa.Array:
        return _fmt.table_take(given_tok, g1[i])

    def sv(i: np.ndarray) -> pa.Array:
        return _fmt.table_take(sur_tok, p1[i])

    variants: list[Callable[[np.ndarray], pa.Array]] = [
        lambda i: _fmt.join([gv(i), ".", sv(i), _fmt.to_str(num[i])]),
        lambda i: _fmt.join(
            [_fmt.table_take(initials, g1[i]), sv(i), _fmt.table_take(sur_tok, m1[i])]
        ),
        lambda i: _fmt.join([gv(i), "_", sv(i), _fmt.number(year[i], 2)]),
        lambda i: _fmt.join([sv(i), ".", gv(i), _fmt.to_str(num[i])]),
        lambda i: _fmt.join([gv(i), sv(i), _fmt.number(year[i], 2)]),
        lambda i: _fmt.join([_fmt.table_take(initials, g1[i]), sv(i), _fmt.to_str(num[i])]),
    ]
    choice = rng.choice(len(variants), size=n, p=[0.3, 0.15, 0.15, 0.1, 0.15, 0.15])
    local = _fmt.assemble(choice, variants)
    weights = np.asarray(T.EMAIL_DOMAIN_WEIGHTS) / np.sum(T.EMAIL_DOMAIN_WEIGHTS)
    domain = _fmt.table_take(T.EMAIL_DOMAINS, rng.choice(len(T.EMAIL_DOMAINS), n, p=weights))
    email = _fmt.join([local, "@", domain])
    # Make distinct in one pass: a later duplicate gets ".<unique number>", a form no base
    # variant produces (their last dot is never followed by digits only).
    dup = _duplicates(email)
    if dup.any():
        mask = pa.array(dup)
        tag = _fmt.to_str(rng.permutation(n)[dup] + 11)
        new = _fmt.join([local.filter(mask), ".", tag, "@", domain.filter(mask)])
        email = pc.replace_with_mask(email, mask, new)
    return email


def _duplicates(values: pa.Array) -> np.ndarray:
    """True at every occurrence of a value after its first."""
    codes = pc.dictionary_encode(values).indices.to_numpy()
    _, first = np.unique(codes, return_index=True)
    dup = np.ones(len(codes), dtype=bool)
    dup[first] = False
    return dup


def generate_population(rng: np.random.Generator, n: int) -> Population:
    """``n`` persons aged 18 to 90 on ``AS_OF``."""
    as_of = _fmt.days(AS_OF)
    sex = (rng.random(n) < 0.49).astype(np.int8)
    wf = T.zipf_weights(N_FEMALE, 1.05, 1.5)
    wm = T.zipf_weights(len(GIVEN) - N_FEMALE, 1.05, 1.5)
    f1 = rng.choice(N_FEMALE, n, p=wf)
    m1 = rng.choice(len(GIVEN) - N_FEMALE, n, p=wm) + N_FEMALE
    f2 = rng.choice(N_FEMALE, n, p=wf)
    m2 = rng.choice(len(GIVEN) - N_FEMALE, n, p=wm) + N_FEMALE
    given1 = np.where(sex == 1, m1, f1)
    given2 = np.where(sex == 1, m2, f2)
    given2 = np.where((rng.random(n) < 0.55) & (given2 != given1), given2, -1)
    ws = T.zipf_weights(len(T.SURNAMES), 0.95, 3.0)
    ws[-3:] = 0.002  # names with apostrophes: rare but present in every sample of a few hundred
    ws = ws / ws.sum()
    paterno = rng.choice(len(T.SURNAMES), n, p=ws)
    materno = rng.choice(len(T.SURNAMES), n, p=ws)
    age_days = ((18 + 72 * rng.beta(1.4, 2.3, n)) * 365.25).astype(np.int64)
    birth = (as_of - age_days).astype(np.int32)
    # DNI numbers were issued in sequence: rank persons by birth plus noise of ~3 years.
    score = birth + rng.normal(0, 3 * 365.25, n)
    order = np.argsort(score, kind="stable")
    dni = np.empty(n, dtype=np.int64)
    dni[order] = _fmt.sorted_unique(rng, n, 1_000_000, 79_999_999)
    region_w = np.array([w for _, w, _ in T.REGIONS])
    region = rng.choice(len(T.REGIONS), n, p=region_w / region_w.sum())
    counts = np.array([len(ds) for _, _, ds in T.REGIONS])
    offsets = np.concatenate([[0], np.cumsum(counts)[:-1]])
    local = np.floor(rng.power(0.6, n) * counts[region]).astype(np.int64)
    district = offsets[region] + np.minimum(local, counts[region] - 1)
    has_apt = rng.random(n) < 0.25
    apt = np.where(has_apt, rng.integers(1, 16, n) * 100 + rng.integers(1, 9, n), 0)
    stw = np.asarray(T.STREET_TYPE_WEIGHTS)
    pop = Population(
        sex=sex,
        given1=given1.astype(np.int64),
        given2=given2.astype(np.int64),
        paterno=paterno.astype(np.int64),
        materno=materno.astype(np.int64),
        accent=rng.random(n) < 0.4,
        birth=birth,
        dni=dni,
        email=pa.array([], pa.string()),
        street_type=rng.choice(len(T.STREET_TYPES), n, p=stw / stw.sum()),
        street=rng.choice(len(T.STREETS), n, p=T.zipf_weights(len(T.STREETS), 0.7, 5.0)),
        house_no=np.minimum(rng.lognormal(5.5, 1.0, n).astype(np.int64) + 1, 9999),
        apt=apt.astype(np.int64),
        district=district.astype(np.int64),
        other_phone=np.zeros(n, dtype=np.int64),
    )
    pop.email = _emails(rng, pop)
    return pop


def mobile_numbers(rng: np.random.Generator, n: int, prefixes: tuple[int, ...]) -> np.ndarray:
    """``n`` distinct 9-digit mobile numbers within the given 3-digit prefixes, shuffled."""
    k = rng.permutation(_fmt.sorted_unique(rng, n, 0, len(prefixes) * 1_000_000))
    pre = np.asarray(prefixes, dtype=np.int64)
    return np.asarray(pre[k // 1_000_000] * 1_000_000 + k % 1_000_000, dtype=np.int64)
