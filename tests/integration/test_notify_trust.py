"""Only the user's own notification server is trusted (issue 25 cases 1 and 2): signals
sent straight to the daemon's unique name by another connection (the same user's or the
unprivileged `regimend-test`'s) answer nothing and forget nothing, and a server that
another user runs under org.freedesktop.Notifications is sent nothing, obeyed in nothing,
and named in `status` warnings. The python3-dbusmock server stands in for the real one."""

import json
import os
import pwd
import shutil
import signal
import subprocess
import tempfile
import textwrap

import dbus

import desktop
import harness
from harness import wait_for

NAME = "Magnesium glycinate"
CALM = {"repeat_every": "1h", "escalate_after": "1h", "missed_after": "3h"}
LEAD = 3

# Forges, from its own connection, what a hostile program would send straight to the
# daemon: Skip on ids 1..30, NotificationClosed for them, and the notification server
# leaving the bus. Then a Ping to the daemon: its answer comes after every signal above
# was handled (one connection's messages reach the daemon in order).
FORGER = textwrap.dedent("""\
    import sys
    import dbus
    import dbus.lowlevel

    bus = dbus.bus.BusConnection(sys.argv[1])
    daemon = bus.get_name_owner("org.regimend.Regimen1")
    server = bus.get_name_owner("org.freedesktop.Notifications")

    def forge(path, interface, member, signature, *args):
        message = dbus.lowlevel.SignalMessage(path, interface, member)
        message.set_destination(daemon)
        message.append(*args, signature=signature)
        bus.send_message(message)

    for notification in range(1, 31):
        forge("/org/freedesktop/Notifications", "org.freedesktop.Notifications",
              "ActionInvoked", "us", dbus.UInt32(notification), "skip")
    for notification in range(1, 31):
        forge("/org/freedesktop/Notifications", "org.freedesktop.Notifications",
              "NotificationClosed", "uu", dbus.UInt32(notification), dbus.UInt32(2))
    forge("/org/freedesktop/DBus", "org.freedesktop.DBus", "NameOwnerChanged", "sss",
          "org.freedesktop.Notifications", server, "")
    ping = dbus.lowlevel.MethodCallMessage(daemon, "/org/regimend/Regimen1",
                                           "org.freedesktop.DBus.Peer", "Ping")
    try:
        bus.send_message_with_reply_and_block(ping, 30.0)
    except dbus.exceptions.DBusException:
        pass  # refused to another user: still answered after the signals
    print("forged")
    """)


class Trust(harness.DaemonTestCase):

    def start_two_reminders(self):
        self.server = self.start_notifications()
        self.recorder = self.start_recorder()
        items = [harness.dose_item("glycinate-pm", LEAD, name=NAME),
                 harness.dose_item("zinc", LEAD + 1, name="Zinc")]
        self.daemon = self.start_daemon(harness.regimen_yaml(items, reminders=CALM))
        self.server.wait_reminders(NAME)
        self.server.wait_reminders("Zinc")
        return self.server.reminders_of(NAME)[0]

    def forge(self, as_user=None):
        script = os.path.join(self.workdir, "forge.py")
        with open(script, "w") as out:
            out.write(FORGER)
        os.chmod(script, 0o644)
        command = [harness.PYTHON, script, self.bus.address]
        if as_user:
            command = ["runuser", "-u", as_user, "--", "env", "-i", "LANG=C.UTF-8", *command]
        result = subprocess.run(command, capture_output=True, text=True, timeout=60,
                                cwd=self.workdir)
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertIn("forged", result.stdout)

    def assert_forgery_ignored(self, shown):
        events = [e["event"] for e in self.daemon.history()]
        self.assertNotIn("skipped", events, "a forged ActionInvoked skipped a dose")
        self.assertEqual(self.recorder.of("DoseSkipped"), [])
        after_ready = self.daemon.log().split("ready on")[-1]
        self.assertNotIn("left the bus", after_ready, "a forged NameOwnerChanged was obeyed")
        # The user's real click, from the real server, still answers the dose: the forged
        # NotificationClosed did not make the daemon forget its notification.
        self.server.invoke_action(shown["id"], "taken")
        taken = self.recorder.wait("DoseTaken")
        self.assertEqual(str(taken[0]), "glycinate-pm")
        wait_for(lambda: shown["id"] in self.server.closed_ids(),
                 message="the answered notification was not closed")

    def test_signals_forged_by_another_connection_of_the_user_are_ignored(self):
        shown = self.start_two_reminders()
        self.forge()
        self.assert_forgery_ignored(shown)

    def test_signals_forged_by_another_user_are_ignored(self):
        if os.geteuid() != 0 or shutil.which("runuser") is None:
            self.skipTest("a second user needs root and runuser")
        desktop.ensure_user()
        shown = self.start_two_reminders()
        self.forge(as_user=desktop.USER)
        self.assert_forgery_ignored(shown)

    def test_a_server_of_another_user_gets_nothing_and_is_named_in_warnings(self):
        if os.geteuid() != 0 or shutil.which("runuser") is None:
            self.skipTest("a second user needs root and runuser")
        desktop.ensure_user()
        # The other user's server owns the name before the daemon starts.
        parameters = json.dumps({"capabilities": "actions body body-markup"})
        foreign = subprocess.Popen(
            ["runuser", "-u", desktop.USER, "--", "env", "-i", "LANG=C.UTF-8",
             f"DBUS_SESSION_BUS_ADDRESS={self.bus.address}", harness.PYTHON, "-m", "dbusmock",
             "--session", "--template", "notification_daemon", "-p", parameters],
            cwd="/", stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        self.addCleanup(harness.stop_process, foreign)
        connection = self.bus.connect()
        wait_for(lambda: connection.name_has_owner(harness.NOTIFICATIONS), timeout=30,
                 message="the other user's mock server did not appear")
        mock = dbus.Interface(connection.get_object(harness.NOTIFICATIONS,
                                                    harness.NOTIFICATIONS_PATH),
                              harness.MOCK_INTERFACE)

        recorder = self.start_recorder()
        item = harness.dose_item("glycinate-pm", LEAD, name=NAME, notes="private note")
        daemon = self.start_daemon(harness.regimen_yaml([item], reminders=CALM))
        recorder.wait("DoseDue")
        daemon.wait_log(f"reminder: {NAME}")
        # Its Skip on every id is not obeyed (then a round trip through the daemon: the
        # signals were handled before it answers).
        for notification in range(1, 31):
            mock.EmitSignal(harness.NOTIFICATIONS, "ActionInvoked", "us",
                            [dbus.UInt32(notification), "skip"])
        daemon.history()
        self.assertEqual([str(call[1]) for call in mock.GetCalls()], [],
                         "the daemon sent something to another user's notification server")
        self.assertNotIn("skipped", [e["event"] for e in daemon.history()])
        warnings = wait_for(lambda: [w for w in json.loads(
            daemon.ctl("status", "--json").stdout)["warnings"] if "notification server" in w])
        uid = pwd.getpwnam(desktop.USER).pw_uid
        self.assertIn(f"belongs to user {uid}", warnings[0])

        # The user's own server comes: it gets the open reminder at once, the warning goes.
        harness.stop_process(foreign)
        wait_for(lambda: not connection.name_has_owner(harness.NOTIFICATIONS), timeout=30)
        server = self.start_notifications()
        shown = server.wait_reminders(NAME)[0]
        self.assertIn("private note", shown["body"])
        wait_for(lambda: not [w for w in json.loads(daemon.ctl("status", "--json").stdout)
                              ["warnings"] if "notification server" in w],
                 message="the warning stayed after the user's own server came")
        server.invoke_action(shown["id"], "taken")
        recorder.wait("DoseTaken")


class Activation(harness.DaemonTestCase):
    """The name has no owner but the bus can start a server (its service file): the daemon
    asks the bus to start it (StartServiceByName, not a Notify to whoever owns the name
    then), checks the new owner's uid and shows the reminder."""

    def setUp(self):
        self.service_dir = tempfile.mkdtemp(prefix="regimend-services-")
        self.addCleanup(shutil.rmtree, self.service_dir, True)
        parameters = json.dumps({"capabilities": "actions body"})
        service = os.path.join(self.service_dir, harness.NOTIFICATIONS + ".service")
        with open(service, "w") as out:
            out.write(f"[D-BUS Service]\nName={harness.NOTIFICATIONS}\n"
                      f"Exec={harness.PYTHON} -m dbusmock --session --template "
                      f"notification_daemon -p '{parameters}'\n")
        super().setUp()

    def test_a_server_the_bus_can_start_is_started_and_used(self):
        recorder = self.start_recorder()
        daemon = self.start_daemon(harness.regimen_yaml(
            [harness.dose_item("glycinate-pm", LEAD, name=NAME)], reminders=CALM))
        recorder.wait("DoseDue")
        connection = self.bus.connect()
        wait_for(lambda: connection.name_has_owner(harness.NOTIFICATIONS), timeout=30,
                 message="the daemon did not start the notification server:\n" + daemon.log())
        owner = connection.get_name_owner(harness.NOTIFICATIONS)
        # The activated server is the bus's child, not the test's: stop it with the test.
        driver = dbus.Interface(connection.get_object("org.freedesktop.DBus",
                                                      "/org/freedesktop/DBus"),
                                "org.freedesktop.DBus")
        pid = int(driver.GetConnectionUnixProcessID(owner))
        self.addCleanup(lambda: os.kill(pid, signal.SIGTERM)
                        if os.path.exists(f"/proc/{pid}") else None)
        mock = dbus.Interface(connection.get_object(harness.NOTIFICATIONS,
                                                    harness.NOTIFICATIONS_PATH),
                              harness.MOCK_INTERFACE)
        notify = wait_for(lambda: [c for c in mock.GetMethodCalls("Notify")
                                   if str(c[1][3]) == NAME])
        self.assertEqual(len(notify), 1)


if __name__ == "__main__":
    harness.main()
