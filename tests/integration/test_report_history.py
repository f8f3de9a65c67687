"""`regimenctl report` and `export --format csv` on a history database built by hand (the
store's own schema, filled with sqlite3): the figures a user would see, offline, read-only."""

import csv
import datetime
import io
import json
import os
import re
import sqlite3
import subprocess
import sys
import tempfile
import unittest
import zoneinfo

REGIMENCTL = os.environ.get("REGIMENCTL", "regimenctl")
SOURCE_DIR = os.environ.get(
    "REGIMEND_SOURCE_DIR", os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
BERLIN = zoneinfo.ZoneInfo("Europe/Berlin")


def store_schema():
    """The migrations of daemon/store/schema.hpp, so this test follows the real schema."""
    with open(os.path.join(SOURCE_DIR, "daemon", "store", "schema.hpp"), encoding="utf-8") as f:
        text = f.read()
    return re.findall(r'R"sql\((.*?)\)sql"', text, re.S)


def local(day, hour, minute=0):
    return datetime.datetime.combine(day, datetime.time(hour, minute), BERLIN)


def seconds(moment):
    return int(moment.timestamp())


class ReportOnHistory(unittest.TestCase):
    def setUp(self):
        self.directory = tempfile.TemporaryDirectory()
        self.addCleanup(self.directory.cleanup)
        self.state_dir = os.path.join(self.directory.name, "state")
        os.makedirs(self.state_dir)
        self.today = datetime.datetime.now(BERLIN).date()
        self.start = self.today - datetime.timedelta(days=9)
        yesterday = self.today - datetime.timedelta(days=1)
        self.config = os.path.join(self.directory.name, "regimen.yaml")
        with open(self.config, "w", encoding="utf-8") as file:
            # `end` yesterday: today's dose, pending or not yet due, never depends on the
            # hour the test runs at.
            file.write(f"""version: 1
timezone: Europe/Berlin
symptoms: [migraine, sleep]
items:
  - id: am
    name: Morning dose
    amount: 144 mg
    at: "08:00"
    start: {self.start}
    end: {yesterday}
  - id: topical
    name: Topical
    as_needed: true
    max_per_day: 2
""")

    def day(self, offset):
        return self.today + datetime.timedelta(days=offset)

    def build_history(self):
        rows = []  # item, event, planned, at, note, severity, amount
        # Tracking starts 12 days ago with a diary entry, before the regimen.
        for offset, hour, severity in [(-15, 12, 6), (-15, 18, 8), (-12, 12, 4)]:
            rows.append(("migraine", "symptom", None, local(self.day(offset), hour), "", severity, ""))
        for offset in range(-9, -3):
            planned = local(self.day(offset), 8)
            rows.append(("am", "due", planned, planned, "", -1, ""))
            rows.append(("am", "taken", planned, planned + datetime.timedelta(minutes=10),
                         "", -1, "144 mg"))
        planned = local(self.day(-3), 8)
        rows.append(("am", "skipped", planned, planned, "travelling, no \"pills\"", -1, ""))
        planned = local(self.day(-2), 8)
        rows.append(("am", "missed", planned, planned + datetime.timedelta(hours=3), "", -1, ""))
        # Day -1: nothing recorded at all, which counts as missed too.
        for hour in (9, 13, 17):
            rows.append(("topical", "as_needed", None, local(self.day(-3), hour),
                         "neck,\nshoulders" if hour == 9 else "", -1, ""))
        for offset, severity in [(-5, 3), (-2, 5)]:
            rows.append(("migraine", "symptom", None, local(self.day(offset), 12), "", severity, ""))

        database = sqlite3.connect(os.path.join(self.state_dir, "history.db"))
        for migration in store_schema():
            database.executescript(migration)
        database.execute(f"PRAGMA user_version = {len(store_schema())}")
        database.executemany(
            "INSERT INTO events (item, event, planned, at, note, severity, amount) "
            "VALUES (?, ?, ?, ?, ?, ?, ?)",
            [(item, event, seconds(planned) if planned else None, seconds(at), note, severity,
              amount) for item, event, planned, at, note, severity, amount in rows])
        database.commit()
        database.close()

    def regimenctl(self, *arguments, env=None):
        result = subprocess.run(
            [REGIMENCTL, "--config", self.config, *arguments, "--state-dir", self.state_dir],
            capture_output=True, env=dict(os.environ, **(env or {})), timeout=60)
        self.assertEqual(result.returncode, 0, result.stderr.decode())
        return result.stdout

    def test_report_json(self):
        self.build_history()
        report = json.loads(self.regimenctl("report", "--days", "10", "--json"))

        self.assertEqual(report["from"], local(self.day(-9), 0).isoformat())
        to = datetime.datetime.fromisoformat(report["to"])
        self.assertLess(abs((to - datetime.datetime.now(BERLIN)).total_seconds()), 120)

        self.assertEqual(len(report["items"]), 1)
        item = report["items"][0]
        self.assertEqual(item["item"], "am")
        self.assertEqual((item["planned"], item["taken"], item["skipped"], item["missed"]),
                         (9, 6, 1, 2))
        self.assertAlmostEqual(item["adherence"], 6 / 9)
        self.assertEqual(item["late_median_minutes"], 10)

        self.assertEqual(report["as_needed"][0]["uses"], 3)
        self.assertEqual(report["as_needed"][0]["days_over_max"], 1)
        self.assertEqual(report["acute_days"], 1)

        kinds = {symptom["kind"]: symptom for symptom in report["symptoms"]}
        self.assertEqual(list(kinds), ["migraine", "sleep"])
        migraine = kinds["migraine"]
        self.assertEqual(migraine["days"], 2)
        self.assertAlmostEqual(migraine["mean_severity"], 4.0)
        before = migraine["before"]
        self.assertEqual(before["from"], local(self.day(-19), 0).isoformat())
        self.assertEqual(before["to"], local(self.day(-9), 0).isoformat())
        self.assertEqual(before["days"], 2)
        self.assertAlmostEqual(before["mean_severity"], 6.0)
        self.assertIsNone(kinds["sleep"]["mean_severity"])
        self.assertIsNone(kinds["sleep"]["before"]["mean_severity"])

        days = {day["date"]: day for day in report["days"]}
        self.assertEqual(len(days), 10)
        self.assertEqual(days[str(self.day(-3))]["taken"], 0)
        self.assertTrue(days[str(self.day(-3))]["acute"])
        self.assertTrue(days[str(self.day(-5))]["symptom"])

    def test_report_text_without_a_terminal_is_plain(self):
        self.build_history()
        text = self.regimenctl("report", "--days", "10").decode("utf-8")
        self.assertNotIn("\x1b", text)
        self.assertIn("Mo  Tu  We  Th  Fr  Sa  Su", text)
        self.assertIn("# all taken", text)
        self.assertRegex(text, r"am\s+6/9\s+1\s+2\s+67%\s+10 min late")
        self.assertRegex(text, r"migraine:\s+2 days, mean 6\.0\s+->\s+2 days, mean 4\.0")

    def test_no_history_yet(self):
        report = json.loads(self.regimenctl("report", "--json"))
        self.assertEqual(report["items"][0]["planned"], 0)
        self.assertIsNone(report["items"][0]["adherence"])
        self.assertEqual(len(report["days"]), 30)
        self.assertFalse(os.path.exists(os.path.join(self.state_dir, "history.db")),
                         "reading must never create the database")

    def test_export_csv(self):
        self.build_history()
        data = self.regimenctl("export", "--format", "csv", "--since", "11d")
        self.assertTrue(
            data.startswith(b"item,name,event,planned,at,amount,severity,note,quantity\r\n"))
        rows = list(csv.reader(io.StringIO(data.decode("utf-8"), newline="")))
        self.assertEqual(rows[0], ["item", "name", "event", "planned", "at", "amount", "severity",
                                   "note", "quantity"])
        body = rows[1:]
        self.assertFalse(any(row[0] == "migraine" and row[6] in ("6", "8") for row in body),
                         "--since 11d leaves out the entries of 12 and 15 days ago")
        taken = [row for row in body if row[2] == "taken"]
        self.assertEqual(len(taken), 6)
        self.assertEqual(taken[0][5], "144 mg")
        self.assertEqual(taken[0][1], "Morning dose")  # the name a clinician reads
        self.assertEqual(taken[0][3], local(self.day(-9), 8).isoformat())
        self.assertEqual(taken[0][4], local(self.day(-9), 8, 10).isoformat())
        skipped = [row for row in body if row[2] == "skipped"][0]
        self.assertEqual(skipped[7], "travelling, no \"pills\"")
        noted = [row for row in body if row[2] == "as_needed" and row[7]][0]
        self.assertEqual(noted[7], "neck,\nshoulders")
        self.assertEqual(noted[3], "")
        symptom = [row for row in body if row[2] == "symptom"][0]
        self.assertEqual(symptom[6], "3")
        self.assertEqual(symptom[1], "")
        # Every record ends in CRLF; the LF inside the quoted note is the only bare one.
        self.assertEqual(data.count(b"\n") - data.count(b"\r\n"), 1)


if __name__ == "__main__":
    unittest.main(argv=sys.argv[:1], verbosity=2)
