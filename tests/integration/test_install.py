"""Install into a temporary prefix, then use only what was installed: the unit files
verify, and on a bus whose only service directory is the installed one, `regimenctl
status` with no daemon running gets an answer because D-Bus activates regimend — which,
on this first run, writes the example regimen and runs it."""

import json
import os
import shutil
import subprocess
import tempfile
import unittest

import harness

BUILD_DIR = os.path.dirname(os.path.dirname(os.path.abspath(harness.REGIMEND)))

EXPECTED_FILES = [
    "bin/regimend",
    "bin/regimenctl",
    "lib/systemd/user/regimend.service",
    "share/dbus-1/services/org.regimend.Regimen1.service",
    "share/man/man1/regimenctl.1",
    "share/man/man5/regimen.yaml.5",
    "share/man/man8/regimend.8",
    "share/bash-completion/completions/regimenctl",
    "share/zsh/vendor-completions/_regimenctl",
    "share/fish/vendor_completions.d/regimenctl.fish",
    "share/doc/regimend/examples/regimen.yaml",
    "share/locale/de/LC_MESSAGES/regimend.mo",
]


def parse_unit(text):
    """{section: {key: [values]}} of a unit file (space-separated lists split)."""
    sections = {}
    current = None
    for line in text.splitlines():
        line = line.strip()
        if not line or line.startswith(("#", ";")):
            continue
        if line.startswith("[") and line.endswith("]"):
            current = sections.setdefault(line[1:-1], {})
            continue
        key, _, value = line.partition("=")
        current.setdefault(key.strip(), []).extend(value.split())
    return sections


class InstalledTree(harness.DaemonTestCase):

    @classmethod
    def setUpClass(cls):
        cls.prefix = tempfile.mkdtemp(prefix="regimend-prefix-")
        result = subprocess.run(["cmake", "--install", BUILD_DIR, "--prefix", cls.prefix],
                                capture_output=True, text=True, timeout=300)
        if result.returncode != 0:
            raise AssertionError("cmake --install failed:\n" + result.stdout + result.stderr)

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.prefix, ignore_errors=True)

    def setUp(self):
        # The bus (and so the daemon it activates) inherits this environment.
        self.home = tempfile.mkdtemp(prefix="regimend-home-")
        self.addCleanup(shutil.rmtree, self.home, True)
        self.saved_environment = dict(os.environ)
        self.addCleanup(self._restore_environment)
        os.environ.update({
            "HOME": self.home,
            "XDG_CONFIG_HOME": os.path.join(self.home, "config"),
            "XDG_STATE_HOME": os.path.join(self.home, "state"),
            "NO_COLOR": "1",
        })
        self.service_dir = os.path.join(self.prefix, "share/dbus-1/services")
        super().setUp()
        self.addCleanup(self._stop_activated_daemon)

    def _restore_environment(self):
        os.environ.clear()
        os.environ.update(self.saved_environment)

    def _stop_activated_daemon(self):
        connection = self.bus.connect()
        if connection.name_has_owner(harness.BUS_NAME):
            bus_driver = harness.dbus.Interface(
                connection.get_object("org.freedesktop.DBus", "/org/freedesktop/DBus"),
                "org.freedesktop.DBus")
            pid = int(bus_driver.GetConnectionUnixProcessID(harness.BUS_NAME))
            os.kill(pid, 15)
            harness.wait_for(lambda: not connection.name_has_owner(harness.BUS_NAME),
                             timeout=30, message="the activated regimend did not stop")

    def installed(self, path):
        return os.path.join(self.prefix, path)

    def test_every_file_lands(self):
        for path in EXPECTED_FILES:
            with self.subTest(path=path):
                self.assertTrue(os.path.isfile(self.installed(path)), path)
        for binary in ("bin/regimend", "bin/regimenctl"):
            self.assertTrue(os.access(self.installed(binary), os.X_OK))
        # One regimenctl: nothing of it hides under libexec.
        self.assertFalse(os.path.exists(self.installed("libexec/regimend")))

    def test_units_point_into_the_prefix(self):
        with open(self.installed("lib/systemd/user/regimend.service")) as unit:
            text = unit.read()
        self.assertIn(f"ExecStart={self.prefix}/bin/regimend\n", text)
        self.assertIn(f"ExecReload={self.prefix}/bin/regimenctl reload\n", text)
        self.assertIn("Type=dbus\n", text)
        self.assertIn("BusName=org.regimend.Regimen1\n", text)
        with open(self.installed("share/dbus-1/services/org.regimend.Regimen1.service")) as f:
            activation = f.read()
        self.assertIn("Name=org.regimend.Regimen1\n", activation)
        self.assertIn(f"Exec={self.prefix}/bin/regimend\n", activation)
        self.assertIn("SystemdService=regimend.service\n", activation)

    def test_the_unit_starts_on_every_session(self):
        """Issue 14: i3, sway without a session manager and plain startx never reach
        graphical-session.target, so the unit is wanted by default.target; it is ordered
        after graphical-session.target (ordering only) and not PartOf= it."""
        with open(self.installed("lib/systemd/user/regimend.service")) as unit:
            sections = parse_unit(unit.read())
        self.assertEqual(sections["Install"].get("WantedBy"), ["default.target"])
        self.assertIn("graphical-session.target", sections["Unit"].get("After", []))
        self.assertNotIn("PartOf", sections["Unit"])
        self.assertNotIn("Requires", sections["Unit"])
        self.assertNotIn("BindsTo", sections["Unit"])

    @unittest.skipUnless(shutil.which("systemctl"), "systemctl is not installed")
    def test_enable_links_it_into_default_target(self):
        """`systemctl --user enable`, run offline on a root holding only the installed
        unit, links it where the user manager starts it on any login."""
        root = tempfile.mkdtemp(prefix="regimend-root-")
        self.addCleanup(shutil.rmtree, root, True)
        units = os.path.join(root, "usr/lib/systemd/user")
        os.makedirs(units)
        shutil.copy(self.installed("lib/systemd/user/regimend.service"), units)
        result = subprocess.run(
            ["systemctl", "--user", "--global", f"--root={root}", "enable", "regimend.service"],
            capture_output=True, text=True, timeout=60)
        self.assertEqual(result.returncode, 0, result.stdout + result.stderr)
        link = os.path.join(root, "etc/systemd/user/default.target.wants/regimend.service")
        self.assertTrue(os.path.islink(link), result.stdout + result.stderr)
        self.assertFalse(os.path.exists(os.path.join(
            root, "etc/systemd/user/graphical-session.target.wants/regimend.service")))

    @unittest.skipUnless(shutil.which("systemd-analyze"), "systemd-analyze is not installed")
    def test_systemd_analyze_verify(self):
        runtime = tempfile.mkdtemp(prefix="regimend-runtime-")
        self.addCleanup(shutil.rmtree, runtime, True)
        env = dict(os.environ, MANPATH=self.installed("share/man"), XDG_RUNTIME_DIR=runtime)
        for mode in (["--user"], []):
            result = subprocess.run(
                ["systemd-analyze", *mode, "verify",
                 self.installed("lib/systemd/user/regimend.service")],
                env=env, capture_output=True, text=True, timeout=120)
            self.assertEqual(result.returncode, 0, f"{mode}: {result.stdout}{result.stderr}")
            self.assertEqual(result.stderr.strip(), "", mode)

    def test_bar_shows_a_stopped_daemon_and_never_activates_it(self):
        """A status bar must show regimend stopped, not start it: `bar` calls with D-Bus
        auto-start off, on a bus that could activate it from the installed file."""
        connection = self.bus.connect()
        env = dict(os.environ, DBUS_SESSION_BUS_ADDRESS=self.bus.address)
        bar = subprocess.run([self.installed("bin/regimenctl"), "bar", "--format", "plain"],
                             env=env, capture_output=True, text=True, timeout=120)
        self.assertEqual(bar.returncode, 0, bar.stderr)
        self.assertEqual(bar.stdout, "regimend offline\n")
        self.assertFalse(connection.name_has_owner(harness.BUS_NAME))
        # The same bus does activate it for a verb that needs it.
        status = subprocess.run([self.installed("bin/regimenctl"), "status"], env=env,
                                capture_output=True, text=True, timeout=120)
        self.assertEqual(status.returncode, 0, status.stderr)
        self.assertTrue(connection.name_has_owner(harness.BUS_NAME))
        bar = subprocess.run([self.installed("bin/regimenctl"), "bar", "--format", "plain"],
                             env=env, capture_output=True, text=True, timeout=120)
        self.assertEqual(bar.stdout, "no doses planned\n")

    def test_status_activates_the_daemon_and_the_first_run_writes_the_example(self):
        connection = self.bus.connect()
        self.assertFalse(connection.name_has_owner(harness.BUS_NAME))
        config = os.path.join(self.home, "config", "regimend", "regimen.yaml")
        self.assertFalse(os.path.exists(config))

        env = dict(os.environ, DBUS_SESSION_BUS_ADDRESS=self.bus.address)
        status = subprocess.run([self.installed("bin/regimenctl"), "status", "--json"],
                                env=env, capture_output=True, text=True, timeout=120)
        self.assertEqual(status.returncode, 0, status.stderr)
        document = json.loads(status.stdout)
        self.assertIn("doses", document)
        self.assertIn("next_due", document)
        self.assertTrue(connection.name_has_owner(harness.BUS_NAME))

        # The first run wrote the example regimen, inactive: valid, with no item, so nobody
        # is reminded of someone else's supplements nor finds them missed in the history.
        with open(config) as written:
            text = written.read()
        self.assertIn("items: []", text)
        self.assertIn("#   - id: threonate-am", text)
        self.assertEqual(os.stat(config).st_mode & 0o777, 0o600)
        check = subprocess.run([self.installed("bin/regimenctl"), "check", config], env=env,
                               capture_output=True, text=True, timeout=60)
        self.assertEqual(check.returncode, 0, check.stdout + check.stderr)
        self.assertIn("OK, 0 items", check.stdout)
        self.assertEqual(document["doses"], [])
        self.assertEqual(os.path.realpath(str(self._config_path(connection))),
                         os.path.realpath(config))

    def _config_path(self, connection):
        properties = harness.dbus.Interface(
            connection.get_object(harness.BUS_NAME, harness.OBJECT_PATH),
            "org.freedesktop.DBus.Properties")
        return properties.Get(harness.INTERFACE, "ConfigPath")


if __name__ == "__main__":
    harness.main()
