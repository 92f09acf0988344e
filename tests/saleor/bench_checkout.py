"""The checkout benchmark's measurements (run by ``benchmarks/checkout.py``, never collected as
tests: the name does not start with ``test_``). Figures are printed, nothing is asserted.

In process: each case of ``overhead.cases`` at 1, 10 and 30 lines, plugin off and on
alternating (``LOYALTY_BENCH_PAIRS`` pairs), statements and the median time of each side.
Over HTTP: 8 shoppers on Saleor's ``/graphql/`` of a live server, each creating a checkout,
changing a quantity and the email in a loop, phases of plugin off and on alternating; the
throughput ratio on/off.
"""

from __future__ import annotations

import os
import statistics
import threading
import time
from typing import Any

from .overhead import cases, measure

PAIRS = int(os.environ.get("LOYALTY_BENCH_PAIRS", "15"))
HTTP_SECONDS = float(os.environ.get("LOYALTY_BENCH_HTTP_SECONDS", "8"))
HTTP_PHASES = int(os.environ.get("LOYALTY_BENCH_HTTP_PHASES", "3"))
SHOPPERS = 8


def bench_in_process(overhead_shop: Any, settings: Any) -> None:
    rows = []
    for name, case in cases(overhead_shop).items():
        for lines in (1, 10, 30):
            # Saleor's access tokens live 5 minutes; a long run outlives the client's first one.
            overhead_shop.client.regenerate_access_token()
            for on in (False, True):  # warm-up
                measure(case, lines, settings=settings, on=on)
            times: dict[bool, list[float]] = {False: [], True: []}
            statements: dict[bool, int] = {}
            for pair in range(PAIRS):
                for on in ((False, True) if pair % 2 == 0 else (True, False)):
                    sql, seconds, _ = measure(case, lines, settings=settings, on=on)
                    times[on].append(seconds)
                    statements[on] = len(sql)
            off_ms, on_ms = (statistics.median(times[side]) * 1000 for side in (False, True))
            # The fastest run of each side is the one least disturbed by other processes: on a
            # shared machine its ratio is the steadier figure, the medians' the usual one.
            best = min(times[True]) / min(times[False])
            rows.append((name, lines, statements[False], statements[True], off_ms, on_ms, best))
    print(f"\nIn process, {PAIRS} alternating pairs per case (medians; 'best' = fastest on / fastest off):")
    print(f"{'mutation':42} {'lines':>5} {'stmts off':>9} {'on':>4} {'extra':>5} {'ms off':>8} {'ms on':>8} "
          f"{'ratio':>6} {'best':>6}")
    for name, lines, off, on, off_ms, on_ms, best in rows:
        print(f"{name:42} {lines:>5} {off:>9} {on:>4} {on - off:>+5} {off_ms:>8.1f} {on_ms:>8.1f} "
              f"{on_ms / off_ms:>6.3f} {best:>6.3f}")


def bench_http(live_server: Any, overhead_shop: Any, settings: Any, b2b_customer: Any) -> None:
    import requests
    from saleor.core.jwt import create_access_token

    from .overhead import CREATE_SMALL, EMAIL_UPDATE
    from .storefront import LINES_UPDATE, variant_gid

    from django.db import connections

    # The live server's threads open connections from the settings: Saleor's replica alias is a
    # test mirror of the default database only in this thread's connection objects.
    for alias in connections.settings:
        connections.settings[alias]["NAME"] = connections["default"].settings_dict["NAME"]
    url = f"{live_server.url}/graphql/"
    token = create_access_token(b2b_customer)
    variants = [variant_gid(variant) for variant in overhead_shop.variants[:3]]

    def post(session: Any, query: str, variables: dict[str, Any]) -> dict[str, Any]:
        response = session.post(url, json={"query": query, "variables": variables},
                                headers={"Authorization": f"Bearer {token}"}, timeout=30)
        response.raise_for_status()
        data = response.json()
        assert not data.get("errors"), data["errors"]
        return data["data"]

    def shopper(stop: threading.Event, done: list[int]) -> None:
        with requests.Session() as session:
            while not stop.is_set():
                created = post(session, CREATE_SMALL, {"input": {"channel": "main", "email": b2b_customer.email,
                               "lines": [{"variantId": v, "quantity": 5} for v in variants]}})
                checkout = created["checkoutCreate"]["checkout"]["id"]
                lines = post(session, "query($id: ID!) { checkout(id: $id) { lines { id } } }", {"id": checkout})
                line_id = lines["checkout"]["lines"][0]["id"]
                post(session, LINES_UPDATE, {"id": checkout, "lines": [{"lineId": line_id, "quantity": 12}]})
                post(session, EMAIL_UPDATE, {"id": checkout, "e": "x" + b2b_customer.email})
                done.append(3)  # three mutations (and one query) per round

    from .overhead import plugin

    results: dict[bool, list[float]] = {False: [], True: []}
    for phase in range(HTTP_PHASES * 2):
        on = phase % 2 == 1
        with plugin(settings, on):
            stop, done = threading.Event(), []
            threads = [threading.Thread(target=shopper, args=(stop, done)) for _ in range(SHOPPERS)]
            started = time.perf_counter()
            for thread in threads:
                thread.start()
            time.sleep(HTTP_SECONDS)
            stop.set()
            for thread in threads:
                thread.join(timeout=60)
            results[on].append(sum(done) / (time.perf_counter() - started))
    off, on = (statistics.median(results[side]) for side in (False, True))
    print(f"\nOver HTTP, {SHOPPERS} concurrent shoppers, {HTTP_PHASES} phases of {HTTP_SECONDS:.0f} s each side:")
    print(f"  mutations/s plugin off {off:.1f}, on {on:.1f}: throughput ratio on/off {on / off:.3f}")
