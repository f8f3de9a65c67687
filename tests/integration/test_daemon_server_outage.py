"""The notification server goes away and comes back: the daemon carries on."""

import harness


class ServerOutage(harness.DaemonTestCase):

    def start_with_server(self, seconds_ahead):
        """A server, a recorder and a daemon with one dose repeated every 2 s."""
        server = self.start_notifications()
        recorder = self.start_recorder()
        daemon = self.start_daemon(harness.regimen_yaml(
            [harness.dose_item("mag", seconds_ahead, name="Magnesium")],
            reminders={"repeat_every": "2s", "missed_after": "1h", "escalate_after": "1h"}))
        return server, recorder, daemon

    def test_the_daemon_survives_a_missing_server_and_recovers(self):
        server, recorder, daemon = self.start_with_server(4)
        server.stop()
        wait = harness.wait_for
        wait(lambda: not daemon.connection.name_has_owner(harness.NOTIFICATIONS))

        recorder.wait("DoseDue")
        # Reminders go to the log while no server is there.
        daemon.wait_log("reminder: Magnesium")
        self.assertTrue(daemon.alive())
        doses = daemon.doses(harness.now_usec() - 60_000_000, harness.now_usec() + 60_000_000)
        self.assertEqual([d["state"] for d in doses if d["item"] == "mag"], ["due"])

        # A new server (a restarted notification daemon) gets the open reminder at once, as
        # a fresh notification: the old server's ids mean nothing to it.
        replacement = self.start_notifications()
        shown = replacement.wait_reminders("Magnesium")[0]
        self.assertEqual(shown["replaces_id"], 0)
        self.assertEqual(shown["actions"][0], "taken")

    def test_the_server_killed_mid_reminder(self):
        server, recorder, daemon = self.start_with_server(3)
        server.wait_reminders("Magnesium")
        # kill -9 while the reminder is on screen: no NotificationClosed, the name just goes.
        server.process.kill()
        server.process.wait()
        harness.wait_for(lambda: not daemon.connection.name_has_owner(harness.NOTIFICATIONS))
        daemon.wait_log("reminder: Magnesium")
        self.assertTrue(daemon.alive())

        replacement = self.start_notifications()
        shown = replacement.wait_reminders("Magnesium")[0]
        self.assertEqual(shown["replaces_id"], 0)
        # Its buttons work: the dose is answered through the new server.
        replacement.invoke_action(shown["id"], "taken")
        recorder.wait("DoseTaken")
        self.assertEqual([e["event"] for e in daemon.history() if e["item"] == "mag"],
                         ["due", "taken"])

    def test_no_server_at_all_from_the_start(self):
        recorder = self.start_recorder()
        daemon = self.start_daemon(harness.regimen_yaml(
            [harness.dose_item("mag", 3, name="Magnesium")]))
        recorder.wait("DoseDue")
        daemon.wait_log("reminder: Magnesium")
        # It is answerable from the command line all the same.
        self.assertGreater(int(daemon.call("Confirm", "mag", harness.dbus.UInt64(0))), 0)
        recorder.wait("DoseTaken")


if __name__ == "__main__":
    harness.main()
