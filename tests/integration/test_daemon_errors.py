"""Every named error, provoked over D-Bus, and a daemon that answers on after bad input."""

import os
import shutil
import subprocess
import unittest

import dbus

import harness
from harness import ERROR_PREFIX, now_usec, DAY_USEC

REGIMEN = harness.regimen_yaml(
    [{"id": "evening", "name": "Evening dose", "at": "03:00",
      "reminders": {"missed_after": "1h"}},
     {"id": "topical", "name": "Topical", "as_needed": True, "max_per_day": 1,
      "amount": "1 ml"}],
    symptoms=["migraine"])

NOBODY = 65534


class Errors(harness.DaemonTestCase):

    def setUp(self):
        super().setUp()
        self.daemon = self.start_daemon(REGIMEN)

    def error_of(self, method, *args):
        return harness.dbus_error_name(lambda: self.daemon.call(method, *args))

    def run_as_nobody(self, script):
        """Runs a Python `script` as uid/gid 65534 with the bus address as its argument."""
        return subprocess.run(
            ["setpriv", f"--reuid={NOBODY}", f"--regid={NOBODY}", "--clear-groups",
             harness.PYTHON, "-c", script, self.bus.address],
            capture_output=True, text=True, timeout=60, cwd="/")

    def assertStillAnswers(self):
        self.assertTrue(self.daemon.alive())
        self.daemon.doses(now_usec(), now_usec() + DAY_USEC)

    def test_unknown_item(self):
        self.assertEqual(self.error_of("Confirm", "nonexistent", dbus.UInt64(0)),
                         ERROR_PREFIX + "UnknownItem")
        self.assertEqual(self.error_of("Skip", "nonexistent", ""), ERROR_PREFIX + "UnknownItem")
        self.assertEqual(self.error_of("LogDose", "nonexistent", dbus.UInt64(0), ""),
                         ERROR_PREFIX + "UnknownItem")

    def test_nothing_due(self):
        # The dose at 03:00 is hours away unless the test runs right before 03:00.
        try:
            self.daemon.call("Confirm", "evening", dbus.UInt64(0))
        except dbus.exceptions.DBusException as error:
            self.assertEqual(error.get_dbus_name(), ERROR_PREFIX + "NothingDue")
            self.assertIn("evening", error.get_dbus_message())
        else:
            self.skipTest("the 03:00 dose is within missed_after of now")
        self.assertEqual(self.error_of("Skip", "evening", ""), ERROR_PREFIX + "NothingDue")
        self.assertEqual(self.error_of("Snooze", "evening", dbus.UInt64(0)),
                         ERROR_PREFIX + "NothingDue")

    def test_invalid_regimen(self):
        self.daemon.write_regimen("version: 1\nitems: [{id: x}]\n")
        self.assertEqual(self.error_of("Reload"), ERROR_PREFIX + "InvalidRegimen")
        self.assertStillAnswers()

    def test_invalid_arguments(self):
        invalid = ERROR_PREFIX + "InvalidArgument"
        now = now_usec()
        far_future = now + 2 * DAY_USEC
        cases = [
            ("Confirm", "", dbus.UInt64(0)),                       # empty item
            ("Confirm", "evening", dbus.UInt64(1000)),             # 1970
            ("Confirm", "evening", dbus.UInt64(far_future)),       # the day after tomorrow
            ("Confirm", "evening", dbus.UInt64(2**64 - 1)),
            ("LogSymptom", "migraine", dbus.UInt32(11), dbus.UInt64(0), ""),  # severity
            ("LogSymptom", "headache", dbus.UInt32(3), dbus.UInt64(0), ""),   # unknown kind
            ("LogDose", "evening", dbus.UInt64(0), ""),            # a scheduled item
            ("LogDose", "topical", dbus.UInt64(0), "x" * 5000),    # a note over 4 KiB
            ("Skip", "evening", "r" * 5000),
            ("Snooze", "evening", dbus.UInt64(2**63)),
            ("ListDoses", dbus.UInt64(now), dbus.UInt64(now - 1)),  # to < from
            ("ListDoses", dbus.UInt64(now), dbus.UInt64(now + 401 * DAY_USEC)),
            ("History", dbus.UInt64(1), dbus.UInt64(2**64 - 1)),
            ("Validate", "#" * (1024 * 1024 + 1)),
        ]
        for method, *args in cases:
            with self.subTest(method=method, args=[str(a)[:40] for a in args]):
                self.assertEqual(self.error_of(method, *args), invalid)
        self.assertStillAnswers()

    def test_bad_input_never_stops_it(self):
        connection = self.daemon.connection
        obj = connection.get_object(harness.BUS_NAME, harness.OBJECT_PATH)
        # A wrong signature is refused by sd-bus before any handler runs.
        for signature, args in [("ss", ["evening", "now"]), ("", []), ("t", [1])]:
            with self.subTest(signature=signature):
                with self.assertRaises(dbus.exceptions.DBusException) as caught:
                    obj.get_dbus_method("Confirm", harness.INTERFACE)(*args, signature=signature)
                self.assertEqual(caught.exception.get_dbus_name(),
                                 "org.freedesktop.DBus.Error.InvalidArgs")
        with self.assertRaises(dbus.exceptions.DBusException) as caught:
            obj.get_dbus_method("NoSuchMethod", harness.INTERFACE)()
        self.assertEqual(caught.exception.get_dbus_name(),
                         "org.freedesktop.DBus.Error.UnknownMethod")
        megabyte = "m" * (1024 * 1024)
        self.assertEqual(self.error_of("Confirm", megabyte, dbus.UInt64(0)),
                         ERROR_PREFIX + "InvalidArgument")
        self.assertEqual(self.error_of("LogSymptom", megabyte, dbus.UInt32(1), dbus.UInt64(0),
                                       megabyte), ERROR_PREFIX + "InvalidArgument")
        self.assertEqual(self.error_of("History", dbus.UInt64(0), dbus.UInt64(1)),
                         ERROR_PREFIX + "InvalidArgument")
        self.assertStillAnswers()

    def test_good_diary_and_as_needed_calls_are_recorded(self):
        self.daemon.call("LogDose", "topical", dbus.UInt64(0), "neck")
        # Over max_per_day: recorded all the same, with a warning in the log.
        self.daemon.call("LogDose", "top", dbus.UInt64(0), "")
        self.daemon.wait_log("above its max_per_day of 1")
        at = now_usec() - 3600_000_000
        self.daemon.call("LogSymptom", "migraine", dbus.UInt32(7), dbus.UInt64(at), "aura")
        events = self.daemon.history()
        self.assertEqual([e["event"] for e in events if e["item"] == "topical"],
                         ["as_needed", "as_needed"])
        symptom = [e for e in events if e["event"] == "symptom"][0]
        self.assertEqual((symptom["item"], symptom["severity"], symptom["note"]),
                         ("migraine", 7, "aura"))
        self.assertEqual(symptom["at"], at // 1_000_000 * 1_000_000)

    def test_properties(self):
        self.assertEqual(str(self.daemon.get_property("ConfigPath")), self.daemon.config_path)
        self.assertEqual(str(self.daemon.get_property("TimeZone")), "Europe/Berlin")
        self.assertTrue(str(self.daemon.get_property("Version")))
        next_due = int(self.daemon.get_property("NextDue"))
        self.assertGreater(next_due, now_usec())
        self.assertLessEqual(next_due, now_usec() + DAY_USEC)

    def test_a_second_daemon_exits_with_a_message(self):
        second = self.make_daemon(REGIMEN)
        second.start(wait=False)
        second.process.wait(timeout=30)
        self.assertNotEqual(second.process.returncode, 0)
        self.assertIn("another regimend already owns org.regimend.Regimen1", second.log())
        self.assertStillAnswers()

    @unittest.skipUnless(os.geteuid() == 0 and shutil.which("setpriv"),
                         "calling as another user needs root and setpriv")
    def test_another_user_is_refused(self):
        script = ("import dbus, sys\n"
                  "bus = dbus.bus.BusConnection(sys.argv[1])\n"
                  "proxy = bus.get_object('org.regimend.Regimen1', '/org/regimend/Regimen1')\n"
                  "try:\n"
                  "    proxy.Confirm('evening', dbus.UInt64(0),"
                  " dbus_interface='org.regimend.Regimen1')\n"
                  "except dbus.exceptions.DBusException as e:\n"
                  "    print(e.get_dbus_name())\n")
        result = self.run_as_nobody(script)
        self.assertEqual(result.stdout.strip(), ERROR_PREFIX + "AccessDenied", result.stderr)
        self.daemon.wait_log(f"from user {NOBODY}")
        self.assertStillAnswers()

    @unittest.skipUnless(os.geteuid() == 0 and shutil.which("setpriv"),
                         "calling as another user needs root and setpriv")
    def test_another_user_can_neither_read_properties_nor_set_the_log_level(self):
        # sd-bus answers Properties itself and trusts every caller on a user bus: each of
        # these was answered for uid 65534 before the access filter.
        script = (
            "import dbus, sys\n"
            "bus = dbus.bus.BusConnection(sys.argv[1])\n"
            "name = 'org.regimend.Regimen1'\n"
            "P = 'org.freedesktop.DBus.Properties'\n"
            "main = dbus.Interface(bus.get_object(name, '/org/regimend/Regimen1',"
            " introspect=False), P)\n"
            "log = dbus.Interface(bus.get_object(name, '/org/freedesktop/LogControl1',"
            " introspect=False), P)\n"
            "calls = [\n"
            "  ('Get ConfigPath', lambda: main.Get(name, 'ConfigPath')),\n"
            "  ('Get NextDue', lambda: main.Get(name, 'NextDue')),\n"
            "  ('Get TimeZone', lambda: main.Get(name, 'TimeZone')),\n"
            "  ('GetAll', lambda: main.GetAll(name)),\n"
            "  ('Set LogLevel', lambda: log.Set('org.freedesktop.LogControl1', 'LogLevel',"
            " 'emerg')),\n"
            "  ('Get LogLevel', lambda: log.Get('org.freedesktop.LogControl1', 'LogLevel')),\n"
            "]\n"
            "for what, call in calls:\n"
            "    try:\n"
            "        print(what, 'answered', call())\n"
            "    except dbus.exceptions.DBusException as e:\n"
            "        print(what, e.get_dbus_name())\n")
        result = self.run_as_nobody(script)
        lines = result.stdout.strip().splitlines()
        self.assertEqual(len(lines), 6, result.stdout + result.stderr)
        for line in lines:
            self.assertTrue(line.endswith(ERROR_PREFIX + "AccessDenied"), line)
        # The log level is as it was, and our own user still reads and sets it.
        connection = self.bus.connect()
        log = dbus.Interface(connection.get_object(harness.BUS_NAME,
                                                   "/org/freedesktop/LogControl1"),
                             "org.freedesktop.DBus.Properties")
        self.assertEqual(str(log.Get("org.freedesktop.LogControl1", "LogLevel")), "debug")
        log.Set("org.freedesktop.LogControl1", "LogLevel", "info")
        self.assertEqual(str(log.Get("org.freedesktop.LogControl1", "LogLevel")), "info")
        self.assertEqual(str(self.daemon.get_property("TimeZone")), "Europe/Berlin")
        self.assertStillAnswers()


if __name__ == "__main__":
    harness.main()
