"""Order events -> services. Filled in below the checkout work (see docs/hooks.md)."""

from __future__ import annotations

from typing import Any

from ..config import ProgramConfig


def check_checkout_before_order(checkout_info: Any, config: ProgramConfig) -> None:
    return None


def handle_order_event(event: str, order: Any, config: ProgramConfig) -> None:
    return None
