"""Template filters of the console (loaded as a builtin by ``templating.get_engine``)."""

from __future__ import annotations

from typing import Any

from django.template import Library

register = Library()


@register.filter
def get(mapping: Any, key: Any) -> Any:
    """``{{ errors|get:"name" }}``: a mapping's value, or "" when absent."""
    if mapping is None:
        return ""
    try:
        return mapping.get(key, "")
    except AttributeError:
        return ""


@register.filter
def points(value: Any) -> str:
    """``1234`` -> ``1,234``; a signed figure keeps its sign."""
    try:
        return f"{int(value):,}"
    except (TypeError, ValueError):
        return "" if value is None else str(value)
