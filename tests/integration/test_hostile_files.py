"""Files a user can produce by accident (issue 12): a FIFO as the regimen, a symlinked
regimen, a huge lint, modes of what we create, the zone regimenctl reads times in."""

import datetime
import json
import os
import resource
import stat
import subprocess
import textwrap
from unittest import mock

import harness

PLAIN = harness.regimen_yaml([{"id": "alpha", "name": "Alpha", "at": "03:00"}])


def mode_of(path):
    return stat.S_IMODE(os.lstat(path).st_mode)


def sanitized(binary):
    """AddressSanitizer reserves terabytes of address space: an RLIMIT_AS test cannot run."""
    if os.environ.get("ASAN_OPTIONS"):
        return True
    with open(binary, "rb") as program:
        return b"__asan_init" in program.read()


def hourly_regimen(count):
    lines = ["version: 1", "timezone: Europe/Berlin", "items:"]
    for index in range(count):
        lines.append(f'  - {{id: i{index}, name: Item {index}, every: 1 hours, '
                     f'start: 2026-01-01, at: "00:00"}}')
    return "\n".join(lines) + "\n"


def separate_regimen(count):
    """`count` hourly items tagged x, each kept two weeks from x: every pair breaks it."""
    lines = ["version: 1", "timezone: Europe/Berlin", "items:"]
    for index in range(count):
        lines.append(f'  - {{id: i{index}, name: Item {index}, every: 1 hours, '
                     f'start: 2026-01-01, at: "00:00", tags: [x], '
                     f'separate: {{from: [x], by: 2w}}}}')
    return "\n".join(lines) + "\n"


def staggered_regimen(count):
    """`count` hourly items starting 15 days apart: lint's fortnights grow with the items."""
    lines = ["version: 1", "timezone: Europe/Berlin", "items:"]
    first = datetime.date(2020, 1, 1)
    for index in range(count):
        start = first + datetime.timedelta(days=15 * index)
        lines.append(f'  - {{id: i{index}, name: Item {index}, every: 1 hours, '
                     f'start: {start.isoformat()}, at: "00:00"}}')
    return "\n".join(lines) + "\n"


def run_ctl_in(megabytes, daemon, args, text=True):
    """regimenctl with its address space capped: what needed more fails here instead of
    swapping. Not under AddressSanitizer, whose shadow memory needs terabytes of it."""
    def limit_address_space():
        resource.setrlimit(resource.RLIMIT_AS, (megabytes << 20, megabytes << 20))

    return subprocess.run(
        [harness.REGIMENCTL] + args, env=daemon.env, stdout=subprocess.PIPE,
        stderr=subprocess.PIPE, text=text, timeout=120,
        preexec_fn=None if sanitized(harness.REGIMENCTL) else limit_address_space)


class HostileFiles(harness.DaemonTestCase):

    def setUp(self):
        super().setUp()
        self.old_umask = os.umask(0o022)
        self.addCleanup(os.umask, self.old_umask)

    def ctl(self, daemon, *args, **kwargs):
        return daemon.ctl(*args, timeout=60, **kwargs)

    # ---- finding 2: only a regular file is read ----

    def test_a_fifo_is_refused_at_start_and_by_check(self):
        fifo = os.path.join(self.workdir, "fifo.yaml")
        os.mkfifo(fifo)
        daemon = self.make_daemon(args=["--config", fifo])
        # Refused, never blocking, and never the end of the daemon (SPEC "Validation"): it
        # runs with no items and says why.
        daemon.start()
        self.assertIn("it is a FIFO, not a regular file", daemon.log())
        now = harness.now_usec()
        self.assertEqual(daemon.doses(now, now + 2 * harness.DAY_USEC), [])

        # `check` (and `plan`) exit 1 with a message instead of blocking in open().
        for verb in (["check", fifo], ["--config", fifo, "plan"]):
            result = self.ctl(daemon, *verb)
            self.assertEqual(result.returncode, 1, result.stdout + result.stderr)
            self.assertIn("it is a FIFO, not a regular file", result.stderr)
        directory = self.ctl(daemon, "check", self.workdir)
        self.assertEqual(directory.returncode, 1)
        self.assertIn("it is a directory, not a regular file", directory.stderr)

    def test_a_fifo_renamed_over_the_regimen_is_refused_and_the_daemon_answers(self):
        recorder = self.start_recorder()
        daemon = self.start_daemon(PLAIN)
        fifo = os.path.join(daemon.config_dir, "n")
        os.mkfifo(fifo)
        os.rename(fifo, daemon.config_path)
        failed = recorder.wait("ReloadFailed")
        self.assertIn("it is a FIFO, not a regular file", str(failed[0]))
        # The running regimen stays, the loop answers, SIGTERM ends it.
        now = harness.now_usec()
        self.assertEqual({d["item"] for d in daemon.doses(now, now + 2 * harness.DAY_USEC)},
                         {"alpha"})
        daemon.stop()
        self.assertEqual(daemon.process.returncode, 0)

    # ---- finding 9: a symlinked regimen is watched through the link ----

    def test_editing_the_target_of_a_symlinked_regimen_reloads_it(self):
        recorder = self.start_recorder()
        daemon = self.make_daemon()
        dotfiles = os.path.join(self.workdir, "dotfiles")
        os.makedirs(dotfiles)
        target = os.path.join(dotfiles, "regimen.yaml")
        with open(target, "w") as out:
            out.write(PLAIN)
        os.symlink(target, daemon.config_path)
        daemon.start()

        # An editor that writes in place, and one that renames a new file over the target.
        with open(target, "w") as out:
            out.write(harness.regimen_yaml([{"id": "beta", "name": "Beta", "at": "03:00"}]))
        recorder.wait("RegimenReloaded")
        now = harness.now_usec()
        self.assertEqual({d["item"] for d in daemon.doses(now, now + 2 * harness.DAY_USEC)},
                         {"beta"})
        with open(target + ".new", "w") as out:
            out.write(harness.regimen_yaml([{"id": "gamma", "name": "Gamma", "at": "03:00"}]))
        os.rename(target + ".new", target)
        harness.wait_for(lambda: len(recorder.of("RegimenReloaded")) >= 2)

        # Re-linked elsewhere: the new target is followed, and its edits reload too.
        other_dir = os.path.join(self.workdir, "elsewhere")
        os.makedirs(other_dir)
        other = os.path.join(other_dir, "r.yaml")
        with open(other, "w") as out:
            out.write(harness.regimen_yaml([{"id": "delta", "name": "Delta", "at": "03:00"}]))
        os.symlink(other, daemon.config_path + ".tmp")
        os.rename(daemon.config_path + ".tmp", daemon.config_path)
        harness.wait_for(lambda: len(recorder.of("RegimenReloaded")) >= 3)
        with open(other, "w") as out:
            out.write(harness.regimen_yaml([{"id": "omega", "name": "Omega", "at": "03:00"}]))
        harness.wait_for(lambda: len(recorder.of("RegimenReloaded")) >= 4)
        now = harness.now_usec()
        self.assertEqual({d["item"] for d in daemon.doses(now, now + 2 * harness.DAY_USEC)},
                         {"omega"})

    # ---- finding 8: modes ----

    def test_what_we_create_is_private_and_existing_modes_are_kept(self):
        # A fresh account: no ~/.config, no ~/.local/state.
        daemon = self.make_daemon()
        os.rmdir(daemon.config_dir)
        os.rmdir(os.path.dirname(daemon.config_dir))
        daemon.start()
        config_parent = os.path.dirname(daemon.config_dir)
        state_parent = os.path.dirname(daemon.state_dir)
        self.assertEqual(mode_of(config_parent), 0o700)
        self.assertEqual(mode_of(daemon.config_dir), 0o700)
        self.assertEqual(mode_of(daemon.config_path), 0o600)
        self.assertEqual(mode_of(state_parent), 0o700)
        self.assertEqual(mode_of(daemon.state_dir), 0o700)
        self.assertEqual(mode_of(daemon.db_path), 0o600)
        daemon.stop()

        # --state-dir on an existing shared directory: its mode is not touched.
        shared = os.path.join(self.workdir, "shared")
        os.makedirs(shared)
        os.chmod(shared, 0o1777)
        other = self.start_daemon(PLAIN, args=["--state-dir", shared])
        self.assertEqual(mode_of(shared), 0o1777)
        self.assertEqual(mode_of(os.path.join(shared, "history.db")), 0o600)
        other.stop()

    def test_a_dangling_history_link_is_not_followed(self):
        # A state file is never followed through a symlink (issue 25 case 4; the state
        # directory may be shared): nothing is created at the link's target, the daemon
        # runs and says why it records nothing (tests/integration/test_state_files.py).
        daemon = self.make_daemon(PLAIN)
        os.makedirs(daemon.state_dir)
        elsewhere = os.path.join(self.workdir, "elsewhere.db")
        os.symlink(elsewhere, daemon.db_path)
        daemon.start()
        self.assertFalse(os.path.exists(elsewhere))
        warnings = [str(w) for w in daemon.get_property("Warnings")]
        self.assertTrue(any("symbolic link" in w for w in warnings), warnings)

    def test_edit_on_a_fresh_account_installs_a_private_regimen(self):
        daemon = self.make_daemon()
        os.rmdir(daemon.config_dir)
        os.rmdir(os.path.dirname(daemon.config_dir))
        editor = os.path.join(self.workdir, "editor.sh")
        with open(editor, "w") as out:
            out.write("#!/bin/sh\ncat > \"$1\" <<'EOF'\n" + PLAIN + "EOF\n")
        os.chmod(editor, 0o755)
        result = self.ctl(daemon, "edit", extra_env={"VISUAL": editor, "EDITOR": editor},
                          input_text="")
        self.assertEqual(result.returncode, 0, result.stdout + result.stderr)
        self.assertEqual(mode_of(daemon.config_path), 0o600)
        self.assertEqual(mode_of(daemon.config_dir), 0o700)
        self.assertEqual(mode_of(os.path.dirname(daemon.config_dir)), 0o700)

    # ---- finding 3: lint is capped and linear in practice ----

    def test_check_of_a_thousand_separate_rules_lists_a_hundred_warnings(self):
        daemon = self.make_daemon()
        path = os.path.join(self.workdir, "separate.yaml")
        with open(path, "w") as out:
            out.write(separate_regimen(1000))
        result = self.ctl(daemon, "check", path)
        self.assertEqual(result.returncode, 0, result.stderr)
        lines = result.stdout.splitlines()
        self.assertEqual(len(lines), 102, lines[-3:])  # 100, "... and N more", the summary
        self.assertIn("... and 998900 more warnings; stopped after 100", lines[100])
        self.assertTrue(lines[-1].endswith(": 0 errors, 101 warnings"), lines[-1])

    def test_check_of_starts_spread_over_years_is_bounded_and_says_what_it_skipped(self):
        # 2,000 hourly items starting 15 days apart (82 years): lint planned a fortnight
        # after every start with every item already started, about 40 GB. Now its plan has
        # a budget; an address-space limit makes the old way fail here instead of swapping.
        daemon = self.make_daemon()
        path = os.path.join(self.workdir, "staggered.yaml")
        with open(path, "w") as out:
            out.write(staggered_regimen(2000))

        result = run_ctl_in(768, daemon, ["check", path])
        self.assertEqual(result.returncode, 0, result.stderr[-500:])
        self.assertRegex(result.stdout, r"staggered\.yaml:\d+:5: warning: lint checked the plan "
                         r"only before 20\d\d-\d\d-\d\d: .* doses from then on were not "
                         r"checked\n")
        self.assertTrue(result.stdout.endswith(": 0 errors, 1 warning\n"), result.stdout)

    # ---- finding 5: plan streams ----

    def test_plan_memory_does_not_grow_with_days(self):
        if sanitized(harness.REGIMENCTL):
            self.skipTest("built with AddressSanitizer: address-space limits do not apply")
        daemon = self.make_daemon()
        path = os.path.join(self.workdir, "hourly.yaml")
        with open(path, "w") as out:
            out.write(hourly_regimen(100))

        for output in ([], ["--json"]):
            # A year of 100 hourly items is 876,000 doses: held at once, well over 256 MB.
            result = run_ctl_in(256, daemon, ["--config", path, "plan", "--from", "2026-01-01",
                                              "--days", "365"] + output, text=False)
            self.assertEqual(result.returncode, 0, result.stderr[-500:])
            if output:
                self.assertEqual(result.stdout.count(b'"planned"'), 100 * 24 * 365)
            else:
                # The zone note, a heading per day, a row per dose.
                self.assertEqual(result.stdout.count(b"\n"), 1 + 365 + 100 * 24 * 365)
                self.assertEqual(result.stdout.count(b"  Item 99\n"), 24 * 365)

    # ---- finding 10: one zone for everyone ----

    def test_a_refused_take_at_and_status_name_the_zone(self):
        daemon = self.start_daemon(PLAIN)
        result = self.ctl(daemon, "take", "alpha", "--at", "2020-01-01 08:00",
                          extra_env={"TZ": "Asia/Tokyo"})
        self.assertEqual(result.returncode, 1, result.stdout + result.stderr)
        self.assertIn("(--at was read as 2020-01-01 08:00 Europe/Berlin)", result.stderr)
        status = self.ctl(daemon, "status", extra_env={"TZ": "Asia/Tokyo"})
        self.assertEqual(status.returncode, 0, status.stderr)
        self.assertIn("Times are in Europe/Berlin (this system's zone is Asia/Tokyo).",
                      status.stdout)
        status = self.ctl(daemon, "status", extra_env={"TZ": "Europe/Berlin"})
        self.assertNotIn("Times are in", status.stdout)


    def test_every_screen_shows_the_daemons_zone_with_the_note(self):
        """Issue 32: a regimen without `timezone` runs in the daemon's zone; a regimenctl
        whose TZ differs shows that zone, with the note, in status, history and stock."""
        regimen = textwrap.dedent("""\
            version: 1
            items:
              - {id: alpha, name: Alpha, at: "03:00", stock: {per_dose: 1}}
            """)
        with mock.patch.dict(os.environ, TZ="Europe/Berlin"):
            daemon = self.start_daemon(regimen)
            tokyo = {"TZ": "Asia/Tokyo"}
            self.assertEqual(self.ctl(daemon, "refill", "alpha", "10", "--set").returncode, 0)
            self.ctl(daemon, "take", "alpha")  # something for history to show, or not
            note = "Times are in Europe/Berlin (this system's zone is Asia/Tokyo)."
            for verb in ("status", "history", "stock"):
                with self.subTest(verb=verb):
                    result = self.ctl(daemon, verb, extra_env=tokyo)
                    self.assertEqual(result.returncode, 0, result.stderr)
                    self.assertIn(note, result.stdout)
                    same = self.ctl(daemon, verb)
                    self.assertNotIn("Times are in", same.stdout)
            stock = self.ctl(daemon, "stock", extra_env=tokyo).stdout
            self.assertRegex(stock, r"alpha .* 03:00\b", stock)

    def test_regimenctl_reads_the_zone_from_tz_like_the_daemon(self):
        daemon = self.make_daemon()
        no_zone = textwrap.dedent("""\
            version: 1
            items:
              - {id: alpha, name: Alpha, at: "08:00"}
            """)
        path = os.path.join(self.workdir, "no_zone.yaml")
        with open(path, "w") as out:
            out.write(no_zone)
        for zone, offset in (("Asia/Tokyo", "+09:00"), ("America/Argentina/Buenos_Aires",
                                                        "-03:00")):
            result = self.ctl(daemon, "--config", path, "plan", "--days", "1", "--json",
                              extra_env={"TZ": zone})
            self.assertEqual(result.returncode, 0, result.stderr)
            planned = json.loads(result.stdout)[0]["planned"]
            self.assertTrue(planned.endswith("T08:00:00" + offset), planned)
            human = self.ctl(daemon, "--config", path, "plan", "--days", "1",
                             extra_env={"TZ": zone})
            self.assertNotIn("Times are in", human.stdout)

        # A regimen in another zone than the system's says so.
        berlin = os.path.join(self.workdir, "berlin.yaml")
        with open(berlin, "w") as out:
            out.write(PLAIN)
        human = self.ctl(daemon, "--config", berlin, "plan", "--days", "1",
                         extra_env={"TZ": "Asia/Tokyo"})
        self.assertEqual(human.returncode, 0, human.stderr)
        self.assertIn("Times are in Europe/Berlin (this system's zone is Asia/Tokyo).",
                      human.stdout)
        same = self.ctl(daemon, "--config", berlin, "plan", "--days", "1",
                        extra_env={"TZ": "Europe/Berlin"})
        self.assertNotIn("Times are in", same.stdout)


if __name__ == "__main__":
    harness.main()
