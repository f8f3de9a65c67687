#!/usr/bin/python3
"""Instructions (callgrind) and system calls (strace -c) of one `regimenctl status` from a
fresh process, for each REGIMENCTL binary given, against one regimend with 10 items; and the
same for `dbus-send --print-reply` of the Today call it makes. Repeatable where wall time on
a shared machine is not (tens of thousands of instructions between runs).

    /usr/bin/python3 bench/ctl_callgrind.py [REGIMENCTL...]   # e.g. old and new
"""

import os
import re
import subprocess
import sys
import tempfile

import bench_common as bc


def instructions(command, env):
    with tempfile.NamedTemporaryFile(prefix="regimend-cg-") as out:
        run = subprocess.run(["valgrind", "--tool=callgrind", f"--callgrind-out-file={out.name}"]
                             + command, env=env, stdout=subprocess.DEVNULL,
                             stderr=subprocess.PIPE, text=True, check=False)
    found = re.search(r"refs:\s+([\d,]+)", run.stderr)
    return found.group(1) if found else "?"


def syscalls(command, env):
    run = subprocess.run(["strace", "-f", "-c", "-o", "/dev/stderr"] + command, env=env,
                         stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
                         check=False)
    total = re.search(r"^100\.00\s+\S+\s+\S+\s+(\d+)\s+(\d+)?\s*total", run.stderr, re.M)
    return total.group(1) if total else "?"


def main():
    binaries = sys.argv[1:] or [bc.REGIMENCTL]
    with bc.Rig() as rig:
        daemon = rig.daemon(bc.regimen(10))
        env = daemon.env
        name, path = bc.harness.BUS_NAME, bc.harness.OBJECT_PATH
        commands = [[binary, "status"] for binary in binaries]
        commands.append(["dbus-send", "--session", "--print-reply", f"--dest={name}", path,
                         f"{name}.Today"])
        print(f"load average {os.getloadavg()[0]:.2f}")
        for command in commands:
            subprocess.run(command, env=env, stdout=subprocess.DEVNULL, check=False)  # warm
            print(f"{instructions(command, env):>12} instructions, {syscalls(command, env):>5} "
                  f"system calls  {' '.join(command[:2])}")


if __name__ == "__main__":
    main()
