"""Real notification servers for the integration tests (issue 14): processes started in
their own process groups and stopped in cleanup, a free X display from Xvfb itself
(-displayfd), and screenshots kept only when REGIMEND_SCREENSHOTS=DIR is set (so a test
run never rewrites docs/images/ unless asked to)."""

import glob
import json
import os
import pwd
import shutil
import signal
import subprocess
import tempfile
import textwrap

import harness
from harness import wait_for

SCREENSHOTS = os.environ.get("REGIMEND_SCREENSHOTS")


def missing(*binaries):
    """The first of `binaries` that is not on PATH, else None."""
    for binary in binaries:
        if shutil.which(binary) is None:
            return binary
    return None


def unavailable(test, reason):
    """Skips `test` saying why; under CI=true fails it instead: CI installs every real
    server (scripts/setup.sh), so a missing one there is a broken setup, not a skip."""
    if os.environ.get("CI") == "true":
        test.fail(reason)
    test.skipTest(reason)


def start_group(command, **kwargs):
    """Popen in a new session (process group), so stop_group ends it and its children."""
    return subprocess.Popen(command, start_new_session=True, **kwargs)


def stop_group(process, timeout=10):
    if process is None or process.poll() is not None:
        return
    for sig, wait in ((signal.SIGTERM, timeout), (signal.SIGKILL, timeout)):
        try:
            os.killpg(process.pid, sig)
        except ProcessLookupError:
            return
        try:
            process.wait(timeout=wait)
            return
        except subprocess.TimeoutExpired:
            continue


class Xvfb:
    """An Xvfb on the first free display number, which it writes to a pipe itself."""

    def __init__(self, width=640, height=200):
        self.size = f"{width}x{height}x24"
        self.process = None
        self.display = None

    def start(self, timeout=30):
        read_end, write_end = os.pipe()
        self.process = start_group(
            ["Xvfb", "-displayfd", str(write_end), "-screen", "0", self.size, "-nolisten",
             "tcp", "-noreset"],
            pass_fds=(write_end,), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        os.close(write_end)
        number = b""
        with os.fdopen(read_end, "rb") as pipe:
            number = pipe.readline().strip()
        if not number:
            stop_group(self.process)
            raise RuntimeError("Xvfb did not report a display number")
        self.display = ":" + number.decode()
        return self

    def stop(self):
        stop_group(self.process)


def keep_screenshot(path, name):
    """Copies a screenshot the test took into $REGIMEND_SCREENSHOTS/name, when set."""
    if SCREENSHOTS and os.path.exists(path):
        os.makedirs(SCREENSHOTS, exist_ok=True)
        shutil.copy(path, os.path.join(SCREENSHOTS, name))


def temporary_directory(test, prefix):
    path = tempfile.mkdtemp(prefix=prefix)
    test.addCleanup(shutil.rmtree, path, True)
    return path


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


class SwayTestCase(harness.DaemonTestCase):
    """A headless sway and regimend as an unprivileged user on the test's private bus
    (sway refuses to run as root); start_* helpers, no tests of its own."""

    def setUp(self):
        super().setUp()
        absent = missing("sway", "busctl")
        if absent:
            unavailable(self, f"{absent} is not installed (scripts/setup-tests.sh installs it)")
        self.tmp = temporary_directory(self, "regimend-mako-")
        os.chmod(self.tmp, 0o755)
        if os.geteuid() == 0:
            if shutil.which("runuser") is None:
                unavailable(self, "runuser is missing: sway cannot run as root")
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
        # The sanitizer build's settings (scripts/test.sh) reach the user's processes too.
        for name in ("TZ", "ASAN_OPTIONS", "UBSAN_OPTIONS", "LSAN_OPTIONS"):
            if name in os.environ:
                self.env[name] = os.environ[name]

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
        process = start_group(self.as_user(command), stdout=log, stderr=log,
                                      cwd=self.tmp)
        log.close()
        self.addCleanup(stop_group, process)
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
            unavailable(self, f"sway cannot start (exit {sway.returncode}): "
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
        mako = self.mako = self.start(["mako", "--config", config], "mako.log")
        connection = self.bus.connect()
        try:
            wait_for(lambda: mako.poll() is not None
                     or connection.name_has_owner(harness.NOTIFICATIONS), timeout=30)
        finally:
            connection.close()
        if mako.poll() is not None:
            unavailable(self, f"mako cannot start (exit {mako.returncode}): "
                        + self.log("mako.log")[-500:])
        return mako

    def start_regimend(self, items):
        config_dir = os.path.join(self.home, "config", "regimend")
        os.makedirs(config_dir)
        with open(os.path.join(config_dir, "regimen.yaml"), "w") as out:
            out.write(harness.regimen_yaml(items, reminders=CALM))
        for path in (os.path.join(self.home, "config"), config_dir,
                     os.path.join(config_dir, "regimen.yaml")):
            os.chown(path, self.account.pw_uid, self.account.pw_gid)
        return self.run_regimend("regimend.log")

    def run_regimend(self, log_name):
        """Starts regimend (again) on the regimen start_regimend wrote."""
        regimend = self.start([os.path.join(self.bin, "regimend"), "--verbose"], log_name)
        connection = self.bus.connect()
        try:
            wait_for(lambda: regimend.poll() is not None
                     or connection.name_has_owner(harness.BUS_NAME), timeout=30)
        finally:
            connection.close()
        self.assertIsNone(regimend.poll(), self.log(log_name))
        self.addCleanup(self.show_logs_on_failure)
        return regimend

    def show_logs_on_failure(self):
        if self._failed() or os.environ.get("REGIMEND_TEST_SHOW_LOG"):
            for path in sorted(glob.glob(os.path.join(self.tmp, "*.log"))):
                name = os.path.basename(path)
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
