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
        self.start(reminders={"repeat_every": "3s", "escalate_after": "1h", "missed_after": "2h"})
        shown = self.server.wait_reminders("Magnesium <glycinate>")[0]
        self.daemon.kill()  # a crash: nothing is tidied up
        self.daemon.start()
        self.daemon.wait_log("resumed 1 notification(s) shown by an earlier run")
        # The next repeat replaces the notification still on screen instead of stacking.
        calls = len(self.server.reminders_of("Magnesium <glycinate>"))
        repeat = self.server.wait_reminders("Magnesium <glycinate>", count=calls + 1)[-1]
        self.assertEqual(repeat["replaces_id"], shown["id"])
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

    def test_confirm_over_dbus_closes_the_notification(self):
        self.start(reminders={"repeat_every": "1h"})
        shown = self.server.wait_reminders("Magnesium <glycinate>")[0]
        planned = self.daemon.call("Confirm", "glycinate", dbus.UInt64(0))  # a unique prefix
        taken = self.recorder.wait("DoseTaken")
        self.assertEqual(int(planned), int(taken[1]))
        wait_for(lambda: shown["id"] in self.server.closed_ids())


if __name__ == "__main__":
    harness.main()
