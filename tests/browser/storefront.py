"""The demo's Django project serving the storefront kit to Chromium, with the story played.

``demo_site`` (module scope): the demo's URLconf on a real server in a thread (``make_server(0)``,
as tests/graphql/test_demo.py does), the story played and the shop page prepared on committed
data (the server's thread has its own connection, so nothing may hide in a test transaction),
and the database flushed afterwards so later tests start empty. Test modules using it carry
``pytest.mark.django_db`` so that pytest-django creates the test database at all; each test's
own transaction only reads.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any
from unittest import mock

import pytest
from django.core.management import call_command
from django.test.utils import override_settings

from saleor_loyalty.demo.cast import Cast, Person
from saleor_loyalty.demo.client import DemoClient
from saleor_loyalty.demo.server import make_server
from saleor_loyalty.demo.story import Out, play, seed_cast
from saleor_loyalty.graphql.auth import create_access_token
from saleor_loyalty.services.rules import versions as rule_version
from saleor_loyalty.shop import set_shop
from saleor_loyalty.storefront.demo import Shopper, prepare_shop_page

WAIT_SECONDS = 15


@dataclass
class DemoSite:
    url: str  # http://127.0.0.1:<port>
    cast: Cast
    shoppers: dict[str, Shopper]
    client: DemoClient

    def page(self, shopper: str | None = None, *, lang: str | None = None, theme: str | None = None,
             token: str | None = None) -> str:
        """The shop page's URL, as a guest or signed in as one of the cast (or with ``token``)."""
        fragment = ""
        if shopper is not None:
            fragment = self.shoppers[shopper].page_fragment(lang=lang)
        elif lang:
            fragment = f"lang={lang}"
        if token is not None:
            fragment = f"token={token}" + (f"&lang={lang}" if lang else "")
        if theme:
            fragment += f"&theme={theme}"
        return f"{self.url}/shop/#{fragment}"

    def api(self, query: str, variables: dict[str, Any] | None = None, *, as_: Person | None = None) -> dict[str, Any]:
        return self.client.data(query, variables, token=as_.token if as_ else None)


@pytest.fixture(scope="module")
def demo_site(django_db_setup: None, django_db_blocker: Any) -> Iterator[DemoSite]:
    with django_db_blocker.unblock(), override_settings(ROOT_URLCONF="saleor_loyalty.demo.urls"):
        rule_version.forget_compiled_rules()
        cast = seed_cast()
        server = make_server(0)
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        try:
            client = DemoClient()
            play(cast, out=Out(lambda _line: None), client=client)
            shoppers = {shopper.person.name: shopper for shopper in prepare_shop_page(cast, client)}
            thread.start()
            yield DemoSite(f"http://127.0.0.1:{server.server_address[1]}", cast, shoppers, client)
        finally:
            server.shutdown()
            server.server_close()
            thread.join(timeout=5)
            set_shop(None)
            call_command("flush", interactive=False, verbosity=0)
            _restore_migration_rows()
            rule_version.forget_compiled_rules()


def _restore_migration_rows() -> None:
    """Put back the rows migrations seed (the ledger's system accounts), which flush deleted:
    later tests count the queries a credit costs and expect those accounts to be there."""
    import importlib

    from django.apps import apps

    from saleor_loyalty import ledger

    importlib.import_module("saleor_loyalty.migrations.0003_system_accounts").create_system_accounts(apps, None)
    ledger.forget_system_account_ids()


def expired_token(person: Person) -> str:
    """A token of ``person`` signed nine hours ago: the demo's tokens last eight."""
    with mock.patch("django.core.signing.time.time", return_value=time.time() - 9 * 3600):
        return create_access_token(person.user)


def wait_for(driver: Any, script: str, *args: Any, timeout: float = WAIT_SECONDS) -> Any:
    """Run ``script`` (a function body returning a value) until it returns something truthy."""
    deadline = time.monotonic() + timeout
    while True:
        value = driver.execute_script(script, *args)
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for: {script}; page text: {page_text(driver)}")
        time.sleep(0.05)


def shadow(selector: str, inner: str) -> str:
    """JavaScript for the element ``inner`` inside the shadow root of ``selector``."""
    return f"document.querySelector({json.dumps(selector)})?.shadowRoot?.querySelector({json.dumps(inner)})"


def shadow_text(driver: Any, selector: str, inner: str, *, timeout: float = WAIT_SECONDS) -> str:
    """The text of ``inner`` in ``selector``'s shadow root, once it is there."""
    return str(wait_for(driver, f"return {shadow(selector, inner)}?.textContent.replace(/\\s+/g, ' ').trim()", timeout=timeout))


def page_text(driver: Any) -> str:
    """The visible text of the page, shadow roots included (for failure messages)."""
    return str(driver.execute_script(
        "const walk = (n) => (n.shadowRoot ? walk(n.shadowRoot) : '') + [...n.children].map(walk).join(' ') +"
        " (n.children && !n.children.length ? ' ' + (n.textContent || '') : '');"
        "return walk(document.body).replace(/\\s+/g, ' ').slice(0, 3000);"
    ))


def open_page(driver: Any, url: str, *, count_requests: bool = False) -> None:
    """Load ``url`` fresh (a fragment-only change would not reload) and wait for the elements."""
    driver.get("about:blank")
    if count_requests:
        # Count the API calls by operation, installed before any of the page's scripts run.
        driver.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument", {"source": COUNT_FETCHES})
    driver.get(url)
    wait_for(driver, "return customElements.get('loyalty-account') && document.readyState === 'complete'")


COUNT_FETCHES = """
window.__loyaltyCalls = [];
const realFetch = window.fetch;
window.fetch = (url, init) => { window.__loyaltyCalls.push(String(init && init.body || '')); return realFetch(url, init); };
"""


def redraws(driver: Any, selector: str) -> Callable[[], None]:
    """Start waiting for ``selector``'s next ``loyalty:loaded``; call the result to wait for it."""
    driver.execute_script(
        "window.__loaded = false; document.querySelector(arguments[0]).addEventListener("
        "'loyalty:loaded', () => { window.__loaded = true; }, {once: true});", selector
    )
    return lambda: wait_for(driver, "return window.__loaded")
