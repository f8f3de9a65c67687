#!/usr/bin/python3
"""`regimenctl history` and `regimenctl report` on a history of 1,000,000 events.

    /usr/bin/python3 bench/million_events.py [runs] [events]

The database is built with the store's own schema (daemon/store/schema.hpp) in one
transaction: 20 items taken every hour for as many days back from now as the event count
needs (about 2.9 years for 1,000,000: a `due` and a `taken`, `skipped` or `missed` per dose,
plus a symptom entry and an as-needed dose on some days). `history` goes through the daemon
(D-Bus History), so a regimend is started on a private bus on that database; `report` reads
the database directly. Each command runs `runs` times (default 10); median and best wall
time, text and --json."""

import datetime
import os
import random
import re
import sqlite3
import statistics
import subprocess
import sys
import time
import zoneinfo

import bench_common as bc

RUNS = int(sys.argv[1]) if len(sys.argv) > 1 else 10
EVENTS = int(sys.argv[2]) if len(sys.argv) > 2 else 1_000_000
ZONE_NAME = "Europe/Berlin"
ZONE = zoneinfo.ZoneInfo(ZONE_NAME)
ITEMS = 20
TARGET_MS = 100.0


def migrations():
    with open(os.path.join(bc.ROOT, "daemon", "store", "schema.hpp"), encoding="utf-8") as f:
        return re.findall(r'R"sql\((.*?)\)sql"', f.read(), re.S)


def regimen_text(first_day):
    lines = [f"version: 1\ntimezone: {ZONE_NAME}\nsymptoms: [migraine]\nitems:"]
    for index in range(ITEMS):
        lines.append(f"  - id: item-{index:02}\n    name: Item {index}\n    amount: 100 mg\n"
                     f"    every: 1 hours\n    at: \"00:00\"\n    start: {first_day}")
    lines.append("  - id: topical\n    name: Topical\n    as_needed: true\n    max_per_day: 3")
    return "\n".join(lines) + "\n"


def hourly_instants(day):
    """The planned instants of an `every: 1 hours` item on a local day (DST days: 23 or 25
    distinct hours collapse to what the zone has)."""
    return sorted({int(datetime.datetime.combine(day, datetime.time(hour), ZONE).timestamp())
                   for hour in range(24)})


def event_rows(last_instant, total):
    """(rows, first_day) with exactly `total` events, newest dose planned before last_instant."""
    random.seed(7)
    per_day = ITEMS * 24 * 2
    days = total // per_day + 2
    today = datetime.datetime.fromtimestamp(last_instant, ZONE).date()
    first_day = today - datetime.timedelta(days=days)
    rows = []
    for offset in range(days + 1):
        day = first_day + datetime.timedelta(days=offset)
        for planned in hourly_instants(day):
            if planned > last_instant:
                break
            for index in range(ITEMS):
                item = f"item-{index:02}"
                rows.append((item, "due", planned, planned, "", -1, ""))
                draw = random.random()
                if draw < 0.9:
                    rows.append((item, "taken", planned, planned + random.randint(-600, 3000),
                                 "", -1, "100 mg"))
                elif draw < 0.95:
                    rows.append((item, "skipped", planned, planned + 60, "not today", -1, ""))
                else:
                    rows.append((item, "missed", planned, planned + 3 * 3600, "", -1, ""))
        if random.random() < 0.3:
            noon = int(datetime.datetime.combine(day, datetime.time(12, 30), ZONE).timestamp())
            if noon <= last_instant:
                rows.append(("migraine", "symptom", None, noon, "", random.randint(2, 9), ""))
                rows.append(("topical", "as_needed", None, noon + 60, "", -1, "1 tube"))
    # Keep the newest `total`: the oldest day is cut, like a history that began mid-day.
    return rows[-total:], first_day


def build_database(path, rows, horizon):
    database = sqlite3.connect(path)
    database.execute("PRAGMA journal_mode = WAL")
    for migration in migrations():
        database.executescript(migration)
    database.execute(f"PRAGMA user_version = {len(migrations())}")
    database.execute("BEGIN")
    database.executemany("INSERT INTO events (item, event, planned, at, note, severity, amount) "
                         "VALUES (?, ?, ?, ?, ?, ?, ?)", rows)
    database.execute("INSERT INTO meta (key, value) VALUES ('horizon', ?)", (horizon,))
    database.commit()
    database.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    count = database.execute("SELECT count(*) FROM events").fetchone()[0]
    database.close()
    return count


def timed(command, env, runs):
    times = []
    for _ in range(runs):
        began = time.perf_counter()
        result = subprocess.run(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        times.append((time.perf_counter() - began) * 1000)
        if result.returncode != 0:
            raise SystemExit(f"{' '.join(command)} failed: {result.stderr.decode()}")
    return times, len(result.stdout)


def main():
    with bc.Rig() as rig:
        now = int(time.time())
        # The daemon plans from the horizon on: leave it the last two hours.
        last = now - 2 * 3600
        began = time.perf_counter()
        rows, first_day = event_rows(last, EVENTS)
        daemon = rig.daemon(regimen_text(first_day), start=False)
        os.makedirs(daemon.state_dir, exist_ok=True)
        count = build_database(daemon.db_path, rows, last)
        del rows
        size_mb = os.path.getsize(daemon.db_path) / 1e6
        print(f"{count} events ({ITEMS} hourly items since {first_day}), "
              f"{size_mb:.0f} MB database, built in {time.perf_counter() - began:.1f} s; "
              f"median/best of {RUNS} runs; load average {os.getloadavg()[0]:.2f}")
        daemon.start()
        env = daemon.env
        ctl = [bc.REGIMENCTL]
        report = [bc.REGIMENCTL, "--config", daemon.config_path, "report",
                  "--state-dir", daemon.state_dir]
        commands = [
            ("history (default: 7 days)", ctl + ["history"]),
            ("history --json", ctl + ["history", "--json"]),
            ("history --since 30d", ctl + ["history", "--since", "30d"]),
            ("history --since 30d --json", ctl + ["history", "--since", "30d", "--json"]),
            ("report --days 30", report + ["--days", "30"]),
            ("report --days 30 --json", report + ["--days", "30", "--json"]),
            ("report --days 365", report + ["--days", "365"]),
            ("report --days 365 --json", report + ["--days", "365", "--json"]),
        ]
        # REGIMENCTL_BEFORE=/old/regimenctl: each history command also runs with it, the
        # two alternating run by run (A/B) against the same daemon.
        before = os.environ.get("REGIMENCTL_BEFORE")
        for label, command in commands:
            variants = [(label, command)]
            if before and command[0] == bc.REGIMENCTL and "history" in command:
                variants.append((label + " (before)", [before] + command[1:]))
            results = {name: ([], 0) for name, _ in variants}
            for _ in range(RUNS):
                for name, variant in variants:
                    times, output_bytes = timed(variant, env, 1)
                    results[name] = (results[name][0] + times, output_bytes)
            for name, (times, output_bytes) in results.items():
                median = statistics.median(times)
                verdict = "ok" if median <= TARGET_MS else "MISSED"
                print(f"{name:<37} median {median:7.1f} ms  best {min(times):7.1f} ms  "
                      f"({output_bytes / 1000:.0f} kB out)  target {TARGET_MS:.0f} ms: {verdict}")


if __name__ == "__main__":
    main()
