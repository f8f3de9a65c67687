"""Corrections and amounts in the diary (issue 26, cases 6, 9, 10, 11), through regimenctl
and a real regimend on a private bus: `undo` of an as-needed dose and of a symptom entry
(and the D-Bus Undo), a date alone for `symptom` and `log --at` (and `take --at` refusing
it), `take --amount` in the history and the stock, `min_interval` and `log --force`."""

import harness
from test_ctl_daemon import CtlTestCase, item


class Diary(CtlTestCase):
    def setUp(self):
        super().setUp()
        topical = {"id": "topical", "name": "Topical", "as_needed": True}
        if "min_interval" in self.id():
            topical["min_interval"] = "4h"
        self.start_regimen([
            item("glycinate", 2, "Magnesium glycinate", amount="300 mg",
                 stock={"per_dose": 3, "unit": "capsules"}),
            {"id": "spray", "name": "Spray", "as_needed": True, "max_per_day": 3,
             "stock": {"per_dose": 1, "unit": "sprays"}},
            topical,
        ])

    def failed(self, code, *args):
        result = self.ctl(*args)
        self.assertEqual(result.returncode, code,
                         f"regimenctl {' '.join(args)}:\n{result.stdout}{result.stderr}")
        return result

    def history(self, item_id):
        return [e for e in self.json_of("history", "--since", "30d") if e["item"] == item_id]

    def test_undo_takes_back_an_as_needed_dose_and_a_symptom_entry(self):
        self.ok("refill", "spray", "10", "--set")
        for _ in range(4):
            logged = self.ok("log", "spray")
        self.assertIn("logged 4 times", logged.stdout)
        self.assertTrue(any("spray was logged 4 times" in w
                            for w in self.json_of("status")["warnings"]))
        undone = self.ok("undo", "spray")
        self.assertTrue(undone.stdout.startswith("Undone: the spray dose logged at "),
                        undone.stdout)
        events = [e["event"] for e in self.history("spray")]
        self.assertEqual(events.count("as_needed"), 4)  # nothing deleted
        self.assertEqual(events.count("undone"), 1)
        # The daily count and the stock leave it out.
        self.assertFalse(any("spray was logged" in w for w in self.json_of("status")["warnings"]))
        stock = [row for row in self.json_of("stock") if row["item"] == "spray"][0]
        self.assertEqual(stock["on_hand"], 7)

        self.ok("symptom", "migraine", "5")
        self.ok("symptom", "migraine", "7")
        self.assertTrue(self.ok("undo", "migraine").stdout.startswith(
            "Undone: the migraine entry at "))
        # The D-Bus Undo takes symptom kinds too (item ids first).
        self.daemon.call("Undo", "migraine")
        self.assertEqual(harness.dbus_error_name(lambda: self.daemon.call("Undo", "migraine")),
                         "org.regimend.Regimen1.Error.NothingToUndo")
        nothing = self.failed(1, "undo", "sleep")
        self.assertIn("No 'sleep' symptom entry in the last 8d to take back", nothing.stderr)
        rows = self.history("migraine")
        self.assertEqual(sorted(e["event"] for e in rows),
                         ["symptom", "symptom", "undone", "undone"])

    def test_a_date_alone_is_a_day_entry_for_symptom_and_log_but_not_take(self):
        result = self.ok("symptom", "migraine", "5", "--at", "2026-11-15")
        self.assertIn("for 2026-11-15", result.stdout)
        entry = self.history("migraine")[0]
        # Noon in the regimen's zone (the tests' zone varies with the hour they run).
        self.assertRegex(entry["at"], r"^2026-11-15T12:00:00[+-]\d\d:\d\d$")
        self.ok("log", "spray", "--at", "2026-11-14")
        self.assertRegex(self.history("spray")[0]["at"], r"^2026-11-14T12:00:00[+-]\d\d:\d\d$")
        shown = self.ok("history", "--since", "2026-11-01").stdout
        self.assertRegex(shown, r"(?m)^2026-11-15\s+symptom\s+migraine")
        self.assertNotIn("2026-11-15 12:00", shown)
        refused = self.failed(2, "take", "glycinate", "--at", "2026-11-15")
        self.assertIn("a time is needed", refused.stderr)

    def test_take_amount_is_recorded_and_counted(self):
        self.ok("refill", "glycinate", "30", "--set")
        self.wait_state("glycinate", "due")
        for bad in ("2 capsules", "lots", "0 mg"):
            self.failed(2, "take", "glycinate", "--amount", bad)
        self.assertEqual(self.dose("glycinate")["state"], "due")
        self.assertIn("200 mg", self.ok("take", "glycinate", "--amount", "200 mg").stdout)
        taken = [e for e in self.history("glycinate") if e["event"] == "taken"]
        self.assertEqual([e["amount"] for e in taken], ["200 mg"])
        self.assertTrue(all(e["amount"] is None for e in self.history("glycinate")
                            if e["event"] != "taken"))
        self.assertIn("took 200 mg", self.ok("history").stdout)
        # per_dose 3 is for 300 mg: 200 mg used 2 capsules.
        stock = [row for row in self.json_of("stock") if row["item"] == "glycinate"][0]
        self.assertEqual(stock["on_hand"], 28)
        # Over D-Bus: ConfirmAmount refuses another unit with InvalidArgument.
        self.assertEqual(harness.dbus_error_name(lambda: self.daemon.call("ConfirmAmount", "glycinate", 0, "1 ml")),
                         "org.regimend.Regimen1.Error.InvalidArgument")

    def test_min_interval_refuses_a_log_too_soon_and_force_records_it(self):
        self.ok("log", "topical")
        refused = self.failed(1, "log", "topical")
        self.assertRegex(refused.stderr, r"next use is allowed from \d{4}-\d\d-\d\d \d\d:\d\d")
        self.assertEqual(harness.dbus_error_name(lambda: self.daemon.call("LogDose", "topical", 0, "")),
                         "org.regimend.Regimen1.Error.InvalidArgument")
        forced = self.ok("log", "topical", "--force")
        self.assertIn("warning: Recorded with --force although it is too soon", forced.stdout)
        self.assertEqual([e["event"] for e in self.history("topical")],
                         ["as_needed", "as_needed"])
        # The last use taken back: the next one is allowed again only after the one before.
        self.ok("undo", "topical")
        self.failed(1, "log", "topical")


if __name__ == "__main__":
    harness.main()
