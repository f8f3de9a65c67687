"""Cycles and pauses end to end (issue 29): `regimenctl plan` of a cycle item over 60 days
against a table written by hand; `pause` of a due dose (its reminder closed, never missed),
`status` and `status --json` listing the pause, `resume`; the errors of Pause and Resume
over D-Bus and from regimenctl, with the state kept; the report over a paused past."""

import datetime
import json
import os
import shutil
import sqlite3
import subprocess
import tempfile
import unittest
import zoneinfo

import dbus

import harness
from test_ctl_daemon import ZONE, CtlTestCase, item
from test_report_history import store_schema

ERROR = "org.regimend.Regimen1.Error."

# `plan --from 2026-03-01 --days 60` of an item at 08:00 in Berlin, every day but Sunday,
# 21 days on and 7 off from Sunday 2026-03-01. Rest: Mar 22-28 and Apr 19-25. Sundays:
# Mar 1, 8, 15, 22, 29, Apr 5, 12, 19, 26. Summer time from Mar 29 (+02:00).
CYCLE_TABLE = [
    "2026-03-02T08:00:00+01:00", "2026-03-03T08:00:00+01:00", "2026-03-04T08:00:00+01:00",
    "2026-03-05T08:00:00+01:00", "2026-03-06T08:00:00+01:00", "2026-03-07T08:00:00+01:00",
    "2026-03-09T08:00:00+01:00", "2026-03-10T08:00:00+01:00", "2026-03-11T08:00:00+01:00",
    "2026-03-12T08:00:00+01:00", "2026-03-13T08:00:00+01:00", "2026-03-14T08:00:00+01:00",
    "2026-03-16T08:00:00+01:00", "2026-03-17T08:00:00+01:00", "2026-03-18T08:00:00+01:00",
    "2026-03-19T08:00:00+01:00", "2026-03-20T08:00:00+01:00", "2026-03-21T08:00:00+01:00",
    # rest Mar 22-28; Mar 29 is a Sunday
    "2026-03-30T08:00:00+02:00", "2026-03-31T08:00:00+02:00", "2026-04-01T08:00:00+02:00",
    "2026-04-02T08:00:00+02:00", "2026-04-03T08:00:00+02:00", "2026-04-04T08:00:00+02:00",
    "2026-04-06T08:00:00+02:00", "2026-04-07T08:00:00+02:00", "2026-04-08T08:00:00+02:00",
    "2026-04-09T08:00:00+02:00", "2026-04-10T08:00:00+02:00", "2026-04-11T08:00:00+02:00",
    "2026-04-13T08:00:00+02:00", "2026-04-14T08:00:00+02:00", "2026-04-15T08:00:00+02:00",
    "2026-04-16T08:00:00+02:00", "2026-04-17T08:00:00+02:00", "2026-04-18T08:00:00+02:00",
    # rest Apr 19-25; Apr 26 is a Sunday
    "2026-04-27T08:00:00+02:00", "2026-04-28T08:00:00+02:00", "2026-04-29T08:00:00+02:00",
]


class CyclePlan(unittest.TestCase):
    def test_plan_of_a_cycle_over_60_days_matches_the_table(self):
        with tempfile.TemporaryDirectory() as directory:
            config = os.path.join(directory, "regimen.yaml")
            with open(config, "w", encoding="utf-8") as file:
                file.write("""version: 1
timezone: Europe/Berlin
items:
  - id: pill
    name: Cycled pill
    at: "08:00"
    start: 2026-03-01
    days: [mon, tue, wed, thu, fri, sat]
    cycle: {active: 21d, rest: 7d}
""")
            env = dict(os.environ, NO_COLOR="1",
                       DBUS_SESSION_BUS_ADDRESS="unix:path=/nonexistent/regimend-test-bus")
            result = subprocess.run(
                [harness.REGIMENCTL, "plan", "--config", config, "--from", "2026-03-01",
                 "--days", "60", "--json"], env=env, capture_output=True, text=True, timeout=60)
            self.assertEqual(result.returncode, 0, result.stderr)
            doses = json.loads(result.stdout)
            self.assertEqual([dose["planned"] for dose in doses], CYCLE_TABLE)
            self.assertEqual({dose["item"] for dose in doses}, {"pill"})

            # The calendar says the same in RRULEs, a series per active day, each every 28
            # days: 18, not 21, since 28 days are four weeks and days 0, 7 and 14 of the
            # cycle always fall on a Sunday.
            result = subprocess.run(
                [harness.REGIMENCTL, "export", "--config", config, "--format", "ics"],
                env=env, capture_output=True, text=True, timeout=60)
            self.assertEqual(result.returncode, 0, result.stderr)
            rules = [line for line in result.stdout.splitlines() if line.startswith("RRULE:")]
            self.assertEqual(len(rules), 18)
            self.assertTrue(all(rule == "RRULE:FREQ=DAILY;INTERVAL=28;BYDAY=MO,TU,WE,TH,FR,SA"
                                for rule in rules), rules)
            # Expanded over the same 60 days, the series give exactly the table's dates.
            starts = [datetime.datetime.strptime(line.split(":")[1], "%Y%m%dT%H%M%S")
                      for line in result.stdout.splitlines()
                      if line.startswith("DTSTART;TZID=Europe/Berlin:")]
            self.assertEqual(len(starts), 18)
            last = datetime.datetime(2026, 4, 29, 23, 59)
            expanded = set()
            for start in starts:
                moment = start
                while moment <= last:
                    if moment.weekday() != 6:  # BYDAY: every day but Sunday
                        expanded.add(moment.date().isoformat())
                    moment += datetime.timedelta(days=28)
            self.assertEqual(sorted(expanded), [planned[:10] for planned in CYCLE_TABLE])


class Pauses(CtlTestCase):
    def setUp(self):
        super().setUp()
        self.server = self.start_notifications()
        self.start_regimen([
            # gly is paused while due; probe, due a second later, is missed 20 s after it:
            # by then gly would have been missed too. (Different instants: one reminder each.)
            item("gly", 2, "Magnesium glycinate",
                 reminders={"missed_after": "20s", "repeat_every": "1h"}),
            item("probe", 3, "Probe", reminders={"missed_after": "20s", "repeat_every": "1h"}),
            item("other", 4, "Other pill"),
            {"id": "topical", "name": "Topical", "as_needed": True},
        ])
        self.server.wait_reminders("Magnesium glycinate")
        self.wait_state("gly", "due")
        self.wait_state("other", "due")
        self.today = datetime.datetime.now(zoneinfo.ZoneInfo(ZONE)).date()

    def paused_json(self):
        return self.json_of("status")["paused"]

    def test_pause_a_due_dose_then_status_and_resume(self):
        until = self.today + datetime.timedelta(days=2)
        result = self.ok("pause", "gly", "--until", until.isoformat())
        resumes = until + datetime.timedelta(days=1)
        self.assertEqual(result.stdout,
                         f"Paused Magnesium glycinate until {until}: it is planned again from "
                         f"{resumes.strftime('%a')} {resumes}.\n")
        # Its reminder is closed at once, and it is never missed.
        harness.wait_for(lambda: self.server.closed_ids(), message="the reminder stayed open")
        self.assertEqual(self.paused_json(), [{"item": "gly", "until": until.isoformat()}])
        status = self.ok("status").stdout
        self.assertIn("Paused:", status)
        self.assertIn(f"gly  until {until} (inclusive)", status)
        harness.wait_for(lambda: self.events("probe", "missed"), timeout=60,
                         message="probe was never missed")
        self.assertEqual(self.events("gly", "missed"), [])
        doses = {row["item"] for row in self.json_of("status")["doses"]}
        self.assertNotIn("gly", doses)
        paused = self.events("gly", "paused")
        self.assertEqual(len(paused), 1)
        self.assertEqual(paused[0]["note"], until.isoformat())

        # A restart reads the pause back from the history.
        self.daemon.stop()
        self.daemon.start()
        self.assertEqual(self.paused_json(), [{"item": "gly", "until": until.isoformat()}])

        result = self.ok("resume", "gly")
        self.assertEqual(result.stdout,
                         "Resumed Magnesium glycinate: its doses are planned again from now.\n")
        self.assertEqual(self.paused_json(), [])
        self.assertEqual(len(self.events("gly", "resumed")), 1)
        self.assertEqual(self.events("gly", "missed"), [])
        self.assertNotIn("Paused:", self.ok("status").stdout)

    def test_errors_keep_the_state(self):
        until = (self.today + datetime.timedelta(days=1)).isoformat()
        self.ok("pause", "other", "--until", until)
        past = (self.today - datetime.timedelta(days=1)).isoformat()

        def pause_error(*args):
            return harness.dbus_error_name(lambda: self.daemon.call("Pause", *args))

        self.assertEqual(pause_error("nope", until), ERROR + "UnknownItem")
        self.assertEqual(pause_error("gly", past), ERROR + "InvalidArgument")
        self.assertEqual(pause_error("gly", "tomorrow"), ERROR + "InvalidArgument")
        self.assertEqual(pause_error("gly", "2026-02-30"), ERROR + "InvalidArgument")
        self.assertEqual(pause_error("topical", until), ERROR + "InvalidArgument")
        self.assertEqual(pause_error("gly", ""), ERROR + "InvalidArgument")
        self.assertEqual(
            harness.dbus_error_name(lambda: self.daemon.call("Resume", "gly")),
            ERROR + "InvalidArgument")
        self.assertEqual(
            harness.dbus_error_name(lambda: self.daemon.call("Resume", "nope")),
            ERROR + "UnknownItem")
        try:
            self.daemon.call("Pause", "gly", past)
        except dbus.exceptions.DBusException as error:
            self.assertIn("is in the past", error.get_dbus_message())

        for args, code, text in [
                (("pause", "gly", "--until", past), 2, "is in the past"),
                (("pause", "gly", "--until", "next week"), 2, "is not a date"),
                (("pause", "gly"), 2, "--until"),
                (("pause", "nope", "--until", until), 1, "nope"),
                (("resume", "gly"), 1, "is not paused")]:
            result = self.ctl(*args)
            self.assertEqual(result.returncode, code, (args, result.stdout, result.stderr))
            self.assertIn(text, result.stderr, args)

        # Nothing of that changed anything: other is still paused, gly still due.
        self.assertEqual(self.paused_json(), [{"item": "other", "until": until}])
        self.assertEqual(self.dose("gly")["state"], "due")
        self.assertEqual(self.events("gly", "paused"), [])

    @unittest.skipUnless(os.geteuid() == 0 and shutil.which("setpriv"),
                         "calling as another user needs root and setpriv")
    def test_another_user_can_neither_pause_nor_resume(self):
        until = (self.today + datetime.timedelta(days=1)).isoformat()
        self.ok("pause", "other", "--until", until)
        script = ("import dbus, sys\n"
                  "bus = dbus.bus.BusConnection(sys.argv[1])\n"
                  "proxy = bus.get_object('org.regimend.Regimen1', '/org/regimend/Regimen1',"
                  " introspect=False)\n"
                  "for method, args in [('Pause', ['gly', sys.argv[2]]), ('Resume', ['other']),"
                  " ('Pauses', [])]:\n"
                  "    try:\n"
                  "        getattr(proxy, method)(*args, dbus_interface='org.regimend.Regimen1')\n"
                  "        print(method, 'answered')\n"
                  "    except dbus.exceptions.DBusException as e:\n"
                  "        print(method, e.get_dbus_name())\n")
        result = subprocess.run(
            ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", harness.PYTHON,
             "-c", script, self.bus.address, until],
            capture_output=True, text=True, timeout=60, cwd="/")
        self.assertEqual(result.stdout.split("\n")[:3],
                         [f"{method} {ERROR}AccessDenied" for method in
                          ("Pause", "Resume", "Pauses")], result.stderr)
        self.assertEqual(self.paused_json(), [{"item": "other", "until": until}])
        self.assertEqual(self.dose("gly")["state"], "due")


class ReportOverAPausedPast(unittest.TestCase):
    def test_paused_days_are_neither_planned_nor_missed(self):
        berlin = zoneinfo.ZoneInfo("Europe/Berlin")
        today = datetime.datetime.now(berlin).date()

        def day(offset):
            return today + datetime.timedelta(days=offset)

        def local(offset, hour):
            return int(datetime.datetime.combine(day(offset), datetime.time(hour),
                                                 berlin).timestamp())

        with tempfile.TemporaryDirectory() as directory:
            config = os.path.join(directory, "regimen.yaml")
            with open(config, "w", encoding="utf-8") as file:
                file.write(f"""version: 1
timezone: Europe/Berlin
items:
  - id: am
    name: Morning dose
    at: "08:00"
    start: {day(-9)}
    end: {day(-1)}
""")
            state_dir = os.path.join(directory, "state")
            os.makedirs(state_dir)
            rows = []
            for offset in (-9, -8, -7, -3, -2, -1):
                rows.append(("am", "due", local(offset, 8), local(offset, 8), ""))
                rows.append(("am", "taken", local(offset, 8), local(offset, 8) + 600, ""))
            # Paused on day -6 at 07:00 until day -4: nothing recorded for those mornings.
            rows.append(("am", "paused", local(-6, 7), local(-6, 7), day(-4).isoformat()))
            database = sqlite3.connect(os.path.join(state_dir, "history.db"))
            for migration in store_schema():
                database.executescript(migration)
            database.execute(f"PRAGMA user_version = {len(store_schema())}")
            database.executemany(
                "INSERT INTO events (item, event, planned, at, note) VALUES (?, ?, ?, ?, ?)", rows)
            database.commit()
            database.close()

            def report():
                result = subprocess.run(
                    [harness.REGIMENCTL, "--config", config, "report", "--days", "10", "--json",
                     "--state-dir", state_dir], capture_output=True, text=True, timeout=60)
                self.assertEqual(result.returncode, 0, result.stderr)
                return json.loads(result.stdout)["items"][0]

            am = report()
            self.assertEqual((am["planned"], am["taken"], am["missed"]), (6, 6, 0))
            self.assertAlmostEqual(am["adherence"], 1.0)

            # Without the pause event the same three mornings are missed.
            database = sqlite3.connect(os.path.join(state_dir, "history.db"))
            database.execute("DELETE FROM events WHERE event = 'paused'")
            database.commit()
            database.close()
            am = report()
            self.assertEqual((am["planned"], am["taken"], am["missed"]), (9, 6, 3))


if __name__ == "__main__":
    harness.main()
