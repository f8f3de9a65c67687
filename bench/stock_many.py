#!/usr/bin/env python3
"""Stock at scale on the loop (docs/BENCHMARKS.md, "Issue 12, third pass"): N hourly items
with `stock:`, every count set to 1,000,000 through Refill, then Reload and Stock. Prints
the calls' round trips and the daemon's own line "applying a checked regimen held the
event loop for N ms".

    N=3000 REGIMEND=build/daemon/regimend REGIMENCTL=build/ctl/regimenctl bench/stock_many.py
"""

import os
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests",
                                "integration"))
import harness  # noqa: E402

ITEMS = int(os.environ.get("N", "1000"))


def regimen():
    lines = ["version: 1", "timezone: Europe/Berlin", "items:"]
    for index in range(ITEMS):
        lines.append(f'  - {{id: i{index}, name: Item {index}, every: 1 hours, '
                     f'start: 2026-01-01, at: "00:00", stock: {{per_dose: 1}}}}')
    return "\n".join(lines) + "\n"


class StockMany(harness.DaemonTestCase):
    def test_counted_items(self):
        daemon = self.start_daemon(regimen())
        for index in range(ITEMS):
            daemon.call("Refill", f"i{index}", 1e6, True)
        for _ in range(3):
            started = time.monotonic()
            daemon.call("Reload", timeout=300)
            print(f"Reload round trip {(time.monotonic() - started) * 1000:.1f} ms")
            started = time.monotonic()
            daemon.call("Stock", timeout=300)
            print(f"Stock round trip {(time.monotonic() - started) * 1000:.1f} ms")
        for line in daemon.log().splitlines():
            if "applying a checked regimen held" in line:
                print(line)


if __name__ == "__main__":
    harness.main()
