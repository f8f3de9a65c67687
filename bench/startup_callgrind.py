#!/usr/bin/python3
"""Instructions of a regimend restart (callgrind): exec -> owns org.regimend.Regimen1 ->
first method reply -> SIGTERM -> exit, for a 10-item and a 1,000-item regimen. Repeatable where wall time on a
shared machine is not. Each binary starts once to create its history, then again under
valgrind; the figure is callgrind's total.

    /usr/bin/python3 bench/startup_callgrind.py BINARY [BINARY...]   # e.g. old and new
"""

import os
import re
import signal
import subprocess
import sys

import bench_common as bc


def owner(connection):
    return lambda: connection.name_has_owner(bc.harness.BUS_NAME)


def released(connection):
    return lambda: not connection.name_has_owner(bc.harness.BUS_NAME)


def main():
    binaries = sys.argv[1:] or [bc.REGIMEND]
    with bc.Rig() as rig:
        for count in (10, 1000):
            text = bc.regimen(count)
            for number, binary in enumerate(binaries):
                home = os.path.join(rig.workdir, f"home-{count}-{number}")
                daemon = bc.harness.Daemon(rig.bus, home, text, verbose=False)
                connection = rig.bus.connect()
                first = subprocess.Popen([binary], env=daemon.env, stdout=subprocess.DEVNULL,
                                         stderr=subprocess.DEVNULL)
                bc.harness.wait_for(owner(connection), timeout=60)
                bc.harness.stop_process(first)
                bc.harness.wait_for(released(connection), timeout=60)
                out = os.path.join(rig.workdir, f"callgrind-{count}-{number}.out")
                measured = subprocess.Popen(
                    ["valgrind", "--tool=callgrind", f"--callgrind-out-file={out}", binary],
                    env=daemon.env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
                bc.harness.wait_for(owner(connection), timeout=120)
                # A reply from the loop means start-up is over and SIGTERM is the loop's:
                # sent at once, it could land before the handler exists and cut the count short.
                subprocess.run(["dbus-send", "--session", "--print-reply", f"--dest={bc.harness.BUS_NAME}",
                                bc.harness.OBJECT_PATH, "org.freedesktop.DBus.Peer.Ping"],
                               env=daemon.env, stdout=subprocess.DEVNULL, check=True, timeout=120)
                measured.send_signal(signal.SIGTERM)
                _, errors = measured.communicate(timeout=120)
                found = re.search(r"refs:\s+([\d,]+)", errors)
                if os.environ.get("KEEP_CALLGRIND"):
                    subprocess.run(["cp", out, os.environ["KEEP_CALLGRIND"] + f"-{count}-{number}.out"])
                print(f"{count:5d} items  {binary}: "
                      f"{found.group(1) if found else '?'} instructions")
                bc.harness.wait_for(released(connection), timeout=60)
                connection.close()


if __name__ == "__main__":
    main()
