#!/usr/bin/python3
"""Times `regimenctl report` on one year of history for 20 daily items (about 15,000 events:
a `due` and a `taken` or `missed` for every dose, plus symptom entries and as-needed doses),
with a diary copied in for the year before the start, so the comparison's bootstrap runs.

    bench/report_bench.py /path/to/regimenctl [runs]

Builds the database with the store's own schema (daemon/store/schema.hpp) in a temporary
directory, then runs `report --days 30` and `report --days 365` (text and --json), each
`runs` times, and prints the median and best wall time."""

import datetime
import os
import random
import re
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
import zoneinfo

SOURCE_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
BERLIN = zoneinfo.ZoneInfo("Europe/Berlin")
ITEMS = 20
DAYS = 365


def schema():
    with open(os.path.join(SOURCE_DIR, "daemon", "store", "schema.hpp"), encoding="utf-8") as f:
        return re.findall(r'R"sql\((.*?)\)sql"', f.read(), re.S)


def build(directory):
    today = datetime.datetime.now(BERLIN).date()
    start = today - datetime.timedelta(days=DAYS)
    with open(os.path.join(directory, "regimen.yaml"), "w", encoding="utf-8") as file:
        file.write("version: 1\ntimezone: Europe/Berlin\nsymptoms: [migraine]\nitems:\n")
        for index in range(ITEMS):
            file.write(f"  - id: item-{index:02}\n    name: Item {index}\n    amount: 100 mg\n"
                       f"    at: \"{7 + index % 14:02}:{(index * 7) % 60:02}\"\n"
                       f"    start: {start}\n")
        file.write("  - id: topical\n    name: Topical\n    as_needed: true\n    max_per_day: 3\n")
    random.seed(1)
    rows = []
    for offset in range(DAYS):
        day = start + datetime.timedelta(days=offset)
        for index in range(ITEMS):
            planned = datetime.datetime.combine(
                day, datetime.time(7 + index % 14, (index * 7) % 60), BERLIN)
            at = int(planned.timestamp())
            rows.append((f"item-{index:02}", "due", at, at, "", -1, ""))
            if random.random() < 0.9:
                rows.append((f"item-{index:02}", "taken", at, at + random.randint(0, 3600), "",
                             -1, "100 mg"))
            else:
                rows.append((f"item-{index:02}", "missed", at, at + 3 * 3600, "", -1, ""))
        noon = int(datetime.datetime.combine(day, datetime.time(12), BERLIN).timestamp())
        if random.random() < 0.3:
            rows.append(("migraine", "symptom", None, noon, "", random.randint(2, 9), ""))
            rows.append(("topical", "as_needed", None, noon + 60, "", -1, ""))
    # The diary of the year before the regimen started (`symptom --at` can go back).
    for offset in range(1, DAYS + 1):
        day = start - datetime.timedelta(days=offset)
        if random.random() < 0.45:
            noon = int(datetime.datetime.combine(day, datetime.time(12), BERLIN).timestamp())
            rows.append(("migraine", "symptom", None, noon, "", random.randint(3, 9), ""))
    state_dir = os.path.join(directory, "state")
    os.makedirs(state_dir)
    database = sqlite3.connect(os.path.join(state_dir, "history.db"))
    for migration in schema():
        database.executescript(migration)
    database.execute(f"PRAGMA user_version = {len(schema())}")
    database.executemany("INSERT INTO events (item, event, planned, at, note, severity, amount) "
                         "VALUES (?, ?, ?, ?, ?, ?, ?)", rows)
    database.commit()
    database.close()
    return len(rows)


def main():
    regimenctl = sys.argv[1] if len(sys.argv) > 1 else "regimenctl"
    runs = int(sys.argv[2]) if len(sys.argv) > 2 else 20
    with tempfile.TemporaryDirectory() as directory:
        events = build(directory)
        print(f"{events} events, {ITEMS} items, {DAYS} days; {runs} runs each")
        base = [regimenctl, "--config", os.path.join(directory, "regimen.yaml"), "report",
                "--state-dir", os.path.join(directory, "state")]
        for extra in (["--days", "30"], ["--days", "30", "--json"],
                      ["--days", "30", "--format", "html"], ["--days", "365"],
                      ["--days", "365", "--json"], ["--days", "365", "--format", "html"]):
            times = []
            for _ in range(runs):
                began = time.perf_counter()
                subprocess.run(base + extra, check=True, stdout=subprocess.DEVNULL)
                times.append((time.perf_counter() - began) * 1000)
            print(f"report {' '.join(extra):<26} median {statistics.median(times):6.1f} ms"
                  f"  best {min(times):6.1f} ms")


if __name__ == "__main__":
    main()
