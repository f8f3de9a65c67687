#!/usr/bin/env python3
"""Writes large regimen files for the benchmarks in docs/BENCHMARKS.md (nothing this big is
kept in the tree).

    bench/gen_regimen.py separate 1000 > /tmp/separate.yaml   # lint worst case (issue 12)
    bench/gen_regimen.py hourly 1000 > /tmp/hourly.yaml       # plan memory

`separate N`: N items every hour, all tagged x, each with `separate: {from: [x], by: 2w}`,
so every pair of items breaks the rule (N * (N - 1) warnings before the cap).
`hourly N`: N items every hour, no rules.
"""

import sys


def items(count, separate):
    lines = ["version: 1", "timezone: Europe/Berlin", "items:"]
    for index in range(count):
        item = (f"  - {{id: i{index}, name: Item {index}, every: 1 hours, start: 2026-01-01, "
                f'at: "00:00"')
        if separate:
            item += ", tags: [x], separate: {from: [x], by: 2w}"
        lines.append(item + "}")
    return "\n".join(lines) + "\n"


def main():
    if len(sys.argv) != 3 or sys.argv[1] not in ("separate", "hourly"):
        sys.exit(__doc__)
    sys.stdout.write(items(int(sys.argv[2]), sys.argv[1] == "separate"))


if __name__ == "__main__":
    main()
