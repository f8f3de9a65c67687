#!/usr/bin/python3
"""How late a reminder reaches the notification server after its planned instant: SAMPLES
(default 5) items due a few seconds apart, a python-dbusmock notification server, Notify
arrival time minus the planned instant from ListDoses. The arrival time is the bus's own
stamp as printed by dbus-monitor (microseconds; the mock's log only keeps whole seconds).
Also the daemon's VmRSS and minor page faults (/proc/PID/stat) while it waits for the
first reminder and after the last: regimend unmaps its start-up pages once idle
(daemon/host/resident_code.hpp), so each wake maps back what it runs.

    /usr/bin/python3 bench/reminder_latency.py [samples]
"""

import re
import statistics
import subprocess
import sys
import threading

import bench_common as bc

SAMPLES = int(sys.argv[1]) if len(sys.argv) > 1 else 5


def monitor(rig, stamps):
    """dbus-monitor for Notify calls; appends (time, text of the call) to `stamps`."""
    process = subprocess.Popen(
        ["dbus-monitor", "--session", "type='method_call',interface='org.freedesktop.Notifications',"
         "member='Notify'"], env=rig.env, stdout=subprocess.PIPE, text=True)

    def read():
        current = None
        for line in process.stdout:
            found = re.match(r"method call time=([0-9.]+) .*member=Notify", line)
            if found:
                current = [float(found.group(1)), ""]
                stamps.append(current)
            elif current is not None:
                current[1] += line
    threading.Thread(target=read, daemon=True).start()
    return process


def memory(pid):
    """(VmRSS kB, minor faults) of process `pid`."""
    with open(f"/proc/{pid}/status") as status:
        rss = int(next(line for line in status if line.startswith("VmRSS:")).split()[1])
    with open(f"/proc/{pid}/stat") as stat:
        minor = int(stat.read().rsplit(")", 1)[1].split()[7])
    return rss, minor


def main():
    with bc.Rig() as rig:
        server = bc.harness.NotificationServer(rig.bus).start()
        stamps = []
        watcher = monitor(rig, stamps)
        try:
            items = [bc.harness.dose_item(f"late{i}", 6 + 3 * i, name=f"Latency {i}")
                     for i in range(SAMPLES)]
            daemon = rig.daemon(bc.harness.regimen_yaml(items))
            now = bc.harness.now_usec()
            planned = {d["name"]: d["planned"] for d in daemon.doses(now, now + 3600 * 1_000_000)}
            pid = daemon.process.pid
            waiting = memory(pid)
            bc.harness.wait_for(lambda: len(stamps) >= SAMPLES, timeout=6 + 3 * SAMPLES + 30)
            reminded = memory(pid)
            late = []
            for stamp, text in list(stamps):
                name = next((n for n in planned if f'"{n}' in text), None)
                if name is not None:
                    late.append(stamp - planned.pop(name) / 1e6)
            print(f"Notify arrival minus planned instant, {len(late)} reminders")
            print("samples (ms): " + ", ".join(f"{x * 1000:.1f}" for x in late))
            print(f"median {statistics.median(late) * 1000:.1f} ms, max {max(late) * 1000:.1f} ms")
            print(f"regimend VmRSS {waiting[0]} kB waiting for the first reminder, {reminded[0]} kB "
                  f"after the last; {reminded[1] - waiting[1]} minor faults for {len(late)} "
                  "reminders")
        finally:
            bc.harness.stop_process(watcher)
            server.stop()


if __name__ == "__main__":
    main()
