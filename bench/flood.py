#!/usr/bin/env python3
"""A flood of large calls (issue 25): CONNECTIONS connections each keep IN_FLIGHT `Validate`
calls of 1 MiB pipelined for SECONDS seconds, while `regimenctl status` (a new caller each
time) runs back to back and a reminder falls due in the middle. Prints the daemon's VmRSS
before, at its peak and 5 s after the flood, status round trips during the flood, how late
the reminder was, and how the flood's calls were answered.

    bench/flood.py [SECONDS [CONNECTIONS [IN_FLIGHT]]]   # default 30 10 100
    REGIMEND_BUILD=/path/to/build (default /tmp/build-main)
"""

import json
import os
import re
import statistics
import subprocess
import sys
import threading
import time

from bench_common import REGIMENCTL, Rig, harness, proc_status
from test_bus_access import FLOOD

MIB = 1024 * 1024


def main():
    seconds = float(sys.argv[1]) if len(sys.argv) > 1 else 30.0
    connections = int(sys.argv[2]) if len(sys.argv) > 2 else 10
    in_flight = int(sys.argv[3]) if len(sys.argv) > 3 else 100
    with Rig() as rig:
        home = os.path.join(rig.workdir, "home")
        os.makedirs(home)
        daemon = harness.Daemon(rig.bus, home, harness.regimen_yaml(
            [harness.dose_item("soon", int(seconds / 2) + 2, name="Soon")],
            reminders={"repeat_every": "1h", "escalate_after": "1h", "missed_after": "3h"}))
        rig.daemons.append(daemon)
        daemon.start()
        before = proc_status(daemon.pid, "VmRSS")
        flood = subprocess.Popen(
            [harness.PYTHON, "-c", FLOOD, rig.bus.address, str(connections), str(in_flight),
             "Validate", str(MIB)],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        flood.stdout.readline()  # "flooding": the first answer came
        peak = [before]
        done = threading.Event()

        def sample():
            while not done.wait(0.1):
                peak.append(proc_status(daemon.pid, "VmRSS"))
        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        rounds = []
        failures = 0
        end = time.monotonic() + seconds
        while time.monotonic() < end:
            started = time.monotonic()
            result = subprocess.run([REGIMENCTL, "status"], env=daemon.env, capture_output=True,
                                    text=True, timeout=300)
            rounds.append(time.monotonic() - started)
            failures += result.returncode != 0
        flood.stdin.write("stop\n")
        flood.stdin.close()
        answers = json.loads(flood.stdout.readline() or "{}")
        flood.wait(timeout=300)
        done.set()
        sampler.join(5)
        time.sleep(5)
        after = proc_status(daemon.pid, "VmRSS")
        late = re.search(r"became due (\d+) ms after", daemon.log())
        print(f"flood {connections} x {in_flight} x 1 MiB Validate for {seconds:.0f} s")
        print(f"VmRSS kB: before {before}, peak {max(peak)}, 5 s after {after}")
        print(f"status during the flood: {len(rounds)} runs, {failures} failed, median "
              f"{statistics.median(rounds) * 1000:.0f} ms, max {max(rounds) * 1000:.0f} ms")
        print("reminder: " + (f"{late.group(1)} ms after its planned instant" if late
                              else "did not fire"))
        print(f"flood answers: {answers}")


if __name__ == "__main__":
    main()
