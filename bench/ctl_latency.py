#!/usr/bin/python3
"""Wall time of one query from a fresh process, RUNS (default 30) times each, same daemon:
`regimenctl status` vs the same ListDoses call made by dbus-send and by busctl, and the
Today call (what status asks) made by dbus-send. The commands alternate (one of each per
round), so a change in the machine's load falls on all of them alike.

    /usr/bin/python3 bench/ctl_latency.py [runs]
    REGIMENCTL_BEFORE=/path/to/old/regimenctl bench/ctl_latency.py [runs]   # A/B with it
"""

import os
import statistics
import sys

import bench_common as bc

RUNS = int(sys.argv[1]) if len(sys.argv) > 1 else 30


def main():
    with bc.Rig() as rig:
        daemon = rig.daemon(bc.regimen(10))
        env = daemon.env
        start = bc.harness.now_usec() - 12 * 3600 * 1_000_000
        end = bc.harness.now_usec() + 12 * 3600 * 1_000_000
        path, name = bc.harness.OBJECT_PATH, bc.harness.BUS_NAME
        commands = {
            "regimenctl status": [bc.REGIMENCTL, "status"],
            "dbus-send ListDoses": ["dbus-send", "--session", "--print-reply", f"--dest={name}",
                                    path, f"{name}.ListDoses", f"uint64:{start}", f"uint64:{end}"],
            "busctl ListDoses": ["busctl", "--user", "call", name, path, name, "ListDoses", "tt",
                                 str(start), str(end)],
            "dbus-send Today": ["dbus-send", "--session", "--print-reply", f"--dest={name}",
                                path, f"{name}.Today"],
        }
        if os.environ.get("REGIMENCTL_BEFORE"):
            commands["regimenctl status (before)"] = [os.environ["REGIMENCTL_BEFORE"], "status"]
        for command in commands.values():  # warm the page cache once
            bc.timed_runs(command, 1, env)
        print(f"wall time per invocation, {RUNS} rounds (one run of each per round), "
              f"10-item regimen; load average {os.getloadavg()[0]:.2f}")
        samples = {label: [] for label in commands}
        for _ in range(RUNS):
            for label, command in commands.items():
                samples[label] += bc.timed_runs(command, 1, env)
        for label, times in samples.items():
            print(f"{label:28} median {bc.median_ms(times):6.2f} ms, "
                  f"min {min(times) * 1000:6.2f} ms, max {max(times) * 1000:6.2f} ms")
        ratios = [a / b for a, b in zip(samples["regimenctl status"],
                                        samples["dbus-send ListDoses"])]
        print(f"regimenctl status / dbus-send ListDoses, per round: median "
              f"{statistics.median(ratios):.2f}")


if __name__ == "__main__":
    main()
