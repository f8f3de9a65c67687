"""dunst 1.9 under Xvfb (issue 14): a reminder as dunst really shows it, and Taken pressed
through dunst itself. dunst's context menu (`dunstctl context`) feeds its `dmenu` setting
one line per action ("#Taken (summary) [id,taken]"); the test's dmenu is a script that
prints the Taken line, as a person picking it would, and dunst invokes the action.
dunst sends ActionInvoked only to the connection that showed the notification, so the
restart tests (issue 24 cases 1 and 2) prove the daemon shows its open reminders again
from its new connection, and to a dunst that was restarted, at once (repeat_every is 1h).
Skipped, saying why, where dunst or Xvfb is missing or cannot start; under CI=true that
fails instead (scripts/setup-tests.sh installs them)."""

import json
import os
import subprocess
import textwrap

import desktop
import harness
from harness import wait_for

SUMMARY = "Magnesium glycinate"


class Dunst(harness.DaemonTestCase):

    def setUp(self):
        super().setUp()
        absent = desktop.missing("dunst", "dunstctl", "Xvfb", "dbus-send", "busctl")
        if absent:
            desktop.unavailable(self, f"{absent} is not installed (scripts/setup-tests.sh installs it)")
        self.tmp = desktop.temporary_directory(self, "regimend-dunst-")
        try:
            self.xvfb = desktop.Xvfb(640, 160).start()
        except (OSError, RuntimeError) as error:
            desktop.unavailable(self, f"Xvfb cannot start: {error}")
        self.addCleanup(self.xvfb.stop)
        self.env = dict(os.environ, DISPLAY=self.xvfb.display,
                        DBUS_SESSION_BUS_ADDRESS=self.bus.address, HOME=self.tmp)
        self.env.pop("WAYLAND_DISPLAY", None)

    def write_config(self):
        self.menu_input = os.path.join(self.tmp, "menu-input")
        picker = os.path.join(self.tmp, "pick-taken")
        with open(picker, "w") as script:
            # dunst writes the menu on stdin and reads the chosen line from stdout.
            script.write(textwrap.dedent(f"""\
                #!/bin/sh
                tee '{self.menu_input}' | grep ',taken]$' | head -n 1
                """))
        os.chmod(picker, 0o755)
        config = os.path.join(self.tmp, "dunstrc")
        with open(config, "w") as out:
            out.write(textwrap.dedent(f"""\
                [global]
                    font = DejaVu Sans 10
                    width = 420
                    height = 120
                    origin = top-right
                    offset = 10x10
                    frame_width = 2
                    padding = 10
                    horizontal_padding = 10
                    markup = full
                    format = "<b>%s</b>\\n%b"
                    dmenu = {picker}
                    show_indicators = yes
                    mouse_left_click = do_action, close_current
                [urgency_normal]
                    background = "#2b303b"
                    foreground = "#eff1f5"
                    frame_color = "#8fa1b3"
                    timeout = 0
                [urgency_critical]
                    background = "#bf616a"
                    foreground = "#ffffff"
                    frame_color = "#ffffff"
                    timeout = 0
                """))
        return config

    def start_dunst(self):
        config = self.write_config()
        log = open(os.path.join(self.tmp, "dunst.log"), "w")
        self.dunst = desktop.start_group(["dunst", "-config", config], env=self.env,
                                         stdout=log, stderr=log)
        log.close()
        self.addCleanup(desktop.stop_group, self.dunst)
        connection = self.bus.connect()
        try:
            wait_for(lambda: self.dunst.poll() is not None
                     or connection.name_has_owner(harness.NOTIFICATIONS), timeout=30)
        finally:
            connection.close()
        if self.dunst.poll() is not None:
            with open(os.path.join(self.tmp, "dunst.log")) as dunst_log:
                desktop.unavailable(self, f"dunst cannot start (exit {self.dunst.returncode}): "
                                    + dunst_log.read()[-500:])

    def dunstctl(self, *args):
        result = subprocess.run(["dunstctl", *args], env=self.env, capture_output=True,
                                text=True, timeout=30)
        self.assertEqual(result.returncode, 0, result.stderr)
        return result.stdout

    def displayed(self):
        return int(self.dunstctl("count", "displayed").split(":")[-1])

    def test_a_reminder_in_dunst_and_taken_through_its_menu(self):
        self.start_dunst()
        recorder = self.start_recorder()
        item = harness.dose_item("glycinate-pm", 3, name=SUMMARY, dose="2 capsules",
                                 amount="300 mg", notes="with water, 1h before bed")
        daemon = self.start_daemon(harness.regimen_yaml(
            [item], reminders={"repeat_every": "1h", "escalate_after": "1h",
                               "missed_after": "3h"}))

        # The reminder reaches dunst, which holds one notification on screen.
        wait_for(lambda: self.displayed() == 1, timeout=30,
                 message="dunst never showed the reminder:\n" + daemon.log())
        self.assertIn("actions", daemon.log())  # dunst said it has the capability
        screenshot = os.path.join(self.tmp, "dunst-reminder.png")
        if desktop.missing("import", "xwininfo") is None:
            # dunst draws asynchronously: take the picture once the window is mapped.
            wait_for(lambda: subprocess.run(
                ["xwininfo", "-root", "-tree"], env=self.env, capture_output=True,
                text=True).stdout.count("Dunst") >= 1, timeout=10)
            subprocess.run(["import", "-window", "root", screenshot], env=self.env,
                           check=True, timeout=30, capture_output=True)
            desktop.keep_screenshot(screenshot, "dunst-reminder.png")

        # Taken, through dunst's own context menu and the dmenu script.
        self.dunstctl("context")
        taken = recorder.wait("DoseTaken", timeout=30)
        self.assertEqual(str(taken[0]), "glycinate-pm")
        with open(self.menu_input) as menu:
            lines = menu.read().splitlines()
        self.assertIn(f"#Taken ({SUMMARY}) [", "\n".join(lines))
        self.assertTrue(any(line.endswith(",snooze]") for line in lines), lines)
        self.assertTrue(any(line.endswith(",skip]") for line in lines), lines)

        # The dose is recorded, and dunst no longer shows the reminder.
        events = [e["event"] for e in daemon.history() if e["item"] == "glycinate-pm"]
        self.assertEqual(events, ["due", "taken"])
        self.assertIn("taken", daemon.ctl("status").stdout)
        wait_for(lambda: self.displayed() == 0, timeout=30,
                 message="the answered reminder stayed on screen")
        # What dunst kept: the reminder, with its body, in its history.
        history = json.loads(self.dunstctl("history"))
        entries = history["data"][0]
        summaries = [entry["summary"]["data"] for entry in entries]
        self.assertIn(SUMMARY, summaries)
        body = entries[summaries.index(SUMMARY)]["body"]["data"]
        self.assertIn("2 capsules, 300 mg", body)

    def start_reminder(self):
        """dunst, a recorder and a daemon whose reminder dunst displays."""
        self.start_dunst()
        recorder = self.start_recorder()
        item = harness.dose_item("glycinate-pm", 3, name=SUMMARY, dose="2 capsules")
        daemon = self.start_daemon(harness.regimen_yaml(
            [item], reminders={"repeat_every": "1h", "escalate_after": "1h",
                               "missed_after": "3h"}))
        wait_for(lambda: self.displayed() == 1, timeout=30,
                 message="dunst never showed the reminder:\n" + daemon.log())
        # The id is known (and kept) once dunst's answer to Notify is handled.
        daemon.wait_log("shows 'glycinate-pm'")
        return recorder, daemon

    def press_taken(self, recorder, timeout=30):
        """Presses Taken through dunst's menu, again every 2 s until DoseTaken comes: a
        press that reaches a notification the new connection has not yet replaced goes to a
        connection that is gone. `timeout` is far below repeat_every (1h), so only showing
        the reminder again at once makes it pass."""
        def pressed():
            self.dunstctl("context")
            try:
                return recorder.wait("DoseTaken", timeout=2)
            except AssertionError:
                return None
        taken = wait_for(pressed, timeout=timeout,
                         message="Taken pressed in dunst was never recorded")
        self.assertEqual(str(taken[0]), "glycinate-pm")
        return taken

    def test_taken_in_dunst_after_the_daemon_restarted(self):
        recorder, daemon = self.start_reminder()
        daemon.stop()
        daemon.start()
        self.assertEqual(self.displayed(), 1)
        self.press_taken(recorder)
        events = [e["event"] for e in daemon.history() if e["item"] == "glycinate-pm"]
        self.assertEqual(events, ["due", "taken"])
        # Replaced in place, not stacked: once answered, nothing of it stays on screen.
        wait_for(lambda: self.displayed() == 0, timeout=30,
                 message="a reminder stayed on screen after Taken")

    def test_a_restarted_dunst_is_given_the_open_reminder_at_once(self):
        recorder, daemon = self.start_reminder()
        desktop.stop_group(self.dunst)
        connection = self.bus.connect()
        try:
            wait_for(lambda: not connection.name_has_owner(harness.NOTIFICATIONS), timeout=30)
        finally:
            connection.close()
        self.start_dunst()
        wait_for(lambda: self.displayed() == 1, timeout=30,
                 message="the restarted dunst was not given the open reminder:\n"
                 + daemon.log())
        self.press_taken(recorder)
        wait_for(lambda: self.displayed() == 0, timeout=30,
                 message="the answered reminder stayed on screen")


if __name__ == "__main__":
    harness.main()
