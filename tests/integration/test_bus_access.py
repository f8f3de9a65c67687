"""Who the daemon talks to on a bus that admits other users (issue 25, docs/DESIGN.md
"Threat model"): its signals reach only the user's own connections that subscribed, a flood
of large calls neither stops the loop nor keeps the memory, and another user's refused
calls do not flood the log. The other user is the unprivileged `regimend-test`
(scripts/setup.sh creates it) on the test's private bus, which admits every user."""

import json
import os
import queue
import shutil
import subprocess
import threading
import unittest

import dbus
import dbus.lowlevel

import desktop
import harness
from harness import wait_for
from test_hostile_files import sanitized

MIB = 1024 * 1024
LIMITS_EXCEEDED = "org.freedesktop.DBus.Error.LimitsExceeded"

# Listens as another user with a match rule for every signal, tries to subscribe, and
# prints what reached it once the test's broadcast `org.regimend.Test.Stop` arrives.
SPY = r"""
import json, sys
import dbus, dbus.lowlevel, dbus.mainloop.glib
from gi.repository import GLib
dbus.mainloop.glib.DBusGMainLoop(set_as_default=True)
bus = dbus.bus.BusConnection(sys.argv[1])
loop = GLib.MainLoop()
seen = []

def plain(value):
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    if isinstance(value, (int, float)):
        return value
    return str(value)

def on_message(connection, message):
    if not isinstance(message, dbus.lowlevel.SignalMessage):
        return
    if message.get_interface() == "org.regimend.Test" and message.get_member() == "Stop":
        loop.quit()
        return
    seen.append({"sender": message.get_sender(), "interface": message.get_interface(),
                 "member": message.get_member(), "args": plain(message.get_args_list())})

bus.add_message_filter(on_message)
bus.add_match_string("type='signal'")
try:
    bus.call_blocking("org.regimend.Regimen1", "/org/regimend/Regimen1",
                      "org.regimend.Regimen1", "Subscribe", "", [])
    subscribed = "answered"
except dbus.exceptions.DBusException as error:
    subscribed = error.get_dbus_name()
print(json.dumps({"subscribe": subscribed}), flush=True)
loop.run()
print(json.dumps({"seen": seen}), flush=True)
"""

# `connections` connections each keep `in_flight` calls of `method` pipelined until a line
# arrives on stdin (or `total` calls were made); prints "flooding" at the first answer, then,
# at the end, the count of each answer (error name or "ok") and of the connections answered
# as JSON.
FLOOD = r"""
import json, sys
import dbus, dbus.mainloop.glib
from gi.repository import GLib
dbus.mainloop.glib.DBusGMainLoop(set_as_default=True)
address, connections, in_flight, method = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
signature, args = {"Validate": ("s", None), "ListDoses": ("tt", [dbus.UInt64(0), dbus.UInt64(0)])}[method]
if args is None:
    size = int(sys.argv[5])
    head = "version: 1\ntimezone: UTC\nitems:\n  - {id: a, name: A, at: \"08:00\"}\n"
    args = [head + "#" * (size - len(head) - 1) + "\n"]
total = int(sys.argv[6]) if len(sys.argv) > 6 else None
loop = GLib.MainLoop()
counts = {}
answered = set()
stopping = False
sent = 0
outstanding = 0

def call(bus, index):
    global sent, outstanding
    if stopping or (total is not None and sent >= total):
        if outstanding == 0:
            loop.quit()
        return
    sent += 1
    outstanding += 1
    def done(name):
        global outstanding
        outstanding -= 1
        counts[name] = counts.get(name, 0) + 1
        answered.add(index)
        if sum(counts.values()) == 1:
            print("flooding", flush=True)
        call(bus, index)
    def failed(error):
        # LimitsExceeded comes from the bus (the daemon's queue on the bus is full) or from
        # regimend (its own queues): tell them apart.
        name = error.get_dbus_name()
        by_daemon = "waiting" in (error.get_dbus_message() or "")
        done(name + (" by regimend" if name.endswith("LimitsExceeded") and by_daemon else ""))
    bus.call_async("org.regimend.Regimen1", "/org/regimend/Regimen1", "org.regimend.Regimen1",
                   method, signature, args, lambda *reply: done("ok"), failed, timeout=600)

def on_stdin(source, condition):
    global stopping
    stopping = True
    if outstanding == 0:
        loop.quit()
    return False

buses = [dbus.bus.BusConnection(address) for _ in range(connections)]
for index, bus in enumerate(buses):
    for _ in range(in_flight):
        call(bus, index)
GLib.io_add_watch(sys.stdin, GLib.IO_IN | GLib.IO_HUP, on_stdin)
loop.run()
counts["connections answered"] = len(answered)
print(json.dumps(counts), flush=True)
"""


def other_user():
    """The unprivileged account's pwd entry, or None when this process cannot switch."""
    if os.geteuid() != 0 or shutil.which("setpriv") is None:
        return None
    return desktop.ensure_user()


class Script:
    """A Python script's process; its stdout lines collected by a thread."""

    def __init__(self, command):
        self.process = subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                        stderr=subprocess.PIPE, text=True, cwd="/")
        self.lines = queue.Queue()
        self.thread = threading.Thread(target=self._read, daemon=True)
        self.thread.start()

    def _read(self):
        for line in self.process.stdout:
            self.lines.put(line.rstrip("\n"))
        self.lines.put(None)

    def line(self, timeout=120):
        """The next line; fails the test with the script's stderr when none comes."""
        try:
            line = self.lines.get(timeout=timeout)
        except queue.Empty:
            line = None
        if line is None:
            harness.stop_process(self.process)
            raise AssertionError(f"no line from the script within {timeout}s:\n"
                                 + self.process.stderr.read())
        return line

    def json_line(self, timeout=120):
        return json.loads(self.line(timeout))

    def stop(self):
        harness.stop_process(self.process)
        for stream in (self.process.stdin, self.process.stdout, self.process.stderr):
            try:
                stream.close()
            except (OSError, ValueError):
                pass


class BusAccess(harness.DaemonTestCase):

    def python_as(self, account, script, *args):
        """A Python `script` (argv[1] the bus address) as `account` (None: this user)."""
        command = [harness.PYTHON, "-c", script, self.bus.address, *map(str, args)]
        if account is not None:
            command = ["setpriv", f"--reuid={account.pw_uid}", f"--regid={account.pw_gid}",
                       "--clear-groups", *command]
        started = Script(command)
        self.addCleanup(started.stop)
        return started

    def require_other_user(self):
        account = other_user()
        if account is None:
            self.skipTest("calling as another user needs root, setpriv and useradd")
        return account

    # ---- case 3: the daemon's signals go to the user's own subscribers only ----

    def test_another_user_receives_no_signal_with_item_data(self):
        account = self.require_other_user()
        stock = {"per_dose": 1, "unit": "pills", "warn_before": "7d"}
        calm = {"repeat_every": "1h", "escalate_after": "1h", "missed_after": "3h"}
        recorder = self.start_recorder()
        daemon = self.start_daemon(harness.regimen_yaml([
            harness.dose_item("alpha", 2, name="Alpha pill", stock=stock),
            harness.dose_item("beta", 2, name="Beta pill"),
            harness.dose_item("gamma", 2, name="Gamma pill",
                              reminders={"repeat_every": "1h", "missed_after": "4s"}),
        ], reminders=calm))
        owner = str(daemon.connection.get_name_owner(harness.BUS_NAME))

        spy = self.python_as(account, SPY)
        self.assertEqual(spy.json_line()["subscribe"], harness.ERROR_PREFIX + "AccessDenied")

        def states():
            now = harness.now_usec()
            return {d["item"]: d["state"] for d in daemon.doses(now - 3_600_000_000, now + 1)}
        wait_for(lambda: set(states().values()) - {"due", "missed"} == set()
                 and len(states()) == 3, message="the three doses did not become due")
        daemon.call("Confirm", "alpha", dbus.UInt64(0))
        daemon.call("Skip", "beta", "")
        daemon.call("Undo", "beta")
        daemon.call("Refill", "alpha", 1.0, True)
        recorder.wait("DoseTaken", lambda args: str(args[0]) == "alpha")
        recorder.wait("DoseSkipped", lambda args: str(args[0]) == "beta")
        recorder.wait("DoseUndone", lambda args: str(args[0]) == "beta")
        recorder.wait("StockLow", lambda args: str(args[0]) == "alpha")
        recorder.wait("PropertiesChanged",
                      lambda args: any("Alpha pill" in str(w) for w in args[1].get("Warnings", [])))
        recorder.wait("DoseMissed", lambda args: str(args[0]) == "gamma")
        daemon.write_regimen("version: 1\nitems: [{id: broken, at: '8am'}]\n")
        failed = recorder.wait("ReloadFailed")
        self.assertIn(daemon.config_path, str(failed[0]))

        # Everything above reached the user's recorder; a broadcast sent after it reaches
        # the spy after anything the bus routed to it before.
        connection = self.bus.connect()
        connection.send_message(dbus.lowlevel.SignalMessage(
            "/org/regimend/Test", "org.regimend.Test", "Stop"))
        connection.flush()
        last = spy.json_line()
        from_daemon = [signal for signal in last["seen"] if signal["sender"] == owner]
        self.assertEqual(from_daemon, [])
        self.assertFalse([s for s in last["seen"]
                          if s["interface"] in (harness.INTERFACE,
                                                "org.freedesktop.DBus.Properties")],
                         last["seen"])

    def test_a_subscriber_that_leaves_is_dropped(self):
        daemon = self.start_daemon(harness.regimen_yaml(
            [harness.dose_item("alpha", 3600, name="Alpha")]))
        for _ in range(3):
            connection = self.bus.connect()
            connection.call_blocking(harness.BUS_NAME, harness.OBJECT_PATH, harness.INTERFACE,
                                     "Subscribe", "", [])
            name = str(connection.get_unique_name())
            daemon.wait_log(f"{name} subscribed")
            connection.close()
            daemon.wait_log(f"{name} left: unsubscribed")
        # Unsubscribe is the other way out; both answer for an unknown name too.
        connection = self.bus.connect()
        for method in ("Subscribe", "Unsubscribe", "Unsubscribe"):
            connection.call_blocking(harness.BUS_NAME, harness.OBJECT_PATH, harness.INTERFACE,
                                     method, "", [])

    # ---- case 6: a flood of large calls ----

    def test_a_flood_of_large_calls_neither_stops_the_loop_nor_keeps_the_memory(self):
        server = self.start_notifications()
        daemon = self.start_daemon(harness.regimen_yaml(
            [harness.dose_item("soon", 20, name="Soon pill")],
            reminders={"repeat_every": "1h", "escalate_after": "1h", "missed_after": "3h"}))
        before = daemon.status("VmRSS")
        # 10 connections with 10 calls of 1 MiB each in flight: the bus's own limit (127 MiB
        # queued for one connection) is not what refuses them.
        flood = self.python_as(None, FLOOD, 10, 10, "Validate", MIB)
        self.assertEqual(flood.line(), "flooding")
        peak = [daemon.status("VmRSS")]
        stop = threading.Event()

        def sample():
            while not stop.wait(0.2):
                peak.append(daemon.status("VmRSS"))
        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        try:
            # A new caller is answered while the flood goes on ...
            status = daemon.ctl("status", timeout=120)
            self.assertEqual(status.returncode, 0, status.stdout + status.stderr)
            self.assertIn("soon", status.stdout)
            # ... and the reminder comes while it still goes on.
            server.wait_reminders("Soon pill", timeout=120)
            self.assertIsNone(flood.process.poll(), "the flood ended before the reminder came")
        finally:
            stop.set()
            sampler.join(5)
            flood.process.stdin.write("stop\n")
            flood.process.stdin.close()
        counts = flood.json_line()
        flood.process.wait(timeout=120)
        # The worker's queue is bounded: the calls beyond it are refused at once.
        self.assertGreater(counts.get(LIMITS_EXCEEDED + " by regimend", 0), 0, counts)
        self.assertEqual(counts.pop("connections answered"), 10, counts)
        self.assertEqual(set(counts) - {"ok", LIMITS_EXCEEDED, LIMITS_EXCEEDED + " by regimend"},
                         set(), counts)
        print(f"\nflood: VmRSS {before} kB before, peak {max(peak)} kB; answers {counts}")
        self.assertTrue(daemon.alive())
        if sanitized(harness.REGIMEND):
            return  # AddressSanitizer's allocator keeps freed blocks in quarantine
        # The burst's memory goes back (before the fix 338 MB stayed after 1.45 GB).
        wait_for(lambda: daemon.status("VmRSS") < before + 48 * 1024, timeout=60,
                 message=f"VmRSS {daemon.status('VmRSS')} kB after the flood, "
                         f"{before} kB before, peak {max(peak)} kB")
        self.assertLess(max(peak), before + 256 * 1024)

    # ---- case 10: refused calls are logged, but not one line each ----

    def test_a_thousand_refused_calls_log_a_few_lines(self):
        account = self.require_other_user()
        daemon = self.start_daemon(harness.regimen_yaml(
            [harness.dose_item("alpha", 3600, name="Alpha")]))
        flood = self.python_as(account, FLOOD, 10, 10, "ListDoses", 0, 1000)
        self.assertEqual(flood.line(), "flooding")
        counts = flood.json_line()
        self.assertEqual(counts, {harness.ERROR_PREFIX + "AccessDenied": 1000,
                                  "connections answered": 10})
        # The daemon logs a refusal before it answers it: a call of ours afterwards, with
        # its own line, comes after every refusal's line.
        daemon.call("Stock")
        daemon.wait_log("Stock held the event loop")
        refusals = [line for line in daemon.log().splitlines() if "refused" in line]
        self.assertTrue(refusals and f"from user {account.pw_uid}" in refusals[0], refusals)
        self.assertLessEqual(len(refusals), 3, refusals[:5])
        # The user's own calls are still answered.
        daemon.doses(harness.now_usec(), harness.now_usec() + harness.DAY_USEC)


if __name__ == "__main__":
    harness.main()
