from __future__ import annotations

import hashlib
import hmac

from hypothesis import given, settings
from hypothesis import strategies as st

from leaktriage.engines import Engine
from leaktriage.tokens import TOKEN_HEX_CHARS, Keyring, derive_key, token, token_sql
from leaktriage.vocab import TOKEN_DOMAIN

MASTER = b"\x01" * 32


def test_token_is_truncated_hmac_sha256() -> None:
    key = derive_key(MASTER, "token:phone")
    expected = hmac.new(key, b"+51987654321", hashlib.sha256).hexdigest()[:TOKEN_HEX_CHARS]
    assert token("+51987654321", key) == expected


def test_domains_have_distinct_keys_and_shared_types_share_one() -> None:
    ring = Keyring(MASTER)
    assert ring.key_for("msisdn") == ring.key_for("phone")
    keys = {ring.key_for(t) for t in TOKEN_DOMAIN if t != "phone"}
    assert len(keys) == len(set(TOKEN_DOMAIN.values()))


def test_keys_depend_on_master() -> None:
    assert Keyring(MASTER).key_for("email") != Keyring(b"\x02" * 32).key_for("email")


@settings(max_examples=25, deadline=None)
@given(st.lists(st.text(min_size=0, max_size=40), min_size=1, max_size=200))
def test_sql_tokens_equal_python_tokens(values: list[str]) -> None:
    # One engine per example keeps hypothesis' function-scoped fixture rule happy.
    from leaktriage.engines import create_engine

    eng: Engine = create_engine("duckdb")
    try:
        ring = Keyring(MASTER)
        ring.bind(eng)
        eng.execute("create table v (i int, s varchar)")
        for i, s in enumerate(values):
            eng.execute("insert into v values (?, ?)", [i, s])
        eng.execute("insert into v values (-1, null)")
        for ctype in ("msisdn", "national_id", "email"):
            rows = eng.fetch_rows(f"select i, {token_sql('s', ctype)} from v order by i")
            assert rows[0] == (-1, None)
            got = [t for _, t in rows[1:]]
            assert got == [ring.token(s, ctype) for s in values]
    finally:
        eng.close()
