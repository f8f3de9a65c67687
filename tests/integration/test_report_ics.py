"""`regimenctl export --format ics`: the iCalendar text parses with python3-icalendar and has
the series, recurrence rules, alarms and time zone the plan needs, in RFC 5545's framing
(CRLF, lines folded at 75 octets)."""

import datetime
import os
import subprocess
import sys
import tempfile
import unittest
import zoneinfo

import dateutil.rrule
import icalendar

REGIMENCTL = os.environ.get("REGIMENCTL", "regimenctl")
SOURCE_DIR = os.environ.get(
    "REGIMEND_SOURCE_DIR", os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))


def export_ics(config, env_zone="Europe/Berlin", extra=()):
    env = dict(os.environ, TZ=env_zone, NO_COLOR="1")
    result = subprocess.run([REGIMENCTL, "--config", config, "export", "--format", "ics", *extra],
                            capture_output=True, env=env, timeout=60)
    if result.returncode != 0:
        raise AssertionError(f"exit {result.returncode}: {result.stderr.decode()}")
    return result.stdout


class ExportIcs(unittest.TestCase):
    def assert_framing(self, data):
        self.assertTrue(data.endswith(b"\r\n"))
        lines = data.split(b"\r\n")[:-1]
        for line in lines:
            self.assertNotIn(b"\n", line, "a bare LF: lines must end in CRLF")
            self.assertNotIn(b"\r", line)
            self.assertLessEqual(len(line), 75, f"longer than 75 octets: {line!r}")
            line.decode("utf-8")  # folding never splits a UTF-8 sequence

    def test_example_regimen_as_shipped(self):
        # No `timezone:` in the file: the system's zone, whichever it is, named consistently.
        data = export_ics(os.path.join(SOURCE_DIR, "config", "regimen.yaml"))
        self.assert_framing(data)
        calendar = icalendar.Calendar.from_ical(data)
        timezones = calendar.walk("VTIMEZONE")
        self.assertEqual(len(timezones), 1)
        zone = str(timezones[0]["TZID"])
        events = calendar.walk("VEVENT")
        self.assertEqual(len(events), 5)
        for event in events:
            self.assertEqual(event["DTSTART"].params["TZID"], zone)
            self.assertIn("RRULE", event)
            self.assertEqual(len(event.walk("VALARM")), 1)

    def test_example_regimen_in_berlin(self):
        with open(os.path.join(SOURCE_DIR, "config", "regimen.yaml"), encoding="utf-8") as file:
            example = file.read()
        self.assertIn("# timezone: Europe/Berlin\n", example)
        with tempfile.TemporaryDirectory() as directory:
            config = os.path.join(directory, "regimen.yaml")
            with open(config, "w", encoding="utf-8") as file:
                file.write(example.replace("# timezone: Europe/Berlin\n",
                                           "timezone: Europe/Berlin\n"))
            data = export_ics(config)
        self.assert_framing(data)
        calendar = icalendar.Calendar.from_ical(data)

        timezones = calendar.walk("VTIMEZONE")
        self.assertEqual(len(timezones), 1)
        self.assertEqual(str(timezones[0]["TZID"]), "Europe/Berlin")
        self.assertTrue(timezones[0].walk("DAYLIGHT"))
        self.assertTrue(timezones[0].walk("STANDARD"))

        events = calendar.walk("VEVENT")
        # threonate-am, three ramp phases of glycinate-pm, epsom-bath; topical is as needed.
        self.assertEqual(len(events), 5)
        by_uid = {str(event["UID"]): event for event in events}
        self.assertEqual(sorted(by_uid), sorted([
            "threonate-am-1@regimend", "glycinate-pm-1@regimend", "glycinate-pm-2@regimend",
            "glycinate-pm-3@regimend", "epsom-bath-1@regimend"]))

        for event in events:
            self.assertEqual(event["DTSTART"].params["TZID"], "Europe/Berlin")
            self.assertIn("RRULE", event)
            self.assertIn("DTSTAMP", event)
            alarms = event.walk("VALARM")
            self.assertEqual(len(alarms), 1)
            self.assertEqual(str(alarms[0]["ACTION"]), "DISPLAY")
            self.assertEqual(alarms[0]["TRIGGER"].dt, datetime.timedelta(0))

        threonate = by_uid["threonate-am-1@regimend"]
        self.assertEqual(threonate["RRULE"]["FREQ"], ["DAILY"])
        self.assertEqual(threonate["DTSTART"].dt.time(), datetime.time(8, 0))
        self.assertIn("2 capsules", str(threonate["SUMMARY"]))

        bath = by_uid["epsom-bath-1@regimend"]
        self.assertEqual(bath["RRULE"]["FREQ"], ["WEEKLY"])
        self.assertEqual(bath["RRULE"]["BYDAY"], ["SU"])
        self.assertEqual(bath["DTSTART"].dt.weekday(), 6)

        first = by_uid["glycinate-pm-1@regimend"]
        berlin = zoneinfo.ZoneInfo("Europe/Berlin")
        self.assertEqual(first["DTSTART"].dt.replace(tzinfo=None),
                         datetime.datetime(2026, 11, 1, 21, 30))
        self.assertEqual(first["RRULE"]["UNTIL"][0],
                         datetime.datetime(2026, 11, 15, tzinfo=berlin).astimezone(
                             datetime.timezone.utc) - datetime.timedelta(seconds=1))
        self.assertIn("100 mg", str(first["SUMMARY"]))
        # The ramp's phases recur for exactly their 14 days each.
        for uid in ("glycinate-pm-1@regimend", "glycinate-pm-2@regimend"):
            phase = by_uid[uid]
            rule = dateutil.rrule.rrulestr(phase["RRULE"].to_ical().decode(),
                                           dtstart=phase["DTSTART"].dt)
            self.assertEqual(len(list(rule)), 14, uid)
        last = by_uid["glycinate-pm-3@regimend"]
        self.assertNotIn("UNTIL", last["RRULE"])
        self.assertIn("200 mg", str(last["SUMMARY"]))
        self.assertIn("With a glass of water.", str(last["DESCRIPTION"]))

    def test_interval_item_escaping_and_folding(self):
        yaml = """version: 1
timezone: America/New_York
items:
  - id: antibiotic
    name: "Doxycycline, 100 mg; with food \\\\ water — très long name that needs folding, ünïcödé"
    dose: 1 tablet
    every: 12 hours
    at: "07:00"
    start: 2026-03-01
    notes: "Not with magnesium, keep 2h apart"
"""
        with tempfile.TemporaryDirectory() as directory:
            config = os.path.join(directory, "regimen.yaml")
            with open(config, "w", encoding="utf-8") as file:
                file.write(yaml)
            data = export_ics(config, extra=["--expand-days", "30"])
        self.assert_framing(data)
        calendar = icalendar.Calendar.from_ical(data)
        events = calendar.walk("VEVENT")
        self.assertGreaterEqual(len(events), 59)  # 2 a day for 30 days, from a part day
        self.assertLessEqual(len(events), 60)
        for event in events:
            self.assertNotIn("RRULE", event)
            self.assertEqual(event["DTSTART"].params["TZID"], "America/New_York")
            self.assertEqual(len(event.walk("VALARM")), 1)
        summary = str(events[0]["SUMMARY"])
        self.assertTrue(summary.startswith(
            "Doxycycline, 100 mg; with food \\ water — très long name that needs folding, ünïcödé"),
            summary)
        self.assertIn("Not with magnesium, keep 2h apart", str(events[0]["DESCRIPTION"]))
        self.assertEqual(len({str(event["UID"]) for event in events}), len(events))
        self.assertIn(b"SUMMARY:Doxycycline\\, 100 mg\\; with food \\\\ water", data)

    def test_bad_regimen_fails_with_its_errors(self):
        with tempfile.TemporaryDirectory() as directory:
            config = os.path.join(directory, "regimen.yaml")
            with open(config, "w", encoding="utf-8") as file:
                file.write("version: 1\nitems:\n  - id: x\n    name: X\n    at: 8am\n")
            result = subprocess.run(
                [REGIMENCTL, "--config", config, "export", "--format", "ics"],
                capture_output=True, text=True, timeout=60)
        self.assertEqual(result.returncode, 1)
        self.assertIn("regimen.yaml:5:", result.stderr)
        self.assertEqual(result.stdout, "")


if __name__ == "__main__":
    unittest.main(argv=sys.argv[:1], verbosity=2)
