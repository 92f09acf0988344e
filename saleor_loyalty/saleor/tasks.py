"""Work that can wait after an order event: tier re-evaluation and the metadata mirror.

Scheduled with ``transaction.on_commit`` so it sees the committed ledger. It runs inline after
the commit: Celery discovers tasks only in ``saleor_loyalty.tasks`` (owned by the ledger
engineer), so moving this to a Celery task taking the user id is a one-line change there.
"""

from __future__ import annotations

import logging

from django.db import transaction

from ..config import ProgramConfig

logger = logging.getLogger(__name__)


def schedule_customer_refresh(user_id: int, config: ProgramConfig, *, reevaluate: bool) -> None:
    transaction.on_commit(lambda: refresh_customer(user_id, config, reevaluate=reevaluate))


def refresh_customer(user_id: int, config: ProgramConfig, *, reevaluate: bool) -> None:
    from ..services import tiers
    from .metadata import mirror_customer_metadata

    try:
        if reevaluate and config.tiers_enabled:
            tiers.reevaluate_tier(user_id, config=config)
        mirror_customer_metadata(user_id)
    except Exception:
        logger.exception("Loyalty could not refresh customer %s", user_id)
