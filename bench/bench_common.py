"""Shared set-up for the benchmark scripts: a private bus, a regimend on it, timing helpers.
Reuses tests/integration/harness.py so the benchmarks start the daemon exactly as the tests do."""

import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BUILD = os.environ.get("REGIMEND_BUILD", "/tmp/build-main")
os.environ.setdefault("REGIMEND", os.path.join(BUILD, "daemon", "regimend"))
os.environ.setdefault("REGIMENCTL", os.path.join(BUILD, "ctl", "regimenctl"))
sys.path.insert(0, os.path.join(ROOT, "tests", "integration"))
import harness  # noqa: E402

REGIMEND = os.environ["REGIMEND"]
REGIMENCTL = os.environ["REGIMENCTL"]


def far_items(count, zone="Europe/Berlin"):
    """`count` daily items none of which is due within the next hours (idle benchmarks)."""
    items = []
    for i in range(count):
        seconds = 3 * 3600 + (i * 7 * 3600) // max(count, 1)  # spread over 3h..10h from now
        items.append({"id": f"item{i:04d}", "name": f"Item {i}", "at": harness.clock_in(seconds, zone)})
    return items


def regimen(count):
    return harness.regimen_yaml(far_items(count))


class Rig:
    """A temporary home, a private bus and (optionally) a regimend; cleaned up on exit."""

    def __init__(self):
        self.workdir = tempfile.mkdtemp(prefix="regimend-bench-")
        self.bus = harness.PrivateBus(self.workdir).start()
        self.env = dict(os.environ, DBUS_SESSION_BUS_ADDRESS=self.bus.address)
        self.daemons = []

    def daemon(self, regimen_text, name="home", start=True):
        home = os.path.join(self.workdir, name)
        os.makedirs(home, exist_ok=True)
        daemon = harness.Daemon(self.bus, home, regimen_text, verbose=False)
        self.daemons.append(daemon)
        if start:
            daemon.start()
        return daemon

    def close(self):
        for daemon in self.daemons:
            daemon.stop()
        self.bus.stop()
        shutil.rmtree(self.workdir, ignore_errors=True)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


def proc_status(pid, field):
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    raise KeyError(field)


def switches(pid):
    return proc_status(pid, "voluntary_ctxt_switches") + proc_status(pid, "nonvoluntary_ctxt_switches")


def smaps_rollup(pid):
    """kB fields of /proc/PID/smaps_rollup as a dict."""
    fields = {}
    with open(f"/proc/{pid}/smaps_rollup") as rollup:
        for line in rollup:
            parts = line.split()
            if len(parts) >= 3 and parts[-1] == "kB":
                fields[parts[0].rstrip(":")] = int(parts[1])
    return fields


def median_ms(samples):
    return statistics.median(samples) * 1000.0


def timed_runs(command, runs, env):
    """Wall time of `runs` executions of `command` (seconds each); fails on a non-zero exit."""
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        result = subprocess.run(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        samples.append(time.perf_counter() - start)
        if result.returncode != 0:
            raise SystemExit(f"{command[0]} failed: {result.stderr.decode()}")
    return samples
