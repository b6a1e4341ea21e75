"""Hard cases of operator-specific evidence and of many corpora (issue 12, items 3 and 4).

``other_operator``: another operator's customer list (their customer codes, their plan names,
their mobile numbers) of whom a third are also our customers (same DNI, name, birth date and
e-mail: in Peru many people hold lines with two operators). Nothing in it is a line of ours:
its truth has no genuine record, and the people it shares with us are exposed in their identity
only (``fields_true`` marks their person fields, never the line).

``combolist_two_corpora``: a colon-separated list without header (``email:phone:dni:name``)
merged from the known corpus ``forum_2023``, a second known corpus ``shop_2024`` (written here:
an online shop's breach of 2024, our customers and other people) and invented people.

Drawn with a random generator of their own (:func:`write_hard_ops` is given it), so adding
these scenarios does not change any byte of the others.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from leaktriage.synth import _fmt, _writers
from leaktriage.synth import _names as T
from leaktriage.synth._population import AS_OF, mobile_numbers
from leaktriage.synth._records import Records, fabricate, from_customers, from_persons, render
from leaktriage.synth._scenarios import (
    CORPUS_DAY,
    FIELD_TYPES,
    Spec,
    World,
    _entry,
    _sample,
    _write_truth,
)

__all__ = ["OTHER_PLANS", "SECOND_CORPUS", "write_hard_ops"]

#: The second known corpus (an online shop's breach) and the day it was published.
SECOND_CORPUS = "shop_2024"
SECOND_CORPUS_DAY = "2024-04-20"
#: Plan names of the other operator: none is one of ours (``_names.PLANS``).
OTHER_PLANS: tuple[str, ...] = (
    "MAX PLAY 39.90", "MAX ILIMITADO 74.90", "PREPAGO TODO EN UNO", "CONTROL CHIP 25.00",
    "PACK EMPRESA 59.90", "MAX PLAY 59.90",
)  # fmt: skip
#: Share of the other operator's list who are also our customers.
SHARED_SHARE = 1 / 3


def write_hard_ops(w: World, forum: Records) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Write the second corpus and the two scenarios; return (corpus entries, scenarios)."""
    shop_entry, shop = _write_shop_corpus(w)
    scenarios = [_other_operator(w), _combolist(w, forum, shop)]
    return [shop_entry], scenarios


def _people(w: World, ours_from: np.ndarray, customers: int, others: int) -> Records:
    """Records of ``customers`` of ours (drawn from ``ours_from``) and ``others`` non-customers
    (with their other operator's phone), shuffled; fewer when the world has fewer."""
    outsiders = np.flatnonzero(w.pop.other_phone > 0)
    ours = from_customers(w.pop, w.cust, _sample(w, ours_from, customers))
    theirs = from_persons(w.pop, _sample(w, outsiders, others))
    merged = Records.concat([ours, theirs])
    return merged.take(w.rng.permutation(len(merged)))


def _write_shop_corpus(w: World) -> tuple[dict[str, Any], Records]:
    """``corpora/shop_2024.csv``: an online shop's breach, 60% of its people our customers
    (ones who were already customers when the first corpus was taken, and still were)."""
    k = max(300, round(0.04 * w.cust.size))
    both = w.cust.active_at(_fmt.days(CORPUS_DAY)) & w.cust.active_at(_fmt.days(SECOND_CORPUS_DAY))
    rec = _people(w, np.flatnonzero(both), round(0.6 * k), k - round(0.6 * k))
    spec: Spec = [
        ("user_email", "email", ""),
        ("full_name", "full_name", "plain"),
        ("doc_number", "dni", ""),
        ("phone", "msisdn", "cc"),
        ("birthday", "birth", "iso"),
    ]
    table, _ = render(rec, w.pop, w.cust, spec, _fmt.days(SECOND_CORPUS_DAY), accents=False)
    (w.out / "corpora").mkdir(parents=True, exist_ok=True)
    _writers.write_csv(w.out / "corpora" / f"{SECOND_CORPUS}.csv", table)
    entry = {
        "name": SECOND_CORPUS,
        "file": f"corpora/{SECOND_CORPUS}.csv",
        "format": "csv",
        "as_of": SECOND_CORPUS_DAY,
        "rows": table.num_rows,
        "columns": {c: FIELD_TYPES[f] for c, f, _ in spec},
        "source": None,
        "national_id_scheme": "pe.dni",
        "notes": "A second known leak: an online shop's customers, 60% of them ours.",
    }
    return entry, rec


def _other_operator(w: World) -> dict[str, Any]:
    """Another operator's customer list sharing a third of its people with us."""
    n = w.sample_size
    total = int(np.clip(round(1.5 * n), 300, 20_000))
    shared = round(SHARED_SHARE * total)
    rec = _people(w, np.arange(w.cust.size), shared, total - shared)
    total, shared = len(rec), int((rec.cust >= 0).sum())
    # Every row is their customer: their line (valid Peruvian mobile, never in our base, never
    # an outsider's known line), their customer code, their plan.
    ours = rec.cust >= 0
    taken = set(w.pop.other_phone[w.pop.other_phone > 0].tolist())
    fresh = [int(x) for x in mobile_numbers(w.rng, 2 * total, T.OTHER_PREFIXES) if x not in taken]
    while len(fresh) < total:  # small worlds: outsiders' lines crowd the prefixes
        more = mobile_numbers(w.rng, 4 * total, T.OTHER_PREFIXES)
        fresh = list(dict.fromkeys(fresh + [int(x) for x in more if x not in taken]))
    rec.msisdn = np.where(ours, np.asarray(fresh[:total], dtype=np.int64), rec.msisdn)
    rec.cust = np.full(total, -1, dtype=np.int64)
    rec.genuine = np.zeros(total, dtype=bool)
    spec: Spec = [
        ("nro_dni", "dni", ""),
        ("nombres", "given", ""),
        ("apellidos", "surnames", ""),
        ("fecha_nac", "birth", "dmy"),
        ("numero_linea", "msisdn", "e164"),
        ("correo", "email", ""),
    ]
    table, truth = render(rec, w.pop, w.cust, spec, _fmt.days(AS_OF))
    codes = _fmt.number(_fmt.sorted_unique(w.rng, total, 0, 10**7), 7, "CLI-")
    plans = _fmt.table_take(OTHER_PLANS, w.rng.integers(0, len(OTHER_PLANS), total))
    table = table.add_column(0, "codigo_cliente", codes).append_column("plan_comercial", plans)
    no = np.zeros(total, dtype=bool)
    truth = {"codigo_cliente": no, **truth, "plan_comercial": no}
    _write_truth(w, "other_operator", rec, truth)
    _writers.write_csv(w.out / "leaks" / "other_operator.csv", table, delimiter=";")
    full_spec: Spec = [("codigo_cliente", "customer_id", ""), *spec, ("plan_comercial", "plan", "")]
    return _entry(
        "other_operator", "other_operator.csv", "csv", "unrelated", rec, full_spec,
        encoding="utf-8", delimiter=";", header=True, our_customers=int(shared),
        exposure_scope="identity",
        notes="Another operator's customers (their codes, plans and lines); a third are our "
        "customers too. None of its lines is ours: their identity is exposed, not a line.",
    )  # fmt: skip


def _combolist(w: World, forum: Records, shop: Records) -> dict[str, Any]:
    """``email:phone:dni:name``, no header: parts of two corpora and invented people."""
    n = w.sample_size
    k_forum = min(len(forum), round(0.45 * n))
    k_shop = min(len(shop), round(0.35 * n))
    parts = [
        forum.take(_sample(w, np.arange(len(forum)), k_forum)),
        shop.take(_sample(w, np.arange(len(shop)), k_shop)),
        _invented(w, n - k_forum - k_shop),
    ]
    merged = Records.concat(parts)
    rec = merged.take(w.rng.permutation(len(merged)))
    spec: Spec = [
        ("col_1", "email", ""),
        ("col_2", "msisdn", "cc"),
        ("col_3", "dni", ""),
        ("col_4", "full_name", "plain"),
    ]
    table, truth = render(rec, w.pop, w.cust, spec, _fmt.days(AS_OF), accents=False)
    _write_truth(w, "combolist_two_corpora", rec, truth)
    _writers.write_csv(
        w.out / "leaks" / "combolist_two_corpora.txt", table, delimiter=":", header=False,
        quoting="none",
    )  # fmt: skip
    return _entry(
        "combolist_two_corpora", "combolist_two_corpora.txt", "csv", "recycled", rec, spec,
        source="crm", snapshot=CORPUS_DAY, recycled_from="forum_2023", headerless=True,
        recycled_corpora=["forum_2023", SECOND_CORPUS],
        delimiter=":", header=False, encoding="utf-8",
        recycled_rows={"forum_2023": int(k_forum), SECOND_CORPUS: int(k_shop)},
        notes="A combolist: rows of two known corpora and invented people, no header.",
    )  # fmt: skip


def _invented(w: World, n: int) -> Records:
    """``n`` invented people none of whose identifiers happens to be a real person's."""
    rec = fabricate(w.rng, w.pop, w.cust, 2 * n + 20, reuse_share=0.0)
    return rec.take(np.flatnonzero(rec.person < 0)[:n])
