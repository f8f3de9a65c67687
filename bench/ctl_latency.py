#!/usr/bin/python3
"""The floor for one-call command lines: each of `status`, `status --json`, `bar --format
waybar` and `history --since 1d` against `dbus-send --print-reply` fetching the same data
from the same daemon (Today for the first three, HistoryColumns for history). Each pair
alternates, one run of each per round, so a change in the machine's load falls on both;
the figure is the median of the per-round ratios. Floor: <= 1.5.

    /usr/bin/python3 bench/ctl_latency.py [rounds]
"""

import os
import statistics
import sys

import bench_common as bc

ROUNDS = int(sys.argv[1]) if len(sys.argv) > 1 else 100
FLOOR = 1.5


def dbus_send(member, *args):
    name, path = bc.harness.BUS_NAME, bc.harness.OBJECT_PATH
    return ["dbus-send", "--session", "--print-reply", f"--dest={name}", path,
            f"{name}.{member}", *args]


def main():
    with bc.Rig() as rig:
        daemon = rig.daemon(bc.regimen(10))
        env = daemon.env
        now = bc.harness.now_usec()
        today = dbus_send("Today")
        history = dbus_send("HistoryColumns", f"uint64:{now - 86_400_000_000}",
                            f"uint64:{now + 60_000_000}", "boolean:false")
        pairs = [
            ("status", [bc.REGIMENCTL, "status"], today),
            ("status --json", [bc.REGIMENCTL, "status", "--json"], today),
            ("bar --format waybar", [bc.REGIMENCTL, "bar", "--format", "waybar"], today),
            ("history --since 1d", [bc.REGIMENCTL, "history", "--since", "1d"], history),
        ]
        for _, ours, theirs in pairs:  # warm the page cache once
            bc.timed_runs(ours, 1, env)
            bc.timed_runs(theirs, 1, env)
        print(f"{ROUNDS} alternating rounds per pair, 10-item regimen; "
              f"load average {os.getloadavg()[0]:.2f}")
        print(f"{'command line':22} {'regimenctl':>10} {'dbus-send':>10} {'ratio':>6}  floor {FLOOR}")
        for label, ours, theirs in pairs:
            mine, yardstick = [], []
            for _ in range(ROUNDS):
                mine += bc.timed_runs(ours, 1, env)
                yardstick += bc.timed_runs(theirs, 1, env)
            ratio = statistics.median(a / b for a, b in zip(mine, yardstick))
            print(f"{label:22} {bc.median_ms(mine):7.2f} ms {bc.median_ms(yardstick):7.2f} ms "
                  f"{ratio:6.2f}  {'met' if ratio <= FLOOR else 'MISSED'}")


if __name__ == "__main__":
    main()
