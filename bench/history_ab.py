#!/usr/bin/python3
"""`regimenctl history --since 30d` (and the default 7 days) on the 1,000,000-event history of
bench/million_events.py, an old regimend and regimenctl against new ones, run by run
alternately, each pair on its own private bus and its own copy of the history (the old one
written at the schema version the old daemon knows).

    REGIMEND=new/regimend REGIMENCTL=new/regimenctl \\
    REGIMEND_BEFORE=old/regimend REGIMENCTL_BEFORE=old/regimenctl SCHEMA_BEFORE=3 \\
        /usr/bin/python3 bench/history_ab.py [runs]

Prints the median and best wall time of each, the load average before and after, and
whether both printed the same bytes."""

import os
import statistics
import subprocess
import sys
import time

import bench_common as bc
import million_events as me

RUNS = int(sys.argv[1]) if len(sys.argv) > 1 else 15


def history_rig(rig, name, binary, rows, first_day, last, schema_version):
    bc.harness.REGIMEND = binary  # harness.Daemon starts harness.REGIMEND
    daemon = rig.daemon(me.regimen_text(first_day), name=name, start=False)
    os.makedirs(daemon.state_dir, exist_ok=True)
    all_migrations = me.migrations
    kept = all_migrations()[:schema_version]
    me.migrations = lambda: kept  # build_database writes these and their count
    try:
        me.build_database(daemon.db_path, rows, last)
    finally:
        me.migrations = all_migrations
    daemon.start()
    return daemon


def main():
    before_daemon = os.environ["REGIMEND_BEFORE"]
    before_ctl = os.environ["REGIMENCTL_BEFORE"]
    latest = len(me.migrations())
    before_schema = int(os.environ.get("SCHEMA_BEFORE", latest))
    with bc.Rig() as rig:
        last = int(time.time()) - 2 * 3600
        rows, first_day = me.event_rows(last, me.EVENTS)
        new = history_rig(rig, "new", bc.REGIMEND, rows, first_day, last, latest)
        old = history_rig(rig, "old", before_daemon, rows, first_day, last, before_schema)
        del rows
        load_before = os.getloadavg()[0]
        for label, args in (("history --since 30d", ["history", "--since", "30d"]),
                            ("history (7 days)", ["history"])):
            pairs = {"after": ([bc.REGIMENCTL] + args, new.env),
                     "before": ([before_ctl] + args, old.env)}
            times = {name: [] for name in pairs}
            outputs = {}
            for _ in range(RUNS):
                for name, (command, env) in pairs.items():
                    samples, _ = me.timed(command, env, 1)
                    times[name] += samples
            for name, (command, env) in pairs.items():
                outputs[name] = subprocess.run(command, env=env, capture_output=True).stdout
            same = "same output" if outputs["after"] == outputs["before"] else "OUTPUT DIFFERS"
            for name in ("before", "after"):
                print(f"{label:<22} {name:<6} median {statistics.median(times[name]):6.1f} ms  "
                      f"best {min(times[name]):6.1f} ms  ({len(outputs[name]) / 1000:.0f} kB)")
            print(f"{label:<22} {same}")
        print(f"load average {load_before:.2f} before the runs, {os.getloadavg()[0]:.2f} after; "
              f"{RUNS} runs each")


if __name__ == "__main__":
    main()
