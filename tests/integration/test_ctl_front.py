"""regimenctl's front (ctl/front/main.cpp): a bare `regimenctl` or `regimenctl status` is
answered by a small program, everything else by the full one it execs from
../libexec/regimend/regimenctl. Both must print the same status, byte for byte, in every
state a dose can be in; fail the same way; and the front must find the full program
through a symlink, say so when it is missing, and stay free of what made status slow."""

import os
import shutil
import subprocess

import harness

FULL = harness.REGIMENCTL_FULL


def run(program, *args, env):
    return subprocess.run([program] + list(args), env=env, capture_output=True, text=True,
                          timeout=60)


class Front(harness.DaemonTestCase):

    def start_regimen(self):
        items = [
            harness.dose_item("due-one", 2, name="Due thing"),
            harness.dose_item("taken-one", 2, name="Taken thing"),
            harness.dose_item("skipped-one", 2, name="Skipped thing"),
            harness.dose_item("snoozed-one", 2, name="Snoozed thing"),
            harness.dose_item("later", 3 * 3600, name="Later today"),
            # Lint: an item named magnesium oxide is a warning status shows.
            harness.dose_item("oxide", 4 * 3600, name="Magnesium oxide"),
        ]
        daemon = self.start_daemon(harness.regimen_yaml(items))
        daemon.wait_log("became due")
        for item in ("due-one", "taken-one", "skipped-one", "snoozed-one"):
            harness.wait_for(lambda: any(row["item"] == item and row["state"] == "due"
                                         for row in daemon.doses(harness.now_usec() - 3_600_000_000,
                                                                 harness.now_usec() + 60_000_000)),
                             timeout=30, message=f"{item} never became due")
        return daemon

    def test_the_front_and_the_full_program_print_the_same_status(self):
        self.assertTrue(os.access(FULL, os.X_OK), FULL)
        daemon = self.start_regimen()
        self.assertEqual(daemon.ctl("take", "taken-one").returncode, 0)
        self.assertEqual(daemon.ctl("skip", "skipped-one").returncode, 0)
        self.assertEqual(daemon.ctl("snooze", "snoozed-one", "10m").returncode, 0)

        front = run(harness.REGIMENCTL, "status", env=daemon.env)
        bare = run(harness.REGIMENCTL, env=daemon.env)
        full = run(FULL, "status", env=daemon.env)
        self.assertEqual(front.returncode, 0, front.stderr)
        self.assertEqual(full.returncode, 0, full.stderr)
        self.assertEqual(front.stdout, full.stdout)
        self.assertEqual(bare.stdout, full.stdout)
        self.assertEqual(front.stderr, "")
        # Every state, the snooze's end and the lint warning are in what was compared.
        for text in ("due-one", "taken", "skipped", "snoozed", "until ", "upcoming",
                     "Warnings:", "oxide"):
            self.assertIn(text, front.stdout)

    def test_without_a_daemon_both_fail_the_same_way(self):
        daemon = self.make_daemon(harness.regimen_yaml([harness.dose_item("a", 3600)]))
        front = run(harness.REGIMENCTL, "status", env=daemon.env)
        full = run(FULL, "status", env=daemon.env)
        self.assertEqual(front.returncode, 3)
        self.assertEqual((front.returncode, front.stderr, front.stdout),
                         (full.returncode, full.stderr, full.stdout))
        self.assertIn("regimend is not running", front.stderr)

    def test_other_command_lines_run_the_full_program_through_a_symlink(self):
        daemon = self.start_regimen()
        link_dir = os.path.join(self.workdir, "bin")
        os.makedirs(link_dir)
        link = os.path.join(link_dir, "regimenctl")
        os.symlink(os.path.abspath(harness.REGIMENCTL), link)
        version = run(link, "--version", env=daemon.env)
        self.assertEqual(version.returncode, 0, version.stderr)
        self.assertRegex(version.stdout, r"^regimenctl \d+\.\d+")
        self.assertEqual(run(link, "take", "due-one", env=daemon.env).returncode, 0)
        self.assertIn("taken", run(link, "status", "--json", env=daemon.env).stdout)
        # Exit codes come from the full program unchanged: usage is 2.
        self.assertEqual(run(link, "take", env=daemon.env).returncode, 2)

    def test_a_front_without_the_full_program_says_so(self):
        daemon = self.start_regimen()
        alone_dir = os.path.join(self.workdir, "alone")
        os.makedirs(alone_dir)
        alone = os.path.join(alone_dir, "regimenctl")
        shutil.copy(harness.REGIMENCTL, alone)
        missing = run(alone, "--version", env=daemon.env)
        self.assertEqual(missing.returncode, 1)
        self.assertIn("cannot run", missing.stderr)
        self.assertIn("libexec/regimend/regimenctl", missing.stderr)
        # Status needs nothing but the front.
        self.assertEqual(run(alone, "status", env=daemon.env).returncode, 0)

    def test_the_front_links_no_iostream_and_no_libm(self):
        """What the front exists for (docs/BENCHMARKS.md): no <iostream> start-up, whose
        locale set-up was most of the difference to dbus-send, and no libm to load."""
        if shutil.which("nm") is None or shutil.which("readelf") is None:
            self.skipTest("binutils (nm, readelf) not installed")
        symbols = subprocess.run(["nm", harness.REGIMENCTL], capture_output=True,
                                 text=True, check=True).stdout
        self.assertNotIn("_ZNSt8ios_base4InitC1Ev", symbols)
        dynamic = subprocess.run(["readelf", "-d", harness.REGIMENCTL], capture_output=True,
                                 text=True, check=True).stdout
        needed = [line.split("[")[1].rstrip("]") for line in dynamic.splitlines()
                  if "(NEEDED)" in line]
        self.assertIn("libsystemd.so.0", needed)
        if not any(name.startswith(("libasan", "libubsan")) for name in needed):
            self.assertNotIn("libm.so.6", needed)
            # libstdc++.so is shared unless REGIMEND_LEAN_LINK (off by default: test_link.py).


if __name__ == "__main__":
    harness.main()
