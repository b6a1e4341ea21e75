"""Probabilistic linkage (splink) of leak rows that exact tokens did not settle.

A leak often carries no identifier the operator can token-match (names and birth dates only,
or a mangled DNI), or carries them corrupted. This stage links each leak row to its most likely
person in a target profile with a Fellegi-Sunter model (splink) on the engine's own DuckDB
connection, so no data leaves the engine:

* comparisons on given names (first given name alone as a level: "JUAN CARLOS" leaks as
  "JUAN"), surnames (swapped paterno/materno as a level; term-frequency adjusted, as Peruvian
  surnames are very skewed), birth date, address, and equality of every identifier token both
  sides have (see :mod:`leaktriage.match._splink_settings`);
* unsupervised training: the prior from near-deterministic rules, u from every pair of a fixed
  sample of each side, m by EM on two blocking rules (on a fixed sample of leak rows when a
  rule blocks more than ``EM_MAX_PAIRS`` pairs). The samples are drawn the same way on every
  engine (MD5 order of row numbers), so DuckDB and Spark train the same model and make the
  same links. Each training step may fail on degenerate data (tiny inputs, no blocked pairs,
  no convergence); the model then keeps the prior m values it starts from.

Table written (engine-side, replaced on each run)::

    link_pairs  leak_row, t_row, match_probability, match_weight   -- best target row per leak row

splink is imported lazily (it is heavy); its logger is held at WARNING while it runs, and no
message of this module carries a data value.
"""

from __future__ import annotations

import logging
import math
import re
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from leaktriage.engines.base import Engine, quote_ident
from leaktriage.errors import EngineError
from leaktriage.match import _splink_settings as model
from leaktriage.match.exact import STOP_TOKEN_COUNT
from leaktriage.match.profile import DOMAINS, ProfileSpec
from leaktriage.normalize.text import fold_text

__all__ = ["LINK_PAIRS", "MAX_PAIRS", "LinkageTooBroad", "link_probabilistic", "sample_rows"]

log = logging.getLogger(__name__)

#: The table :func:`link_probabilistic` writes.
LINK_PAIRS = "link_pairs"
#: Candidate pairs the blocking rules may admit at most: beyond, scoring them would take too
#: long and too much memory (very common names against a very large reference), and the
#: linkage is refused rather than run.
MAX_PAIRS = 30_000_000
#: Pairs sampled to estimate u (the chance of each agreement level among non-matches).
U_MAX_PAIRS = 5e5
#: Seed of that sample: the same inputs give the same model and the same links.
U_SEED = 7
#: Pairs EM trains on per blocking rule, at most: beyond, on the pairs of a sample of leak rows.
EM_MAX_PAIRS = 2e6
#: A birth date shared by more than this share of rows (and more than ``STOP_TOKEN_COUNT``
#: rows) is a placeholder, not a birthday.
PLACEHOLDER_DATE_SHARE = 0.005
#: Assumed share of true matches the deterministic rules find (for the prior).
DETERMINISTIC_RECALL = 0.7

_LEFT = "lt_link_left"
_RIGHT = "lt_link_right"
#: The samples training steps run on.
_LEFT_S = "lt_link_left_s"
_RIGHT_S = "lt_link_right_s"
_PART = r'(?:[A-Za-z_][A-Za-z0-9_]*|"[A-Za-z0-9_]+")'
#: A table name as stages write it: ``name``, ``schema.name``, either part quoted.
_SAFE_NAME = re.compile(rf"^{_PART}(?:\.{_PART})?$")


class LinkageTooBroad(EngineError):
    """The blocking rules would admit more than ``max_pairs`` candidate pairs."""

    def __init__(self, pairs: int, max_pairs: int) -> None:
        self.pairs = pairs
        super().__init__(
            f"probabilistic linkage refused: its blocking admits {pairs:,} candidate pairs "
            f"(limit {max_pairs:,})"
        )


def blocked_pairs(engine: Engine, fields: model.LinkFields) -> int:
    """Candidate pairs the prediction rules admit (summed over rules: an upper bound)."""
    total = 0
    for rule in model.blocking_rules(fields):
        row = engine.fetch_one(
            f"select count(*) from {_LEFT} l join {_RIGHT} r on {rule}", step="linkage blocking"
        )
        total += int(row[0]) if row else 0
    return total


def link_probabilistic(
    engine: Engine,
    leak: ProfileSpec,
    target: ProfileSpec,
    *,
    rows: str | None = None,
    threshold: float = 0.9,
    extra: Sequence[str] = (),
    max_pairs: int = MAX_PAIRS,
    profiles: tuple[str, str] | None = None,
) -> str:
    """Link ``leak`` profile rows to ``target`` profile rows; write and return ``link_pairs``.

    ``rows``: an engine table whose ``_row`` (or ``leak_row``) column lists the leak rows to
    link (e.g. those exact tokens left unmatched); all rows when ``None``. ``threshold``: the
    lowest match probability kept. ``extra``: raw columns present in both tables, compared by
    edit distance and blocked on (a postcode, a social security number).

    ``profiles``: engine tables already holding the leak's and the target's profiles (as
    :meth:`ProfileSpec.sql` gives them: the triage's ``lp``, a stored or indexed profile),
    read instead of projecting the specs' tables again; the specs then only say which fields
    exist.

    Without a name column on both sides there is nothing to link persons on: the table is
    written empty.
    """
    if profiles and extra:
        raise ValueError("extra columns are read from the specs' tables, not from profiles")
    read = profiles or (leak.table, target.table)
    for name in (*read, *([rows] if rows else [])):
        if not _SAFE_NAME.match(name):
            raise ValueError(f"bad table name {name!r}")
    for col in extra:
        if not re.match(r"^[A-Za-z_][A-Za-z0-9_]*$", col):
            raise ValueError(f"bad extra column name {col!r}")
    shared = leak.domains() & target.domains()
    fields = model.LinkFields(
        names=leak.has_names() and target.has_names(),
        dob=leak.has("dob") and target.has("dob"),
        address=leak.has("address") and target.has("address"),
        tokens=tuple(f"tok_{d}" for d in DOMAINS if d in shared),
        extras=tuple(f"x_{c}" for c in extra),
    )
    _empty_pairs(engine)
    if not fields.names:
        log.info("probabilistic linkage skipped: no name column on both sides")
        return LINK_PAIRS
    if not (fields.dob or fields.address or fields.tokens or fields.extras):
        # a name alone cannot tell namesakes apart (and splink has nothing to train on)
        log.info("probabilistic linkage skipped: names are the only field on both sides")
        return LINK_PAIRS
    leak_profile, target_profile = profiles or (None, None)
    _prepare(engine, leak, _LEFT, rows, fields, extra, leak_profile)
    _prepare(engine, target, _RIGHT, None, fields, extra, target_profile)
    try:
        n_left, n_right = engine.count(_LEFT), engine.count(_RIGHT)
        if n_left and n_right:
            pairs = blocked_pairs(engine, fields)
            if pairs > max_pairs:
                raise LinkageTooBroad(pairs, max_pairs)
            _link(engine, fields, n_left, n_right, threshold)
            log.info("probabilistic linkage: %d rows against %d", n_left, n_right)
    finally:
        for table in (_LEFT, _RIGHT, _LEFT_S, _RIGHT_S):
            engine.execute(f"drop table if exists {table}", step="linkage cleanup")
    return LINK_PAIRS


def _empty_pairs(engine: Engine) -> None:
    engine.execute(
        f"create or replace temp table {LINK_PAIRS} (leak_row bigint, t_row bigint, "
        "match_probability double, match_weight double)",
        step="link pairs",
    )


def _placeholder_guard(expr: str, limit: str) -> str:
    """``expr``, or NULL where more than ``limit`` rows share its value: a placeholder
    ("000000000", 1900-01-01) is no evidence, and blocking on it would explode."""
    return f"case when count(*) over (partition by {expr}) > {limit} then null else {expr} end"


def _prepare(
    engine: Engine,
    spec: ProfileSpec,
    name: str,
    rows: str | None,
    fields: model.LinkFields,
    extra: Sequence[str],
    profile: str | None,
) -> None:
    """The model's input columns (see :mod:`._splink_settings`) over one profile: folded
    once in an inner query, derived and guarded in the outer one."""
    inner = [
        "p._row",
        f"{fold_text('p.given')} as given",
        f"{fold_text('p.sur1')} as sur1",
        f"{fold_text('p.sur2')} as sur2",
        f"{fold_text('p.address', keep='#')} as address",
        "p.dob",
        *(f"p.{tok}" for tok in fields.tokens),
        *(f"nullif(trim(t.{quote_ident(c)}::VARCHAR), '') as x_{c}" for c in extra),
    ]
    source = f"select {', '.join(inner)} from {profile or '(' + spec.sql() + ')'} p"
    if extra:
        source += f" join {spec.table} t on t._row = p._row"
    if rows:
        source += f" where p._row in (select {_row_column(engine, rows)} from {rows})"
    dob_limit = f"greatest({STOP_TOKEN_COUNT}, count(*) over () * {PLACEHOLDER_DATE_SHARE})"
    outer = [
        "_row",
        "given",
        "nullif(split_part(given, ' ', 1), '') as given1",
        "sur1",
        "sur2",
        "nullif(concat_ws(' ', sur1, sur2), '') as surnames",
        f"{_placeholder_guard('dob', dob_limit)} as dob",
        "address",
        *(f"{_placeholder_guard(tok, str(STOP_TOKEN_COUNT))} as {tok}" for tok in fields.tokens),
        *(f"x_{c}" for c in extra),
    ]
    engine.execute(
        f"create or replace temp table {name} as select {', '.join(outer)} from ({source}) q",
        step="linkage input",
    )


def _row_column(engine: Engine, table: str) -> str:
    head = engine.fetch_arrow(f"select * from {table} limit 0", step="linkage rows")
    names = set(head.schema.names)
    for candidate in ("_row", "leak_row"):
        if candidate in names:
            return candidate
    raise ValueError(f"table {table!r} has no _row or leak_row column")


@contextmanager
def _quiet_splink() -> Iterator[None]:
    """splink logs SQL and progress at INFO and training notes ("level not observed") at
    WARNING, none of which a user can act on: hold its logger at ERROR while it runs."""
    splink_log = logging.getLogger("splink")
    before = splink_log.level
    if before < logging.ERROR:
        splink_log.setLevel(logging.ERROR)
    try:
        yield
    finally:
        splink_log.setLevel(before)


def _link(
    engine: Engine, fields: model.LinkFields, n_left: int, n_right: int, threshold: float
) -> None:
    try:
        from splink import Linker
    except ImportError:
        raise EngineError("probabilistic linkage needs the splink package") from None
    # One leak row matches at most one target row: say half of them do, to start.
    prior = min(0.5, 0.5 / n_right)
    settings = _for_engine(engine, model.settings(fields, prior))
    with _quiet_splink():
        linkers: list[Any] = []

        def linker_on(left: str, right: str, settings: dict[str, Any]) -> Any:
            db_api = engine.splink_db_api()
            made = Linker(
                [
                    db_api.register(left, table_name="lt_link_leak"),
                    db_api.register(right, table_name="lt_link_target"),
                ],
                settings,
                log_level=None,
            )
            linkers.append(made)
            return made

        try:
            linker = _train(engine, linker_on, settings, fields, n_left, n_right, prior)
            predictions = linker.inference.predict(
                threshold_match_probability=threshold, warning_mode="never"
            )
            _write_best(engine, predictions.physical_name)
        except EngineError:
            raise
        except Exception as exc:  # noqa: BLE001 - splink/engine messages can quote data
            raise EngineError(f"probabilistic linkage failed ({type(exc).__name__})") from None
        finally:
            _drop_splink_tables(engine, linkers)


def _for_engine(engine: Engine, settings: dict[str, Any]) -> dict[str, Any]:
    """The model's SQL (written in DuckDB's dialect) as the engine runs it: splink hands
    conditions and blocking rules to the engine as they are."""
    for comparison in settings["comparisons"]:
        for level in comparison["comparison_levels"]:
            if level["sql_condition"] != "ELSE":
                level["sql_condition"] = engine.translate(level["sql_condition"])
    settings["blocking_rules_to_generate_predictions"] = [
        engine.translate(rule) for rule in settings["blocking_rules_to_generate_predictions"]
    ]
    return settings


def sample_rows(engine: Engine, table: str, into: str, rows: int, salt: str) -> None:
    """The first ``rows`` rows of ``table`` in the order of their row number's MD5: a fixed
    pseudo-random sample that every engine draws alike (splink's own samples follow the
    backend's hash function, DuckDB's ``hash`` or Spark's murmur3, so the same inputs would
    train different models, and make different links, on each engine)."""
    engine.execute(
        f"create or replace temp table {into} as select * from {table} "
        f"order by md5(_row::VARCHAR || ':{salt}'), _row limit {max(1, rows)}",
        step="linkage sample",
    )


def _train(
    engine: Engine,
    linker_on: Any,
    settings: dict[str, Any],
    fields: model.LinkFields,
    n_left: int,
    n_right: int,
    fallback: float,
) -> Any:
    """The trained linker over the whole inputs: u, the prior, then m by EM per training rule.

    Every step that samples runs on samples of ours (:func:`sample_rows`), on which splink then
    takes every pair, unsampled and in one chunk; the model moves between linkers as splink's
    JSON. A step that fails (degenerate data: tiny inputs, no blocked pairs, no convergence)
    keeps the estimates it started from.
    """
    # u: every pair of a sample of each side, at most U_MAX_PAIRS pairs
    share = min(1.0, math.sqrt(U_MAX_PAIRS / (n_left * n_right)))
    if share < 1:
        log.info("linkage u on a sample of %.1f%% of each side", 100 * share)
    k_left, k_right = math.ceil(share * n_left), math.ceil(share * n_right)
    try:
        sample_rows(engine, _LEFT, _LEFT_S, k_left, str(U_SEED))
        sample_rows(engine, _RIGHT, _RIGHT_S, k_right, str(U_SEED))
        sampled = linker_on(_LEFT_S, _RIGHT_S, settings)
        # more than the sample's pairs: splink then takes every one of them
        sampled.training.estimate_u_using_random_sampling(
            max_pairs=2.0 * k_left * k_right, min_count_per_level=None, num_chunks=1
        )
        settings = sampled.misc.save_model_to_json()
    except EngineError:
        raise
    except Exception as exc:  # noqa: BLE001 - degenerate data: keep the previous estimates
        log.warning("linkage training step u skipped (%s)", type(exc).__name__)

    linker = linker_on(_LEFT, _RIGHT, settings)
    try:
        linker.training.estimate_probability_two_random_records_match(
            [engine.translate(r) for r in model.deterministic_rules(fields)],
            recall=DETERMINISTIC_RECALL,
        )
    except Exception as exc:  # noqa: BLE001 - degenerate data: keep the starting prior
        log.warning("linkage training step prior skipped (%s)", type(exc).__name__)
    _keep_prior_in_bounds(linker, fallback)

    # m: EM on each rule's blocked pairs; on a sample of leak rows when they are too many
    for rule in model.training_rules(fields):
        row = engine.fetch_one(
            f"select count(*) from {_LEFT} l join {_RIGHT} r on {rule}", step="linkage blocking"
        )
        blocked = int(row[0]) if row else 0
        trainer = linker
        if blocked > EM_MAX_PAIRS:
            k = math.ceil(n_left * EM_MAX_PAIRS / blocked)
            log.info("linkage EM on %d of %d leak rows (%d blocked pairs)", k, n_left, blocked)
            sample_rows(engine, _LEFT, _LEFT_S, k, "em")
            trainer = linker_on(_LEFT_S, _RIGHT, linker.misc.save_model_to_json())
        try:
            trainer.training.estimate_parameters_using_expectation_maximisation(
                engine.translate(rule)
            )
        except Exception as exc:  # noqa: BLE001 - degenerate data: keep the previous estimates
            log.warning("linkage training step em skipped (%s)", type(exc).__name__)
            continue
        if trainer is not linker:
            linker = linker_on(_LEFT, _RIGHT, trainer.misc.save_model_to_json())
    return linker


def _keep_prior_in_bounds(linker: Any, fallback: float) -> None:
    # With no deterministic match (tiny or disjoint inputs) splink estimates 0, which no
    # evidence can overcome and which breaks prediction (log of 0): keep the starting prior.
    settings = linker._settings_obj
    prior = settings._probability_two_random_records_match
    if not 0 < prior < 1:
        log.info("linkage prior estimate out of bounds: kept the starting value")
        settings._probability_two_random_records_match = fallback


def _write_best(engine: Engine, predictions: str) -> None:
    engine.execute(
        f"""create or replace temp table {LINK_PAIRS} as
            select leak_row, t_row, match_probability, match_weight from (
                select case when source_dataset_l = 'lt_link_leak' then _row_l else _row_r end
                           as leak_row,
                       case when source_dataset_l = 'lt_link_leak' then _row_r else _row_l end
                           as t_row,
                       match_probability, match_weight
                from {predictions})
            qualify row_number() over (
                partition by leak_row order by match_weight desc, t_row) = 1""",
        step="link pairs",
    )


def _drop_splink_tables(engine: Engine, linkers: Sequence[Any]) -> None:
    try:
        for linker in linkers:
            linker.table_management.delete_tables_created_by_splink_from_db()
        engine.release_splink()
    except Exception as exc:  # noqa: BLE001 - cleanup must not hide the result
        log.warning("splink tables not dropped (%s)", type(exc).__name__)
