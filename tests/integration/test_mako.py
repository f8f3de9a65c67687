"""mako under a headless sway (issue 14): a reminder as mako really shows it, Taken pressed
through mako itself (`makoctl invoke taken`), and mako with `actions=0`, whose reminder
says how to confirm from the CLI. The stack (sway, mako, regimend, regimenctl) runs as an
unprivileged user when the test runs as root (desktop.SwayTestCase). Skipped, saying why,
only where a binary is missing or cannot start."""

import os

import desktop
import harness
from harness import wait_for

SUMMARY = desktop.SUMMARY


class Mako(desktop.SwayTestCase):

    def setUp(self):
        super().setUp()
        absent = desktop.missing("mako", "makoctl", "grim")
        if absent:
            self.skipTest(f"{absent} is not installed (scripts/setup-tests.sh installs it)")

    def reminder_item(self):
        return harness.dose_item("glycinate-pm", 3, name=SUMMARY, dose="2 capsules",
                                 amount="300 mg", notes="with water, 1h before bed")

    def test_a_reminder_in_mako_and_taken_through_makoctl(self):
        self.start_sway()
        self.start_mako(actions=True)
        recorder = self.start_recorder()
        self.start_regimend([self.reminder_item()])

        shown = wait_for(self.shown, timeout=30, message="mako never showed the reminder")
        self.assertEqual(len(shown), 1)
        self.assertIn("2 capsules, 300 mg", shown[0]["body"])
        self.assertEqual(shown[0]["app-name"], "regimend")
        self.assertEqual(set(shown[0]["actions"]), {"taken", "snooze", "skip"})
        self.assertNotIn("regimenctl take", shown[0]["body"])

        screenshot = os.path.join(self.home, "mako-reminder.png")  # the user writes it
        self.run_user("grim", screenshot)
        with open(screenshot, "rb") as picture:
            self.assertEqual(picture.read(8), b"\x89PNG\r\n\x1a\n")
        desktop.keep_screenshot(screenshot, "mako-reminder.png")

        # Taken, through mako: it emits ActionInvoked as for a click on the button.
        self.run_user("makoctl", "invoke", "-n", str(shown[0]["id"]), "taken")
        taken = recorder.wait("DoseTaken", timeout=30)
        self.assertEqual(str(taken[0]), "glycinate-pm")
        self.assertEqual(self.dose_state(), ["taken"])
        wait_for(lambda: not self.shown(), timeout=30,
                 message="the answered reminder stayed in mako")

    def test_mako_without_actions_gets_the_cli_line(self):
        self.start_sway()
        self.start_mako(actions=False)
        self.start_regimend([self.reminder_item()])
        shown = wait_for(self.shown, timeout=30, message="mako never showed the reminder")
        self.assertIn("Confirm with: regimenctl take glycinate-pm", shown[0]["body"])
        self.assertEqual(shown[0].get("actions", {}), {})
        # And the CLI line does confirm it.
        self.ctl("take", "glycinate-pm")
        self.assertEqual(self.dose_state(), ["taken"])


if __name__ == "__main__":
    harness.main()
