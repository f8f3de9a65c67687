"""Run-time control: SIGHUP reloads, LogControl1 changes the log level, SIGTERM stops."""

import signal

import dbus

import harness

REGIMEN = harness.regimen_yaml([{"id": "a", "name": "A", "at": "03:00"}])


class Control(harness.DaemonTestCase):

    def test_sighup_reloads(self):
        recorder = self.start_recorder()
        daemon = self.start_daemon(REGIMEN)
        daemon.process.send_signal(signal.SIGHUP)
        self.assertEqual(int(recorder.wait("RegimenReloaded")[0]), 1)

    def test_log_level_changes_at_run_time(self):
        daemon = self.start_daemon(REGIMEN)
        properties = dbus.Interface(
            daemon.connection.get_object(harness.BUS_NAME, "/org/freedesktop/LogControl1"),
            "org.freedesktop.DBus.Properties")
        interface = "org.freedesktop.LogControl1"
        self.assertEqual(str(properties.Get(interface, "LogLevel")), "debug")  # --verbose
        properties.Set(interface, "LogLevel", "warning")
        self.assertEqual(str(properties.Get(interface, "LogLevel")), "warning")
        with self.assertRaises(dbus.exceptions.DBusException) as caught:
            properties.Set(interface, "LogLevel", "loud")
        self.assertEqual(caught.exception.get_dbus_name(),
                         "org.freedesktop.DBus.Error.InvalidArgs")
        self.assertEqual(str(properties.Get(interface, "SyslogIdentifier")), "regimend")
        self.assertEqual(str(properties.Get(interface, "LogTarget")), "console")

    def test_sigterm_stops_cleanly(self):
        daemon = self.start_daemon(REGIMEN)
        daemon.process.send_signal(signal.SIGTERM)
        self.assertEqual(daemon.process.wait(timeout=30), 0)

    def test_check_mode_does_not_need_a_bus(self):
        daemon = self.make_daemon("version: 1\nitems:\n  - id: a\n    name: A\n    at: \"8am\"\n")
        env = dict(daemon.env, DBUS_SESSION_BUS_ADDRESS="unix:path=/nonexistent")
        result = harness.subprocess.run([harness.REGIMEND, "--check"], env=env,
                                        capture_output=True, text=True, timeout=60)
        self.assertEqual(result.returncode, 1)
        self.assertIn("regimen.yaml:5:9: error:", result.stdout)


if __name__ == "__main__":
    harness.main()
