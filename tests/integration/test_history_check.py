"""The history is checked at start; a damaged or foreign one is never modified.

Before: a page damaged behind an intact header let the daemon start, every confirmation then
failed with StorageFailed and nothing said why; an unrelated SQLite file with user_version 0
was adopted (the events table created beside its own). Now the daemon keeps reminding, leaves
the file byte for byte as it was, and says what is wrong and what to do in one desktop
notice and in `regimenctl status` warnings."""

import hashlib
import json
import os
import sqlite3

import dbus

import harness
from harness import ERROR_PREFIX, DAY_USEC, now_usec


def digest(path):
    with open(path, "rb") as data:
        return hashlib.sha256(data.read()).hexdigest()


class HistoryCheck(harness.DaemonTestCase):

    def regimen(self):
        # A dose a few seconds away: reminding must go on whatever the history.
        return harness.regimen_yaml([harness.dose_item("soon", 4, name="Soon dose")])

    def assert_degraded(self, daemon, server, words):
        before = digest(daemon.db_path)
        daemon.start()
        # One desktop notice says what is wrong and what to do.
        notices = harness.wait_for(lambda: [c for c in server.notify_calls()
                                            if words in c["summary"]],
                                   message="no notice about the history")
        self.assertEqual(len(notices), 1)
        self.assertIn("regimend", notices[0]["body"] + notices[0]["summary"])
        # Reminding goes on.
        server.wait_reminders("Soon dose", timeout=60)
        # Answers fail, saying why.
        name = harness.dbus_error_name(lambda: daemon.call(
            "LogSymptom", "migraine", dbus.UInt32(3), dbus.UInt64(0), ""))
        self.assertEqual(name, ERROR_PREFIX + "StorageFailed")
        try:
            daemon.call("Confirm", "soon", dbus.UInt64(0))
            self.fail("Confirm was answered with nothing recorded")
        except dbus.exceptions.DBusException as error:
            self.assertEqual(error.get_dbus_name(), ERROR_PREFIX + "StorageFailed")
            self.assertIn(words, error.get_dbus_message())
        # status shows it under warnings.
        status = daemon.ctl("status", "--json")
        self.assertEqual(status.returncode, 0, status.stderr)
        warnings = json.loads(status.stdout)["warnings"]
        self.assertTrue(any(words in warning for warning in warnings), warnings)
        self.assertTrue(daemon.alive())
        daemon.stop()
        self.assertEqual(digest(daemon.db_path), before, "the history file was modified")

    def test_a_damaged_history_is_reported_and_left_alone(self):
        server = self.start_notifications()
        daemon = self.make_daemon(self.regimen())
        daemon.start()
        daemon.call("LogSymptom", "migraine", dbus.UInt32(3), dbus.UInt64(0), "x" * 2000)
        daemon.stop()
        with sqlite3.connect(daemon.db_path) as db:
            db.executemany("INSERT INTO events (item, event, at, note) VALUES (?, 'symptom', ?, ?)",
                           (("migraine", now_usec() // 1_000_000 - n, "n" * 500)
                            for n in range(200)))
        db.close()
        for leftover in ("-wal", "-shm"):
            self.assertFalse(os.path.exists(daemon.db_path + leftover))
        # Damage every page after the first: the header (page 1) stays intact.
        size = os.path.getsize(daemon.db_path)
        self.assertGreater(size, 8192)
        with open(daemon.db_path, "r+b") as data:
            data.seek(4096)
            data.write(bytes((n * 7 + 13) % 256 for n in range(size - 4096)))
        server.clear()
        self.assert_degraded(daemon, server, "damaged")

    def test_a_foreign_database_is_not_adopted(self):
        server = self.start_notifications()
        daemon = self.make_daemon(self.regimen())
        os.makedirs(daemon.state_dir, exist_ok=True)
        with sqlite3.connect(daemon.db_path) as db:
            db.execute("CREATE TABLE contacts (name TEXT, phone TEXT)")
            db.execute("INSERT INTO contacts VALUES ('Ada', '555')")
        db.close()
        self.assert_degraded(daemon, server, "not a regimend history")
        with sqlite3.connect(daemon.db_path) as db:
            tables = [row[0] for row in db.execute("SELECT name FROM sqlite_master")]
        db.close()
        self.assertEqual(tables, ["contacts"])

    def test_a_healthy_history_says_nothing(self):
        daemon = self.start_daemon(self.regimen())
        self.assertEqual(list(daemon.get_property("Warnings")), [])
        daemon.call("LogSymptom", "migraine", dbus.UInt32(3), dbus.UInt64(0), "")
        daemon.stop()
        daemon.start()
        self.assertEqual(list(daemon.get_property("Warnings")), [])
        self.assertEqual(len(daemon.history(now_usec() - DAY_USEC, now_usec() + DAY_USEC)), 1)


if __name__ == "__main__":
    harness.main()
