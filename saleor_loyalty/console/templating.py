"""A standalone Django template engine for the console's templates.

The console is added to a Saleor project through the plugin entry point only, so it cannot rely
on the project's ``TEMPLATES`` setting (Saleor's has no app directories for plugins). The engine
is built once, on first use, from this package's template folder, with autoescaping and the
``i18n`` tags, so every text goes through Django's translation machinery.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

from django.template import Context, Engine

TEMPLATE_DIR = Path(__file__).resolve().parent / "templates"


@cache
def get_engine() -> Engine:
    return Engine(
        dirs=[str(TEMPLATE_DIR)],
        autoescape=True,
        libraries={"i18n": "django.templatetags.i18n", "console": "saleor_loyalty.console.templatetags"},
        builtins=["django.templatetags.i18n", "saleor_loyalty.console.templatetags"],
        string_if_invalid="",
    )


def render(name: str, context: dict[str, Any]) -> str:
    """Render ``loyalty_console/<name>`` with ``context`` (autoescaped)."""
    template = get_engine().get_template(f"loyalty_console/{name}")
    return template.render(Context(context, autoescape=True))
