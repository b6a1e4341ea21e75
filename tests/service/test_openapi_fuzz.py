"""Schemathesis against the served OpenAPI spec: generated requests, valid and invalid, to every
API operation, with a key holding every scope. No 5xx, and every response conforms to the spec
(status documented, content type, headers, body schema), and data outside the schema is
rejected.

One check is left out: "schema-valid data must be accepted". A schema cannot say "a possible
phone number" or "a case that exists", so a string like ``"code"`` for ``msisdn`` is valid by
the schema and rightly refused with 422 (or CAMARA's 400/422).

Runs schemathesis's Python API per operation (its pytest fixture loader does not yet work with
pytest 9), with hypothesis settings fixed so the run is repeatable.
"""

from __future__ import annotations

from typing import Any

import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.specs.openapi.checks import positive_data_acceptance
from service_helpers import Served

EXAMPLES = 40


def test_api_conforms(served: Served) -> None:
    schema = schemathesis.openapi.from_asgi("/openapi.json", served.app)
    headers = {"authorization": f"Bearer {served.keys['all']}"}
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 15
    failures: dict[str, str] = {}
    for operation in operations:

        @given(case=operation.as_strategy())
        @settings(
            max_examples=EXAMPLES,
            deadline=None,
            derandomize=True,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        def run(case: Any) -> None:
            case.call_and_validate(headers=headers, excluded_checks=[positive_data_acceptance])

        try:
            run()
        except (Exception, BaseExceptionGroup) as exc:  # collect every operation's failure
            failures[operation.label] = f"{type(exc).__name__}: {str(exc)[:1500]}"
    assert not failures, "\n\n".join(f"{k}\n{v}" for k, v in failures.items())
