#!/usr/bin/env python3
"""N items due at the same instant (docs/BENCHMARKS.md, "Issue 12, third pass"): how long
the daemon's wakeup holds its loop when they become due and at each repeat (the time
between its debug lines "wakeup timer fired" and "next wakeup at"), and a Confirm among
them. No notification server: reminders go to the log.

    N=10000 REGIMEND=build/daemon/regimend REGIMENCTL=build/ctl/regimenctl bench/due_burst.py
"""

import datetime
import os
import re
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests",
                                "integration"))
import harness  # noqa: E402

ITEMS = int(os.environ.get("N", "3000"))
STAMP = re.compile(r"^(\S+ \S+) debug: (wakeup timer fired|next wakeup at)")


def holds(log):
    """Milliseconds from each "wakeup timer fired" to the next "next wakeup at"."""
    fired = None
    for line in log.splitlines():
        match = STAMP.match(line)
        if not match:
            continue
        when = datetime.datetime.strptime(match.group(1), "%Y-%m-%d %H:%M:%S.%f")
        if match.group(2) == "wakeup timer fired":
            fired = when
        elif fired is not None:
            yield (when - fired).total_seconds() * 1000
            fired = None


class DueBurst(harness.DaemonTestCase):
    def test_burst(self):
        items = [harness.dose_item(f"i{n}", 4, name=f"Item {n}") for n in range(ITEMS)]
        daemon = self.start_daemon(harness.regimen_yaml(
            items, reminders={"repeat_every": "5s", "missed_after": "1h",
                              "escalate_after": "1h"}))
        harness.wait_for(lambda: daemon.log().count("reminder: Item") >= ITEMS, timeout=300)
        started = time.monotonic()
        daemon.call("Confirm", "i5", harness.dbus.UInt64(0), timeout=300)
        print(f"Confirm round trip {(time.monotonic() - started) * 1000:.1f} ms")
        harness.wait_for(lambda: daemon.log().count("reminder: Item") >= 3 * ITEMS - 2,
                         timeout=300)
        print("wakeup holds (ms), the first is the one that makes them due:",
              [round(ms, 1) for ms in holds(daemon.log())])
        print([line for line in daemon.log().splitlines() if "Confirm held" in line])


if __name__ == "__main__":
    harness.main()
