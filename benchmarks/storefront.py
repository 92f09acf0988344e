"""Measure the storefront kit: the module's size (raw and gzip) and the time from page load to
the account panel drawn, on the demo's shop page in Chromium.

    python3 benchmarks/storefront.py              # 10 page loads
    python3 benchmarks/storefront.py --loads 3

The database is ``DATABASE_URL`` when set (the demo's data is written there, as
``saleor-loyalty demo`` does), else an embedded PostgreSQL deleted on exit. The demo's story is
played, the shop page prepared, and the demo's server started on a free port; then Debian's
Chromium (headless, the tests' flags) loads Alice's shop page ``--loads`` times with a cold cache
(a fresh page, cache disabled through the DevTools protocol). Each load reports the
``loyalty:account-rendered`` mark the element sets when it draws the panel: milliseconds since
navigation start, so it counts the page, the module, the API call and the drawing. Printed:
the best, the median and the worst.
"""

from __future__ import annotations

import argparse
import gzip
import statistics
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # this tree's package before an installed one

MODULE = ROOT / "saleor_loyalty" / "storefront" / "static" / "loyalty.js"


def module_size() -> tuple[int, int]:
    data = MODULE.read_bytes()
    return len(data), len(gzip.compress(data, compresslevel=9))


def time_account_panel(loads: int) -> list[float]:
    from saleor_loyalty.demo.cli import setup_demo_django

    setup_demo_django(lambda line: print(line, file=sys.stderr))
    from django.core.management import call_command

    from saleor_loyalty.demo.server import make_server
    from saleor_loyalty.demo.story import Out, play, seed_cast
    from saleor_loyalty.storefront.demo import prepare_shop_page
    from tests.browser.conftest import CHROMEDRIVER, CHROMIUM, CHROMIUM_FLAGS

    call_command("migrate", interactive=False, verbosity=0)
    cast = seed_cast()
    play(cast, out=Out(lambda _line: None))
    alice = next(shopper for shopper in prepare_shop_page(cast) if shopper.person.name == "Alice")
    server = make_server(0)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{server.server_address[1]}/shop/#{alice.page_fragment()}"

    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in CHROMIUM_FLAGS:
        options.add_argument(flag)
    driver = webdriver.Chrome(service=Service(executable_path=CHROMEDRIVER), options=options)
    driver.execute_cdp_cmd("Network.enable", {})
    driver.execute_cdp_cmd("Network.setCacheDisabled", {"cacheDisabled": True})
    samples = []
    try:
        for _ in range(loads):
            driver.get("about:blank")
            driver.get(url)
            deadline = time.monotonic() + 30
            mark = None
            while mark is None and time.monotonic() < deadline:
                mark = driver.execute_script(
                    "const m = performance.getEntriesByName('loyalty:account-rendered')[0]; return m ? m.startTime : null"
                )
                if mark is None:
                    time.sleep(0.01)
            if mark is None:
                raise SystemExit("the account panel was not drawn within 30 s")
            samples.append(float(mark))
    finally:
        driver.quit()
        server.shutdown()
        server.server_close()
    return samples


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--loads", type=int, default=10, help="page loads to time (default 10)")
    args = parser.parse_args()
    raw, packed = module_size()
    print(f"loyalty.js: {raw:,} bytes, {packed:,} bytes gzip (level 9)")
    samples = time_account_panel(max(1, args.loads))
    print(
        f"page load -> account panel drawn ({len(samples)} cold loads of the demo's shop page as Alice): "
        f"best {min(samples):.0f} ms, median {statistics.median(samples):.0f} ms, worst {max(samples):.0f} ms"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
