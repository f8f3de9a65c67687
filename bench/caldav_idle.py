#!/usr/bin/python3
"""Idle cost with CalDAV sync configured (issue 30): a real Radicale on the loopback, a
regimen with one dose that becomes due, is published, is taken on the desktop (its task
completed on the server) and then nothing open. Counts the context switches of every thread
of regimend (the loop and the CalDAV worker) over IDLE_SECONDS (default 20): with no dose
open no poll timer is armed and the worker sleeps on its queue.

    REGIMEND_BUILD=build /usr/bin/python3 bench/caldav_idle.py [seconds]
"""

import glob
import sys
import time

import bench_common as bc
import caldav_server
import harness

SECONDS = float(sys.argv[1]) if len(sys.argv) > 1 else 20.0


def all_thread_switches(pid):
    total = 0
    for status in glob.glob(f"/proc/{pid}/task/*/status"):
        with open(status) as lines:
            for line in lines:
                if line.startswith(("voluntary_ctxt_switches", "nonvoluntary_ctxt_switches")):
                    total += int(line.split()[1])
    return total


def main():
    with bc.Rig() as rig:
        radicale = caldav_server.Radicale(rig.workdir).start()
        try:
            radicale.make_collection()
            secret = caldav_server.password_file(rig.workdir)
            items = [harness.dose_item("a", 3, name="A")] + bc.far_items(9)
            text = harness.regimen_yaml(
                items, reminders={"repeat_every": "1h", "missed_after": "1h"},
                extra=caldav_server.devices_yaml(radicale.collection, secret, poll="10s"))
            daemon = rig.daemon(text)
            planned = harness.wait_for(lambda: next(
                (d["planned"] for d in daemon.doses(harness.now_usec() - 60_000_000,
                                                    harness.now_usec() + 60_000_000)
                 if d["state"] == "due"), None), timeout=30)
            radicale.wait_task("a", planned)
            daemon.ctl("take", "a")
            radicale.wait_task("a", planned, contains="STATUS:COMPLETED")
            time.sleep(2)  # the last reply handled
            before = all_thread_switches(daemon.pid)
            threads = len(glob.glob(f"/proc/{daemon.pid}/task/*"))
            time.sleep(SECONDS)
            after = all_thread_switches(daemon.pid)
            print(f"regimend with CalDAV configured, nothing open: {after - before} context "
                  f"switches in {SECONDS:.0f} s over {threads} threads")
        finally:
            radicale.stop()


if __name__ == "__main__":
    main()
