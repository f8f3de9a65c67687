#!/usr/bin/env python3
"""How long a reload holds regimend's loop when every one of 10,000 items keeps stock
(docs/BENCHMARKS.md, "Inventory on the loop"). Starts a daemon on a private bus, reloads
three times, counts two items, reloads again, and prints the daemon's own debug lines
"applying a checked regimen held the event loop for N ms".

    REGIMEND=build/daemon/regimend REGIMENCTL=build/ctl/regimenctl bench/stock_stall.py
"""

import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests",
                                "integration"))
import harness  # noqa: E402

ITEMS = 10_000


def regimen():
    lines = ["version: 1", "timezone: Europe/Berlin", "items:"]
    for index in range(ITEMS):
        lines.append(f'  - {{id: i{index}, name: Item {index}, at: "08:00", '
                     "stock: {per_dose: 1}}")
    return "\n".join(lines) + "\n"


class StockStall(harness.DaemonTestCase):
    def test_reload_hold(self):
        daemon = self.start_daemon(regimen())
        for _ in range(3):
            daemon.call("Reload", timeout=120)
        for index in range(2):
            daemon.call("Refill", f"i{index}", 100.0, True)
        daemon.call("Reload", timeout=120)
        for line in daemon.log().splitlines():
            if "applying a checked regimen held" in line or "Refill held" in line:
                print(line)


if __name__ == "__main__":
    harness.main()
