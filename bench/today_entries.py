#!/usr/bin/env python3
"""`Today` with a day that holds very many as-needed entries (issue 25, case 10).

A history with ENTRIES `as_needed` rows today (default 150,000, two items, one with a
max_per_day) and a few daily items; the round trip of a `Today` call is the time the
daemon's loop is held. Median and max of RUNS calls.

    REGIMEND_BUILD=/path/to/build bench/today_entries.py [ENTRIES] [RUNS]
"""

import sqlite3
import statistics
import sys
import time

import dbus

from bench_common import Rig, far_items, harness


def main():
    entries = int(sys.argv[1]) if len(sys.argv) > 1 else 150_000
    runs = int(sys.argv[2]) if len(sys.argv) > 2 else 20
    items = far_items(5) + [
        {"id": "topical", "name": "Topical", "as_needed": True, "max_per_day": 3},
        {"id": "spray", "name": "Spray", "as_needed": True},
    ]
    with Rig() as rig:
        daemon = rig.daemon(harness.regimen_yaml(items))
        daemon.stop()
        now = harness.now_usec() // 1_000_000
        database = sqlite3.connect(daemon.db_path)
        database.executemany(
            "INSERT INTO events (item, event, planned, at, note, severity, amount) "
            "VALUES (?, 'as_needed', NULL, ?, '', -1, '')",
            (("topical" if n % 2 else "spray", now - 1 - n % 600) for n in range(entries)))
        database.commit()
        database.close()
        daemon.start()
        proxy = daemon.proxy()
        proxy.Today(timeout=120)  # warm the caches
        times = []
        for _ in range(runs):
            start = time.perf_counter()
            reply = proxy.Today(timeout=120)
            times.append((time.perf_counter() - start) * 1000)
        warnings = [str(w) for w in reply[6]]
        print(f"{entries} as-needed entries today, {runs} Today calls: "
              f"median {statistics.median(times):.1f} ms, max {max(times):.1f} ms")
        print("warnings:", [w for w in warnings if "max_per_day" in w])


if __name__ == "__main__":
    main()
