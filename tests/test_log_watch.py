"""The run-wide log watch (``tests/log_watch.py``) does find a planted value in a log line."""

from __future__ import annotations

import logging

import log_watch


def test_a_planted_value_in_a_log_line_is_found() -> None:
    value = "+51 900 123 457"
    log_watch.plant([value])
    try:
        logging.getLogger("leaktriage.test").debug("oops %s", "51900123457")
        _, _, hits = log_watch.findings()
        assert any("51900123457" in line for line in hits)
    finally:
        log_watch._planted.difference_update({value, "51900123457"})
        # the line stays in the file; without its value planted it is no finding
    assert not [h for h in log_watch.findings()[2] if "51900123457" in h]
