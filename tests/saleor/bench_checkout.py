"""The checkout benchmark's measurements (run by ``benchmarks/checkout.py``, never collected as
tests: the name does not start with ``test_``). Figures are printed, nothing is asserted.

In process: each case of ``overhead.cases`` at 1, 10 and 30 lines, plugin off and on
alternating (``LOYALTY_BENCH_PAIRS`` pairs; ``LOYALTY_BENCH_CASES`` / ``LOYALTY_BENCH_LINES`` pick
some): statements (counted in a warm-up pair), then timed pairs - each run starts from a collected
garbage collector and runs without Django's query log - giving the median time of each side, the
median of the pairs' on/off ratios with a bootstrap interval, and the time spent inside the
plugin's hooks (``HookClock``), which is the plugin's cost measured directly rather than as the
difference of two noisy totals.
Over HTTP: 8 shoppers on Saleor's ``/graphql/`` of a live server, each creating a checkout,
changing a quantity and the email in a loop, in pairs of phases (off-on, then on-off, so a slow
drift - the tables growing - favours neither side); the median of the pairs' throughput ratios
on/off with its bootstrap interval.
"""

from __future__ import annotations

import os
import random
import statistics
import threading
import time
from typing import Any

from .overhead import HookClock, cases, measure

PAIRS = int(os.environ.get("LOYALTY_BENCH_PAIRS", "15"))
CASES = os.environ.get("LOYALTY_BENCH_CASES", "")  # comma-separated parts of case names; empty: all
LINES = tuple(int(n) for n in os.environ.get("LOYALTY_BENCH_LINES", "1,10,30").split(","))
HTTP_SECONDS = float(os.environ.get("LOYALTY_BENCH_HTTP_SECONDS", "8"))
HTTP_PHASES = int(os.environ.get("LOYALTY_BENCH_HTTP_PHASES", "3"))
SHOPPERS = 8


def bench_in_process(overhead_shop: Any, settings: Any) -> None:
    hooks = HookClock()
    with hooks.installed():
        _bench_in_process(overhead_shop, settings, hooks)


def _bench_in_process(overhead_shop: Any, settings: Any, hooks: HookClock) -> None:
    rows = []
    wanted = [part.strip() for part in CASES.split(",") if part.strip()]
    for name, case in cases(overhead_shop).items():
        if wanted and not any(part in name for part in wanted):
            continue
        for lines in LINES:
            # Saleor's access tokens live 5 minutes; a long run outlives the client's first one.
            overhead_shop.client.regenerate_access_token()
            # A warm-up pair (the first run of a process also loads compiled rules and Saleor's
            # caches), then the statements of a second pair: deterministic, so counted once,
            # outside the timed runs.
            for on in (False, True):
                measure(case, lines, settings=settings, on=on)
            statements = {on: len(measure(case, lines, settings=settings, on=on)[0]) for on in (False, True)}
            times: dict[bool, list[float]] = {False: [], True: []}
            hook_times: list[float] = []
            for pair in range(PAIRS):
                for on in ((False, True) if pair % 2 == 0 else (True, False)):
                    _, seconds, _ = measure(case, lines, settings=settings, on=on, collect=True, hooks=hooks,
                                            capture=False)
                    times[on].append(seconds)
                    if on:
                        hook_times.append(hooks.seconds)
            off_ms, on_ms = (statistics.median(times[side]) * 1000 for side in (False, True))
            # Each pair ran back to back, so its ratio is little moved by what the machine did
            # minutes apart; the median of those ratios is the figure the targets are read from.
            ratios = [on / off for on, off in zip(times[True], times[False], strict=True)]
            paired = statistics.median(ratios)
            interval = _median_interval(ratios)
            # The fastest run of each side is the one least disturbed by other processes.
            best = min(times[True]) / min(times[False])
            hook_ms = statistics.median(hook_times) * 1000
            rows.append((name, lines, statements[False], statements[True], off_ms, on_ms, paired, best,
                         interval, hook_ms))
    print(f"\nIn process, {PAIRS} alternating pairs per case (ms: medians; 'paired' = median of each pair's "
          "on/off ratio, with a 95 % bootstrap interval; 'best' = fastest on / fastest off; 'hooks' = median ms inside the "
          "plugin's hooks, and that over 'ms off'):")
    print(f"{'mutation':42} {'lines':>5} {'stmts off':>9} {'on':>4} {'extra':>5} {'ms off':>8} {'ms on':>8} "
          f"{'ratio':>6} {'paired':>6} {'95 % interval':>13} {'best':>6} {'hooks':>6} {'share':>6}")
    for name, lines, off, on, off_ms, on_ms, paired, best, (low, high), hook_ms in rows:
        print(f"{name:42} {lines:>5} {off:>9} {on:>4} {on - off:>+5} {off_ms:>8.1f} {on_ms:>8.1f} "
              f"{on_ms / off_ms:>6.3f} {paired:>6.3f} {low:>6.3f}-{high:<6.3f} {best:>6.3f} {hook_ms:>6.2f} "
              f"{1 + hook_ms / off_ms:>6.3f}")


def _median_interval(ratios: list[float], resamples: int = 2000) -> tuple[float, float]:
    """A 95 % bootstrap interval of the median of ``ratios`` (seeded: the same runs give the same interval)."""
    rng = random.Random(14)
    medians = sorted(statistics.median(rng.choices(ratios, k=len(ratios))) for _ in range(resamples))
    return medians[int(resamples * 0.025)], medians[int(resamples * 0.975) - 1]


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
    for pair in range(HTTP_PHASES):
        for on in ((False, True) if pair % 2 == 0 else (True, False)):
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
    ratios = [on_rate / off_rate for on_rate, off_rate in zip(results[True], results[False])]
    low, high = _median_interval(ratios)
    print(f"\nOver HTTP, {SHOPPERS} concurrent shoppers, {HTTP_PHASES} pairs of {HTTP_SECONDS:.0f} s phases:")
    print("  per pair (off/on mutations/s): " + ", ".join(
        f"{off_rate:.1f}/{on_rate:.1f}" for off_rate, on_rate in zip(results[False], results[True])))
    print(f"  mutations/s plugin off {off:.1f}, on {on:.1f} (medians); paired throughput ratio on/off "
          f"{statistics.median(ratios):.3f} (95 % interval {low:.3f}-{high:.3f})")
