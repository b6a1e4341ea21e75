"""The ``leaktriage`` command line (Typer + Rich), thin over the stages.

Errors are mapped to exit codes in one place (:func:`_run`): 0 ok, 2 usage, 3 input rejected,
4 workspace or key problem, 1 anything else. Every error is one line on stderr that names the
file, line and column, never a value read from the data.
"""

from __future__ import annotations

import importlib.util
import logging
import os
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date, datetime
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, Literal, TypeVar

import typer
from rich.progress import (
    BarColumn,
    Progress,
    TextColumn,
    TimeElapsedColumn,
)
from rich.table import Table

from leaktriage._output import (
    byte_progress,
    err,
    out,
    print_ingest,
    print_triage,
    write_json,
    write_report,
)
from leaktriage.cli_notify import register_notify
from leaktriage.errors import LeakTriageError, exit_code_for
from leaktriage.workspace import KEY_ENV, Workspace, default_workspace_path

if TYPE_CHECKING:
    from leaktriage._output import ByteProgress
    from leaktriage.engines import Engine
    from leaktriage.ingest import IngestOptions

__all__ = ["app"]

log = logging.getLogger("leaktriage")
T = TypeVar("T")

app = typer.Typer(
    name="leaktriage",
    help="Triage leaks of customer data: genuine or not, whose, who is exposed, what is owed.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
source_app = typer.Typer(help="Reference sources: the operator's own systems and copies.")
corpus_app = typer.Typer(help="Prior-leak corpus: leaks already known.")
canary_app = typer.Typer(help="Canary customers planted in copies of the data.")
synth_app = typer.Typer(help="Synthetic operators, populations and leak scenarios.")
exposure_app = typer.Typer(help="Exposed customers of a case: the notification list.")
watchlist_app = typer.Typer(help="Exposed lines for the risk API.")
user_app = typer.Typer(help="People who may log in to the service, with their roles.")
apikey_app = typer.Typer(help="API keys of machine clients, with their scopes.")
export_app = typer.Typer(help="A case for CSIRTs: STIX 2.1 bundles and MISP events (counts only).")
app.add_typer(source_app, name="source")
app.add_typer(corpus_app, name="corpus")
app.add_typer(canary_app, name="canary")
app.add_typer(synth_app, name="synth")
app.add_typer(exposure_app, name="exposure")
app.add_typer(watchlist_app, name="watchlist")
app.add_typer(user_app, name="user")
app.add_typer(apikey_app, name="apikey")
app.add_typer(export_app, name="export")


class EngineName(StrEnum):
    """Engines a command can run on."""

    duckdb = "duckdb"
    spark = "spark"


class OnError(StrEnum):
    """What to do with a malformed row."""

    skip = "skip"
    fail = "fail"


class _State:
    workspace: Path = default_workspace_path()
    verbose: bool = False
    max_input_bytes: int = 100 * 2**30
    max_ratio: float = 200.0


state = _State()


@app.callback()
def main(
    workspace: Annotated[
        Path,
        typer.Option(
            "--workspace",
            envvar="LEAKTRIAGE_WORKSPACE",
            help="Workspace directory.",
            show_default="./leaktriage-workspace",
        ),
    ] = Path("leaktriage-workspace"),
    verbose: Annotated[
        bool, typer.Option("--verbose", "-v", help="Log progress to stderr.")
    ] = False,
    max_input_bytes: Annotated[
        int,
        typer.Option(
            "--max-input-bytes",
            envvar="LEAKTRIAGE_MAX_INPUT_BYTES",
            min=1,
            help="Refuse an input whose decompressed size exceeds this many bytes (exit 3).",
        ),
    ] = 100 * 2**30,
    max_ratio: Annotated[
        float,
        typer.Option(
            "--max-ratio",
            envvar="LEAKTRIAGE_MAX_RATIO",
            min=1.0,
            help="Refuse an archive that expands more than this many times (exit 3).",
        ),
    ] = 200.0,
) -> None:
    """leaktriage: decide whether a leak is real, whose it is, and who is exposed."""
    state.workspace = workspace
    state.verbose = verbose
    state.max_input_bytes = max_input_bytes
    state.max_ratio = max_ratio
    logging.basicConfig(
        level=logging.INFO if verbose else logging.WARNING,
        format="%(levelname)s %(name)s: %(message)s",
        stream=sys.stderr,
    )


def _run(fn: Callable[[], T]) -> T:
    """Run a command body, mapping the error tree to one stderr line and an exit code."""
    try:
        return fn()
    except LeakTriageError as exc:
        err.print(f"error: {exc}", markup=False, soft_wrap=True)
        raise typer.Exit(exit_code_for(exc)) from None


def _installed(package: str) -> bool:
    try:
        return importlib.util.find_spec(package) is not None
    except ImportError:
        return False


def _require_engine(engine: EngineName) -> None:
    """Fail fast (one line, exit 2) when the chosen engine's package is not installed."""
    if engine is EngineName.spark and not _installed("pyspark"):
        err.print(
            "error: --engine spark needs pyspark: pip install 'leaktriage[spark]' "
            "(or use --engine duckdb)",
            markup=False,
            soft_wrap=True,
        )
        raise typer.Exit(2)


@contextmanager
def _data_engine(
    engine: EngineName, ws: Workspace, spark_master: str | None, progress: ByteProgress
) -> Iterator[Engine | None]:
    """The engine that processes the data: ``None`` for the workspace's own (DuckDB), else a
    Spark session (``--spark-master``, ``$SPARK_REMOTE`` or spark-defaults; local by default),
    stopped afterwards."""
    if engine is EngineName.duckdb:
        yield None
        return
    from leaktriage.engines import create_engine

    progress.stage("starting spark")
    data = create_engine("spark", master=spark_master, local_dir=ws.path / "tmp" / "spark")
    try:
        yield data
    finally:
        data.close()


def _ingest_options(
    progress: Callable[[int, int], None],
    on_error: OnError = OnError.skip,
    table: str | None = None,
) -> IngestOptions:
    """Ingest options from the command line: error handling, table, limits, progress."""
    from leaktriage.ingest import IngestOptions

    return IngestOptions(
        on_error=on_error.value,
        table=table,
        progress=progress,
        max_input_bytes=state.max_input_bytes,
        max_ratio=state.max_ratio,
        # Extracted archive members are spooled (encrypted) in the workspace's temp area.
        work_dir=str(Path(state.workspace) / "tmp"),
    )


def _open_workspace() -> Workspace:
    return Workspace.open(state.workspace, env_key=os.environ.get(KEY_ENV))


def _parse_date(value: str | None, option: str) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise typer.BadParameter(f"expected YYYY-MM-DD, got {value!r}", param_hint=option) from None


def _parse_datetime(value: str | None, option: str) -> datetime | None:
    if value is None:
        return None
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        raise typer.BadParameter(f"expected ISO 8601, got {value!r}", param_hint=option) from None
    if parsed.tzinfo is None:
        raise typer.BadParameter(
            "give a UTC offset, e.g. 2026-11-25T09:00-05:00", param_hint=option
        )
    return parsed


def _parse_map(items: list[str] | None) -> dict[str, str]:
    from leaktriage.classify import parse_overrides

    try:
        return parse_overrides(items or [])
    except ValueError as exc:
        raise typer.BadParameter(str(exc), param_hint="--map") from None


@app.command()
def init() -> None:
    """Create the encrypted workspace and, unless LEAKTRIAGE_KEY is set, its key file (0600)."""

    def body() -> None:
        ws, wrote_key = Workspace.init(state.workspace, env_key=os.environ.get(KEY_ENV))
        ws.close()
        out.print(f"workspace created: {state.workspace}")
        if wrote_key:
            out.print(
                f"key written to {state.workspace / 'key'} (mode 0600): keep it safe; "
                f"without it the workspace cannot be opened"
            )
        else:
            out.print(f"key taken from {KEY_ENV}; no key file written")

    _run(body)


def _add(
    kind: str,
    file: Path,
    name: str,
    as_of: date | None,
    overrides: dict[str, str],
    json_path: Path | None,
    on_error: OnError,
    region: str,
    engine: EngineName = EngineName.duckdb,
    spark_master: str | None = None,
    table: str | None = None,
    divested_on: date | None = None,
    buyer: str | None = None,
) -> None:

    started = time.perf_counter()
    Workspace.check_name(name)
    with (
        _open_workspace() as ws,
        byte_progress(f"reading {file.name}") as progress,
        _data_engine(engine, ws, spark_master, progress) as data,
    ):
        options = _ingest_options(progress, on_error, table)
        info, prepared = ws.add_file(
            kind,
            name,
            file,
            as_of=as_of,
            options=options,
            overrides=overrides,
            region=region,
            engine=data,
            divested_on=divested_on,
            buyer=buyer,
        )
    elapsed = time.perf_counter() - started
    print_ingest(kind, info.name, prepared.input_json(), prepared.columns_json(), elapsed)
    if json_path:
        write_json(json_path, {"input": prepared.input_json(), "columns": prepared.columns_json()})


MapOption = Annotated[
    list[str] | None,
    typer.Option("--map", help="Force a column's type: COLUMN=TYPE or COLUMN=national_id:SCHEME."),
]
EngineOption = Annotated[
    EngineName, typer.Option("--engine", help="Engine that processes the data.")
]
SparkMasterOption = Annotated[
    str | None,
    typer.Option(
        "--spark-master",
        envvar="SPARK_MASTER",
        help="Spark master URL for --engine spark (spark://, yarn, k8s://, local[N]); "
        "default: $SPARK_REMOTE (Spark Connect), spark-defaults, else local mode.",
    ),
]
TableOption = Annotated[
    str | None,
    typer.Option(
        "--table",
        help="Multi-table input (SQL dump, workbook, archive): the table, sheet or member to "
        "read. Default: the one with the most personal-identifier columns.",
    ),
]
OnErrorOption = Annotated[
    OnError, typer.Option("--on-error", help="Skip and count malformed rows, or fail on the first.")
]
RegionOption = Annotated[
    str, typer.Option("--region", help="Default country for national phone numbers (ISO 3166).")
]


RulesOption = Annotated[
    Path | None,
    typer.Option("--rules-file", help="Tier and remediation rules (TOML); default: packaged."),
]


@source_app.command("add")
def source_add(
    file: Annotated[Path, typer.Argument(help="Reference file (any format ingest reads).")],
    name: Annotated[str, typer.Option("--name", help="Source name, e.g. crm.")],
    as_of: Annotated[
        str | None, typer.Option("--as-of", help="Date the copy was taken (YYYY-MM-DD).")
    ] = None,
    mapping: MapOption = None,
    json_path: Annotated[
        Path | None, typer.Option("--json", help="Write what was read (input, columns) as JSON.")
    ] = None,
    engine: EngineOption = EngineName.duckdb,
    on_error: OnErrorOption = OnError.skip,
    region: RegionOption = "PE",
    spark_master: SparkMasterOption = None,
    table: TableOption = None,
    divested_on: Annotated[
        str | None,
        typer.Option(
            "--divested-on",
            help="The copy is the archive of a business unit sold on this date (YYYY-MM-DD); "
            "triage then tells the seller's copy from the buyer's system (custody).",
        ),
    ] = None,
    buyer: Annotated[
        str | None, typer.Option("--buyer", help="Who bought the unit (with --divested-on).")
    ] = None,
) -> None:
    """Register (or replace) a reference source: tokens and encrypted fuzzy fields only."""
    _require_engine(engine)
    when = _parse_date(as_of, "--as-of")
    sold = _parse_date(divested_on, "--divested-on")
    if buyer is not None and sold is None:
        raise typer.BadParameter("--buyer needs --divested-on", param_hint="--buyer")
    overrides = _parse_map(mapping)
    _run(
        lambda: _add(
            "source",
            file,
            name,
            when,
            overrides,
            json_path,
            on_error,
            region.upper(),
            engine,
            spark_master,
            table,
            sold,
            buyer.strip() if buyer else None,
        )
    )


@source_app.command("list")
def source_list() -> None:
    """List registered sources and corpora."""

    def body() -> None:
        with _open_workspace() as ws:
            items = ws.list()
        from leaktriage.vocab import IDENTIFIER_TYPES

        table = Table("kind", "name", "as of", "rows", "identifiers", "added (UTC)", "divested")
        table.columns[3].justify = "right"
        table.columns[3].no_wrap = True
        for s in items:
            ids = sorted({c["type"] for c in s.columns} & IDENTIFIER_TYPES)
            table.add_row(
                s.kind,
                s.name,
                str(s.as_of or ""),
                f"{s.rows:,}",
                " ".join(ids),
                s.added_at.strftime("%Y-%m-%d %H:%M"),
                f"{s.divested_on} to {s.buyer or '?'}" if s.divested_on else "",
            )
        out.print(table if items else "no sources yet: leaktriage source add FILE --name NAME")

    _run(body)


@corpus_app.command("add")
def corpus_add(
    file: Annotated[Path, typer.Argument(help="A previously known leak.")],
    name: Annotated[str, typer.Option("--name", help="Corpus name, e.g. forum-2023.")],
    mapping: MapOption = None,
    json_path: Annotated[
        Path | None, typer.Option("--json", help="Write what was read (input, columns) as JSON.")
    ] = None,
    engine: EngineOption = EngineName.duckdb,
    on_error: OnErrorOption = OnError.skip,
    region: RegionOption = "PE",
    spark_master: SparkMasterOption = None,
    table: TableOption = None,
) -> None:
    """Register a known prior leak (tokens only) so that re-publications are recognised."""
    _require_engine(engine)
    overrides = _parse_map(mapping)
    _run(
        lambda: _add(
            "corpus",
            file,
            name,
            None,
            overrides,
            json_path,
            on_error,
            region.upper(),
            engine,
            spark_master,
            table,
        )
    )


@canary_app.command("plant")
def canary_plant(
    source: Annotated[str, typer.Option("--source", help="The copy the canaries go into.")],
    count: Annotated[int, typer.Option("--count", min=1, help="How many canary customers.")],
    out_file: Annotated[Path, typer.Option("--out", help="Where to write them.")],
) -> None:
    """Write synthetic canary customers to insert into a copy of the data, and register them."""

    def body() -> None:
        from leaktriage.canaries import plant

        with _open_workspace() as ws:
            n = plant(ws, source, count, out_file)
        out.print(
            f"{n} canary customers for '{source}' written to {out_file}: insert them into that "
            f"copy; any leak holding one will name it"
        )

    _run(body)


@app.command()
def triage(
    file: Annotated[Path, typer.Argument(help="The leak file.")],
    case: Annotated[
        str | None, typer.Option("--case", help="Case name; samples of one case are compared.")
    ] = None,
    claimed_records: Annotated[
        int | None,
        typer.Option("--claimed-records", min=0, help="Records the seller claims to hold."),
    ] = None,
    mapping: MapOption = None,
    json_path: Annotated[Path | None, typer.Option("--json", help="Write the triage JSON.")] = None,
    html_path: Annotated[Path | None, typer.Option("--html", help="Write the HTML report.")] = None,
    engine: EngineOption = EngineName.duckdb,
    on_error: OnErrorOption = OnError.skip,
    region: RegionOption = "PE",
    discovered_at: Annotated[
        str | None,
        typer.Option(
            "--discovered-at",
            help="When the leak was discovered (ISO 8601 with offset); starts the clocks. "
            "Default: now.",
        ),
    ] = None,
    jurisdiction: Annotated[
        list[str] | None,
        typer.Option(
            "--jurisdiction",
            help="Jurisdiction whose obligations apply (repeatable: PE, EU-GDPR, EU-TELECOM, "
            "EU-NIS2, KR-PIPC, KR-KISA, US-FCC, BR). Default: the rules file's default.",
        ),
    ] = None,
    rules_file: RulesOption = None,
    spark_master: SparkMasterOption = None,
    table: TableOption = None,
) -> None:
    """Judge a leak: genuine, recycled, fabricated, mixed, unrelated or inconclusive."""
    _require_engine(engine)
    overrides = _parse_map(mapping)
    discovered = _parse_datetime(discovered_at, "--discovered-at")
    if jurisdiction:
        from leaktriage.exposure.clocks import load_rules as load_clock_rules

        known = set(load_clock_rules()["jurisdictions"])
        for code in jurisdiction:
            if code not in known:
                raise typer.BadParameter(
                    f"unknown jurisdiction {code!r}; known: {', '.join(sorted(known))}",
                    param_hint="--jurisdiction",
                )
    if case is not None:
        _run(lambda: Workspace.check_name(case))

    def body() -> dict[str, Any]:
        from leaktriage.exposure.tiers import load_tier_rules
        from leaktriage.triage import run_triage

        with (
            _open_workspace() as ws,
            byte_progress(f"reading {file.name}") as progress,
            _data_engine(engine, ws, spark_master, progress) as data,
        ):
            result = run_triage(
                ws,
                file,
                case=case,
                claimed_records=claimed_records,
                overrides=overrides,
                options=_ingest_options(progress, on_error, table),
                region=region.upper(),
                on_stage=progress.stage,
                rules=load_tier_rules(rules_file),
                discovered_at=discovered,
                jurisdictions=jurisdiction,
                engine=data,
            )
        if json_path:
            write_json(json_path, result)
        if html_path:
            write_report(result, html_path)
        return result

    result = _run(body)
    print_triage(result, json_path, html_path)


@exposure_app.command("export")
def exposure_export(
    case: Annotated[str, typer.Option("--case", help="Case name given to triage.")],
    out_file: Annotated[Path, typer.Option("--out", help="Output file: .csv or .parquet.")],
    tier: Annotated[
        list[str] | None, typer.Option("--tier", help="Only these tiers (repeatable).")
    ] = None,
    rules_file: RulesOption = None,
) -> None:
    """Write the notification list: customer id, tier, remediation, channel, exposed fields."""

    def body() -> int:
        from leaktriage.exposure.export import NOTIFICATION_COLUMNS, exposure_rows, write_table
        from leaktriage.exposure.tiers import load_tier_rules
        from leaktriage.vocab import RISK_TIERS

        for t in tier or []:
            if t not in RISK_TIERS:
                raise typer.BadParameter(f"unknown tier {t!r}", param_hint="--tier")
        rules = load_tier_rules(rules_file)
        with _open_workspace() as ws:
            rows = exposure_rows(ws, case, rules, tier)
        write_table(rows, NOTIFICATION_COLUMNS, out_file)
        return len(rows)

    n = _run(body)
    out.print(f"{n:,} customers written to {out_file}")


@watchlist_app.command("export")
def watchlist_export(
    case: Annotated[str, typer.Option("--case", help="Case name given to triage.")],
    out_file: Annotated[
        Path | None, typer.Option("--out", help="Output .csv or .parquet; default: stdout (CSV).")
    ] = None,
    rules_file: RulesOption = None,
) -> None:
    """Write line tokens and tiers of the exposed customers that the rules put on watch."""

    def body() -> tuple[int, str | None]:
        from leaktriage.exposure.export import WATCHLIST_COLUMNS, watchlist_rows, write_table
        from leaktriage.exposure.tiers import load_tier_rules

        rules = load_tier_rules(rules_file)
        with _open_workspace() as ws:
            rows = watchlist_rows(ws, case, rules)
        return len(rows), write_table(rows, WATCHLIST_COLUMNS, out_file)

    n, text = _run(body)
    if text is not None:
        sys.stdout.write(text)
    else:
        out.print(f"{n:,} watched lines written to {out_file}")


class Tlp(StrEnum):
    """TLP 2.0 levels of an export."""

    clear = "clear"
    green = "green"
    amber = "amber"
    amber_strict = "amber+strict"
    red = "red"


def _export_case(kind: Literal["stix", "misp"], case: str, out_file: Path, **options: Any) -> None:
    """Write a case's STIX bundle or MISP event (aggregate counts and file hashes only)."""

    def body() -> tuple[str, int, int]:
        from leaktriage.intel import export_document, load_case_facts

        with _open_workspace() as ws:
            facts = load_case_facts(ws.engine, case)
        write_json(out_file, export_document(kind, facts, **options))
        return facts.label, facts.exposed_customers, len(facts.sample_digests)

    label, exposed, hashes = _run(body)
    what = "STIX 2.1 bundle" if kind == "stix" else "MISP event"
    out.print(
        f"{what} of case '{case}' ({label}, {exposed:,} customers exposed, {hashes} sample "
        f"hashes) written to {out_file}"
    )


ExportCaseOption = Annotated[str, typer.Option("--case", help="Case name given to triage.")]
ExportOutOption = Annotated[Path, typer.Option("--out", help="Output JSON file.")]
TlpOption = Annotated[Tlp, typer.Option("--tlp", help="TLP 2.0 marking of the export.")]
ActorOption = Annotated[
    str | None,
    typer.Option("--actor", help="Threat actor or group named in the claim (self-declared)."),
]
ClaimUrlOption = Annotated[
    str | None, typer.Option("--claim-url", help="Where the claim was posted.")
]
ProducerOption = Annotated[
    str, typer.Option("--producer", help="Name of the organisation producing the export.")
]


@export_app.command("stix")
def export_stix(
    case: ExportCaseOption,
    out_file: ExportOutOption,
    tlp: TlpOption = Tlp.amber,
    actor: ActorOption = None,
    claim_url: ClaimUrlOption = None,
    producer: ProducerOption = "leaktriage",
) -> None:
    """Write a case as a STIX 2.1 bundle: incident (Incident Core Extension), impacts, defender
    tasks, threat actor, the claim as a report, sample file hashes, TLP 2.0 marking."""
    _export_case(
        "stix", case, out_file, tlp=tlp.value, actor=actor, claim_url=claim_url, producer=producer
    )


@export_app.command("misp")
def export_misp(
    case: ExportCaseOption,
    out_file: ExportOutOption,
    tlp: TlpOption = Tlp.amber,
    actor: ActorOption = None,
    claim_url: ClaimUrlOption = None,
    producer: ProducerOption = "leaktriage",
) -> None:
    """Write a case as a MISP event (JSON, offline): incident, report and file objects,
    aggregate counters, TLP and threat-actor tags."""
    _export_case(
        "misp", case, out_file, tlp=tlp.value, actor=actor, claim_url=claim_url, producer=producer
    )


@user_app.command("add")
def user_add(
    name: Annotated[str, typer.Argument(help="User name.")],
    role: Annotated[str, typer.Option("--role", help="admin, analyst or viewer.")],
) -> None:
    """Create a user, or reset their password and role (password from LEAKTRIAGE_PASSWORD or
    a prompt)."""
    password = os.environ.get("LEAKTRIAGE_PASSWORD") or typer.prompt(
        "password", hide_input=True, confirmation_prompt=True
    )

    def body() -> None:
        from leaktriage.api.auth import add_user

        with _open_workspace() as ws:
            add_user(ws, name, role, password)
        out.print(f"user {name} ({role}) saved")

    _run(body)


@user_app.command("list")
def user_list() -> None:
    """List users and roles."""

    def body() -> None:
        from leaktriage.api.auth import list_users

        with _open_workspace() as ws:
            users = list_users(ws)
        table = Table("name", "role", "created (UTC)")
        for u in users:
            table.add_row(u.name, u.role, u.created_at.strftime("%Y-%m-%d %H:%M"))
        out.print(table if users else "no users yet: leaktriage user add NAME --role admin")

    _run(body)


@apikey_app.command("create")
def apikey_create(
    name: Annotated[str, typer.Argument(help="Name of the client, e.g. bank-gateway.")],
    scope: Annotated[
        list[str],
        typer.Option(
            "--scope",
            help="Scope granted (repeatable): cases:read, cases:write, exposure:read, "
            "alerts:read, risk:decide, events:write.",
        ),
    ],
) -> None:
    """Create an API key; its secret is printed once and never stored."""

    def body() -> str:
        from leaktriage.api.auth import create_api_key

        with _open_workspace() as ws:
            return create_api_key(ws, name, scope)

    secret = _run(body)
    err.print(f"API key {name} created; store this secret now, it is not shown again:")
    sys.stdout.write(secret + "\n")


@apikey_app.command("list")
def apikey_list() -> None:
    """List API keys, their scopes and whether they are revoked."""

    def body() -> None:
        from leaktriage.api.auth import list_api_keys

        with _open_workspace() as ws:
            keys = list_api_keys(ws)
        table = Table("name", "scopes", "created (UTC)", "revoked")
        for k in keys:
            table.add_row(
                k.name, " ".join(k.scopes), k.created_at.strftime("%Y-%m-%d %H:%M"),
                "yes" if k.revoked else "",
            )  # fmt: skip
        out.print(table if keys else "no API keys yet")

    _run(body)


@apikey_app.command("revoke")
def apikey_revoke(name: Annotated[str, typer.Argument(help="Key to revoke.")]) -> None:
    """Revoke an API key for good."""

    def body() -> None:
        from leaktriage.api.auth import revoke_api_key

        with _open_workspace() as ws:
            revoke_api_key(ws, name)
        out.print(f"API key {name} revoked")

    _run(body)


@app.command()
def serve(
    host: Annotated[str, typer.Option("--host", help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", help="Port to listen on.")] = 8000,
    max_upload_bytes: Annotated[
        int, typer.Option("--max-upload-bytes", min=1, help="Largest leak upload accepted.")
    ] = 4 * 2**30,
    ssl_certfile: Annotated[
        Path | None, typer.Option("--ssl-certfile", help="TLS certificate (PEM): serve HTTPS.")
    ] = None,
    ssl_keyfile: Annotated[
        Path | None, typer.Option("--ssl-keyfile", help="TLS private key (PEM).")
    ] = None,
    secure_cookies: Annotated[
        bool | None,
        typer.Option(
            "--secure-cookies/--no-secure-cookies",
            help="Mark the session cookie Secure. Default: on, except for plain HTTP on a "
            "loopback address (set it on behind a TLS proxy).",
        ),
    ] = None,
) -> None:
    """Start the web UI, case API and risk API (uvicorn) over the workspace.

    Users and API keys are managed with 'user add' and 'apikey create' while the service is
    stopped (it holds the workspace open)."""
    if (ssl_certfile is None) != (ssl_keyfile is None):
        raise typer.BadParameter("give both --ssl-certfile and --ssl-keyfile", param_hint="--ssl-*")
    loopback = host in ("127.0.0.1", "::1", "localhost")
    secure = (
        secure_cookies if secure_cookies is not None else (ssl_certfile is not None or not loopback)
    )

    def body() -> None:
        import uvicorn

        from leaktriage.api.app import create_app
        from leaktriage.api.service import Service, ServiceConfig

        ws = _open_workspace()
        service = Service(
            ws,
            ServiceConfig(
                max_upload_bytes=max_upload_bytes,
                secure_cookies=secure,
                ingest_limits=(
                    ("max_input_bytes", state.max_input_bytes),
                    ("max_ratio", state.max_ratio),
                ),
            ),
        )
        service.start()
        scheme = "https" if ssl_certfile else "http"
        err.print(
            f"leaktriage serving {ws.path} on {scheme}://{host}:{port}",
            markup=False,
            soft_wrap=True,
        )
        try:
            uvicorn.run(
                create_app(service),
                host=host,
                port=port,
                log_level="info",
                ssl_certfile=str(ssl_certfile) if ssl_certfile else None,
                ssl_keyfile=str(ssl_keyfile) if ssl_keyfile else None,
                server_header=False,
            )
        finally:
            service.stop()
            ws.close()

    _run(body)


@synth_app.command("world")
def synth_world(
    out_dir: Annotated[Path, typer.Argument(help="Directory to write the world into.")],
    customers: Annotated[
        int, typer.Option("--customers", min=100, help="Customers of the synthetic operator.")
    ] = 100_000,
    seed: Annotated[int, typer.Option("--seed", help="Random seed: same seed, same files.")] = 7,
) -> None:
    """Generate a synthetic operator, population and leak scenarios with ground truth."""
    _run(lambda: _synth(out_dir, customers, seed))


def _synth(out_dir: Path, customers: int, seed: int) -> dict[str, Any]:
    from leaktriage.synth import generate_world

    progress = Progress(
        TextColumn("{task.description}"), BarColumn(), TimeElapsedColumn(), console=err
    )
    task = progress.add_task("synthetic world", total=1.0)

    def update(stage: str, fraction: float) -> None:
        progress.update(task, description=f"synthetic world: {stage}", completed=fraction)

    started = time.perf_counter()
    with progress:
        manifest = generate_world(out_dir, customers=customers, seed=seed, progress=update)
    out.print(
        f"world written to {out_dir} in {time.perf_counter() - started:.1f} s: "
        f"{customers:,} customers, {len(manifest['sources'])} sources, "
        f"{len(manifest['scenarios'])} leak scenarios (ground truth in world.json)"
    )
    return manifest


@app.command()
def demo(
    out_dir: Annotated[Path, typer.Option("--out", help="Where the demo writes.")] = Path(
        "demo-out"
    ),
    customers: Annotated[
        int, typer.Option("--customers", min=100, help="Customers of the synthetic operator.")
    ] = 20_000,
) -> None:
    """Run the main job on the embedded default: a synthetic operator, its workspace and sources."""

    def body() -> None:
        import shutil

        if out_dir.exists():
            shutil.rmtree(out_dir)
        manifest = _synth(out_dir / "world", customers, 7)
        state.workspace = out_dir / "workspace"
        ws, _ = Workspace.init(state.workspace, env_key=os.environ.get(KEY_ENV))
        ws.close()
        out.print(f"workspace created: {state.workspace}")
        for src in manifest["sources"]:
            as_of = date.fromisoformat(src["as_of"]) if src.get("as_of") else None
            _add(
                "source",
                out_dir / "world" / src["file"],
                src["name"],
                as_of,
                {},
                out_dir / f"{src['name']}.ingest.json",
                OnError.skip,
                "PE",
            )
        for corpus in manifest.get("corpora", []):
            _add(
                "corpus",
                out_dir / "world" / corpus["file"],
                corpus["name"],
                None,
                {},
                None,
                OnError.skip,
                "PE",
            )
        # A "Dedale-style" claim: a sample posted with a claim of 22 million records.
        from leaktriage.triage import run_triage

        leak = next(s for s in manifest["scenarios"] if s["name"] == "genuine_crm")
        with _open_workspace() as ws, byte_progress(f"triage {leak['file']}") as progress:
            result = run_triage(
                ws,
                out_dir / "world" / leak["file"],
                case="dedale",
                claimed_records=22_000_000,
                options=_ingest_options(progress),
            )
        json_path, html_path = out_dir / "dedale.json", out_dir / "dedale.html"
        write_json(json_path, result)
        write_report(result, html_path)
        print_triage(result, json_path, html_path)
        out.print(f"[bold]demo done[/bold]: workspace {state.workspace}, outputs in {out_dir}")

    _run(body)


# `leaktriage notify draft|customer` (regulator drafts, customer notices): in cli_notify.py
register_notify(app, _run, _open_workspace)
