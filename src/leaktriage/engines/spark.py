"""The scale-out engine: Apache Spark (pyspark 4), local mode by default, any cluster by URL.

Stage SQL stays written once, in DuckDB's dialect. :func:`translate` turns each statement into
Spark SQL with sqlglot (``read="duckdb", write="spark"``) and then applies the few rewrites
sqlglot does not make, each one a function below with the reason in its docstring:

* ``?`` placeholders → named markers ``:lt_p0, :lt_p1...`` bound through ``spark.sql(args=...)``;
* ``getvariable('x')`` → ``(SELECT v FROM lt_var_x)``, a scalar subquery over a one-row view
  made from Python: key material is never in SQL text, and Spark's plans show the subquery, not
  the bytes (``tests/spark/test_engine.py`` checks ``EXPLAIN``);
* regular expressions: RE2 (DuckDB) → Java: POSIX classes (``[:space:]``) and back-references
  in replacements (``\\1`` → ``$1``); a DuckDB ``regexp_replace`` without ``'g'`` replaces the
  first match only, Spark's every match: allowed only for anchored patterns (where the two agree);
* ``regexp_full_match`` → ``RLIKE '^(?:…)$'``; ``try_strptime(s, fmt | [fmts])`` →
  ``coalesce(try_to_timestamp(s, java_fmt), …)``;
* ``list_has_any`` → ``arrays_overlap`` (sqlglot's ``&&`` does not parse in Spark SQL);
* ``jaro_winkler_similarity`` is not rewritten: it is registered as a vectorized UDF of that
  name (:mod:`leaktriage.engines._similarity`, byte-identical scores to DuckDB's).

Tables are Spark temporary views, each a persisted (memory and disk) DataFrame: ``CREATE TABLE
… AS`` runs the query, persists and materializes it; ``DROP TABLE`` unpersists. Spark's own
shuffle and spill files are encrypted (``spark.io.encryption.enabled``): they hold leak rows.

pyspark is imported by this module only, and this module only by
:func:`leaktriage.engines.create_engine`: ``import leaktriage`` works without pyspark.
"""

from __future__ import annotations

import logging
import os
import re
import sys
import warnings
from collections.abc import Iterator, Mapping, Sequence
from functools import lru_cache
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa
import sqlglot
from pyspark.sql import DataFrame, SparkSession
from pyspark.sql.functions import pandas_udf
from sqlglot import exp

from leaktriage.engines import _similarity
from leaktriage.engines.base import Dialect, Engine
from leaktriage.errors import EngineError

__all__ = ["SPARK_DIALECT", "SparkEngine", "translate"]

log = logging.getLogger(__name__)
# pyspark logs every failed query with its SQL context (which can quote values) and a JVM
# stack: errors reach the user once, scrubbed, through Engine._wrap instead.
logging.getLogger("SQLQueryContextLogger").setLevel(logging.CRITICAL)

SPARK_DIALECT = Dialect(name="spark", supports_lambdas=True, param_style=":name")

#: Rows of the input handed to Spark per ``createDataFrame`` call while a file streams in.
STREAM_CHUNK_ROWS = 500_000

#: Rows brought to the driver per fetch when a large result streams out of Spark.
FETCH_CHUNK_ROWS = 500_000

#: Session settings every leaktriage Spark session gets (runtime-settable ones).
SESSION_CONF: dict[str, str] = {
    # DuckDB semantics: a failed cast is NULL in a TRY_CAST, dates in UTC.
    "spark.sql.ansi.enabled": "false",
    "spark.sql.session.timeZone": "UTC",
    "spark.sql.legacy.timeParserPolicy": "CORRECTED",
    "spark.sql.execution.arrow.pyspark.enabled": "true",
}
#: Settings fixed when the JVM starts (local mode), overridable by the caller.
STARTUP_CONF: dict[str, str] = {
    "spark.io.encryption.enabled": "true",
    "spark.driver.maxResultSize": "2g",
    "spark.ui.showConsoleProgress": "false",
    # Spark's own log lines go to the terminal uninvited (and can quote SQL): errors only
    "spark.log.level": "ERROR",
}


def _spark_format(fmt: str) -> str:
    """A strftime (DuckDB) format as Spark's datetime pattern, via sqlglot's mapping."""
    rendered = exp.StrToTime(this=exp.column("x"), format=exp.Literal.string(fmt)).sql("spark")
    found = re.search(r"'((?:[^']|'')*)'\)$", rendered)
    if not found:  # pragma: no cover - sqlglot renders TO_TIMESTAMP(x, 'fmt')
        raise EngineError("internal: cannot translate a date format for spark")
    return found.group(1)


_POSIX_CLASSES = {
    "[:space:]": r"\s",
    "[:digit:]": "0-9",
    "[:alpha:]": r"\p{L}",
    "[:alnum:]": r"\p{L}\p{N}",
    "[:upper:]": "A-Z",
    "[:lower:]": "a-z",
    "[:punct:]": r"\p{Punct}",
}


def _java_regex(pattern: str) -> str:
    """RE2 → Java regex for the constructs our normalizers use (POSIX bracket classes)."""
    for posix, java in _POSIX_CLASSES.items():
        pattern = pattern.replace(posix, java)
    return pattern


def _java_replacement(text: str) -> str:
    """RE2 replacement → Java: ``\\N`` back-references become ``$N``; a literal ``$`` escaped."""
    text = text.replace("$", "\\$")
    return re.sub(r"\\(\d)", r"$\1", text)


def _rewrite(node: exp.Expression) -> exp.Expression:
    if isinstance(node, exp.Placeholder) and str(node.this).isdigit():
        return exp.Placeholder(this=f"lt_p{int(node.this) - 1}")
    if isinstance(node, exp.Anonymous):
        name = str(node.this).lower()
        args = node.expressions
        if name == "getvariable" and len(args) == 1 and isinstance(args[0], exp.Literal):
            var = str(args[0].this)
            if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", var):
                raise EngineError("internal: bad variable name")
            return exp.Subquery(this=sqlglot.parse_one(f"select v from lt_var_{var}"))
        if name == "try_strptime" and len(args) == 2:
            formats = args[1].expressions if isinstance(args[1], exp.Array) else [args[1]]
            parsed = []
            for fmt in formats:
                if not isinstance(fmt, exp.Literal):
                    raise EngineError("internal: try_strptime needs literal formats on spark")
                parsed.append(
                    exp.Anonymous(
                        this="try_to_timestamp",
                        expressions=[
                            args[0].copy(),
                            exp.Literal.string(_spark_format(str(fmt.this))),
                        ],
                    )
                )
            return (
                parsed[0]
                if len(parsed) == 1
                else exp.Coalesce(this=parsed[0], expressions=parsed[1:])
            )
    if isinstance(node, exp.ArrayOverlaps):
        # sqlglot writes DuckDB's list_has_any as ``a && b``, which Spark SQL does not parse
        return exp.Anonymous(this="arrays_overlap", expressions=[node.this, node.expression])
    if isinstance(node, exp.RegexpFullMatch):
        pattern = node.expression
        if not isinstance(pattern, exp.Literal):
            raise EngineError("internal: regexp_full_match needs a literal pattern on spark")
        return exp.RegexpLike(
            this=node.this,
            expression=exp.Literal.string("^(?:" + _java_regex(str(pattern.this)) + ")$"),
        )
    if isinstance(node, exp.RegexpReplace):
        pattern, repl = node.expression, node.args.get("replacement")
        modifiers = node.args.get("modifiers")
        is_global = isinstance(modifiers, exp.Literal) and "g" in str(modifiers.this)
        if isinstance(pattern, exp.Literal):
            text = str(pattern.this)
            if not is_global and not (text.startswith("^") or text.endswith("$")):
                raise EngineError(
                    "internal: a first-match-only regexp_replace needs an anchored pattern "
                    "to run the same on spark"
                )
            node.set("expression", exp.Literal.string(_java_regex(text)))
        if isinstance(repl, exp.Literal):
            node.set("replacement", exp.Literal.string(_java_replacement(str(repl.this))))
        node.set("modifiers", None)
        return node
    if isinstance(node, exp.RegexpLike | exp.RegexpExtract | exp.RegexpSplit):
        pattern = node.expression
        if isinstance(pattern, exp.Literal):
            node.set("expression", exp.Literal.string(_java_regex(str(pattern.this))))
    return node


def _number_placeholders(sql: str) -> str:
    """``?`` → ``$1, $2…`` outside string literals and quoted names (sqlglot's DuckDB parser
    does not take ``?::TYPE``; it does take ``$1::TYPE``)."""
    out = []
    n = 0
    quote: str | None = None
    for ch in sql:
        if quote:
            if ch == quote:
                quote = None
        elif ch in "'\"":
            quote = ch
        elif ch == "?":
            n += 1
            out.append(f"${n}")
            continue
        out.append(ch)
    return "".join(out)


@lru_cache(maxsize=512)
def _parse(sql: str) -> exp.Expression:
    tree = sqlglot.parse_one(_number_placeholders(sql), read="duckdb")
    return tree.transform(_rewrite)


def translate(sql: str) -> str:
    """One DuckDB-dialect statement as Spark SQL (see the module docstring for the rewrites)."""
    return _parse(sql).sql(dialect="spark")


def _args(params: Sequence[Any] | None) -> dict[str, Any] | None:
    if not params:
        return None
    return {f"lt_p{i}": v for i, v in enumerate(params)}


def default_master() -> str | None:
    """``$SPARK_MASTER``, else ``None``: spark-submit's defaults (``spark-defaults.conf``, else
    ``local[*]``) apply."""
    return os.environ.get("SPARK_MASTER") or None


class SparkEngine(Engine):
    """Spark SQL through pyspark.

    ``session``: an existing SparkSession (tests share one). Otherwise one is created:
    Spark Connect when ``remote`` (or ``$SPARK_REMOTE``) is set, else a classic session on
    ``master`` (or ``$SPARK_MASTER``, else spark-defaults / ``local[*]``). ``conf`` adds Spark
    settings; ``local_dir`` is where Spark spills (encrypted) in local mode.
    """

    dialect = SPARK_DIALECT

    def __init__(
        self,
        *,
        session: SparkSession | None = None,
        master: str | None = None,
        remote: str | None = None,
        conf: Mapping[str, str] | None = None,
        local_dir: str | os.PathLike[str] | None = None,
        app_name: str = "leaktriage",
    ) -> None:
        # A session already running in this process (a test's, a notebook's) is used, not owned:
        # closing this engine then leaves it running.
        session = session or SparkSession.getActiveSession()
        self._owns_session = session is None
        if session is None:
            session = self._build(master, remote, conf or {}, local_dir, app_name)
        self.spark: SparkSession = session
        for key, value in SESSION_CONF.items():
            self.spark.conf.set(key, value)
        self._tables: dict[str, DataFrame] = {}
        self._blocks: dict[str, list[int]] = {}  # table → ids of its checkpointed RDDs
        self._register_udfs()

    @staticmethod
    def _build(
        master: str | None,
        remote: str | None,
        conf: Mapping[str, str],
        local_dir: str | os.PathLike[str] | None,
        app_name: str,
    ) -> SparkSession:
        remote = remote or os.environ.get("SPARK_REMOTE")
        builder = SparkSession.builder.appName(app_name)
        if remote:
            builder = builder.remote(remote)
        else:
            master = master or default_master()
            if master:
                builder = builder.master(master)
        # A JVM this process starts: local mode, or a Spark Connect server started in-process
        # (``SPARK_REMOTE=local[...]``). A remote server (``sc://``) has its own settings.
        starts_jvm = not remote or remote.startswith("local")
        if starts_jvm:
            if (remote or master or "local").startswith("local"):
                # local mode: Python workers run in this interpreter's environment
                os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
            for key, value in STARTUP_CONF.items():
                builder = builder.config(key, value)
            if local_dir:
                builder = builder.config("spark.local.dir", str(local_dir))
        for key, value in conf.items():
            builder = builder.config(key, value)
        try:
            with warnings.catch_warnings():
                # A Connect client re-sends start-up settings as session settings, which the
                # server refuses with a warning each (they were applied at its start).
                warnings.filterwarnings("ignore", message="Failed to set", category=UserWarning)
                session = builder.getOrCreate()
        except Exception as exc:  # noqa: BLE001 - JVM/cluster start-up failures
            where = remote or master or "local mode"
            raise EngineError(
                f"cannot start a spark session on {where} ({type(exc).__name__})"
            ) from None
        if not remote:
            session.sparkContext.setLogLevel("ERROR")
        return session

    def _register_udfs(self) -> None:
        # The UDF's module is pickled by value: Spark's Python workers need pandas, numpy and
        # rapidfuzz, not leaktriage itself.
        from pyspark import cloudpickle

        cloudpickle.register_pickle_by_value(_similarity)
        fn = _similarity.jaro_winkler_series
        fn.__annotations__ = {"left": pd.Series, "right": pd.Series, "return": pd.Series}
        udf = pandas_udf(fn, "double")  # type: ignore[call-overload]
        # sqlglot writes DuckDB's jaro_winkler_similarity as Spark's (absent) name
        for name in ("jaro_winkler_similarity", "jarowinkler_similarity"):
            self.spark.udf.register(name, udf)

    # -- tables ---------------------------------------------------------------------------------
    def _store(self, name: str, df: DataFrame) -> None:
        """Register ``df`` as the table ``name``, computed now and kept (memory and disk) with
        its lineage cut: later statements plan against a leaf, not against the (large)
        expressions that made it, and what it was computed from can be released."""
        df, blocks = self._checkpoint(df)
        self._drop(name)
        self._keep(name, df, blocks)

    def _keep(self, name: str, df: DataFrame, blocks: list[int]) -> None:
        df.createOrReplaceTempView(name)
        self._tables[name] = df
        self._blocks[name] = blocks

    def _checkpoint(self, df: DataFrame) -> tuple[DataFrame, list[int]]:
        """``df`` computed now as a local checkpoint, and the ids of the RDDs holding it."""
        before = set(self._persistent_rdds())
        out = df.localCheckpoint(eager=True)
        return out, [i for i in self._persistent_rdds() if i not in before]

    def _persistent_rdds(self) -> dict[int, Any]:
        try:
            found = self.spark.sparkContext._jsc.getPersistentRDDs()
        except Exception:  # noqa: BLE001 - Spark Connect has no SparkContext: the server frees
            return {}
        return {int(k): v for k, v in found.items()}

    def _free(self, blocks: list[int]) -> None:
        # DataFrame.unpersist does not release a local checkpoint: unpersist its RDDs
        rdds = self._persistent_rdds()
        for rdd_id in blocks:
            if rdd_id in rdds:
                rdds[rdd_id].unpersist(False)

    def _drop(self, name: str) -> None:
        self._tables.pop(name, None)
        self._free(self._blocks.pop(name, []))
        self.spark.catalog.dropTempView(name)

    def _empty(self, schema: exp.Schema) -> DataFrame:
        cols = []
        for coldef in schema.expressions:
            kind = coldef.args.get("kind")
            cols.append(
                f"CAST(NULL AS {kind.sql('spark') if kind else 'STRING'}) AS `{coldef.name}`"
            )
        return self.spark.sql(f"SELECT {', '.join(cols)} WHERE 1 = 0")

    @staticmethod
    def _table_name(node: exp.Expression) -> str:
        table = node.this if isinstance(node, exp.Schema) else node
        if not isinstance(table, exp.Table) or table.db:
            raise EngineError("spark engine: only unqualified table names are supported")
        return table.name

    # -- Engine -------------------------------------------------------------------------------
    def _query(self, sql: str, params: Sequence[Any] | None) -> DataFrame:
        return self.spark.sql(translate(sql), args=_args(params))

    def _execute(self, sql: str, params: Sequence[Any] | None) -> None:
        tree = _parse(sql)
        if isinstance(tree, exp.Create) and str(tree.args.get("kind")).upper() in ("TABLE", "VIEW"):
            name = self._table_name(tree.this)
            body = tree.expression
            if body is None and isinstance(tree.this, exp.Schema):
                self._store(name, self._empty(tree.this))
                return
            if not isinstance(body, exp.Query):
                raise EngineError("spark engine: CREATE without a query")
            self._store(name, self.spark.sql(body.sql(dialect="spark"), args=_args(params)))
            return
        if isinstance(tree, exp.Drop) and str(tree.args.get("kind")).upper() in ("TABLE", "VIEW"):
            for table in tree.args.get("tables") or [tree.this]:
                self._drop(self._table_name(table))
            return
        self.spark.sql(tree.sql(dialect="spark"), args=_args(params)).collect()

    def _fetch_arrow(self, sql: str, params: Sequence[Any] | None) -> pa.Table:
        return self._query(sql, params).toArrow()

    def _fetch_rows(self, sql: str, params: Sequence[Any] | None) -> list[tuple[Any, ...]]:
        return [tuple(r) for r in self._query(sql, params).collect()]

    def _stream_arrow(
        self, sql: str, params: Sequence[Any] | None, batch_rows: int
    ) -> Iterator[pa.RecordBatch]:
        """A large result comes to the driver in groups of whole partitions of about
        :data:`FETCH_CHUNK_ROWS` rows, never all at once (``spark.driver.maxResultSize``, and
        the driver's memory). The result is checkpointed first so that its partitions are
        stable between the fetches (``select * from`` a table reads the table's own)."""
        from pyspark.sql.functions import spark_partition_id

        tree = _parse(sql)
        blocks: list[int] = []
        stored = None
        if isinstance(tree, exp.Select) and not params and tree.is_star:
            source = tree.args.get("from_") or tree.args.get("from")
            table = source.this if source is not None else None
            plain = all(
                not v for k, v in tree.args.items() if k not in ("expressions", "from_", "from")
            )
            if isinstance(table, exp.Table) and not table.db and plain:
                stored = self._tables.get(table.name)
        df = stored
        if df is None:
            df, blocks = self._checkpoint(self._query(sql, params))
        try:
            sizes = sorted(
                (int(r[0]), int(r[1])) for r in df.groupBy(spark_partition_id()).count().collect()
            )
            groups: list[list[int]] = [[]]
            held = 0
            for part, rows in sizes:
                if groups[-1] and held + rows > FETCH_CHUNK_ROWS:
                    groups.append([])
                    held = 0
                groups[-1].append(part)
                held += rows
            if len(groups) == 1:
                yield from df.toArrow().to_batches(max_chunksize=batch_rows)
                return
            for group in groups:
                chunk = df.where(spark_partition_id().isin(group)).toArrow()
                yield from chunk.to_batches(max_chunksize=batch_rows)
        finally:
            self._free(blocks)

    def _run_with_stream(self, name: str, batches: pa.RecordBatchReader, sql: str) -> None:
        """The stream goes to Spark in chunks of :data:`STREAM_CHUNK_ROWS`; each chunk is run
        through the statement's query and persisted, so the raw chunk can go. ``CREATE TABLE
        … AS`` statements only (what :func:`leaktriage.pipeline.prepare_input` runs)."""
        tree = _parse(sql)
        if not (isinstance(tree, exp.Create) and isinstance(tree.expression, exp.Query)):
            raise EngineError("spark engine: a stream feeds CREATE TABLE … AS statements only")
        target = self._table_name(tree.this)
        query = tree.expression.sql(dialect="spark")
        parts: list[DataFrame] = []
        blocks: list[int] = []
        schema = batches.schema
        try:
            for chunk in _chunks(batches, STREAM_CHUNK_ROWS):
                self.spark.createDataFrame(chunk).createOrReplaceTempView(name)
                part, held = self._checkpoint(self.spark.sql(query))
                parts.append(part)
                blocks += held
            if not parts:
                self.spark.createDataFrame(schema.empty_table()).createOrReplaceTempView(name)
                part, held = self._checkpoint(self.spark.sql(query))
                parts.append(part)
                blocks += held
            if len(parts) == 1:
                self._drop(target)
                self._keep(target, parts[0], blocks)
                blocks = []
                return
            whole = parts[0]
            for part in parts[1:]:
                whole = whole.unionByName(part)
            self._store(target, whole)
        finally:
            self.spark.catalog.dropTempView(name)
            self._free(blocks)

    def _set_variable(self, name: str, value: Any) -> None:
        if isinstance(value, bytes | bytearray):
            df = self.spark.createDataFrame([(bytearray(value),)], "v binary")
        elif isinstance(value, str):
            df = self.spark.createDataFrame([(value,)], "v string")
        else:
            raise EngineError("spark engine: session variables are bytes or strings")
        df.createOrReplaceTempView(f"lt_var_{name}")

    def translate(self, sql: str) -> str:
        return translate(sql)

    def splink_db_api(self) -> Any:
        """A splink ``SparkAPI`` on this engine's session. Intermediate tables break lineage by
        ``persist`` (memory and disk, spilled encrypted as every Spark file here), not splink's
        default of Parquet in the working directory, which would leave leak rows at rest in
        clear; :meth:`release_splink` frees them. splink's Scala similarity jar is not needed:
        Jaro-Winkler is this engine's own UDF, identical to DuckDB's."""
        from splink.backends.spark import SparkAPI

        # splink's own default (half the shuffle partitions), without its probe of
        # ``spark.default.parallelism``, which a Connect server logs as an error when unset
        partitions = int(self.spark.conf.get("spark.sql.shuffle.partitions") or 200)
        return SparkAPI(
            spark_session=self.spark,
            break_lineage_method="persist",
            register_udfs_automatically=False,
            num_partitions_on_repartition=max(1, (partitions + 1) // 2),
        )

    def release_splink(self) -> None:
        """Drop the views splink registers for every intermediate result (it deletes only
        those it still caches) and free what it persisted; this engine's own tables are local
        checkpoints, which Spark's DataFrame cache does not hold."""
        for table in self.spark.catalog.listTables():
            if table.isTemporary and table.name.startswith("__splink__"):
                self.spark.catalog.dropTempView(table.name)
        self.spark.catalog.clearCache()

    def close(self) -> None:
        for name in list(self._tables):
            self._drop(name)
        if self._owns_session:
            self.spark.stop()

    # -- Parquet (the index Spark reads) --------------------------------------------------------
    def write_parquet(
        self, table: str, path: Path, *, encrypt: Sequence[str] = (), key_variable: str = ""
    ) -> None:
        """Write ``table`` as Parquet at ``path`` (replaced), the ``encrypt`` columns each
        AES-256-GCM encrypted (``aes_encrypt``, a random IV per value) under the key bound as
        ``key_variable``. Dates are encrypted as ISO text."""
        df = self._tables.get(table) or self.spark.table(table)
        cols = []
        for field in df.schema.fields:
            q = f"`{field.name}`"
            if field.name in encrypt:
                cols.append(
                    f"aes_encrypt(CAST({q} AS STRING), (SELECT v FROM lt_var_{key_variable}), "
                    f"'GCM') AS {q}"
                )
            else:
                cols.append(q)
        df.createOrReplaceTempView("lt_parquet_out")
        try:
            out = self.spark.sql(f"SELECT {', '.join(cols)} FROM lt_parquet_out")
            out.write.mode("overwrite").parquet(str(path))
        finally:
            self.spark.catalog.dropTempView("lt_parquet_out")

    def read_parquet(
        self,
        view: str,
        path: Path,
        *,
        decrypt: Mapping[str, str] | None = None,
        key_variable: str = "",
    ) -> None:
        """Register the Parquet at ``path`` as the table ``view``, decrypting the ``decrypt``
        columns (name → SQL type) on read; the plaintext lives only in Spark's (encrypted)
        cache."""
        raw = self.spark.read.parquet(str(path))
        raw.createOrReplaceTempView("lt_parquet_in")
        cols = []
        decrypt = decrypt or {}
        for field in raw.schema.fields:
            q = f"`{field.name}`"
            if field.name in decrypt:
                cols.append(
                    f"CAST(CAST(aes_decrypt({q}, (SELECT v FROM lt_var_{key_variable}), 'GCM') "
                    f"AS STRING) AS {decrypt[field.name]}) AS {q}"
                )
            else:
                cols.append(q)
        try:
            self._store(view, self.spark.sql(f"SELECT {', '.join(cols)} FROM lt_parquet_in"))
        finally:
            self.spark.catalog.dropTempView("lt_parquet_in")

    def explain(self, sql: str, params: Sequence[Any] | None = None) -> str:
        """Spark's extended plan of a query (for tests that check what plans reveal)."""
        df = self._query(sql, params)
        return str(df._jdf.queryExecution().toString())


def _chunks(batches: pa.RecordBatchReader, rows: int) -> Iterator[pa.Table]:
    pending: list[pa.RecordBatch] = []
    count = 0
    for batch in batches:
        pending.append(batch)
        count += batch.num_rows
        if count >= rows:
            yield pa.Table.from_batches(pending, schema=batches.schema)
            pending, count = [], 0
    if pending:
        yield pa.Table.from_batches(pending, schema=batches.schema)
