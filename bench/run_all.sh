#!/bin/sh
# Runs every benchmark in turn, one after the other so they do not disturb each other
# (about 5 minutes; million_events.py builds a 110 MB database in the temporary directory).
# REGIMEND_BUILD points at the build directory (default /tmp/build-main).
set -e
cd "$(dirname "$0")"
/usr/bin/python3 idle.py 60
/usr/bin/python3 startup.py 10
/usr/bin/python3 ctl_latency.py 60
/usr/bin/python3 throughput.py 5
/usr/bin/python3 reminder_latency.py 5
/usr/bin/python3 million_events.py 10
