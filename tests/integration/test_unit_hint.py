"""Issue 28: the package installs the user unit but enables it for nobody, so when regimend
cannot be reached, regimenctl says in one line how to get it running for this user:
`systemctl --user enable --now regimend` when the unit is installed but not enabled (read
from the files: a *.wants/ link in $XDG_CONFIG_HOME/systemd/user or /etc/systemd/user),
`systemctl --user start regimend` when it is enabled or not installed at all."""

import os
import shutil
import subprocess
import tempfile
import unittest

import harness

ENABLE = "systemctl --user enable --now regimend"
START = "systemctl --user start regimend"
SYSTEM_UNITS = ["/etc/systemd/user/regimend.service", "/usr/lib/systemd/user/regimend.service",
                "/usr/local/lib/systemd/user/regimend.service",
                "/lib/systemd/user/regimend.service"]


class NotRunningHint(unittest.TestCase):

    def setUp(self):
        self.home = tempfile.mkdtemp(prefix="regimend-hint-")
        self.addCleanup(shutil.rmtree, self.home, True)
        self.config = os.path.join(self.home, "config")
        self.data = os.path.join(self.home, "share")
        self.env = dict(os.environ, HOME=self.home, XDG_CONFIG_HOME=self.config,
                        XDG_DATA_HOME=self.data, XDG_DATA_DIRS=os.path.join(self.home, "none"),
                        NO_COLOR="1",
                        DBUS_SESSION_BUS_ADDRESS="unix:path=/nonexistent/regimend-test-bus")

    def status(self):
        result = subprocess.run([harness.REGIMENCTL, "status"], env=self.env,
                                capture_output=True, text=True, timeout=60)
        self.assertEqual(result.returncode, 3, result.stdout + result.stderr)
        self.assertEqual(len(result.stderr.splitlines()), 1, result.stderr)
        return result.stderr

    def install_unit(self, directory):
        os.makedirs(directory, exist_ok=True)
        path = os.path.join(directory, "regimend.service")
        with open(path, "w") as unit:
            unit.write("[Service]\nExecStart=/usr/bin/regimend\n"
                       "[Install]\nWantedBy=default.target\n")
        return path

    def test_installed_but_not_enabled_says_enable(self):
        self.install_unit(os.path.join(self.data, "systemd", "user"))
        message = self.status()
        self.assertIn(ENABLE, message)
        self.assertIn("not enabled", message)

    def test_a_unit_in_xdg_data_dirs_counts_as_installed(self):
        self.env["XDG_DATA_DIRS"] = os.path.join(self.home, "none") + ":" + self.data
        self.install_unit(os.path.join(self.data, "systemd", "user"))
        self.assertIn(ENABLE, self.status())

    def test_enabled_says_start(self):
        unit = self.install_unit(os.path.join(self.data, "systemd", "user"))
        wants = os.path.join(self.config, "systemd", "user", "default.target.wants")
        os.makedirs(wants)
        os.symlink(unit, os.path.join(wants, "regimend.service"))
        message = self.status()
        self.assertIn(START, message)
        self.assertNotIn("enable", message)

    def test_not_installed_says_start(self):
        if any(os.path.exists(path) for path in SYSTEM_UNITS):
            self.skipTest("a regimend.service is installed on this machine")
        message = self.status()
        self.assertIn(START, message)
        self.assertNotIn("enable", message)


if __name__ == "__main__":
    harness.main()
