"""Engines run the SQL of every stage. Only this package imports an engine library.

``duckdb`` is the embedded default; heavier engines are imported lazily so that
``import leaktriage`` works without them.
"""

from __future__ import annotations

from leaktriage.engines.base import Dialect, Engine

__all__ = ["Dialect", "Engine", "ENGINE_NAMES", "create_engine"]

ENGINE_NAMES = ("duckdb", "spark")


def create_engine(name: str = "duckdb", **options: object) -> Engine:
    """Create the engine called ``name`` (see :data:`ENGINE_NAMES`)."""
    if name == "duckdb":
        from leaktriage.engines.duckdb import DuckDBEngine

        return DuckDBEngine(**options)  # type: ignore[arg-type]
    if name == "spark":
        try:
            import pyspark  # noqa: F401
        except ImportError:
            from leaktriage.errors import EngineError

            raise EngineError(
                "the spark engine needs pyspark: pip install 'leaktriage[spark]' "
                "(or use --engine duckdb)"
            ) from None
        from leaktriage.engines.spark import SparkEngine

        return SparkEngine(**options)  # type: ignore[arg-type]
    raise ValueError(f"unknown engine {name!r}; choose one of {', '.join(ENGINE_NAMES)}")
