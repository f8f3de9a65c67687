#!/usr/bin/python3
"""Calls per second from one client: ListDoses (10-item regimen, one day window) and durable
Confirm (each call records a distinct past dose of an `every: 1 hours` item; every Confirm is
written to the history database before it is answered). Uses a small sd-bus client in C++
(bench/rate_client.cpp, compiled here) and, for comparison, a dbus-python loop.

    /usr/bin/python3 bench/throughput.py [seconds]
"""

import datetime
import os
import subprocess
import sys
import time
import zoneinfo

import dbus

import bench_common as bc

SECONDS = float(sys.argv[1]) if len(sys.argv) > 1 else 5.0
HERE = os.path.dirname(os.path.abspath(__file__))
ZONE = "Europe/Berlin"
HOURLY_DAYS = 7  # Confirm reaches at most 8 days back
HOURLY_ITEMS = 40


def build_client(workdir):
    binary = os.path.join(workdir, "rate_client")
    flags = subprocess.run(["pkg-config", "--cflags", "--libs", "libsystemd"], capture_output=True,
                           text=True, check=True).stdout.split()
    subprocess.run(["g++", "-O2", "-std=c++20", os.path.join(HERE, "rate_client.cpp"), "-o", binary]
                   + flags, check=True)
    return binary


def run_client(binary, env, *args):
    out = subprocess.run([binary] + [str(a) for a in args], env=env, capture_output=True, text=True,
                         check=True).stdout.split()
    ok, failed, elapsed, error = int(out[0]), int(out[1]), float(out[2]), out[3]
    return ok / elapsed, ok, failed, error


def python_rate(daemon, start, end):
    proxy = daemon.proxy()
    calls = 0
    begin = time.perf_counter()
    while time.perf_counter() - begin < SECONDS:
        proxy.ListDoses(dbus.UInt64(start), dbus.UInt64(end))
        calls += 1
    return calls / (time.perf_counter() - begin)


def main():
    with bc.Rig() as rig:
        binary = build_client(rig.workdir)
        daemon = rig.daemon(bc.regimen(10))
        now = bc.harness.now_usec()
        start, end = now - 12 * 3600 * 1_000_000, now + 12 * 3600 * 1_000_000
        rate, ok, failed, error = run_client(binary, daemon.env, "listdoses", SECONDS, start, end)
        print(f"ListDoses, C++ sd-bus client: {rate:8.0f} calls/s ({ok} ok, {failed} failed, {SECONDS:.0f} s)")
        print(f"ListDoses, dbus-python loop:  {python_rate(daemon, start, end):8.0f} calls/s (python-bound)")
        daemon.stop()

        first_day = datetime.date.today() - datetime.timedelta(days=HOURLY_DAYS)
        hourly = [{"id": f"hourly{i}", "name": f"Hourly {i}", "every": "1 hours", "at": "00:00",
                   "start": first_day.isoformat()} for i in range(HOURLY_ITEMS)]
        confirm_daemon = rig.daemon(bc.harness.regimen_yaml(hourly, zone=ZONE), name="confirm")
        first = datetime.datetime.combine(first_day, datetime.time(0, 0), zoneinfo.ZoneInfo(ZONE))
        rate, ok, failed, error = run_client(binary, confirm_daemon.env, "confirm", SECONDS, "hourly",
                                             HOURLY_ITEMS,
                                             bc.harness.usec(first), 3600 * 1_000_000)
        print(f"Confirm (durable), C++ client: {rate:7.0f} calls/s ({ok} ok, {failed} failed"
              + (f", first error {error}" if failed else "") + ")")
        taken = [e for e in confirm_daemon.history(bc.harness.usec(first) - 1, bc.harness.now_usec() + 1)
                 if e["event"] == "taken"]
        print(f"  history holds {len(taken)} taken events after the run")


if __name__ == "__main__":
    main()
