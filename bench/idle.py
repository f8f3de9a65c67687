#!/usr/bin/python3
"""Idle cost: wakeups and memory of regimend with a 10-item regimen and nothing due for
IDLE_SECONDS (default 60), side by side with `remind -z` and `calcurse --daemon` holding
the same 10 daily times. Installs remind and calcurse (benchmark-only peers) if missing.

    /usr/bin/python3 bench/idle.py [seconds]
"""

import datetime
import glob
import os
import shutil
import subprocess
import sys
import tempfile
import time

import bench_common as bc

SECONDS = float(sys.argv[1]) if len(sys.argv) > 1 else 60.0


def ensure_peers():
    missing = [tool for tool in ("remind", "calcurse") if shutil.which(tool) is None]
    if missing:
        subprocess.run(["apt-get", "install", "-y"] + missing, check=False,
                       stdout=subprocess.DEVNULL)


def rss_by_mapping(pid):
    """[(path, (Rss kB, Private kB))] summed per mapped file ([heap], [anon] ... included)."""
    totals = {}
    path = None
    with open(f"/proc/{pid}/smaps") as smaps:
        for line in smaps:
            parts = line.split()
            if "-" in parts[0] and len(parts) >= 5 and not parts[0].endswith(":"):
                path = parts[5] if len(parts) > 5 else "[anon]"
                totals.setdefault(path, [0, 0])
            elif parts[0] == "Rss:":
                totals[path][0] += int(parts[1])
            elif parts[0] in ("Private_Clean:", "Private_Dirty:"):
                totals[path][1] += int(parts[1])
    return sorted(((p, tuple(v)) for p, v in totals.items()), key=lambda e: -e[1][0])


def times(count):
    now = datetime.datetime.now()
    return [(now + datetime.timedelta(seconds=3 * 3600 + i * 2520)).strftime("%H:%M")
            for i in range(count)]


def start_remind(workdir):
    path = os.path.join(workdir, "reminders.rem")
    with open(path, "w") as out:
        for i, at in enumerate(times(10)):
            out.write(f"REM AT {at} MSG Item {i}\n")
    return subprocess.Popen(["remind", "-z", path], stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL, stdin=subprocess.DEVNULL), None


def start_calcurse(workdir):
    data = os.path.join(workdir, "calcurse")
    os.makedirs(data)
    today = datetime.date.today().strftime("%m/%d/%Y")
    with open(os.path.join(data, "apts"), "w") as out:
        for i, at in enumerate(times(10)):
            out.write(f"{today} @ {at} -> {today} @ {at} {{1D}} |Item {i}\n")
    with open(os.path.join(data, "conf"), "w") as out:
        out.write("daemon.enable=yes\ndaemon.log=no\nnotification.command=true\n")
    subprocess.run(["calcurse", "-D", data, "--daemon"], env=dict(os.environ, HOME=workdir),
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
    # calcurse 4.8 --daemon forks and writes no pid file; find it by its unique data dir.
    def daemon_pid():
        found = subprocess.run(["pgrep", "-f", f"calcurse -D {data} --daemon"],
                               capture_output=True, text=True).stdout.split()
        return int(found[0]) if found else None
    return None, bc.harness.wait_for(daemon_pid, timeout=10,
                                     message="calcurse --daemon did not start")


def main():
    ensure_peers()
    rows = []
    with bc.Rig() as rig:
        daemon = rig.daemon(bc.regimen(10))
        time.sleep(1)  # let start-up work (database open, first plan) finish before counting
        rows.append(("regimend", daemon.pid))
        workdir = tempfile.mkdtemp(prefix="regimend-bench-peers-")
        peers = []
        try:
            if shutil.which("remind"):
                process, _ = start_remind(workdir)
                peers.append(process)
                rows.append(("remind -z", process.pid))
            if shutil.which("calcurse"):
                _, pid = start_calcurse(workdir)
                rows.append(("calcurse --daemon", pid))
            time.sleep(1)
            # All processes are sampled over the same window.
            before = {name: bc.switches(pid) for name, pid in rows}
            time.sleep(SECONDS)
            print(f"idle window: {SECONDS:.0f} s, 10 daily items, nothing due")
            print(f"{'process':20} {'wakeups':>8} {'per hour':>9} {'VmRSS kB':>9} "
                  f"{'Pss kB':>7} {'Private kB':>10} {'Priv.Dirty':>10} {'Shared kB':>9} "
                  f"{'Anon kB':>8}")
            for name, pid in rows:
                count = bc.switches(pid) - before[name]
                rollup = bc.smaps_rollup(pid)
                private = rollup.get("Private_Clean", 0) + rollup.get("Private_Dirty", 0)
                shared = rollup.get("Shared_Clean", 0) + rollup.get("Shared_Dirty", 0)
                print(f"{name:20} {count:8d} {count * 3600 / SECONDS:9.0f} "
                      f"{bc.proc_status(pid, 'VmRSS'):9d} {rollup.get('Pss', 0):7d} "
                      f"{private:10d} {rollup.get('Private_Dirty', 0):10d} {shared:9d} "
                      f"{rollup.get('Anonymous', 0):8d}")
            print("regimend resident memory by mapping (kB Rss / Private), largest first:")
            for path, (rss, private) in rss_by_mapping(daemon.pid)[:8]:
                print(f"  {rss:6d} {private:6d}  {path}")
            if not daemon.alive():
                raise SystemExit("regimend died during the idle window")
        finally:
            for process in peers:
                bc.harness.stop_process(process)
            for name, pid in rows:
                if name.startswith("calcurse"):
                    try:
                        os.kill(pid, 15)
                    except ProcessLookupError:
                        pass
            shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
