#!/usr/bin/env bash
# Sets up, builds and runs regimend in the foreground on the example regimen, with a demo
# dose one minute ahead so something visibly happens. Works on a desktop (the reminder
# appears as a notification) and on a machine without one: with no session bus it starts
# a private one (dbus-run-session), and with no notification server the reminders go to
# the log. Confirm from another terminal with the command it prints.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD

if [[ -z "${REGIMEND_RUN_SETUP_DONE:-}" ]]; then
    bash scripts/setup.sh
    # The test suite needs Catch2 (scripts/setup-tests.sh); without it, build the programs.
    tests=()
    dpkg-query -W -f='${Status}' catch2 2>/dev/null | grep -q 'install ok installed' ||
        tests=(-DREGIMEND_TESTS=OFF)
    cmake -S . -B build "${tests[@]}" >/dev/null
    cmake --build build -j "$(nproc)" --target regimend regimenctl
    export REGIMEND_RUN_SETUP_DONE=1
fi

if [[ -z "${DBUS_SESSION_BUS_ADDRESS:-}" ]]; then
    echo "run: no session bus here; starting a private one" >&2
    exec dbus-run-session -- bash "$0" "$@"
fi

demo=$root/build/demo
mkdir -p "$demo/state"
regimen=$demo/regimen.yaml
demo_time=$(date -d '+1 minute' +%H:%M:%S)
{
    cat config/regimen.yaml
    cat <<YAML

  # Added by scripts/run.sh: a dose one minute after start, to see a reminder.
  - id: demo
    name: Demo dose (added by scripts/run.sh)
    dose: 1 glass of water
    at: "$demo_time"
    reminders: {repeat_every: 1m, escalate_after: 3m, missed_after: 10m}
YAML
} >"$regimen"

cat >&2 <<TXT
run: regimend on $regimen (history in $demo/state)
run: a demo dose is due at $demo_time. From another terminal:
    export DBUS_SESSION_BUS_ADDRESS='$DBUS_SESSION_BUS_ADDRESS'
    $root/build/ctl/regimenctl status
    $root/build/ctl/regimenctl take demo
run: Ctrl-C stops it.
TXT
exec "$root/build/daemon/regimend" --config "$regimen" --state-dir "$demo/state" --verbose
