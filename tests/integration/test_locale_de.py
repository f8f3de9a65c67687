#!/usr/bin/python3
"""German (issue 31): under LANG=de_DE.UTF-8 and LC_ALL=de_DE.UTF-8, with the build tree's
catalogue ($REGIMEND_LOCALEDIR), what a person reads comes out in German: `regimenctl
status` (heading with "So"/"Mo" and "06.12.2026", the states), a usage error, `--help`,
`check` of a bad file (the parser's own messages), a reminder through the notification mock
(its text and its buttons) and the report's readings. JSON stays as it is: RFC 3339
instants, English state names and messages.

The locale must exist (scripts/setup-tests.sh generates de_DE.UTF-8 with localedef); the
test is skipped, saying so, when it does not, except under CI=true, where that is a failure."""

import datetime
import json
import os
import re
import subprocess
import unittest

import harness
from test_ctl_daemon import ZONE, CtlTestCase, item

GERMAN = {"LC_ALL": "de_DE.UTF-8", "LANG": "de_DE.UTF-8"}
GERMAN_DATE = re.compile(r"\b\d\d\.\d\d\.\d{4}\b")
WEEKDAYS = ("So", "Mo", "Di", "Mi", "Do", "Fr", "Sa")


def locale_exists(name):
    listed = subprocess.run(["locale", "-a"], capture_output=True, text=True).stdout.split()
    wanted = name.lower().replace("utf-8", "utf8")
    return any(entry.lower() == wanted for entry in listed)


def require_german():
    if not locale_exists("de_DE.UTF-8"):
        message = ("the de_DE.UTF-8 locale is not generated here (scripts/setup-tests.sh: "
                   "localedef -i de_DE -f UTF-8 de_DE.UTF-8)")
        if os.environ.get("CI") == "true":
            raise AssertionError(message)
        raise unittest.SkipTest(message)
    if not os.environ.get("REGIMEND_LOCALEDIR"):
        raise unittest.SkipTest("REGIMEND_LOCALEDIR is not set (run through ctest)")


def days_ago(count):
    moment = (datetime.datetime.now(harness.zoneinfo.ZoneInfo(ZONE))
              - datetime.timedelta(days=count))
    return moment.strftime("%Y-%m-%d")


class German(CtlTestCase):
    def setUp(self):
        require_german()
        super().setUp()
        self.server = self.start_notifications()
        text = harness.regimen_yaml([
            item("glycinate-pm", 2, "Magnesiumglycinat", amount="200 mg", dose="2 Kapseln",
                 start=days_ago(10)),
            item("later", 3 * 3600, "Später"),
        ], zone=ZONE)
        self.daemon = self.make_daemon(text)
        self.daemon.locale_env = dict(GERMAN)
        self.daemon.start()

    def test_a_reminder_is_german(self):
        reminder = self.server.wait_reminders("Magnesiumglycinat")[0]
        self.assertIn("fällig um", reminder["body"])
        self.assertIn("2 Kapseln, 200 mg", reminder["body"])
        # The buttons: keys for the daemon, labels for the person.
        self.assertEqual(reminder["actions"],
                         ["taken", "Eingenommen", "snooze", "Später", "skip", "Auslassen"])

    def test_status_is_german_and_its_json_is_not(self):
        self.wait_state("glycinate-pm", "due")
        result = self.ok("status")
        heading = result.stdout.splitlines()[0]
        self.assertTrue(heading.startswith("Heute, "), result.stdout)
        self.assertIn(heading.split()[1], WEEKDAYS)
        self.assertRegex(heading, GERMAN_DATE)
        self.assertIn("fällig", result.stdout)
        self.assertIn("anstehend", result.stdout)
        self.assertIn("Als Nächstes:", result.stdout)
        document = json.loads(self.ok("status", "--json").stdout)
        states = {dose["item"]: dose["state"] for dose in document["doses"]}
        self.assertEqual(states, {"glycinate-pm": "due", "later": "upcoming"})
        self.assertRegex(document["doses"][0]["planned"], r"^\d{4}-\d\d-\d\dT")

    def test_a_usage_error_is_german(self):
        result = self.ctl("frobnicate")
        self.assertEqual(result.returncode, 2)
        self.assertIn("Unbekannter Befehl „frobnicate“", result.stderr)
        result = self.ctl("take")
        self.assertEqual(result.returncode, 2)
        self.assertIn("take braucht einen EINTRAG", result.stderr)
        result = self.ctl("symptom", "migraine", "11")
        self.assertEqual(result.returncode, 2)
        self.assertIn("Die Stärke ist eine ganze Zahl von 0 bis 10", result.stderr)
        # CLI11's own first line stays English; its footer is ours.
        result = self.ctl("status", "--frobnicate")
        self.assertEqual(result.returncode, 2)
        self.assertIn("Mit --help erfahren Sie mehr.", result.stderr)

    def test_help_is_german(self):
        result = self.ok("--help")
        self.assertIn("Aufruf:", result.stdout)
        self.assertIn("Optionen:", result.stdout)
        self.assertIn("Befehle:", result.stdout)
        self.assertIn("Die heutigen Einnahmen mit ihrem Stand", result.stdout)
        result = self.ok("take", "--help")
        self.assertIn("Eine Einnahme als erfolgt bestätigen", result.stdout)
        self.assertIn("wann tatsächlich eingenommen", result.stdout)

    def test_check_of_a_bad_file_is_german(self):
        bad = harness.write_bad_regimen(self.workdir)
        result = self.ctl("check", bad)
        self.assertEqual(result.returncode, 1)
        self.assertIn("bad.yaml:5:9: Fehler: 'at' muss", result.stdout)
        self.assertIn("nicht „8am“", result.stdout)
        self.assertIn("'every' muss", result.stdout)
        self.assertIn("2 Fehler, 0 Warnungen", result.stdout)
        # --json keeps the messages in the source's words: they are data.
        document = json.loads(self.ctl("check", bad, "--json").stdout)
        self.assertTrue(document["errors"][0]["message"].startswith("'at' must be"))

    def test_the_report_reads_german(self):
        self.wait_state("glycinate-pm", "due")
        self.ok("take", "glycinate-pm")
        for day in (14, 13, 12, 3, 2):
            self.ok("symptom", "migraine", "6", "--at", days_ago(day))
        text = self.ok("report", "--days", "10").stdout
        self.assertIn("Bericht für", text)
        self.assertRegex(text.splitlines()[0], GERMAN_DATE)
        self.assertIn("Einnahmetreue", text)
        self.assertIn("Symptome vor und nach dem Beginn", text)
        self.assertRegex(text, r"\n\d\d\.\d\d\.\d{4}  ")  # the calendar's weeks
        self.assertIn("Mo  Di  Mi  Do  Fr  Sa  So", text)
        self.assertIn("Mittel 6,0", text)  # the decimal comma
        readings = [line.strip() for line in text.splitlines()
                    if line.strip().startswith(("migraine: Tage: ", "migraine: Stärke: "))]
        self.assertEqual(len(readings), 2, text)
        for reading in readings:
            self.assertIn("noch zu früh für eine Aussage", reading)
        html = self.ok("report", "--days", "10", "--format", "html").stdout
        self.assertIn('<html lang="de">', html)
        self.assertIn("Keine medizinische Beratung", html)
        document = json.loads(self.ok("report", "--days", "10", "--json").stdout)
        for reading in document["symptoms"][0]["readings"]:
            self.assertIn("too early to tell", reading)


if __name__ == "__main__":
    harness.main()
