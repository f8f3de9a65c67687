"""mako under a headless sway (issue 14): a reminder as mako really shows it, Taken pressed
through mako itself (`makoctl invoke taken`), and mako with `actions=0`, whose reminder
says how to confirm from the CLI. sway refuses to run as root, so as root the whole stack
(sway, mako, regimend, regimenctl) runs as the unprivileged user regimend-test, created
here when missing (scripts/setup.sh creates it too); the private bus allows every user.
Skipped, saying why, only where a binary is missing or cannot start."""

import glob
import json
import os
import pwd
import shutil
import subprocess
import textwrap

import desktop
import harness
from harness import wait_for

USER = "regimend-test"
SUMMARY = "Magnesium glycinate"
CALM = {"repeat_every": "1h", "escalate_after": "1h", "missed_after": "3h"}


def ensure_user():
    """The unprivileged account, created (system, with a home) when missing."""
    try:
        return pwd.getpwnam(USER)
    except KeyError:
        subprocess.run(["useradd", "--system", "--create-home", "--home-dir",
                        f"/var/lib/{USER}", "--shell", "/usr/sbin/nologin", USER],
                       check=True, capture_output=True, timeout=60)
        return pwd.getpwnam(USER)


class Mako(harness.DaemonTestCase):

    def setUp(self):
        super().setUp()
        absent = desktop.missing("sway", "mako", "makoctl", "grim", "busctl")
        if absent:
            self.skipTest(f"{absent} is not installed (scripts/setup.sh installs it)")
        self.tmp = desktop.temporary_directory(self, "regimend-mako-")
        os.chmod(self.tmp, 0o755)
        if os.geteuid() == 0:
            if shutil.which("runuser") is None:
                self.skipTest("runuser is missing: sway cannot run as root")
            self.account = ensure_user()
        else:
            self.account = pwd.getpwuid(os.geteuid())
        # The user must read and run the binaries wherever the build tree lives.
        self.bin = os.path.join(self.tmp, "bin")
        os.makedirs(self.bin)
        for binary in (harness.REGIMEND, harness.REGIMENCTL):
            shutil.copy(binary, self.bin)
        os.chmod(self.bin, 0o755)
        self.home = self.user_dir("home", 0o755)
        self.runtime = self.user_dir("run", 0o700)
        self.env = {
            "HOME": self.home,
            "PATH": "/usr/local/bin:/usr/bin:/bin",
            "LANG": "C.UTF-8",
            "XDG_RUNTIME_DIR": self.runtime,
            "XDG_CONFIG_HOME": os.path.join(self.home, "config"),
            "XDG_STATE_HOME": os.path.join(self.home, "state"),
            "DBUS_SESSION_BUS_ADDRESS": self.bus.address,
            "WLR_BACKENDS": "headless",
            "WLR_LIBINPUT_NO_DEVICES": "1",
            "WLR_RENDERER": "pixman",
            "NO_COLOR": "1",
        }
        if "TZ" in os.environ:
            self.env["TZ"] = os.environ["TZ"]

    def user_dir(self, name, mode):
        path = os.path.join(self.tmp, name)
        os.makedirs(path)
        os.chown(path, self.account.pw_uid, self.account.pw_gid)
        os.chmod(path, mode)
        return path

    def as_user(self, command):
        environment = [f"{key}={value}" for key, value in self.env.items()]
        if os.geteuid() == 0:
            return ["runuser", "-u", USER, "--", "env", "-i", *environment, *command]
        return ["env", "-i", *environment, *command]

    def start(self, command, log_name):
        log = open(os.path.join(self.tmp, log_name), "w")
        process = desktop.start_group(self.as_user(command), stdout=log, stderr=log,
                                      cwd=self.tmp)
        log.close()
        self.addCleanup(desktop.stop_group, process)
        return process

    def log(self, name):
        try:
            with open(os.path.join(self.tmp, name)) as log:
                return log.read()
        except FileNotFoundError:
            return ""

    def run_user(self, *command, check=True):
        result = subprocess.run(self.as_user(list(command)), capture_output=True, text=True,
                                timeout=60, cwd=self.tmp)
        if check:
            self.assertEqual(result.returncode, 0, f"{command}: {result.stderr}")
        return result

    def start_sway(self):
        config = os.path.join(self.tmp, "sway.conf")
        with open(config, "w") as out:
            out.write("xwayland disable\n"
                      "output HEADLESS-1 resolution 640x200 bg #1d2021 solid_color\n")
        os.chmod(config, 0o644)
        sway = self.start(["sway", "-c", config], "sway.log")

        def socket():
            sockets = [path for path in glob.glob(os.path.join(self.runtime, "wayland-*"))
                       if not path.endswith(".lock")]
            return sockets[0] if sockets else None
        wait_for(lambda: sway.poll() is not None or socket(), timeout=30,
                 message="sway made no Wayland socket:\n" + self.log("sway.log"))
        if sway.poll() is not None:
            self.skipTest(f"sway cannot start (exit {sway.returncode}): "
                          + self.log("sway.log")[-500:])
        self.env["WAYLAND_DISPLAY"] = os.path.basename(socket())
        self.env["SWAYSOCK"] = (glob.glob(os.path.join(self.runtime, "sway-ipc.*.sock"))
                                or [""])[0]

    def start_mako(self, actions=True):
        config = os.path.join(self.tmp, "mako.conf")
        with open(config, "w") as out:
            out.write(textwrap.dedent(f"""\
                font=DejaVu Sans 11
                background-color=#2b303bff
                text-color=#eff1f5ff
                border-color=#8fa1b3ff
                border-size=2
                padding=10
                width=420
                height=140
                anchor=top-right
                default-timeout=0
                actions={1 if actions else 0}
                markup=1
                """))
        os.chmod(config, 0o644)
        mako = self.start(["mako", "--config", config], "mako.log")
        connection = self.bus.connect()
        try:
            wait_for(lambda: mako.poll() is not None
                     or connection.name_has_owner(harness.NOTIFICATIONS), timeout=30)
        finally:
            connection.close()
        if mako.poll() is not None:
            self.skipTest(f"mako cannot start (exit {mako.returncode}): "
                          + self.log("mako.log")[-500:])

    def start_regimend(self, items):
        config_dir = os.path.join(self.home, "config", "regimend")
        os.makedirs(config_dir)
        with open(os.path.join(config_dir, "regimen.yaml"), "w") as out:
            out.write(harness.regimen_yaml(items, reminders=CALM))
        for path in (os.path.join(self.home, "config"), config_dir,
                     os.path.join(config_dir, "regimen.yaml")):
            os.chown(path, self.account.pw_uid, self.account.pw_gid)
        regimend = self.start([os.path.join(self.bin, "regimend"), "--verbose"],
                              "regimend.log")
        connection = self.bus.connect()
        try:
            wait_for(lambda: regimend.poll() is not None
                     or connection.name_has_owner(harness.BUS_NAME), timeout=30)
        finally:
            connection.close()
        self.assertIsNone(regimend.poll(), self.log("regimend.log"))
        self.addCleanup(self.show_logs_on_failure)
        return regimend

    def show_logs_on_failure(self):
        if self._failed() or os.environ.get("REGIMEND_TEST_SHOW_LOG"):
            for name in ("sway.log", "mako.log", "regimend.log"):
                print(f"--- {name} ---\n{self.log(name)[-3000:]}")

    def notifications(self):
        """makoctl list: the notifications mako shows, as dicts of plain values."""
        result = self.run_user("makoctl", "list", check=False)
        if result.returncode != 0:
            return []
        data = json.loads(result.stdout)["data"][0]
        return [{key: value["data"] for key, value in entry.items()} for entry in data]

    def shown(self):
        return [n for n in self.notifications() if n.get("summary") == SUMMARY]

    def ctl(self, *args):
        return self.run_user(os.path.join(self.bin, "regimenctl"), *args)

    def dose_state(self):
        doses = json.loads(self.ctl("status", "--json").stdout)["doses"]
        return [d["state"] for d in doses if d["item"] == "glycinate-pm"]

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
