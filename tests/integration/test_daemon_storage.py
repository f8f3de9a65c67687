"""A history database that refuses writes (locked here; full or read-only alike): the
answer is refused with a clear error, memory stays as the disk says, the daemon goes on."""

import sqlite3

import dbus

import harness


class Storage(harness.DaemonTestCase):

    def test_a_refused_write_is_reported_and_nothing_is_half_done(self):
        recorder = self.start_recorder()
        daemon = self.start_daemon(harness.regimen_yaml(
            [harness.dose_item("mag", 3, name="Magnesium")],
            reminders={"repeat_every": "1h", "missed_after": "2h"}))
        due = recorder.wait("DoseDue")
        planned = int(due[1])

        # Another writer holds the database's write lock.
        blocker = sqlite3.connect(daemon.db_path, timeout=30, isolation_level=None)
        self.addCleanup(blocker.close)
        blocker.execute("BEGIN IMMEDIATE")
        name = harness.dbus_error_name(
            lambda: daemon.call("Confirm", "mag", dbus.UInt64(0)))
        self.assertEqual(name, harness.ERROR_PREFIX + "StorageFailed")
        self.assertEqual(recorder.of("DoseTaken"), [])
        doses = daemon.doses(planned, planned + 1_000_000)
        self.assertEqual(doses[0]["state"], "due", "memory says taken though the disk does not")

        blocker.execute("ROLLBACK")
        self.assertEqual(int(daemon.call("Confirm", "mag", dbus.UInt64(0))), planned)
        recorder.wait("DoseTaken")
        events = [e["event"] for e in daemon.history() if e["item"] == "mag"]
        self.assertEqual(events, ["due", "taken"])
        self.assertTrue(daemon.alive())


if __name__ == "__main__":
    harness.main()
