"""The ``saleor-loyalty`` command (``[project.scripts]`` in pyproject.toml).

``saleor-loyalty demo`` starts PostgreSQL (``DATABASE_URL``, else an embedded server that is
deleted on exit), migrates, seeds a cast and an in-memory shop, and plays the story through the
GraphQL API (docs/demo.md). ``--serve`` then keeps the API (with its query page) on
http://127.0.0.1:<port>/graphql/ and the staff console on /console/ until Ctrl-C, with the same shop
and tokens, and prints a one-time signed-in link to the console for the demo's staff member.
"""

from __future__ import annotations

import argparse
import os
from collections.abc import Callable, Sequence
from typing import Any

DEMO_SETTINGS = "saleor_loyalty.demo.settings"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="saleor-loyalty", description="Loyalty for Saleor, without Saleor.")
    commands = parser.add_subparsers(dest="command", required=True)
    demo = commands.add_parser("demo", help="play the demo story on a throw-away PostgreSQL")
    demo.add_argument("--serve", action="store_true", help="then serve the API and the staff console on 127.0.0.1")
    demo.add_argument("--port", type=int, default=8000, help="port for --serve (default 8000)")
    args = parser.parse_args(argv)
    if not 0 <= args.port <= 65535:
        parser.error(f"--port must be between 0 and 65535, not {args.port}")
    return run_demo(serve=args.serve, port=args.port)


def run_demo(*, serve: bool = False, port: int = 8000, write: Callable[[str], Any] = print) -> int:
    """Set Django up with the demo settings, then migrate, seed, play and (maybe) serve."""
    setup_demo_django(write)

    from django.core.management import call_command

    from .client import DemoError
    from .story import Out, play, seed_cast
    from ..exceptions import LoyaltyError

    write("Applying migrations...")
    call_command("migrate", interactive=False, verbosity=0)
    cast = seed_cast()
    write(f"Cast: {', '.join(f'{person.name} ({person.role})' for person in cast.people)}")
    try:
        play(cast, out=Out(write))
    except DemoError as exc:
        write(f"\nThe story stopped: the API refused a step it should have accepted: {exc}")
        return 1
    except LoyaltyError as exc:
        write(f"\nThe story stopped: the shop's order events were refused: {exc.code}: {exc.message}")
        return 1
    if serve:
        return serve_demo(port, cast, write)
    return 0


def setup_demo_django(write: Callable[[str], Any]) -> None:
    """Point Django at the demo settings (which start the database) and set it up."""
    import django
    from django.conf import settings

    if settings.configured and settings.SETTINGS_MODULE != DEMO_SETTINGS:
        raise SystemExit(f"Django is already set up with {settings.SETTINGS_MODULE}; run the demo on its own.")
    # The demo is a project of its own: another project's settings module must not leak in.
    os.environ["DJANGO_SETTINGS_MODULE"] = DEMO_SETTINGS
    source = "DATABASE_URL" if os.environ.get("DATABASE_URL") else "an embedded PostgreSQL, deleted on exit"
    write(f"Starting the database ({source})...")
    django.setup()


def serve_demo(port: int, cast: Any, write: Callable[[str], Any]) -> int:
    from ..console.auth import ConsoleAuth
    from ..storefront.demo import prepare_shop_page
    from .server import HOST, make_server, serve
    from .urls import API_PATH, CONSOLE_PATH, SCRIPT_PATH, SHOP_PATH

    try:
        server = make_server(port)
    except OSError as exc:
        write(f"\nCannot listen on {HOST}:{port}: {exc.strerror or exc}. Try --port with another number.")
        return 1
    shoppers = prepare_shop_page(cast)
    base = f"http://{HOST}:{server.server_address[1]}"
    url = f"{base}{API_PATH}"
    write(f"\nServing the loyalty API and its query page at {url} (Ctrl-C stops).")
    write("In the query page, put a token in the Authorization field: Bearer <token>. Tokens last 8 hours.")
    link = ConsoleAuth.create_sign_in_link_token(cast.sam.user)
    write(f"The staff console: {base}{CONSOLE_PATH}")
    write(f"  {cast.sam.name} signed in (one-time link, 10 minutes): {base}{CONSOLE_PATH}sign-in/link/{link}/")
    for person in cast.people:
        write(f"  {person.name} ({person.role}): {person.token}")
    from ..graphql.core.ids import to_global_id

    owners = {person.user.pk: person.name for person in cast.people}
    for token, checkout in cast.shop.checkouts.items():
        owner = owners.get(checkout.user_id, "?")
        write(f"Open checkout of {owner} (try loyaltyQuote with their token): {to_global_id('Checkout', token)}")
    write(f"\nThe storefront kit: {base}{SCRIPT_PATH}")
    write(f"Sample shop page (guest): {base}{SHOP_PATH}")
    for shopper in shoppers:
        write(f"  as {shopper.person.name}: {base}{SHOP_PATH}#{shopper.page_fragment()}")
    serve(server, write=write)
    return 0


if __name__ == "__main__":  # python -m saleor_loyalty.demo.cli
    raise SystemExit(main())
