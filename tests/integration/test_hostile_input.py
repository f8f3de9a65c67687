"""Hostile but possible input through regimenctl and the bus (issue 25, cases 5, 7, 8 and
the refill part of 10): --at times before 1970-01-02 are usage errors and nothing is sent;
control characters in notes and skip reasons are refused by the CLI (exit 2) and the daemon
(InvalidArgument); a history row that holds them anyway (planted in the database) reaches
no terminal raw; the CSV neutralises formulas; a refill of 0 is refused."""

import csv
import io
import sqlite3

import dbus

import harness
from test_ctl_daemon import CtlTestCase, item

OSC52 = "\x1b]52;c;cm0gLXJmIH4=\x07"
INVALID = "org.regimend.Regimen1.Error.InvalidArgument"


class HostileInput(CtlTestCase):
    def setUp(self):
        super().setUp()
        self.start_regimen([
            item("first", 2, "First thing", stock={"unit": "capsules"}),
            {"id": "topical", "name": "Topical", "as_needed": True},
        ])
        self.wait_state("first", "due")

    def usage_error(self, *args):
        result = self.ctl(*args)
        self.assertEqual(result.returncode, 2,
                         f"regimenctl {' '.join(args)}:\n{result.stdout}{result.stderr}")
        return result

    def recorded(self):
        return [e for e in self.daemon.history() if e["event"] in ("taken", "as_needed",
                                                                   "symptom", "skipped")]

    def test_at_before_the_second_day_of_1970_is_a_usage_error(self):
        for at in ("1970-01-01 00:00", "1970-01-01T00:00:00Z", "1969-12-31 23:59",
                   "1970-01-01T12:00:00+00:00", "1900-01-01 08:00"):
            for args in (("take", "first", "--at", at), ("log", "topical", "--at", at),
                         ("symptom", "migraine", "4", "--at", at)):
                result = self.usage_error(*args)
                if at.startswith("1970"):  # earlier dates are not read at all
                    self.assertIn("before 1970-01-02", result.stderr)
                self.assertNotIn("taken", result.stdout)
        self.assertEqual(self.recorded(), [])
        self.assertEqual(self.dose("first")["state"], "due")
        # On the bus 0 is now; any other time before 1970-01-02 is refused, never now.
        for usec in (1, 1_000_000, 86_400 * 1_000_000 - 1):
            self.assertEqual(harness.dbus_error_name(
                lambda: self.daemon.call("Confirm", "first", dbus.UInt64(usec))), INVALID)
            self.assertEqual(harness.dbus_error_name(
                lambda: self.daemon.call("LogDose", "topical", dbus.UInt64(usec), "")), INVALID)
        self.assertEqual(self.recorded(), [])

    def test_control_characters_in_notes_and_reasons_are_refused(self):
        for bad in (OSC52, "fine\rOVERPRINTED", "tab\there", "c1\u009b31m", "\x7f"):
            self.usage_error("log", "topical", "--note", bad)
            self.usage_error("symptom", "migraine", "3", "--note", bad)
            self.usage_error("skip", "first", "--reason", bad)
            for call in (lambda: self.daemon.call("LogDose", "topical", dbus.UInt64(0), bad),
                         lambda: self.daemon.call("LogSymptom", "migraine", dbus.UInt32(3),
                                                  dbus.UInt64(0), bad),
                         lambda: self.daemon.call("Skip", "first", bad)):
                self.assertEqual(harness.dbus_error_name(call), INVALID, repr(bad))
        self.assertEqual(self.recorded(), [])
        self.assertEqual(self.dose("first")["state"], "due")
        # A line feed is allowed, as in the regimen's notes; it is shown escaped.
        self.ok("log", "topical", "--note", "left side\nthen right")
        history = self.ok("history").stdout
        self.assertIn("left side\\nthen right", history)

    def test_rows_already_holding_control_characters_reach_no_terminal_raw(self):
        self.ok("take", "first")
        self.daemon.stop()
        database = sqlite3.connect(self.daemon.db_path)
        now = harness.now_usec() // 1_000_000
        database.executemany(
            "INSERT INTO events (item, event, planned, at, note, severity, amount) "
            "VALUES (?, ?, ?, ?, ?, ?, ?)",
            [("topical", "as_needed", None, now - 60, "calm" + OSC52 + "\rOVERPRINTED", -1, ""),
             ("migraine", "symptom", None, now - 30, "bad\x1b[2J", 5, ""),
             ("top\x1b[31mical", "as_needed", None, now - 20, "", -1, "")])
        database.commit()
        database.close()
        self.daemon.start()
        for args in (("history",), ("history", "--all"), ("status",), ("report", "--days", "7")):
            result = self.ok(*args)
            # (text mode reads a CR as a line end: a raw one would show as "\nOVERPRINTED")
            for raw in ("\x1b", "\r", "\x07", "\nOVERPRINTED"):
                self.assertNotIn(raw, result.stdout, f"{args}: {result.stdout!r}")
        history = self.ok("history").stdout
        self.assertIn("calm\\x1b]52;c;cm0gLXJmIH4=\\x07\\rOVERPRINTED", history)
        # JSON keeps the note as stored (JSON escapes it).
        notes = [e["note"] for e in self.json_of("history")]
        self.assertIn("calm" + OSC52 + "\rOVERPRINTED", notes)

    def test_csv_cells_that_a_spreadsheet_would_evaluate_are_text(self):
        self.ok("log", "topical", "--note", "=HYPERLINK(\"http://example.invalid\",\"x\")")
        self.ok("symptom", "migraine", "2", "--note", "@SUM(A1)")
        self.ok("skip", "first", "--reason", "-2+3")
        self.ok("refill", "first", "--set", "0")
        exported = self.ok("export", "--format", "csv").stdout
        rows = list(csv.DictReader(io.StringIO(exported)))
        notes = {row["event"]: row["note"] for row in rows}
        self.assertEqual(notes["as_needed"], "'=HYPERLINK(\"http://example.invalid\",\"x\")")
        self.assertEqual(notes["symptom"], "'@SUM(A1)")
        self.assertEqual(notes["skipped"], "'-2+3")
        for row in rows:
            for field in ("item", "name", "event", "amount", "note"):
                self.assertFalse(row[field][:1] in ("=", "+", "-", "@", "\t", "\r"), row)
        self.assertEqual([row["quantity"] for row in rows if row["event"] == "stock"], ["0"])

    def test_a_refill_of_nothing_is_refused(self):
        for quantity in ("0", "0.0", "00"):
            self.usage_error("refill", "first", quantity)
        for value, absolute in ((0.0, False), (-1.0, False), (-1.0, True),
                                (float("nan"), False), (float("nan"), True),
                                (float("inf"), False), (float("inf"), True),
                                (float("-inf"), True)):
            self.assertEqual(harness.dbus_error_name(
                lambda: self.daemon.call("Refill", "first", dbus.Double(value),
                                         dbus.Boolean(absolute))), INVALID, (value, absolute))
        self.assertEqual([e for e in self.daemon.history()
                          if e["event"] in ("refill", "stock")], [])
        self.assertEqual(float(self.daemon.call("Refill", "first", dbus.Double(0.0),
                                                dbus.Boolean(True))), 0.0)
        self.ok("refill", "first", "--set", "0")
        self.ok("refill", "first", "30")


if __name__ == "__main__":
    harness.main()
