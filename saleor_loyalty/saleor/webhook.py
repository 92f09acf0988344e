"""The plugin's HTTP endpoints under /plugins/global/saleor.loyalty/."""

from __future__ import annotations

from typing import Any

from ..config import ProgramConfig


def handle_request(request: Any, path: str, config: ProgramConfig) -> Any:
    return None
