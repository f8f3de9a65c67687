"""Parsing, linting and planning a new regimen run off the event loop.

Before: a large Validate or Reload was parsed on the loop, so a cheap call sent right after
it on the same connection (delivered to the daemon after it) waited for the whole parse:
a 10,000-item Validate held every caller for 3.4 s. Now the parse runs on a worker thread
and the cheap call is answered first. The assertion is about order, never about time."""


import dbus
import dbus.mainloop.glib
from gi.repository import GLib

import harness
from harness import BUS_NAME, OBJECT_PATH, INTERFACE

ITEMS = 3000


def big_regimen():
    return harness.regimen_yaml(
        [{"id": f"i{n:05d}", "name": f"Item {n}", "at": ["08:00", "20:00"]}
         for n in range(ITEMS)])


class OffLoop(harness.DaemonTestCase):

    def reply_order(self, send_slow):
        """Sends the slow call, then Properties.Get on the same connection; returns the
        order in which the replies came back."""
        connection = dbus.bus.BusConnection(self.bus.address,
                                            mainloop=dbus.mainloop.glib.DBusGMainLoop())
        self.addCleanup(connection.close)
        proxy = connection.get_object(BUS_NAME, OBJECT_PATH, introspect=False)
        loop = GLib.MainLoop()
        order = []
        failures = []

        def finished(name):
            def handler(*_):
                order.append(name)
                if len(order) == 2:
                    loop.quit()
            return handler

        def failed(error):
            failures.append(error)
            loop.quit()

        send_slow(proxy, finished("slow"), failed)
        proxy.Get(INTERFACE, "Version", dbus_interface="org.freedesktop.DBus.Properties",
                  reply_handler=finished("Get"), error_handler=failed, timeout=120)
        GLib.timeout_add_seconds(150, loop.quit)
        loop.run()
        self.assertEqual(failures, [])
        return order

    def test_validate_does_not_hold_other_callers(self):
        daemon = self.start_daemon(harness.regimen_yaml(
            [{"id": "am", "name": "Morning", "at": "08:00"}]))
        text = big_regimen()

        def validate(proxy, reply, error):
            proxy.Validate(text, dbus_interface=INTERFACE, reply_handler=reply,
                           error_handler=error, timeout=120)
        self.assertEqual(self.reply_order(validate), ["Get", "slow"])
        # And the answer is still right: this regimen is valid.
        self.assertEqual([d for d in daemon.call("Validate", text, timeout=120)
                          if str(d[2]) == "error"], [])

    def test_reload_does_not_hold_other_callers(self):
        daemon = self.start_daemon(harness.regimen_yaml(
            [{"id": "am", "name": "Morning", "at": "08:00"}]))
        recorder = self.start_recorder()
        daemon.write_regimen(big_regimen())
        # The file change itself reloads too (off the loop): wait for it, then Reload.
        recorder.wait("RegimenReloaded", timeout=120)

        self.assertEqual(int(recorder.wait("RegimenReloaded")[0]), ITEMS)
        # reply_order runs a GLib main loop on the default context; the recorder's thread
        # runs one there too, and two threads iterating one context corrupt dbus-python's
        # heap (seen once as "malloc_consolidate(): unaligned fastbin chunk").
        recorder.stop()

        def reload(proxy, reply, error):
            proxy.Reload(dbus_interface=INTERFACE, reply_handler=reply, error_handler=error,
                         timeout=120)
        self.assertEqual(self.reply_order(reload), ["Get", "slow"])
        harness.wait_for(lambda: daemon.log().count(f"{ITEMS} items, time zone") >= 2,
                         timeout=120, message="the Reload did not load the regimen again")
        self.assertTrue(daemon.alive())

    def test_a_bad_reload_still_answers_invalid_regimen(self):
        daemon = self.start_daemon(harness.regimen_yaml(
            [{"id": "am", "name": "Morning", "at": "08:00"}]))
        daemon.write_regimen("version: 1\nitems: [{id: x}]\n")
        name = harness.dbus_error_name(lambda: daemon.call("Reload"))
        self.assertEqual(name, harness.ERROR_PREFIX + "InvalidRegimen")
        self.assertEqual(len(daemon.doses(harness.now_usec(),
                                          harness.now_usec() + harness.DAY_USEC)), 1)

    def test_sigterm_during_a_parse_stops_cleanly(self):
        daemon = self.start_daemon(harness.regimen_yaml(
            [{"id": "am", "name": "Morning", "at": "08:00"}]))
        connection = self.bus.connect()
        self.addCleanup(connection.close)
        proxy = connection.get_object(BUS_NAME, OBJECT_PATH, introspect=False)
        proxy.Validate(big_regimen(), dbus_interface=INTERFACE, ignore_reply=True)
        # Answered after the Validate was dispatched (same connection, in order): the
        # worker is parsing it (or about to) when SIGTERM comes.
        proxy.Get(INTERFACE, "Version", dbus_interface="org.freedesktop.DBus.Properties")
        daemon.stop()
        self.assertEqual(daemon.process.returncode, 0)
        self.assertIn("regimend stops", daemon.log())

if __name__ == "__main__":
    harness.main()
