#!/usr/bin/python3
"""Wall time of one query from a fresh process, RUNS (default 30) times each, same daemon:
`regimenctl status` vs the same ListDoses call made by dbus-send and by busctl.

    /usr/bin/python3 bench/ctl_latency.py [runs]
"""

import sys

import bench_common as bc

RUNS = int(sys.argv[1]) if len(sys.argv) > 1 else 30


def main():
    with bc.Rig() as rig:
        daemon = rig.daemon(bc.regimen(10))
        env = daemon.env
        start = bc.harness.now_usec() - 12 * 3600 * 1_000_000
        end = bc.harness.now_usec() + 12 * 3600 * 1_000_000
        path, name = bc.harness.OBJECT_PATH, bc.harness.BUS_NAME
        commands = {
            "regimenctl status": [bc.REGIMENCTL, "status"],
            "dbus-send ListDoses": ["dbus-send", "--session", "--print-reply", f"--dest={name}",
                                    path, f"{name}.ListDoses", f"uint64:{start}", f"uint64:{end}"],
            "busctl ListDoses": ["busctl", "--user", "call", name, path, name, "ListDoses", "tt",
                                 str(start), str(end)],
        }
        for command in commands.values():  # warm the page cache once
            bc.timed_runs(command, 1, env)
        print(f"wall time per invocation, {RUNS} runs each, 10-item regimen")
        for label, command in commands.items():
            samples = bc.timed_runs(command, RUNS, env)
            print(f"{label:22} median {bc.median_ms(samples):6.2f} ms, "
                  f"min {min(samples) * 1000:6.2f} ms, max {max(samples) * 1000:6.2f} ms")


if __name__ == "__main__":
    main()
