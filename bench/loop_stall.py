#!/usr/bin/env python3
"""Worst-case event-loop stall at the file limits (1 MiB, 10,000 items).

While one client makes a heavy call (Validate or Reload of a 1 MiB, 10,000-item regimen,
or the widest ListDoses the daemon accepts for it), a second client on its own connection
calls Properties.Get(Version) back to back and records each round trip. The longest round
trip during the heavy call is the stall another caller (or a reminder) meets.

    bench/loop_stall.py [RUNS]        # REGIMEND_BUILD=/path/to/build (default /tmp/build-main)
"""

import os
import re
import statistics
import sys
import threading
import time

import dbus

from bench_common import Rig, harness

ITEMS = 10_000
FILE_BYTES = 1_000_000  # under the 1 MiB limit


def limit_regimen(hourly):
    """10,000 items padded to just under 1 MiB: two daily times each, or every hour."""
    items = []
    for n in range(ITEMS):
        item = {"id": f"item{n:05d}", "name": f"Item {n}"}
        if hourly:
            item.update({"every": "1 hours", "start": "2026-01-01", "at": "00:00"})
        else:
            item["at"] = ["08:00", "20:00"]
        items.append(item)
    text = harness.regimen_yaml(items)
    pad = (FILE_BYTES - len(text)) // ITEMS
    for item in items:
        item["name"] += " " + "x" * max(pad - 1, 0)
    text = harness.regimen_yaml(items)
    assert len(text) <= 1024 * 1024, len(text)
    return text


class Probe:
    """Back-to-back Get(Version) on its own connection; the longest round trip in a window."""

    def __init__(self, bus):
        self.connection = bus.connect()
        self.properties = dbus.Interface(
            self.connection.get_object(harness.BUS_NAME, harness.OBJECT_PATH, introspect=False),
            "org.freedesktop.DBus.Properties")
        self.samples = []
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self.run, daemon=True)

    def run(self):
        while not self.stop.is_set():
            start = time.monotonic()
            self.properties.Get(harness.INTERFACE, "Version", timeout=120)
            self.samples.append((start, time.monotonic() - start))

    def __enter__(self):
        self.thread.start()
        while not self.samples:
            time.sleep(0.01)
        return self

    def __exit__(self, *exc):
        self.stop.set()
        self.thread.join()

    def worst_between(self, begin, end):
        """Longest round trip of a Get that was in flight at some point in [begin, end]."""
        overlapping = [d for s, d in list(self.samples) if s <= end and s + d >= begin]
        return max(overlapping) if overlapping else 0.0


HELD = re.compile(r"held the event loop for ([0-9.]+) ms")


def measure(rig, daemon, label, heavy, runs):
    stalls, durations, held = [], [], []
    with Probe(rig.bus) as probe:
        for _ in range(runs):
            time.sleep(0.2)
            log_before = len(daemon.log())
            begin = time.monotonic()
            heavy()
            end = time.monotonic()
            time.sleep(0.2)  # the log line of the loop's part of a reload comes after
            durations.append(end - begin)
            stalls.append(probe.worst_between(begin, end))
            # Debug log of the daemon (after this change): each piece of loop work it did.
            pieces = [float(ms) for ms in HELD.findall(daemon.log()[log_before:])]
            if pieces:
                held.append(max(pieces))
    inside = (f"; longest loop hold logged by regimend: {max(held):7.1f} ms" if held else "")
    print(f"{label:28s} call {statistics.median(durations) * 1000:8.1f} ms; "
          f"worst Get round trip during it: median {statistics.median(stalls) * 1000:7.1f} ms, "
          f"max {max(stalls) * 1000:7.1f} ms{inside}")


def start_verbose_daemon(rig, text):
    """A regimend on `text` logging at debug (its "held the event loop" lines), and a
    proxy for its interface."""
    home = os.path.join(rig.workdir, "home")
    os.makedirs(home)
    daemon = harness.Daemon(rig.bus, home, text, verbose=True)
    rig.daemons.append(daemon)
    daemon.start()
    proxy = dbus.Interface(rig.bus.connect().get_object(
        harness.BUS_NAME, harness.OBJECT_PATH, introspect=False), harness.INTERFACE)
    return daemon, proxy


def main():
    runs = int(sys.argv[1]) if len(sys.argv) > 1 else 3
    print(f"daemon: {os.environ['REGIMEND']}; load average {os.getloadavg()[0]:.2f}; "
          f"{runs} runs each")
    for hourly in (False, True):
        text = limit_regimen(hourly)
        kind = "hourly" if hourly else "2 times a day"
        with Rig() as rig:
            daemon, proxy = start_verbose_daemon(rig, text)
            print(f"-- {ITEMS} items ({kind}), {len(text)} bytes")
            measure(rig, daemon, "Validate (the same text)",
                    lambda: proxy.Validate(text, timeout=300), runs)
            measure(rig, daemon, "Reload", lambda: proxy.Reload(timeout=300), runs)
            # The widest span the daemon accepts for this regimen, found by halving as
            # regimenctl does; then that ListDoses is the measured call.
            now = harness.now_usec()
            span = 86_400_000_000
            while True:
                try:
                    proxy.ListDoses(dbus.UInt64(now), dbus.UInt64(now + span), timeout=300)
                    break
                except dbus.exceptions.DBusException as error:
                    if "shorter span" not in error.get_dbus_message():
                        raise
                    span //= 2
            measure(rig, daemon, f"ListDoses over {span / 3_600_000_000:.1f} h",
                    lambda: proxy.ListDoses(dbus.UInt64(now), dbus.UInt64(now + span),
                                            timeout=300), runs)


if __name__ == "__main__":
    main()
