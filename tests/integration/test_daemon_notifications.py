"""A due dose on the desktop: the reminder, its buttons, repeats, escalation and missed."""

import dbus

import harness
from harness import wait_for

# Small enough to watch a whole life cycle in seconds.
FAST = {"repeat_every": "2s", "escalate_after": "4s", "missed_after": "8s", "snooze": "2s"}
LEAD = 4  # seconds from writing the regimen to the dose: the daemon starts well before


class Notifications(harness.DaemonTestCase):

    def start(self, capabilities=None, reminders=None, **fields):
        self.server = self.start_notifications(capabilities)
        self.recorder = self.start_recorder()
        item = harness.dose_item("glycinate-pm", LEAD, name="Magnesium <glycinate>",
                                 dose="2 capsules", amount="200 mg",
                                 notes="with food & water", **fields)
        self.daemon = self.start_daemon(harness.regimen_yaml([item], reminders=reminders))
        return self.daemon

    def test_a_due_dose_is_shown_with_buttons_and_hints(self):
        self.start(reminders={"repeat_every": "1h"})
        first = self.server.wait_reminders("Magnesium <glycinate>")[0]
        self.assertEqual(first["app_name"], "regimend")
        self.assertEqual(first["replaces_id"], 0)
        self.assertEqual(first["actions"], ["taken", "Taken", "snooze", "Snooze", "skip", "Skip"])
        self.assertEqual(int(first["hints"]["urgency"]), 1)
        self.assertEqual(str(first["hints"]["category"]), "x-regimend.reminder")
        self.assertEqual(str(first["hints"]["desktop-entry"]), "regimend")
        self.assertTrue(bool(first["hints"]["resident"]))
        self.assertEqual(first["expire_timeout"], 0)
        # The server has body-markup: the notes are escaped, the amount is there.
        self.assertIn("2 capsules, 200 mg", first["body"])
        self.assertIn("with food &amp; water", first["body"])
        self.assertNotIn("regimenctl take", first["body"])
        due = self.recorder.wait("DoseDue")
        self.assertEqual(str(due[0]), "glycinate-pm")

    def test_taken_from_the_notification_is_recorded_and_closed(self):
        self.start(reminders={"repeat_every": "1h"})
        shown = self.server.wait_reminders("Magnesium <glycinate>")[0]
        self.server.invoke_action(shown["id"], "taken")
        taken = self.recorder.wait("DoseTaken")
        self.assertEqual(str(taken[0]), "glycinate-pm")
        wait_for(lambda: shown["id"] in self.server.closed_ids(),
                 message="the answered notification was not closed")
        events = [e for e in self.daemon.history() if e["item"] == "glycinate-pm"]
        self.assertEqual([e["event"] for e in events], ["due", "taken"])
        self.assertEqual(events[1]["planned"], int(taken[1]))
        doses = self.daemon.doses(int(taken[1]), int(taken[1]) + 1_000_000)
        self.assertEqual(doses[0]["state"], "taken")

    def test_a_reminder_on_screen_keeps_working_after_a_restart(self):
        self.start(reminders={"repeat_every": "1h", "escalate_after": "1h", "missed_after": "2h"})
        shown = self.server.wait_reminders("Magnesium <glycinate>")[0]
        # The id is known (and kept) once the server's answer to Notify is handled.
        self.daemon.wait_log(f"notification {shown['id']} shows 'glycinate-pm'")
        self.daemon.kill()  # a crash: nothing is tidied up
        self.server.clear()
        self.daemon.start()
        self.daemon.wait_log("resumed 1 notification(s) shown by an earlier run")
        # Shown again at once from the new connection (an hour before its next repeat),
        # replacing the notification still on screen instead of stacking.
        again = self.server.wait_reminders("Magnesium <glycinate>")
        self.assertEqual([call["replaces_id"] for call in again], [shown["id"]])
        # Its Taken button answers the dose the earlier run showed it for.
        self.server.invoke_action(shown["id"], "taken")
        taken = self.recorder.wait("DoseTaken")
        self.assertEqual(str(taken[0]), "glycinate-pm")
        wait_for(lambda: shown["id"] in self.server.closed_ids(),
                 message="the answered notification was not closed")

    def test_ids_of_another_server_are_not_reused_after_a_restart(self):
        self.start(reminders={"repeat_every": "3s", "escalate_after": "1h", "missed_after": "2h"})
        shown = self.server.wait_reminders("Magnesium <glycinate>")[0]
        self.daemon.stop()
        self.server.stop()
        self.server = self.start_notifications()
        self.daemon.start()
        fresh = self.server.wait_reminders("Magnesium <glycinate>")[0]
        self.assertEqual(fresh["replaces_id"], 0)
        self.assertNotIn("resumed", self.daemon.log().split("ready on")[-1])
        self.server.invoke_action(shown["id"] + 100, "taken")  # not ours: ignored
        self.server.invoke_action(fresh["id"], "taken")
        self.recorder.wait("DoseTaken")

    def start_group(self):
        self.server = self.start_notifications()
        self.recorder = self.start_recorder()
        at = harness.clock_in(LEAD)
        items = [{"id": "threonate-am", "name": "Threonate", "dose": "2 capsules", "at": at},
                 {"id": "glycinate-pm", "name": "Glycinate", "amount": "200 mg", "at": at},
                 {"id": "later", "name": "Later", "at": harness.clock_in(3 * 3600)}]
        self.daemon = self.start_daemon(
            harness.regimen_yaml(items, reminders={"repeat_every": "1h"}))
        summary = wait_for(lambda: [c for c in self.server.notify_calls()
                                    if c["summary"].startswith("2 doses due ")])[0]
        return summary

    def test_doses_due_together_share_one_notification_whose_taken_answers_all(self):
        shown = self.start_group()
        self.assertIn("Threonate — 2 capsules", shown["body"])
        self.assertIn("Glycinate — 200 mg", shown["body"])
        reminders = [c for c in self.server.notify_calls() if "hints" in c
                     and str(c["hints"].get("category")) == "x-regimend.reminder"]
        self.assertEqual(len(reminders), 1, reminders)
        self.server.invoke_action(shown["id"], "taken")
        for item_id in ("threonate-am", "glycinate-pm"):
            self.recorder.wait("DoseTaken", lambda args, i=item_id: str(args[0]) == i)
        wait_for(lambda: shown["id"] in self.server.closed_ids(),
                 message="the group's notification was not closed")

    def test_answering_one_of_a_group_from_the_cli_reshows_the_rest(self):
        shown = self.start_group()
        self.assertEqual(self.daemon.ctl("take", "threonate-am").returncode, 0)
        rest = self.server.wait_reminders("Glycinate")[-1]
        self.assertEqual(rest["replaces_id"], shown["id"])
        self.assertNotIn(shown["id"], self.server.closed_ids())
        self.assertEqual(self.daemon.ctl("skip", "glycinate-pm").returncode, 0)
        wait_for(lambda: shown["id"] in self.server.closed_ids(),
                 message="the last dose's answer did not close the notification")

    def test_undoing_a_group_brings_back_the_one_group(self):
        """Issue 32 case 9: a group answered and then taken back is one notification again,
        not one per dose; taking back one dose of a group whose other dose is still on
        screen joins that notification."""
        shown = self.start_group()
        self.server.invoke_action(shown["id"], "taken")
        for item_id in ("threonate-am", "glycinate-pm"):
            self.recorder.wait("DoseTaken", lambda args, i=item_id: str(args[0]) == i)
        wait_for(lambda: shown["id"] in self.server.closed_ids())
        before = len(self.server.notify_calls())

        def calls_since(count, predicate=lambda call: True):
            calls = self.server.notify_calls()[before:]
            found = [call for call in calls if predicate(call)]
            return found if len(found) >= count else None

        def is_group(call):
            return call["summary"].startswith("2 doses due ")

        self.assertEqual(self.daemon.ctl("undo", "threonate-am").returncode, 0)
        first = wait_for(lambda: calls_since(1), message="the undone dose was not shown")[0]
        self.assertEqual(first["replaces_id"], 0)
        self.assertEqual(self.daemon.ctl("undo", "glycinate-pm").returncode, 0)
        both = wait_for(lambda: calls_since(1, is_group),
                        message="the undone group was not shown as one notification")[0]
        self.assertEqual(both["replaces_id"], first["id"])
        self.assertIn("Threonate", both["body"])
        self.assertIn("Glycinate", both["body"])
        # One dose answered from the CLI (the rest re-shown), then taken back: it joins the
        # notification of the rest.
        self.assertEqual(self.daemon.ctl("take", "glycinate-pm").returncode, 0)
        wait_for(lambda: calls_since(3), message="the rest of the group was not re-shown")
        self.assertEqual(self.daemon.ctl("undo", "glycinate-pm").returncode, 0)
        again = wait_for(lambda: calls_since(2, is_group),
                         message="the undone dose did not join its group's notification")[1]
        self.assertEqual(again["replaces_id"], first["id"])
        new = [call for call in self.server.notify_calls()[before:] if call["replaces_id"] == 0]
        self.assertEqual(len(new), 1, new)

    def test_snooze_on_a_group_snoozes_all(self):
        shown = self.start_group()
        self.server.invoke_action(shown["id"], "snooze")
        wait_for(lambda: len([e for e in self.daemon.history() if e["event"] == "snoozed"]) == 2,
                 message="not every dose of the group was snoozed")
        wait_for(lambda: shown["id"] in self.server.closed_ids())

    def test_skip_from_the_notification(self):
        self.start(reminders={"repeat_every": "1h"})
        shown = self.server.wait_reminders("Magnesium <glycinate>")[0]
        self.server.invoke_action(shown["id"], "skip")
        skipped = self.recorder.wait("DoseSkipped")
        self.assertEqual(str(skipped[0]), "glycinate-pm")
        wait_for(lambda: shown["id"] in self.server.closed_ids())
        self.assertIn("skipped", [e["event"] for e in self.daemon.history()])

    def test_snooze_closes_and_shows_a_fresh_reminder_later(self):
        self.start(reminders={"repeat_every": "1h", "snooze": "2s"})
        shown = self.server.wait_reminders("Magnesium <glycinate>")[0]
        self.server.invoke_action(shown["id"], "snooze")
        wait_for(lambda: shown["id"] in self.server.closed_ids())
        again = self.server.wait_reminders("Magnesium <glycinate>", count=2)[1]
        # The closed one is gone: the reminder comes back as a new notification.
        self.assertEqual(again["replaces_id"], 0)
        self.assertIn("snoozed", [e["event"] for e in self.daemon.history()])

    def test_unanswered_repeats_in_place_escalates_then_is_missed(self):
        self.start(reminders=FAST)
        missed = self.recorder.wait("DoseMissed")
        self.assertEqual(str(missed[0]), "glycinate-pm")
        reminders = self.server.reminders_of("Magnesium <glycinate>")
        self.assertGreaterEqual(len(reminders), 3)
        first_id = reminders[0]["id"]
        # Repeats replace the first notification instead of stacking new ones.
        self.assertTrue(all(r["replaces_id"] == first_id for r in reminders[1:]))
        urgencies = [int(r["hints"]["urgency"]) for r in reminders]
        self.assertEqual(urgencies[0], 1)
        self.assertEqual(urgencies[-1], 2, "no critical reminder after escalate_after")
        self.assertEqual(urgencies, sorted(urgencies))
        wait_for(lambda: first_id in self.server.closed_ids(),
                 message="the missed dose's notification was not closed")
        notices = wait_for(lambda: [c for c in self.server.notify_calls()
                                    if c["summary"].startswith("Missed")])
        self.assertEqual(len(notices), 1)
        self.assertIn("Magnesium <glycinate>", notices[0]["summary"])
        events = [e["event"] for e in self.daemon.history() if e["item"] == "glycinate-pm"]
        self.assertEqual(events, ["due", "missed"])

    def test_a_server_without_buttons_gets_the_command_in_plain_text(self):
        self.start(capabilities=["body"], reminders={"repeat_every": "1h"})
        shown = self.server.wait_reminders("Magnesium <glycinate>")[0]
        self.assertEqual(shown["actions"], [])
        self.assertIn("Confirm with: regimenctl take glycinate-pm", shown["body"])
        # No body-markup: the text goes as written.
        self.assertIn("with food & water", shown["body"])

    def start_two_open(self):
        """One item with two doses 2 s apart, both due (two notifications): the newer one's
        buttons must answer the newer dose, at the time of the click (issue 24 case 5)."""
        self.server = self.start_notifications()
        self.recorder = self.start_recorder()
        item = harness.dose_item("glycinate-pm", [LEAD, LEAD + 2], name="Glycinate")
        self.daemon = self.start_daemon(harness.regimen_yaml(
            [item], reminders={"repeat_every": "1h", "missed_after": "2h"}))
        shown = self.server.wait_reminders("Glycinate", count=2)
        self.assertNotEqual(shown[0]["id"], shown[1]["id"])
        dues = wait_for(lambda: (lambda d: d if len(d) == 2 else None)(
            self.recorder.of("DoseDue")))
        older, newer = sorted(int(args[1]) for args in dues)
        # History times are whole seconds: press a few seconds after the newer dose's
        # planned instant, so the time of the click cannot be mistaken for it.
        wait_for(lambda: harness.now_usec() >= newer + 3_000_000, timeout=30)
        return shown[1]["id"], older, newer

    @staticmethod
    def second_of(instant_usec):
        return instant_usec // 1_000_000 * 1_000_000

    def test_taken_on_the_newer_of_two_reminders_records_the_click_time(self):
        newer_id, older, newer = self.start_two_open()
        clicked = harness.now_usec()
        self.server.invoke_action(newer_id, "taken")
        taken = self.recorder.wait("DoseTaken")
        self.assertEqual(int(taken[1]), newer, "Taken answered another dose than its own")
        self.assertGreaterEqual(int(taken[2]), self.second_of(clicked),
                                "the planned time was recorded, not the time of the click")
        event = [e for e in self.daemon.history() if e["event"] == "taken"][0]
        self.assertEqual(event["planned"], newer)
        self.assertGreaterEqual(event["at"], self.second_of(clicked))
        self.assertLessEqual(event["at"], harness.now_usec())
        # The older dose is still due.
        states = {d["planned"]: d["state"] for d in self.daemon.doses(older, newer + 1_000_000)}
        self.assertEqual(states, {older: "due", newer: "taken"})

    def test_skip_and_snooze_on_the_newer_reminder_answer_the_newer_dose(self):
        newer_id, older, newer = self.start_two_open()
        clicked = harness.now_usec()
        self.server.invoke_action(newer_id, "snooze")
        snoozed = wait_for(lambda: [e for e in self.daemon.history() if e["event"] == "snoozed"])
        self.assertEqual(snoozed[0]["planned"], newer, "Snooze answered the older dose")
        self.assertGreaterEqual(snoozed[0]["at"], self.second_of(clicked))
        # The older notification's Skip answers the older dose.
        older_id = self.server.reminders_of("Glycinate")[0]["id"]
        self.server.invoke_action(older_id, "skip")
        skipped = self.recorder.wait("DoseSkipped")
        self.assertEqual(int(skipped[1]), older)
        states = {d["planned"]: d["state"] for d in self.daemon.doses(older, newer + 1_000_000)}
        self.assertEqual(states, {older: "skipped", newer: "snoozed"})

    def test_confirm_over_dbus_closes_the_notification(self):
        self.start(reminders={"repeat_every": "1h"})
        shown = self.server.wait_reminders("Magnesium <glycinate>")[0]
        planned = self.daemon.call("Confirm", "glycinate", dbus.UInt64(0))  # a unique prefix
        taken = self.recorder.wait("DoseTaken")
        self.assertEqual(int(planned), int(taken[1]))
        wait_for(lambda: shown["id"] in self.server.closed_ids())


if __name__ == "__main__":
    harness.main()
