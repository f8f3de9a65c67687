#!/usr/bin/python3
"""Time from exec to owning org.regimend.Regimen1 on a private bus, for a 10-item and a
1,000-item regimen: RUNS (default 10) starts each, median, min and max. "first start" runs
on a fresh state directory, so it includes creating the history database (seven fdatasyncs);
"restart" starts again on the database an earlier run created, as at every login, with the
regimen unchanged (it is parsed and linted at every start);
"after an edit" is a restart whose regimen changed by one comment line since the last start
(the start also replaces the last-valid-regimen copy in the state directory).

    /usr/bin/python3 bench/startup.py [runs]
    REGIMEND_BEFORE=/path/to/old/regimend bench/startup.py [runs]   # restarts A/B, alternating
"""

import os
import statistics
import subprocess
import sys
import time

import bench_common as bc

RUNS = int(sys.argv[1]) if len(sys.argv) > 1 else 10


def one_start(rig, text, run):
    home = os.path.join(rig.workdir, f"start-{len(text)}-{run}")
    return timed_start(rig, text, home)


def timed_start(rig, text, home, binary=None):
    daemon = bc.harness.Daemon(rig.bus, home, text, verbose=False)
    connection = rig.bus.connect()
    start = time.perf_counter()
    process = subprocess.Popen([binary or bc.REGIMEND], env=daemon.env, stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL)
    # A tight NameHasOwner loop: each round trip costs ~0.1 ms, which bounds the resolution.
    while not connection.name_has_owner(bc.harness.BUS_NAME):
        if process.poll() is not None:
            raise SystemExit(f"regimend exited with {process.returncode}")
    elapsed = time.perf_counter() - start
    bc.harness.stop_process(process)
    bc.harness.wait_for(lambda: not connection.name_has_owner(bc.harness.BUS_NAME), timeout=10)
    connection.close()
    return elapsed


def restarts_alternating(before):
    """Restarts only, the old and the new binary one after the other in every round, each on
    its own history, so a change in the machine's load falls on both alike."""
    binaries = {"before": before, "after": bc.REGIMEND}
    with bc.Rig() as rig:
        print(f"restart: exec -> owns {bc.harness.BUS_NAME}, {RUNS} alternating rounds; "
              f"load average {os.getloadavg()[0]:.2f}")
        for count in (10, 1000):
            text = bc.regimen(count)
            homes = {}
            for label, binary in binaries.items():
                homes[label] = os.path.join(rig.workdir, f"ab-{count}-{label}")
                timed_start(rig, text, homes[label], binary)  # creates the history
            samples = {(kind, label): [] for kind in ("restart", "after an edit")
                       for label in binaries}
            for run in range(RUNS):
                for label, binary in binaries.items():
                    samples[("restart", label)].append(
                        timed_start(rig, text, homes[label], binary))
                    edited = text + f"# edit {run}\n"
                    samples[("after an edit", label)].append(
                        timed_start(rig, edited, homes[label], binary))
                    timed_start(rig, text, homes[label], binary)  # back to `text`
            for (kind, label), times in samples.items():
                print(f"{count:5d} items, {kind:<13}, {label:<6}: median "
                      f"{bc.median_ms(times):7.2f} ms, min {min(times) * 1000:7.2f} ms, "
                      f"max {max(times) * 1000:7.2f} ms")
        print(f"load average at the end {os.getloadavg()[0]:.2f}")


def main():
    if os.environ.get("REGIMEND_BEFORE"):
        restarts_alternating(os.environ["REGIMEND_BEFORE"])
        return
    with bc.Rig() as rig:
        print(f"exec -> owns {bc.harness.BUS_NAME}, {RUNS} runs each; "
              f"load average {os.getloadavg()[0]:.2f}")
        for count in (10, 1000):
            text = bc.regimen(count)
            fresh = [one_start(rig, text, run) for run in range(RUNS)]
            home = os.path.join(rig.workdir, f"start-{len(text)}-0")
            again = [timed_start(rig, text, home) for _ in range(RUNS)]
            edited = []
            for run in range(RUNS):
                edited.append(timed_start(rig, text + f"# edit {run}\n", home))
            for label, samples in (("first start", fresh), ("restart", again),
                                   ("after an edit", edited)):
                print(f"{count:5d} items, {label:<13}: median {bc.median_ms(samples):7.2f} ms, "
                      f"min {min(samples) * 1000:7.2f} ms, max {max(samples) * 1000:7.2f} ms")


if __name__ == "__main__":
    main()
