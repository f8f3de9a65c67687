"""Records a person can trust, through regimenctl and a real regimend on a private bus:
a repeated backdated `take --at` confirms once and never walks back into earlier days,
the next dose is the oldest due one (also after a restart), `undo`, `take --all`, a
`log` over max_per_day says so, and no verb accepts a time far in the future."""

import harness
from test_ctl_daemon import CtlTestCase, item, local_text

HOUR_USEC = 3600 * 1_000_000


class Records(CtlTestCase):
    def setUp(self):
        super().setUp()
        self.recorder = self.start_recorder()
        self.start_regimen([
            item("first", 2, "First thing"),
            item("second", 2, "Second thing"),
            item("later", 3 * 3600, "Later today"),
            {"id": "topical", "name": "Topical", "as_needed": True, "max_per_day": 1},
        ])
        for item_id in ("first", "second"):
            self.wait_state(item_id, "due")

    def failed(self, *args):
        result = self.ctl(*args)
        self.assertEqual(result.returncode, 1,
                         f"regimenctl {' '.join(args)}:\n{result.stdout}{result.stderr}")
        return result

    def test_a_repeated_backdated_take_confirms_once(self):
        planned = self.dose("first")["planned"]
        at = local_text(harness.now_usec())
        self.ok("take", "first", "--at", at)
        for _ in range(2):
            again = self.failed("take", "first", "--at", at)
            self.assertIn("dose is already taken", again.stderr)
        taken = self.events("first", "taken")
        self.assertEqual([e["planned"] for e in taken], [planned])

    def test_next_due_is_the_oldest_due_dose_also_after_a_restart(self):
        second = self.dose("second")["planned"]
        self.ok("take", "first")
        self.assertEqual(int(self.daemon.get_property("NextDue")), second)
        self.assertIn(" second (Second thing)", self.ok("status").stdout.split("Next: ")[1])
        self.daemon.stop()
        self.daemon.start()
        self.assertEqual(int(self.daemon.get_property("NextDue")), second)
        self.assertEqual(self.json_of("status")["next_due"]["item"], "second")

    def test_undo_makes_the_dose_due_again(self):
        planned = self.dose("first")["planned"]
        self.ok("take", "first")
        result = self.ok("undo", "fir")
        self.assertTrue(result.stdout.startswith("Undone: First thing (planned "), result.stdout)
        self.assertIn("it is due now", result.stdout)
        self.recorder.wait("DoseUndone", lambda args: str(args[0]) == "first"
                           and int(args[1]) == planned)
        self.assertEqual([e["event"] for e in self.events("first")
                          if e["event"] in ("taken", "undone")], ["taken", "undone"])
        self.assertEqual(self.dose("first")["state"], "due")
        nothing = self.failed("undo", "later")
        self.assertIn("No taken or skipped dose of 'later'", nothing.stderr)
        self.assertEqual(
            harness.dbus_error_name(lambda: self.daemon.call("Undo", "later")),
            "org.regimend.Regimen1.Error.NothingToUndo")
        # Taken again after the undo: one standing answer.
        self.ok("take", "first")
        self.assertEqual(self.dose("first")["state"], "taken")

    def test_take_all_confirms_every_due_dose(self):
        result = self.ok("take", "--all")
        lines = result.stdout.splitlines()
        self.assertEqual(len(lines), 2, result.stdout)
        self.assertTrue(all(line.startswith("Taken: ") for line in lines))
        self.assertEqual(self.dose("first")["state"], "taken")
        self.assertEqual(self.dose("second")["state"], "taken")
        none = self.failed("take", "--all")
        self.assertIn("Nothing is due", none.stderr)
        self.assertEqual(self.ctl("take", "--all", "first").returncode, 2)

    def test_log_over_max_per_day_says_so(self):
        self.assertNotIn("max_per_day", self.ok("log", "topical").stdout)
        second = self.ok("log", "topical").stdout
        self.assertIn("logged 2 times", second)
        self.assertIn("above its max_per_day of 1", second)
        warnings = self.json_of("status")["warnings"]
        self.assertTrue(any("above its max_per_day of 1" in w for w in warnings), warnings)

    def test_a_backdated_diary_entry_does_not_count_untracked_doses_as_missed(self):
        ten_days_ago = local_text(harness.now_usec() - 240 * HOUR_USEC)
        self.ok("symptom", "migraine", "5", "--at", ten_days_ago)
        report = self.json_of("report", "--days", "14")
        for entry in report["items"]:
            self.assertEqual(entry["missed"], 0, entry)
            self.assertEqual(entry["planned"], 0, entry)  # today's are still due or upcoming
        self.assertEqual(report["symptoms"][0]["kind"], "migraine")

    def test_history_hides_due_lines_and_resolves_symptom_kinds(self):
        self.ok("take", "first")
        self.ok("symptom", "migraine", "3")
        human = self.ok("history").stdout
        self.assertNotRegex(human, r"\bdue\b")
        self.assertRegex(human, r"taken\s+first")
        self.assertRegex(self.ok("history", "--all").stdout, r"\bdue\s+second")
        self.assertTrue(any(e["event"] == "due" for e in self.json_of("history")))
        migraine = self.json_of("history", "--item", "migraine")
        self.assertEqual([e["event"] for e in migraine], ["symptom"])
        unknown = self.failed("history", "--item", "nosuchthing")
        self.assertIn("'nosuchthing' is neither an item nor a symptom kind", unknown.stderr)
        # Events written in one instant come back newest first.
        self.ok("symptom", "migraine", "4")
        self.ok("symptom", "migraine", "5")
        severities = [e["severity"] for e in self.json_of("history", "--item", "migraine")]
        self.assertEqual(severities, [5, 4, 3])
        # A symptom kind takes a prefix, as every item argument does.
        self.assertEqual([e["severity"] for e in self.json_of("history", "--item", "migr")],
                         [5, 4, 3])

    def test_status_says_when_a_snoozed_dose_comes_back(self):
        until = self.ok("snooze", "second", "10m").stdout.split(" until ")[1].strip()
        row = [line for line in self.ok("status").stdout.splitlines() if " second " in line][0]
        self.assertRegex(row, r"snoozed\s+until " + until + "$")

    def test_no_verb_takes_a_time_hours_ahead(self):
        ahead = local_text(harness.now_usec() + 15 * HOUR_USEC)
        for args in (("take", "first", "--at", ahead), ("log", "topical", "--at", ahead),
                     ("symptom", "migraine", "4", "--at", ahead)):
            refused = self.failed(*args)
            self.assertIn("cannot be in the future", refused.stderr)
        self.assertEqual(self.events("topical"), [])
        self.assertEqual([e for e in self.daemon.history() if e["event"] == "symptom"], [])


if __name__ == "__main__":
    harness.main()
