"""`regimenctl bar` (issue 14): the one-line status in every format against a real daemon,
and `--follow`, which prints a new line on every change (a dose becoming due, a take, the
daemon stopping and starting again), sleeps without a wakeup while nothing changes, and
exits non-zero when the bus itself goes away."""

import json
import os
import re
import subprocess
import sys
import threading
import time
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import dbus
import dbus.lowlevel

import harness
from harness import wait_for

# Long enough that nothing but the test's own actions changes a dose during a test.
CALM = {"repeat_every": "1h", "escalate_after": "1h", "missed_after": "3h"}
BERLIN = ZoneInfo("Europe/Berlin")  # harness.regimen_yaml's zone
CLOCK = r"(?:(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun) )?\d\d:\d\d(?::\d\d)?"


class Follower:
    """A `regimenctl bar --follow` process; its lines are collected by a thread."""

    def __init__(self, daemon, fmt):
        self.process = subprocess.Popen(
            [harness.REGIMENCTL, "bar", "--follow", "--format", fmt], env=daemon.env,
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        self.lines = []
        self.lock = threading.Lock()
        self.thread = threading.Thread(target=self._read, daemon=True)
        self.thread.start()

    def _read(self):
        for line in self.process.stdout:
            with self.lock:
                self.lines.append(line.rstrip("\n"))

    def snapshot(self):
        with self.lock:
            return list(self.lines)

    def wait_line(self, predicate, after=0, timeout=30.0):
        """The first line from index `after` on that satisfies `predicate`; its index."""
        def found():
            for index, line in enumerate(self.snapshot()[after:], start=after):
                if predicate(line):
                    return (index, line)
            return None
        return wait_for(found, timeout=timeout,
                        message=f"no such line within {timeout}s; lines: {self.snapshot()}")

    def switches(self):
        total = 0
        with open(f"/proc/{self.process.pid}/status") as status:
            for line in status:
                if line.startswith(("voluntary_ctxt_switches:", "nonvoluntary_ctxt_switches:")):
                    total += int(line.split()[1])
        return total

    def stop(self):
        harness.stop_process(self.process)
        self.thread.join(5)
        self.process.stdout.close()
        self.process.stderr.close()


def waybar_class(line):
    return json.loads(line)["class"]


class Bar(harness.DaemonTestCase):

    def follow(self, daemon, fmt="waybar"):
        follower = Follower(daemon, fmt)
        self.addCleanup(follower.stop)
        return follower

    def bar(self, daemon, fmt):
        result = daemon.ctl("bar", "--format", fmt)
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertEqual(result.stdout.count("\n"), 1, result.stdout)
        return result.stdout.rstrip("\n")

    def test_each_format_upcoming_due_and_critical(self):
        soon = harness.dose_item("soon", 3, name="Magnesium <glycinate>",
                                 reminders={"repeat_every": "1h", "escalate_after": "5s",
                                            "missed_after": "3h"})
        later = harness.dose_item("later", 7200, name="Later")
        daemon = self.start_daemon(harness.regimen_yaml([soon, later], reminders=CALM))

        self.assertRegex(self.bar(daemon, "plain"), rf"^soon {CLOCK}$")
        upcoming = json.loads(self.bar(daemon, "waybar"))
        self.assertEqual(set(upcoming), {"text", "tooltip", "class", "alt"})
        self.assertEqual(upcoming["class"], "upcoming")
        self.assertEqual(upcoming["alt"], "upcoming")
        self.assertRegex(upcoming["text"], rf"^soon {CLOCK}$")
        # The tooltip lists today's doses with their states; names escaped for Pango.
        self.assertTrue(upcoming["tooltip"].startswith("Today, "), upcoming["tooltip"])
        self.assertIn("Magnesium &lt;glycinate&gt;: upcoming", upcoming["tooltip"])
        block = json.loads(self.bar(daemon, "i3blocks"))
        self.assertRegex(block["full_text"], rf"^soon {CLOCK}$")
        self.assertEqual(block["short_text"], "soon")
        self.assertIs(block["urgent"], False)
        # --json is the waybar object.
        self.assertEqual(json.loads(daemon.ctl("bar", "--json").stdout)["class"], "upcoming")

        daemon.wait_log("became due")
        due = wait_for(lambda: (lambda o: o if o["class"] in ("due", "critical") else None)(
            json.loads(self.bar(daemon, "waybar"))))
        self.assertRegex(due["text"], rf"^soon (due|overdue) {CLOCK}$")
        self.assertIn("Magnesium &lt;glycinate&gt;: due", due["tooltip"])

        # escalate_after 5s: critical, "overdue", urgent for i3blocks.
        critical = wait_for(lambda: (lambda o: o if o["class"] == "critical" else None)(
            json.loads(self.bar(daemon, "waybar"))), timeout=30)
        self.assertRegex(critical["text"], rf"^soon overdue {CLOCK}$")
        self.assertEqual(critical["alt"], "critical")
        self.assertIs(json.loads(self.bar(daemon, "i3blocks"))["urgent"], True)
        self.assertRegex(self.bar(daemon, "plain"), rf"^soon overdue {CLOCK}$")

        # Taken: the next upcoming dose.
        self.assertEqual(daemon.ctl("take", "soon").returncode, 0)
        after = json.loads(self.bar(daemon, "waybar"))
        self.assertEqual(after["class"], "upcoming")
        self.assertRegex(after["text"], rf"^later {CLOCK}$")
        self.assertRegex(after["tooltip"], r"Magnesium &lt;glycinate&gt;: taken \d\d:\d\d")

    def test_a_critical_dose_is_shown_before_an_older_one_only_due(self):
        """An item with a shorter escalate_after turns critical while an older dose of
        another item is still only due: the bar shows the critical one (issue 32)."""
        calm = harness.dose_item("calm", 2, name="Calm", reminders=CALM)
        urgent = harness.dose_item("urgent", 4, name="Urgent",
                                   reminders={"repeat_every": "1h", "escalate_after": "2s",
                                              "missed_after": "3h"})
        daemon = self.start_daemon(harness.regimen_yaml([calm, urgent], reminders=CALM))
        follower = self.follow(daemon)
        follower.wait_line(lambda line: json.loads(line)["text"].startswith("calm due "))
        # No event from the daemon when a reminder escalates: the bar's own timeout.
        index, line = follower.wait_line(lambda line: waybar_class(line) == "critical")
        self.assertRegex(json.loads(line)["text"], rf"^urgent overdue {CLOCK} \+1$")
        once = json.loads(self.bar(daemon, "waybar"))
        self.assertEqual(once["class"], "critical")
        self.assertTrue(once["text"].startswith("urgent overdue "), once)

    def test_none_and_offline(self):
        daemon = self.make_daemon(
            harness.regimen_yaml([], reminders=CALM).replace("items:\n", "items: []\n"))
        # No daemon: offline is a line to show, exit 0, and nothing is started.
        offline = json.loads(self.bar(daemon, "waybar"))
        self.assertEqual(offline["class"], "offline")
        self.assertEqual(offline["text"], "regimend offline")
        self.assertIn("regimend is not running", offline["tooltip"])
        self.assertEqual(self.bar(daemon, "plain"), "regimend offline")
        self.assertEqual(json.loads(self.bar(daemon, "i3blocks"))["full_text"],
                         "regimend offline")
        daemon.start()
        none = json.loads(self.bar(daemon, "waybar"))
        self.assertEqual(none["class"], "none")
        self.assertEqual(self.bar(daemon, "plain"), "no doses planned")

    def test_follow_sees_due_take_restart_and_sleeps_in_between(self):
        soon = harness.dose_item("soon", 4, name="Soon")
        later = harness.dose_item("later", 7200, name="Later")
        daemon = self.start_daemon(harness.regimen_yaml([soon, later], reminders=CALM))
        follower = self.follow(daemon)

        index, line = follower.wait_line(lambda l: waybar_class(l) == "upcoming")
        self.assertRegex(json.loads(line)["text"], rf"^soon {CLOCK}$")
        # DoseDue (and NextDue) arrive as signals: the line follows without polling.
        index, line = follower.wait_line(lambda l: waybar_class(l) == "due", after=index)
        self.assertRegex(json.loads(line)["text"], rf"^soon due {CLOCK}$")

        self.assertEqual(daemon.ctl("take", "soon").returncode, 0)
        index, line = follower.wait_line(
            lambda l: json.loads(l)["text"].startswith("later "), after=index)
        self.assertEqual(waybar_class(line), "upcoming")
        self.assertIn("Soon: taken", json.loads(line)["tooltip"])
        later_is_today = (datetime.now(BERLIN) + timedelta(seconds=7200)).date() == \
            datetime.now(BERLIN).date()

        # Nothing changes for 10 s: no line, and (nearly) no context switch. The window is
        # the measurement itself, not a wait for something to happen.
        lines_before = len(follower.snapshot())
        before = follower.switches()
        window = 10.0
        time.sleep(window)
        woke = follower.switches() - before
        sys.stderr.write(f"\nbar --follow: {woke} context switches in {window:.0f}s idle\n")
        self.assertLessEqual(woke, 1)
        self.assertEqual(len(follower.snapshot()), lines_before)
        # The take sends several signals at once (DoseTaken, PropertiesChanged): one new
        # snapshot covers them all. After the Confirm the daemon answered `take`'s own
        # ListDoses (for the item's name) and one snapshot's (two when `later` falls on
        # tomorrow), not a snapshot per signal.
        after_take = daemon.log().split("info: taken: 'soon'", 1)[1]
        self.assertEqual(after_take.count("ListDoses held"), 2 if later_is_today else 3,
                         after_take)

        # The daemon stops: offline. It starts again: back, with the same line as before.
        daemon.stop()
        index, line = follower.wait_line(lambda l: waybar_class(l) == "offline", after=index)
        self.assertEqual(json.loads(line)["text"], "regimend offline")
        daemon.start()
        index, line = follower.wait_line(lambda l: waybar_class(l) != "offline", after=index)
        self.assertEqual(waybar_class(line), "upcoming")
        self.assertRegex(json.loads(line)["text"], rf"^later {CLOCK}$")
        self.assertIsNone(follower.process.poll())

        # Each printed line differs from the one before it.
        lines = follower.snapshot()
        self.assertTrue(all(a != b for a, b in zip(lines, lines[1:])), lines)

        # The bus itself goes away: exit non-zero, saying so.
        daemon.stop()
        self.bus.stop()
        code = follower.process.wait(timeout=30)
        self.assertNotEqual(code, 0)
        self.assertIn("bus", follower.process.stderr.read())

    def test_follow_ignores_signals_forged_by_another_connection(self):
        """Only the daemon's current unique name speaks for the daemon: signals of its
        interface, PropertiesChanged and NameOwnerChanged sent by any other connection
        (broadcast, or straight to the bar's connection) neither cost a snapshot nor change
        the line (issue 25: 20,000 forged signals caused 1,425 ListDoses calls)."""
        soon = harness.dose_item("soon", 4, name="Soon")
        later = harness.dose_item("later", 7200, name="Later")
        daemon = self.start_daemon(harness.regimen_yaml([soon, later], reminders=CALM))
        follower = self.follow(daemon)
        index, _ = follower.wait_line(lambda l: waybar_class(l) == "due")
        forger = self.bus.connect()
        bar_name = wait_for(lambda: next(
            (str(name) for name in forger.list_names() if str(name).startswith(":")
             and int(forger.call_blocking("org.freedesktop.DBus", "/org/freedesktop/DBus",
                                          "org.freedesktop.DBus", "GetConnectionUnixProcessID",
                                          "s", [name])) == follower.process.pid), None))
        daemon_name = str(forger.get_name_owner(harness.BUS_NAME))

        def listed():
            return daemon.log().count("ListDoses held")

        def settle():
            """Every forged signal processed, any snapshot it caused done and logged."""
            for _ in range(2):  # the second Ping waits out a snapshot the first one's
                forger.call_blocking(bar_name, "/", "org.freedesktop.DBus.Peer", "Ping", "", [])
            # The daemon logs each call after it: a call of ours logged means every call
            # of the bar's before it is in the log.
            stocks = daemon.log().count("Stock held")
            daemon.call("Stock")
            wait_for(lambda: daemon.log().count("Stock held") > stocks)

        def forge(destination, interface, member, signature, args, path=harness.OBJECT_PATH):
            message = dbus.lowlevel.SignalMessage(path, interface, member)
            if destination:
                message.set_destination(destination)
            message.append(*args, signature=signature)
            forger.send_message(message)

        settle()
        before = listed()
        lines = len(follower.snapshot())
        for destination in (None, bar_name):
            for _ in range(50):
                forge(destination, harness.INTERFACE, "RegimenReloaded", "u", [1])
                forge(destination, harness.INTERFACE, "DoseTaken", "stt", ["soon", 1, 1])
                forge(destination, "org.freedesktop.DBus.Properties", "PropertiesChanged",
                      "sa{sv}as", [harness.INTERFACE, {"NextDue": dbus.UInt64(1)}, []])
                forge(destination, "org.freedesktop.DBus", "NameOwnerChanged", "sss",
                      [harness.BUS_NAME, daemon_name, ""], path="/org/freedesktop/DBus")
        forger.flush()
        settle()
        self.assertEqual(listed(), before, "a forged signal cost a snapshot")
        self.assertEqual(len(follower.snapshot()), lines, follower.snapshot())

        # The daemon's own signals still count.
        self.assertEqual(daemon.ctl("take", "soon").returncode, 0)
        follower.wait_line(lambda l: json.loads(l)["text"].startswith("later "), after=index)

    def test_follow_turns_critical_at_escalate_after(self):
        """The daemon signals nothing when a reminder escalates: --follow's one timeout
        (the focus dose's planned + escalate_after) turns the line critical."""
        soon = harness.dose_item("soon", 3, name="Soon",
                                 reminders={"repeat_every": "1h", "escalate_after": "4s",
                                            "missed_after": "3h"})
        daemon = self.start_daemon(harness.regimen_yaml([soon], reminders=CALM))
        follower = self.follow(daemon)
        index, _ = follower.wait_line(lambda l: waybar_class(l) == "due")
        index, line = follower.wait_line(lambda l: waybar_class(l) == "critical", after=index)
        self.assertRegex(json.loads(line)["text"], rf"^soon overdue {CLOCK}$")

    def test_follow_plain_and_a_restart_by_kill(self):
        soon = harness.dose_item("soon", 7200, name="Soon")
        daemon = self.start_daemon(harness.regimen_yaml([soon], reminders=CALM))
        follower = self.follow(daemon, "plain")
        index, line = follower.wait_line(lambda l: re.match(rf"^soon {CLOCK}$", l))
        daemon.kill()
        index, _ = follower.wait_line(lambda l: l == "regimend offline", after=index)
        daemon.start()
        follower.wait_line(lambda l: re.match(rf"^soon {CLOCK}$", l), after=index)
        self.assertIsNone(follower.process.poll())


class BarLowStock(harness.DaemonTestCase):
    """The inventory's `LowStock` property (`as`, emits PropertiesChanged) and `StockLow`
    signal, on a python-dbusmock stand-in for a daemon that has them: `low-stock` is a
    second class, the tooltip names the items, and --follow reacts to the property."""

    def start_mock_daemon(self, low_stock):
        env = dict(os.environ, DBUS_SESSION_BUS_ADDRESS=self.bus.address)
        self.mock = subprocess.Popen(
            [harness.PYTHON, "-m", "dbusmock", "--session", harness.BUS_NAME,
             harness.OBJECT_PATH, harness.INTERFACE],
            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        self.addCleanup(harness.stop_process, self.mock)
        connection = self.bus.connect()
        self.addCleanup(connection.close)
        wait_for(lambda: connection.name_has_owner(harness.BUS_NAME), timeout=30)
        self.control = harness.dbus.Interface(
            connection.get_object(harness.BUS_NAME, harness.OBJECT_PATH),
            harness.MOCK_INTERFACE)
        planned = harness.now_usec() // 1_000_000 * 1_000_000 + 3600 * 1_000_000
        self.control.AddProperties(harness.INTERFACE, {
            "NextDue": harness.dbus.UInt64(planned),
            "ConfigPath": "",
            "TimeZone": "Europe/Berlin",
            "Version": "mock",
            "LowStock": harness.dbus.Array(low_stock, signature="s"),
        })
        self.control.AddMethod(
            harness.INTERFACE, "ListDoses", "tt", "a(sstst)",
            f"ret = [(\"glycinate-pm\", \"Magnesium glycinate\", dbus.UInt64({planned}), "
            f"\"upcoming\", dbus.UInt64(0))] if args[0] <= {planned} < args[1] else []")
        self.env = dict(env, HOME=self.workdir, NO_COLOR="1",
                        XDG_CONFIG_HOME=os.path.join(self.workdir, "config"))

    def set_low_stock(self, items):
        self.control.UpdateProperties(harness.INTERFACE, {
            "LowStock": harness.dbus.Array(items, signature="s")})

    def test_low_stock_is_a_second_class(self):
        self.start_mock_daemon(["glycinate-pm"])
        result = subprocess.run([harness.REGIMENCTL, "bar", "--format", "waybar"],
                                env=self.env, capture_output=True, text=True, timeout=60)
        self.assertEqual(result.returncode, 0, result.stderr)
        line = json.loads(result.stdout)
        self.assertEqual(line["class"], ["upcoming", "low-stock"])
        self.assertEqual(line["alt"], "upcoming")
        self.assertRegex(line["text"], rf"^glycinate-pm {CLOCK} · low stock$")
        self.assertIn("Low stock: glycinate-pm", line["tooltip"])

    def test_follow_reacts_to_low_stock_changes(self):
        self.start_mock_daemon([])

        class Env:  # what Follower needs of a daemon
            env = self.env
        follower = Follower(Env, "waybar")
        self.addCleanup(follower.stop)
        index, line = follower.wait_line(lambda l: waybar_class(l) == "upcoming")
        self.set_low_stock(["glycinate-pm"])
        index, line = follower.wait_line(
            lambda l: waybar_class(l) == ["upcoming", "low-stock"], after=index + 1)
        # StockLow alone changes nothing shown: no new line.
        self.control.EmitSignal(harness.INTERFACE, "StockLow", "sdt",
                                ["glycinate-pm", 4.0, harness.dbus.UInt64(0)])
        self.set_low_stock([])
        index, line = follower.wait_line(lambda l: waybar_class(l) == "upcoming",
                                         after=index + 1)
        self.assertEqual(len(follower.snapshot()), 3, follower.snapshot())


if __name__ == "__main__":
    harness.main()
