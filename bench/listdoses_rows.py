#!/usr/bin/env python3
"""The largest ListDoses one call allows, 20,000 rows (docs/BENCHMARKS.md, "Issue 12,
third pass"): the 1 MiB, 10,000-item regimen of loop_stall.py with two daily times, and a
21-hour span from 07:59 that holds both. Prints each call's round trip and the daemon's
own "ListDoses held the event loop for N ms".

    REGIMEND=build/daemon/regimend bench/listdoses_rows.py [RUNS]
"""

import datetime
import os
import sys
import time
import zoneinfo

import dbus

from bench_common import Rig
from loop_stall import HELD, limit_regimen, start_verbose_daemon


def main():
    runs = int(sys.argv[1]) if len(sys.argv) > 1 else 5
    text = limit_regimen(False)
    print(f"load average {os.getloadavg()[0]:.2f}")
    with Rig() as rig:
        daemon, proxy = start_verbose_daemon(rig, text)
        now = datetime.datetime.now(zoneinfo.ZoneInfo("Europe/Berlin"))
        start = now.replace(hour=7, minute=59, second=0, microsecond=0)
        if start < now:
            start += datetime.timedelta(days=1)
        begin = int(start.timestamp() * 1_000_000)
        end = begin + 21 * 3600 * 1_000_000
        for _ in range(runs):
            before = len(daemon.log())
            started = time.monotonic()
            rows = proxy.ListDoses(dbus.UInt64(begin), dbus.UInt64(end), timeout=300)
            took = time.monotonic() - started
            time.sleep(0.1)
            print(f"{len(rows)} rows, round trip {took * 1000:.1f} ms, loop held "
                  f"{HELD.findall(daemon.log()[before:])} ms")


if __name__ == "__main__":
    main()
