#!/usr/bin/env python3
"""Peak memory of `regimenctl export --format ics` with ITEMS hourly items (default 50) for
several --expand-days (issue 25, case 10): streamed, the peak stays flat as the calendar
grows. Offline: no daemon. Max RSS from /usr/bin/time -v.

    REGIMEND_BUILD=/path/to/build bench/ics_memory.py [ITEMS]
"""

import os
import re
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BUILD = os.environ.get("REGIMEND_BUILD", "/tmp/build-main")
REGIMENCTL = os.path.join(BUILD, "ctl", "regimenctl")


def main():
    items = int(sys.argv[1]) if len(sys.argv) > 1 else 50
    lines = ["version: 1", "timezone: Europe/Berlin", "items:"]
    for n in range(items):
        lines += [f"  - id: hourly{n:03d}", f"    name: Hourly {n}", "    every: 1 hours",
                  "    start: 2026-01-01", '    at: "00:00"']
    with tempfile.TemporaryDirectory() as directory:
        config = os.path.join(directory, "regimen.yaml")
        with open(config, "w") as out:
            out.write("\n".join(lines) + "\n")
        for days in (30, 365, 3660):
            result = subprocess.run(
                ["/usr/bin/time", "-v", REGIMENCTL, "export", "--format", "ics",
                 "--expand-days", str(days), "--config", config],
                stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
            rss = re.search(r"Maximum resident set size \(kbytes\): (\d+)", result.stderr)
            print(f"{items} hourly items, --expand-days {days}: exit {result.returncode}, "
                  f"max RSS {int(rss.group(1)) / 1024:.1f} MiB")


if __name__ == "__main__":
    main()
