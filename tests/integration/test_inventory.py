"""Inventory through regimenctl and a real regimend on a private bus with the mock
notification server: a count set to 10, a take, an undo, a refill; the low-stock notice
shown once, not again the same day nor after a restart, again at the next day's first
reminder; StockLow, LowStock, status warnings, history and CSV quantities, and the
refusals of Refill."""

import csv
import io
import math
import sqlite3

import dbus

import harness
from test_ctl_daemon import ZONE, CtlTestCase, item

STOCK = {"per_dose": 2, "unit": "capsules", "warn_before": "7d"}
SUMMARY = "Magnesium glycinate"


class Inventory(CtlTestCase):
    def setUp(self):
        super().setUp()
        self.server = self.start_notifications()
        self.recorder = self.start_recorder()
        self.start_regimen([
            item("gly", 2, SUMMARY, dose="2 capsules", stock=STOCK),
            item("plain", 3 * 3600, "No stock kept"),
            {"id": "spray", "name": "Topical spray", "as_needed": True,
             "stock": {"unit": "sprays"}},
        ])
        self.server.wait_reminders(SUMMARY)
        self.wait_state("gly", "due")

    def failed(self, *args):
        result = self.ctl(*args)
        self.assertEqual(result.returncode, 1,
                         f"regimenctl {' '.join(args)}:\n{result.stdout}{result.stderr}")
        return result

    def stock_of(self, item_id):
        rows = [row for row in self.json_of("stock") if row["item"] == item_id]
        self.assertEqual(len(rows), 1)
        return rows[0]

    def low_notices(self):
        return [call for call in self.server.notify_calls()
                if call["summary"].startswith(SUMMARY + ":")]

    def test_set_take_undo_refill_and_the_notice_once(self):
        unknown = self.stock_of("gly")
        self.assertIsNone(unknown["on_hand"])
        self.assertIsNone(unknown["runs_out"])
        self.assertIn("unknown — set it with regimenctl refill gly N --set",
                      self.ok("stock").stdout)
        self.assertNotIn("plain", [row["item"] for row in self.json_of("stock")])

        result = self.ok("refill", "gly", "10", "--set")
        self.assertEqual(result.stdout, f"Stock of {SUMMARY} set to 10 capsules.\n")
        row = self.stock_of("gly")
        self.assertEqual((row["on_hand"], row["unit"], row["per_dose"], row["doses_left"]),
                         (10, "capsules", 2, 5))
        self.assertIsNotNone(row["runs_out"])

        # Five doses from today's open one: it runs out within 7 days, so once: a notice,
        # StockLow, LowStock, and a line in status's warnings.
        notices = harness.wait_for(self.low_notices, message="no low-stock notice")
        self.assertEqual(len(notices), 1)
        self.assertTrue(notices[0]["summary"].startswith(f"{SUMMARY}: 10 capsules left, about "),
                        notices[0]["summary"])
        self.assertIn("regimenctl refill gly", notices[0]["body"])
        self.recorder.wait("StockLow", lambda args: str(args[0]) == "gly"
                           and float(args[1]) == 10.0 and int(args[2]) > 0)
        self.assertEqual([str(i) for i in self.daemon.get_property("LowStock")], ["gly"])
        warnings = self.json_of("status")["warnings"]
        self.assertTrue(any(w.startswith(f"{SUMMARY}: 10 capsules left") for w in warnings),
                        warnings)

        self.ok("take", "gly")
        self.assertEqual(self.stock_of("gly")["on_hand"], 8)
        self.ok("undo", "gly")
        self.assertEqual(self.stock_of("gly")["on_hand"], 10)
        self.ok("take", "gly")
        self.assertEqual(self.stock_of("gly")["on_hand"], 8)

        # A restart the same day does not repeat it.
        self.daemon.stop()
        self.daemon.start()
        self.assertEqual([str(i) for i in self.daemon.get_property("LowStock")], ["gly"])

        refilled = self.ok("refill", "gl", "20")  # a unique prefix
        self.assertEqual(refilled.stdout, f"Refilled {SUMMARY} with 20 capsules: 28 capsules on hand.\n")
        self.assertEqual(self.stock_of("gly")["on_hand"], 28)
        harness.wait_for(lambda: list(self.daemon.get_property("LowStock")) == [],
                         message="LowStock kept gly after the refill")
        self.assertFalse(any(w.startswith(SUMMARY) for w in self.json_of("status")["warnings"]))
        self.assertEqual(len(self.low_notices()), 1)
        self.recorder.wait("PropertiesChanged",
                           lambda args: "LowStock" in args[1] and list(args[1]["LowStock"]) == [])

        # The history has every step, with the quantities; the CSV carries them.
        events = [e for e in self.json_of("history") if e["item"] == "gly" and e["event"] != "due"]
        kinds = [e["event"] for e in reversed(events)]
        self.assertEqual(kinds, ["stock", "taken", "undone", "taken", "refill"])
        self.assertEqual([e["quantity"] for e in reversed(events)], [10, None, None, None, 20])
        self.assertIn("+20", self.ok("history").stdout)
        rows = list(csv.DictReader(io.StringIO(self.ok("export", "--format", "csv").stdout)))
        self.assertEqual([r["quantity"] for r in rows if r["event"] in ("stock", "refill")],
                         ["10", "20"])

    def test_the_notice_comes_back_at_the_next_days_first_reminder(self):
        self.ok("refill", "gly", "4", "--set")
        harness.wait_for(lambda: len(self.low_notices()) == 1)
        self.ok("take", "gly")
        # As if the notice had been shown yesterday: the record the daemon keeps, moved back.
        self.daemon.stop()
        with sqlite3.connect(self.daemon.db_path) as db:
            (shown,) = db.execute(
                "SELECT value FROM meta WHERE key = 'stock_warned:gly'").fetchone()
            db.execute("UPDATE meta SET value = ? WHERE key = 'stock_warned:gly'",
                       (int(shown) - 86400,))
        self.daemon.start()
        # A start is not a reminder: nothing yet. The next reminder of gly brings it back.
        self.daemon.write_regimen(harness.regimen_yaml([
            item("gly", [2, 4], SUMMARY, dose="2 capsules", stock=STOCK),
        ], zone=ZONE))
        reminders = self.server.wait_reminders(SUMMARY, count=2)
        self.assertIn("2 capsules left", reminders[-1]["body"])
        notices = harness.wait_for(lambda: (lambda n: n if len(n) == 2 else None)(
            self.low_notices()), message="the next day's reminder did not repeat the notice")
        self.assertTrue(notices[1]["summary"].startswith(f"{SUMMARY}: 2 capsules left"))
        # Its repeats and the other reminders of that day do not.
        self.server.wait_reminders(SUMMARY, count=3)
        self.assertEqual(len(self.low_notices()), 2)

    def test_refill_refusals_name_the_problem(self):
        for args, message in [
            (("refill", "gly", "-3"), None),
            (("refill", "gly", "nan"), "QUANTITY must be a number"),
            (("refill", "gly", "2000000"), "at most 1000000"),
        ]:
            result = self.ctl(*args)
            self.assertEqual(result.returncode, 2, f"{args}: {result.stdout}{result.stderr}")
            if message:
                self.assertIn(message, result.stderr)
        unstocked = self.failed("refill", "plain", "5")
        self.assertIn("keeps no stock", unstocked.stderr)
        self.assertIn("per_dose", unstocked.stderr)
        for quantity in (-1.0, math.nan, 1e7, math.inf):
            self.assertEqual(
                harness.dbus_error_name(lambda: self.daemon.call(
                    "Refill", "gly", dbus.Double(quantity), False)),
                "org.regimend.Regimen1.Error.InvalidArgument", quantity)
        self.assertEqual(
            harness.dbus_error_name(lambda: self.daemon.call("Refill", "nosuch", 1.0, False)),
            "org.regimend.Regimen1.Error.UnknownItem")
        self.assertEqual([e for e in self.daemon.history() if e["event"] in ("refill", "stock")],
                         [])

    def test_as_needed_stock_and_stock_over_dbus(self):
        self.assertEqual(float(self.daemon.call("Refill", "spray", 30.0, True)), 30.0)
        for _ in range(3):
            self.ok("log", "spray")
        rows = {str(r[0]): r for r in self.daemon.call("Stock")}
        self.assertEqual(set(rows), {"gly", "spray"})
        self.assertEqual(float(rows["spray"][1]), 27.0)
        self.assertEqual(float(rows["spray"][2]), 1.0)
        self.assertEqual(float(rows["spray"][3]), 27.0)
        self.assertGreater(int(rows["spray"][4]), harness.now_usec())
        self.assertTrue(math.isnan(float(rows["gly"][1])))
        self.assertEqual(int(rows["gly"][4]), 0)
        text = self.ok("stock").stdout
        self.assertIn("27 sprays", text)


if __name__ == "__main__":
    harness.main()
