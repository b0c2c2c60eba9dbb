"""The two calls logistics makes into donations' services, in one place.

`donations.services` is built in parallel by the donations helper; until it provides these
functions the calls are skipped and logged (TEMPORARY: the lead removes the fallback at merge)."""

from __future__ import annotations

import logging

logger = logging.getLogger(__name__)


def _service(name: str):
    try:
        from donations import services
    except ImportError:
        logger.warning("donations.services is missing: %s skipped", name)
        return None
    function = getattr(services, name, None)
    if function is None:
        logger.warning("donations.services.%s is missing: call skipped", name)
    return function


def device_outcome_record(**kwargs) -> None:
    """The anonymised outcome a donor and the public see (commune, household kind, date,
    a story or photo only with the household's consent)."""
    function = _service("device_outcome_record")
    if function is not None:
        function(**kwargs)


def ledger_spend(**kwargs) -> None:
    """Books money spent from the fund (refurbish, sim, buy_phone) against devices."""
    function = _service("ledger_spend")
    if function is not None:
        function(**kwargs)
