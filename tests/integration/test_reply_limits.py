"""Replies stay under the 16 MiB limit (SPEC "Limits that keep the daemon responsive").

Before the limit, each of these made a reply larger than dbus-daemon's message limit
(32 MiB on this private bus): dbus-daemon dropped the daemon's connection and regimend
exited. Now the daemon refuses the span with InvalidArgument naming the limit, lives, and
regimenctl splits the span so its user still sees everything."""

import datetime
import json
import sqlite3
import zoneinfo

import dbus

import harness
from harness import ERROR_PREFIX, now_usec, DAY_USEC

SYMPTOMS = 9_000
NOTE = 4_000  # bytes: 9,000 of them make a 36 MB reply


class ReplyLimits(harness.DaemonTestCase):

    def refusal_of(self, daemon, method, from_usec, to_usec):
        try:
            daemon.call(method, dbus.UInt64(from_usec), dbus.UInt64(to_usec), timeout=60)
        except dbus.exceptions.DBusException as error:
            return error.get_dbus_name(), error.get_dbus_message()
        return None, None

    def test_a_900_kb_name_is_refused_and_the_longest_allowed_fits(self):
        # A 900 KB name once made ListDoses over 100 days pass the limit; names are now at
        # most 200 characters, so such a regimen is refused (the running one stays) and the
        # longest allowed names over the longest span stay under the reply limit.
        longest = [{"id": f"i{n}", "name": "x" * 200, "at": ["08:00", "20:00"]}
                   for n in range(20)]
        daemon = self.start_daemon(harness.regimen_yaml(longest))
        refused = harness.dbus_error_name(lambda: daemon.call(
            "Validate", harness.regimen_yaml([{"id": "big", "name": "x" * 900_000,
                                               "at": "08:00"}])))
        self.assertIsNone(refused)  # Validate answers with diagnostics, it does not fail
        daemon.write_regimen(harness.regimen_yaml(
            [{"id": "big", "name": "x" * 900_000, "at": "08:00"}]))
        self.assertEqual(harness.dbus_error_name(lambda: daemon.call("Reload")),
                         ERROR_PREFIX + "InvalidRegimen")
        name, _ = self.refusal_of(daemon, "ListDoses", now_usec(), now_usec() + 399 * DAY_USEC)
        self.assertIsNone(name)
        self.assertEqual(len(daemon.doses(now_usec(), now_usec() + DAY_USEC)), 40)
        self.assertTrue(daemon.alive())

    def test_list_doses_of_1000_hourly_items_over_100_days(self):
        items = [{"id": f"i{n}", "name": f"Item {n}", "every": "1 hours", "start": "2026-01-01", "at": "00:00"}
                 for n in range(1000)]
        daemon = self.start_daemon(harness.regimen_yaml(items))
        name, message = self.refusal_of(daemon, "ListDoses", now_usec(),
                                        now_usec() + 100 * DAY_USEC)
        self.assertEqual(name, ERROR_PREFIX + "InvalidArgument")
        self.assertIn("limit", message)
        # Refused before planning: 2.4 million doses were never built (918 MB before; about
        # 98 MB now, 335 MB under ASan, whose allocator keeps freed memory in quarantine).
        self.assertLess(daemon.status("VmHWM"), 600_000)
        self.assertTrue(daemon.alive())
        # Today's 24,000 doses are more than one call may list: status splits the day and
        # still shows every one of them, once.
        status = daemon.ctl("status", "--json", timeout=120)
        self.assertEqual(status.returncode, 0, status.stderr)
        doses = json.loads(status.stdout)["doses"]
        berlin = zoneinfo.ZoneInfo("Europe/Berlin")
        today = datetime.datetime.now(berlin).date()
        start = datetime.datetime.combine(today, datetime.time(), berlin)
        end = datetime.datetime.combine(today + datetime.timedelta(days=1), datetime.time(),
                                        berlin)
        # The same day asked for in quarters, each small enough for one call.
        bounds = [int(start.timestamp() + (end.timestamp() - start.timestamp()) * q / 4)
                  * 1_000_000 for q in range(5)]
        direct = [row for a, b in zip(bounds, bounds[1:]) for row in daemon.doses(a, b)]
        self.assertEqual(len(doses), len(direct))
        self.assertEqual(len({(d["item"], d["planned"]) for d in doses}), len(direct))

    def test_history_of_large_notes(self):
        daemon = self.start_daemon(harness.regimen_yaml(
            [{"id": "am", "name": "Morning", "at": "08:00"}]))
        daemon.stop()
        # 9,000 diary entries with 4 KB notes over the last six days, written directly (the
        # daemon is stopped): 36 MB of history in a 7-day `regimenctl history`.
        now = now_usec() // 1_000_000
        with sqlite3.connect(daemon.db_path) as db:
            db.executemany(
                "INSERT INTO events (item, event, planned, at, note, severity) "
                "VALUES ('migraine', 'symptom', NULL, ?, ?, 5)",
                ((now - 6 * 86_400 + n * 50, f"{n:06d}" + "n" * (NOTE - 6))
                 for n in range(SYMPTOMS)))
        daemon.start()
        name, message = self.refusal_of(daemon, "History", now_usec() - 7 * DAY_USEC,
                                        now_usec() + 60_000_000)
        self.assertEqual(name, ERROR_PREFIX + "InvalidArgument")
        self.assertIn("16 MiB", message)
        self.assertTrue(daemon.alive())

        # The plain `regimenctl history` of the issue: split into calls, complete, in order.
        result = daemon.ctl("history", "--json", timeout=120)
        self.assertEqual(result.returncode, 0, result.stderr)
        events = [e for e in json.loads(result.stdout) if e["event"] == "symptom"]
        self.assertEqual(len(events), SYMPTOMS)
        numbers = [int(e["note"][:6]) for e in events]
        self.assertEqual(numbers, sorted(numbers, reverse=True))  # newest first, none twice
        self.assertTrue(daemon.alive())


if __name__ == "__main__":
    harness.main()
