"""Customer events -> services."""

from __future__ import annotations

from typing import Any

from ..config import ProgramConfig


def handle_customer_created(customer: Any, config: ProgramConfig) -> None:
    return None
