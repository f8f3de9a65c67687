#!/usr/bin/python3
"""Today (an addition to org.regimend.Regimen1): what `regimenctl status` shows, in one call.
It must say what the spec's members say (ListDoses of the local day, NextDue, TimeZone) and
carry the warnings the daemon found when it linted the regimen, so the CLI no longer reads
and lints the file itself.

The regimen's zone is a fixed-offset zone in which it is around noon while the test runs,
so "today" never crosses midnight under a test."""

import json
import os
import subprocess

import harness
from test_ctl_daemon import ZONE, item, read_text, CtlTestCase


def today(daemon):
    zone, doses, next_item, next_name, next_planned, snoozed, warnings = daemon.call("Today")
    return {
        "zone": str(zone),
        "doses": [(str(i), str(n), int(p), str(s), int(a)) for i, n, p, s, a in doses],
        "next": (str(next_item), str(next_name), int(next_planned)),
        "snoozed": [(str(i), int(p), int(u)) for i, p, u in snoozed],
        "warnings": [str(w) for w in warnings],
    }


class Today(CtlTestCase):
    def setUp(self):
        super().setUp()
        self.start_regimen([
            item("due-now", 2, "Due now"),
            item("snooze-me", 2, "Snoozed thing"),
            item("later", 3 * 3600, "Later today"),
            # Lint says magnesium oxide is poorly absorbed: a warning, never an error.
            item("oxide", 4 * 3600, "Magnesium oxide", tags=["magnesium"]),
        ])
        for item_id in ("due-now", "snooze-me"):
            self.wait_state(item_id, "due")

    def test_today_says_what_the_spec_members_say(self):
        self.ok("snooze", "snooze-me", "20m")
        view = today(self.daemon)
        self.assertEqual(view["zone"], ZONE)
        self.assertEqual(view["zone"], str(self.daemon.get_property("TimeZone")))
        first, last = view["doses"][0][2], view["doses"][-1][2]
        listed = [(r["item"], r["name"], r["planned"], r["state"], r["acted_at"])
                  for r in self.daemon.doses(first, last + 1_000_000)]
        self.assertEqual(view["doses"], listed)
        self.assertEqual({d[0] for d in view["doses"]}, {"due-now", "snooze-me", "later", "oxide"})
        next_due = int(self.daemon.get_property("NextDue"))
        self.assertEqual(view["next"][2], next_due)
        self.assertIn(view["next"][0], {"due-now", "snooze-me"})
        snoozed = [s for s in view["snoozed"] if s[0] == "snooze-me"]
        self.assertEqual(len(snoozed), 1)
        self.assertGreaterEqual(snoozed[0][2] - harness.now_usec(), 18 * 60 * 1_000_000)

    def test_warnings_come_from_the_daemon(self):
        check = json.loads(self.ctl("check", "--json").stdout)
        linted = [w["message"] for w in check["warnings"]]
        self.assertTrue(any("oxide" in w for w in linted), check)
        view = today(self.daemon)
        self.assertEqual(len(view["warnings"]), len(linted), view["warnings"])
        for message, warning in zip(linted, view["warnings"]):
            self.assertIn(message, warning)
        # status prints the daemon's warnings.
        self.assertEqual(self.json_of("status")["warnings"], view["warnings"])

        # A file that no longer loads: the running regimen stays, and Today says so.
        good = read_text(self.daemon.config_path)
        self.daemon.write_regimen(good.replace("items:", "items:\n  - id: broken\n    at: 8am", 1))
        self.assertEqual(self.ctl("reload").returncode, 1)
        view = today(self.daemon)
        self.assertIn("oxide", {d[0] for d in view["doses"]})
        self.assertTrue(any("has errors" in w for w in view["warnings"]), view["warnings"])

        # Fixed again: the warning goes and the lint of the new regimen comes back.
        self.daemon.write_regimen(good)
        self.ok("reload")
        self.assertEqual(len(today(self.daemon)["warnings"]), len(linted))


class HistoryAnswers(CtlTestCase):
    """HistoryAnswers (an addition): History without the `due` events, which `regimenctl
    history` hides unless --all, so its time goes with the events it shows."""

    def setUp(self):
        super().setUp()
        self.start_regimen([item("first", 2, "First"), item("second", 2, "Second")])
        for item_id in ("first", "second"):
            self.wait_state(item_id, "due")
        self.ok("take", "first")
        self.ok("skip", "second")

    def test_history_answers_is_history_without_due_events(self):
        now = harness.now_usec()
        span = (now - 3600 * 1_000_000, now + 60 * 1_000_000)
        everything = [tuple(e) for e in self.daemon.call("History", *span)]
        answers = [tuple(e) for e in self.daemon.call("HistoryAnswers", *span)]
        self.assertEqual({str(e[1]) for e in everything}, {"due", "taken", "skipped"})
        self.assertEqual(answers, [e for e in everything if str(e[1]) != "due"])

    def test_history_columns_are_history_rows_as_columns(self):
        now = harness.now_usec()
        span = (now - 3600 * 1_000_000, now + 60 * 1_000_000)
        for method, with_due in (("History", True), ("HistoryAnswers", False)):
            rows = [tuple(e) for e in self.daemon.call(method, *span)]
            texts, items, kinds, planned, at, notes, severities = self.daemon.call(
                "HistoryColumns", span[0], span[1], with_due)
            self.assertEqual(len(set(texts)), len(texts))  # each text once
            columns = [(texts[i], texts[k], p, a, texts[n], s)
                       for i, k, p, a, n, s in zip(items, kinds, planned, at, notes, severities)]
            self.assertEqual(columns, rows)
            self.assertTrue(rows)

    def test_history_verb_shows_the_same(self):
        shown = self.ok("history").stdout
        self.assertIn("taken", shown)
        self.assertIn("skipped", shown)
        self.assertNotIn(" due ", shown)
        self.assertIn(" due ", self.ok("history", "--all").stdout)
        events = {e["event"] for e in self.json_of("history")}
        self.assertEqual(events, {"due", "taken", "skipped"})


class NoItems(CtlTestCase):
    """The first run's inactive example lists no item: status says how to add some."""

    def test_status_says_the_regimen_has_no_items_yet(self):
        text = harness.regimen_yaml([], zone=ZONE).replace("items:\n", "items: []\n")
        self.daemon = self.start_daemon(text)
        # The full program's status (the front, while it exists, answers a bare one alone).
        full = getattr(harness, "REGIMENCTL_FULL", None)
        program = full if full and os.path.exists(full) else harness.REGIMENCTL
        result = subprocess.run([program, "status"], env=dict(self.daemon.env, NO_COLOR="1"),
                                capture_output=True, text=True, timeout=60)
        self.assertEqual(result.returncode, 0, result.stderr)
        lines = result.stdout.splitlines()
        self.assertTrue(lines[0].startswith("Today, "), result.stdout)
        self.assertIn("  the regimen has no items yet: `regimenctl edit` (the example is "
                      "commented out in it)", lines)
        self.assertNotIn("No doses planned", result.stdout)
        self.assertNotIn("Next:", result.stdout)


if __name__ == "__main__":
    harness.main()
