"""The public surface of ``leaktriage.normalize``: every type, its outputs and their types."""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa
import pytest

import leaktriage.normalize as normalize
from leaktriage.normalize import OUTPUT_TYPES, normalize_exprs
from leaktriage.vocab import COLUMN_TYPES, ID_SCHEMES

JUNK = [
    None,
    "",
    "  ",
    "n/a",
    "0",
    "'; drop table x; --",
    "ÁÉÍ ñ 김",
    "9.87654321E8",
    "+51 987 654 321",
]


def test_all():
    assert sorted(normalize.__all__) == sorted(
        ["DATE_FORMATS", "OUTPUT_TYPES", "PHONE_REGIONS", "detect_date_format", "detect_scheme",
         "normalize_exprs"]
    )  # fmt: skip


def test_every_column_type_has_outputs():
    assert set(OUTPUT_TYPES) == set(COLUMN_TYPES)
    for ctype, outputs in OUTPUT_TYPES.items():
        if ctype in ("ki", "opc"):
            assert "value" not in outputs
        else:
            assert "value" in outputs


@pytest.mark.parametrize("ctype", COLUMN_TYPES)
def test_outputs_run_on_junk_with_declared_types(engine, ctype):
    schemes = ID_SCHEMES if ctype == "national_id" else (None,)
    table = pa.table({"c": pa.array(JUNK, pa.string())})
    engine.load_arrow("junk", pa.RecordBatchReader.from_batches(table.schema, table.to_batches()))
    for scheme in schemes:
        exprs = normalize_exprs('"c"', ctype, scheme=scheme)
        assert list(exprs) == list(OUTPUT_TYPES[ctype])
        select = ", ".join(f'{e} AS "{n}"' for n, e in exprs.items())
        engine.execute(f"CREATE OR REPLACE TABLE junk_out AS SELECT {select} FROM junk")
        types = dict(engine.fetch_rows("SELECT column_name, column_type FROM (DESCRIBE junk_out)"))
        assert types == OUTPUT_TYPES[ctype]
        assert engine.count("junk_out") == len(JUNK)


def test_unknown_names_rejected():
    with pytest.raises(ValueError, match="column type"):
        normalize_exprs("c", "shoe_size")
    with pytest.raises(ValueError, match="scheme"):
        normalize_exprs("c", "national_id", scheme="fr.nir")


def test_normalizers_do_not_import_an_engine():
    package = Path(normalize.__file__).parent
    for path in package.glob("*.py"):
        text = path.read_text()
        assert "import duckdb" not in text and "from duckdb" not in text, path.name
        assert "pyspark" not in text, path.name
