"""What the plugin costs Saleor's checkout mutations: statements and time, plugin on vs off.

Runs inside a Saleor 3.23 environment (Saleor importable, a PostgreSQL for its test database):
    DATABASE_URL=postgres://... python benchmarks/checkout.py [--pairs 60] [--http-seconds 10]
Without Saleor it says so and exits 0. The measurements live in tests/saleor/bench_checkout.py
(they use Saleor's own fixtures); this script runs them with pytest and prints their tables.
Statement budgets are also tests: tests/saleor/test_checkout_overhead.py.
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pairs", type=int, default=15, help="alternating on/off pairs per case (default 15)")
    parser.add_argument("--http-seconds", type=float, default=8, help="seconds per HTTP phase (default 8)")
    parser.add_argument("--http-phases", type=int, default=6, help="HTTP pairs of phases, off-on then on-off (default 6)")
    parser.add_argument("--only", choices=["process", "http"], help="run one part only")
    parser.add_argument("--cases", default="", help="in process: comma-separated parts of case names (default all)")
    parser.add_argument("--lines", default="1,10,30", help="in process: line counts (default 1,10,30)")
    args = parser.parse_args()
    if importlib.util.find_spec("saleor") is None:
        print("benchmarks/checkout.py: Saleor is not importable here; run it in a Saleor 3.23 environment "
              "(docs/install.md). Nothing measured.")
        return 0
    import pytest

    os.environ.update({
        "LOYALTY_BENCH_PAIRS": str(args.pairs), "LOYALTY_BENCH_HTTP_SECONDS": str(args.http_seconds),
        "LOYALTY_BENCH_HTTP_PHASES": str(args.http_phases), "LOYALTY_BENCH_CASES": args.cases,
        "LOYALTY_BENCH_LINES": args.lines,
    })
    selected = {"process": "bench_in_process", "http": "bench_http"}.get(args.only or "", "bench_in_process or bench_http")
    return int(pytest.main([
        str(ROOT / "tests" / "saleor" / "bench_checkout.py"), "--ds=saleor.tests.settings", "-n0", "--reuse-db",
        "-q", "-s", "-p", "no:cacheprovider", "-W", "ignore", "-o", "python_files=bench_*.py",
        "-o", "python_functions=bench_*", "-k", selected, "--rootdir", str(ROOT),
    ]))


if __name__ == "__main__":
    sys.exit(main())
