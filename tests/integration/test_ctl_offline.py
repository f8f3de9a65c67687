"""regimenctl without a daemon: `check` and `plan` read the regimen file offline; every
verb that needs regimend exits 3 (saying how to start it) when it cannot be reached; bad
usage exits 2 before anything is asked of the daemon."""

import datetime
import glob
import json
import os
import re
import subprocess
import tempfile
import unittest

import harness

SOURCE_DIR = os.environ.get(
    "REGIMEND_SOURCE_DIR",
    os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
EXAMPLE = os.path.join(SOURCE_DIR, "config", "regimen.yaml")
GOOD = sorted(glob.glob(os.path.join(harness.TEST_DATA, "good", "*.yaml")))
BAD = sorted(glob.glob(os.path.join(harness.TEST_DATA, "bad", "*.yaml")))
DIAGNOSTIC_LINE = re.compile(r"^(?P<file>.+):(?P<line>\d+):(?P<column>\d+): "
                             r"(?P<severity>error|warning): (?P<message>.+)$")
RFC3339 = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d([+-]\d\d:\d\d|Z)$")


def ctl(*args, env=None, input_text=None):
    full_env = dict(os.environ, NO_COLOR="1")
    # Never reach a bus by accident: offline verbs must not need one.
    full_env["DBUS_SESSION_BUS_ADDRESS"] = "unix:path=/nonexistent/regimend-test-bus"
    full_env.update(env or {})
    return subprocess.run([harness.REGIMENCTL] + list(args), env=full_env, input=input_text,
                          capture_output=True, text=True, timeout=60)


class Check(unittest.TestCase):
    def test_example_regimen_is_valid_and_passes_its_own_lint(self):
        result = ctl("check", EXAMPLE)
        self.assertEqual(result.returncode, 0, result.stdout + result.stderr)
        self.assertNotIn(": error:", result.stdout)
        self.assertNotIn(": warning:", result.stdout)

    def test_readme_example_passes_its_own_lint(self):
        with open(os.path.join(SOURCE_DIR, "README.md")) as readme:
            text = readme.read()
        blocks = re.findall(r"^```yaml\n(.*?)^```", text, re.DOTALL | re.MULTILINE)
        examples = [block for block in blocks if block.startswith("version: 1")]
        self.assertTrue(examples, "no regimen example in README.md")
        for block in examples:
            with tempfile.NamedTemporaryFile("w", suffix=".yaml") as file:
                file.write(block)
                file.flush()
                result = ctl("check", file.name)
                self.assertEqual(result.returncode, 0, result.stdout + result.stderr)
                self.assertNotIn(": warning:", result.stdout)

    def test_readme_says_dunsts_context_menu_needs_dmenu(self):
        with open(os.path.join(SOURCE_DIR, "README.md")) as readme:
            dunst = [line for line in readme if line.startswith("| dunst |")]
        self.assertEqual(len(dunst), 1)
        self.assertIn("needs `dmenu`", dunst[0])
        self.assertIn("rofi -dmenu", dunst[0])

    def test_report_doc_names_the_csv_header(self):
        with tempfile.TemporaryDirectory() as state:
            result = ctl("export", "--format", "csv", "--config", EXAMPLE, "--state-dir", state)
            self.assertEqual(result.returncode, 0, result.stderr)
        header = result.stdout.splitlines()[0]
        with open(os.path.join(SOURCE_DIR, "docs", "REPORT.md")) as doc:
            self.assertIn(f"a header row `{header}`", doc.read())

    def test_good_fixtures_pass(self):
        self.assertTrue(GOOD, "no fixtures in tests/data/good")
        for path in GOOD:
            with self.subTest(path=os.path.basename(path)):
                result = ctl("check", "--json", path)
                self.assertEqual(result.returncode, 0, result.stdout + result.stderr)
                document = json.loads(result.stdout)
                self.assertEqual(document["errors"], [])
                self.assertIsInstance(document["warnings"], list)

    def test_bad_fixtures_fail_with_positions(self):
        self.assertTrue(BAD, "no fixtures in tests/data/bad")
        for path in BAD:
            with self.subTest(path=os.path.basename(path)):
                result = ctl("check", path)
                self.assertEqual(result.returncode, 1, result.stdout + result.stderr)
                errors = [DIAGNOSTIC_LINE.match(line) for line in result.stdout.splitlines()]
                errors = [m for m in errors if m and m["severity"] == "error"]
                self.assertTrue(errors, result.stdout)
                for match in errors:
                    self.assertEqual(match["file"], path)
                    self.assertGreaterEqual(int(match["line"]), 1)
                    self.assertGreaterEqual(int(match["column"]), 1)

                document = json.loads(ctl("check", "--json", path).stdout)
                self.assertEqual(len(document["errors"]), len(errors))
                for error in document["errors"]:
                    self.assertEqual(set(error), {"file", "line", "column", "message"})
                    self.assertEqual(error["file"], path)
                    self.assertTrue(error["message"])

    def test_several_errors_are_reported_at_once_in_file_order(self):
        path = os.path.join(harness.TEST_DATA, "bad", "several_errors.yaml")
        document = json.loads(ctl("check", "--json", path).stdout)
        self.assertGreaterEqual(len(document["errors"]), 3)
        positions = [(e["line"], e["column"]) for e in document["errors"]]
        self.assertEqual(positions, sorted(positions))

    def test_warnings_alone_exit_zero(self):
        with tempfile.TemporaryDirectory() as directory:
            path = os.path.join(directory, "regimen.yaml")
            with open(path, "w") as out:
                out.write("version: 1\ntimezone: Europe/Berlin\n"
                          "limits:\n  - name: magnesium\n    per_day: 350 mg\n"
                          "    tags: [magnesium]\n"
                          "items:\n"
                          "  - id: oxide\n    name: Magnesium oxide\n    amount: 400 mg\n"
                          "    tags: [magnesium]\n    at: \"08:00\"\n")
            result = ctl("check", path)
            self.assertEqual(result.returncode, 0, result.stdout + result.stderr)
            warnings = [DIAGNOSTIC_LINE.match(line) for line in result.stdout.splitlines()]
            warnings = [m for m in warnings if m]
            self.assertTrue(warnings, result.stdout)
            self.assertTrue(all(m["severity"] == "warning" for m in warnings))
            document = json.loads(ctl("check", "--json", path).stdout)
            self.assertEqual(document["errors"], [])
            self.assertEqual(len(document["warnings"]), len(warnings))

    def test_missing_file_is_exit_1_with_a_message(self):
        result = ctl("check", "/nonexistent/regimen.yaml")
        self.assertEqual(result.returncode, 1)
        self.assertIn("/nonexistent/regimen.yaml", result.stderr)
        self.assertTrue(result.stderr.startswith("regimenctl: "), result.stderr)
        # `edit` creates the default file, not this one: no hint that sends elsewhere.
        self.assertNotIn("regimenctl edit", result.stderr)

    def test_missing_default_file_suggests_edit(self):
        with tempfile.TemporaryDirectory() as home:
            for args in ([], [os.path.join(home, "regimend", "regimen.yaml")],
                         [os.path.join(home, "regimend", ".", "regimen.yaml")]):
                with self.subTest(args=args):
                    result = ctl("check", *args, env={"XDG_CONFIG_HOME": home})
                    self.assertEqual(result.returncode, 1, result.stdout + result.stderr)
                    self.assertIn("; `regimenctl edit` creates one", result.stderr)

    def test_default_file_comes_from_xdg_config_home(self):
        with tempfile.TemporaryDirectory() as home:
            os.makedirs(os.path.join(home, "regimend"))
            with open(EXAMPLE) as source, \
                    open(os.path.join(home, "regimend", "regimen.yaml"), "w") as out:
                out.write(source.read())
            result = ctl("check", env={"XDG_CONFIG_HOME": home})
            self.assertEqual(result.returncode, 0, result.stdout + result.stderr)
            self.assertIn(os.path.join(home, "regimend", "regimen.yaml"), result.stdout)


class Plan(unittest.TestCase):
    def plan(self, *args):
        result = ctl("plan", "--config", EXAMPLE, *args)
        self.assertEqual(result.returncode, 0, result.stdout + result.stderr)
        return result

    def test_json_is_in_time_order_with_the_spec_fields(self):
        document = json.loads(self.plan("--from", "2026-11-20", "--days", "3", "--json").stdout)
        # threonate 3x, glycinate 3x, the Sunday bath once.
        self.assertEqual(len(document), 7)
        for dose in document:
            self.assertEqual(set(dose), {"item", "name", "planned", "amount", "dose"})
            self.assertRegex(dose["planned"], RFC3339)
        instants = [datetime.datetime.fromisoformat(d["planned"]) for d in document]
        self.assertEqual(instants, sorted(instants))
        days = {datetime.datetime.fromisoformat(d["planned"]).date().isoformat()
                for d in document}
        self.assertEqual(days, {"2026-11-20", "2026-11-21", "2026-11-22"})
        bath = [d for d in document if d["item"] == "epsom-bath"]
        self.assertEqual(len(bath), 1)
        self.assertEqual(bath[0]["amount"], None)
        self.assertEqual(bath[0]["dose"], "2 cups of Epsom salt")
        threonate = [d for d in document if d["item"] == "threonate-am"][0]
        self.assertEqual(threonate["name"], "Magnesium L-threonate")
        self.assertEqual(threonate["amount"], "144 mg")
        self.assertEqual(threonate["dose"], "2 capsules")

    def test_ramp_amounts(self):
        document = json.loads(self.plan("--from", "2026-11-14", "--days", "2", "--item",
                                        "glyc", "--json").stdout)
        self.assertEqual([d["item"] for d in document], ["glycinate-pm", "glycinate-pm"])
        # Day 13 from start is still 200 mg, day 14 is the first with 300 mg.
        self.assertEqual([d["amount"] for d in document], ["100 mg", "150 mg"])

    def test_instants_carry_the_zone_offset_across_dst(self):
        with tempfile.TemporaryDirectory() as directory:
            path = os.path.join(directory, "regimen.yaml")
            with open(path, "w") as out:
                out.write("version: 1\ntimezone: Europe/Berlin\nitems:\n"
                          "  - id: night\n    name: Night\n    at: \"02:30\"\n")
            result = ctl("plan", "--config", path, "--from", "2026-03-28", "--days", "2",
                         "--json")
            self.assertEqual(result.returncode, 0, result.stderr)
            self.assertEqual([d["planned"] for d in json.loads(result.stdout)],
                             ["2026-03-28T02:30:00+01:00", "2026-03-29T03:00:00+02:00"])

    def test_human_output_is_grouped_by_local_date(self):
        output = self.plan("--from", "2026-11-22", "--days", "2").stdout
        lines = output.splitlines()
        self.assertTrue(lines[0].startswith("Sun 2026-11-22"), lines[0])
        self.assertTrue(any(line.startswith("Mon 2026-11-23") for line in lines))
        self.assertRegex(lines[1], r"^  08:00  threonate-am  Magnesium L-threonate\s+144 mg")
        # Aligned: every dose line has its item id in the same column.
        dose_lines = [line for line in lines if line.startswith("  ")]
        self.assertEqual(len({line.index(line.split()[1]) for line in dose_lines}), 1)
        self.assertNotIn("\033[", output)

    def test_global_config_before_the_verb(self):
        result = ctl("--config", EXAMPLE, "plan", "--days", "1", "--json")
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertIsInstance(json.loads(result.stdout), list)

    def test_unknown_item_and_broken_file_fail(self):
        result = ctl("plan", "--config", EXAMPLE, "--item", "nope")
        self.assertEqual(result.returncode, 1)
        self.assertIn("nope", result.stderr)
        broken = os.path.join(harness.TEST_DATA, "bad", "several_errors.yaml")
        result = ctl("plan", "--config", broken)
        self.assertEqual(result.returncode, 1)
        self.assertRegex(result.stderr, r"several_errors.yaml:\d+:\d+: error: ")


class Usage(unittest.TestCase):
    def test_bad_usage_exits_2(self):
        for args in (["take"], ["frobnicate"], ["symptom", "migraine", "11"],
                     ["symptom", "migraine", "bad"], ["take", "x", "--at", "9pm"],
                     ["log", "x", "--at", "tomorrow"], ["snooze", "x", "10 minutes"],
                     ["history", "--since", "last week"], ["plan", "--days", "0"],
                     ["plan", "--from", "2026-02-30"], ["status", "--bogus"]):
            with self.subTest(args=args):
                result = ctl(*args, "--config", EXAMPLE)
                self.assertEqual(result.returncode, 2, result.stdout + result.stderr)
                self.assertTrue(result.stderr.strip())

    def test_usage_errors_say_what_is_expected(self):
        cases = [
            (["bogus"], "unknown verb 'bogus'; see regimenctl --help"),
            (["--config", EXAMPLE, "bogus", "x"], "unknown verb 'bogus'"),
            (["symptom", "migraine", "4.5"], "severity is a whole number from 0 to 10, not '4.5'"),
            (["symptom", "migraine", "11"], "severity is a whole number from 0 to 10"),
            (["snooze", "x", "0s"], "a snooze lasts from 1s to 1d, not 0s"),
            (["snooze", "x", "2d"], "a snooze lasts from 1s to 1d, not 2d"),
            (["take", "--all", "x"], "take --all takes no ITEM"),
            # --config is refused where the daemon answers (it would be silently ignored).
            (["--config", EXAMPLE, "status"], "--config does not apply to 'status'"),
            (["--config", EXAMPLE], "--config does not apply to 'status'"),
            (["status", "--config", EXAMPLE], "--config does not apply to 'status'"),
            (["history", "--config", EXAMPLE], "--config does not apply to 'history'"),
            (["--config", EXAMPLE, "confirm", "x"], "--config does not apply to 'take'"),
            (["stock", "--config", EXAMPLE], "--config does not apply to 'stock'"),
            (["bar", "--config", EXAMPLE], "--config does not apply to 'bar'"),
        ]
        for args, message in cases:
            with self.subTest(args=args):
                result = ctl(*args)
                self.assertEqual(result.returncode, 2, result.stdout + result.stderr)
                self.assertIn(message, result.stderr)
        self.assertIn("also: regimenctl confirm", ctl("confirm", "--help").stdout)

    def test_help_on_every_verb(self):
        for verb in ("status", "take", "confirm", "undo", "skip", "snooze", "log", "symptom",
                     "history", "plan", "check", "edit", "reload"):
            with self.subTest(verb=verb):
                result = ctl(verb, "--help")
                self.assertEqual(result.returncode, 0, result.stderr)
                self.assertIn("Usage:", result.stdout)

    def test_version(self):
        result = ctl("--version")
        self.assertEqual(result.returncode, 0)
        self.assertRegex(result.stdout, r"^regimenctl \d+\.\d+")


class NoDaemon(harness.DaemonTestCase):
    """A private bus with nobody owning org.regimend.Regimen1."""

    def test_daemon_verbs_exit_3_and_say_how_to_start_it(self):
        env = {"DBUS_SESSION_BUS_ADDRESS": self.bus.address}
        for args in ([], ["status"], ["status", "--json"], ["take", "x"], ["skip", "x"],
                     ["snooze", "x"], ["log", "x"], ["symptom", "migraine", "3"], ["history"],
                     ["reload"], ["undo", "x"], ["take", "--all"]):
            with self.subTest(args=args):
                result = ctl(*args, env=env)
                self.assertEqual(result.returncode, 3, result.stdout + result.stderr)
                self.assertIn("systemctl --user start regimend", result.stderr)
                self.assertEqual(result.stdout, "")

    def test_no_bus_at_all_is_exit_3(self):
        result = ctl("status")
        self.assertEqual(result.returncode, 3, result.stderr)
        self.assertIn("regimend", result.stderr)

    def test_offline_verbs_need_no_daemon(self):
        env = {"DBUS_SESSION_BUS_ADDRESS": self.bus.address}
        self.assertEqual(ctl("check", EXAMPLE, env=env).returncode, 0)
        self.assertEqual(ctl("plan", "--config", EXAMPLE, env=env).returncode, 0)


if __name__ == "__main__":
    harness.main()
