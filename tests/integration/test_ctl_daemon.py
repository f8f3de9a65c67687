"""regimenctl against a running regimend on a private bus: every daemon verb end to end with
its JSON asserted, busctl as a client we did not write, two racing `take`s, and `edit`
driven by a scripted editor.

The regimen's zone is a fixed-offset zone in which it is around noon while the test runs,
so "today" never crosses midnight under a test."""

import datetime
import json
import os
import pty
import re
import signal
import stat
import subprocess

import harness

RFC3339 = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d([+-]\d\d:\d\d|Z)$")
HOUR_USEC = 3600 * 1_000_000


def read_text(path):
    with open(path) as source:
        return source.read()


def noon_zone():
    """An Etc/GMT zone in which the local time is 12:xx now."""
    offset = 12 - datetime.datetime.now(datetime.timezone.utc).hour  # -11 .. 12
    if offset == 0:
        return "Etc/GMT"
    # POSIX-style names: Etc/GMT-3 is three hours ahead of UTC.
    return f"Etc/GMT{'-' if offset > 0 else '+'}{abs(offset)}"


ZONE = noon_zone()


def parse_instant(text):
    return datetime.datetime.fromisoformat(text)


def local_text(instant_usec, fmt="%Y-%m-%d %H:%M:%S"):
    moment = datetime.datetime.fromtimestamp(instant_usec / 1_000_000,
                                             harness.zoneinfo.ZoneInfo(ZONE))
    return moment.strftime(fmt)


def clock_text(instant_usec):
    """As regimenctl prints a time of day: seconds only when they are not zero."""
    text = local_text(instant_usec, "%H:%M:%S")
    return text[:5] if text.endswith(":00") else text


class CtlTestCase(harness.DaemonTestCase):
    def start_regimen(self, items, extra=""):
        text = harness.regimen_yaml(items, zone=ZONE, extra=extra)
        self.daemon = self.start_daemon(text)
        return self.daemon

    def ctl(self, *args, **kwargs):
        return self.daemon.ctl(*args, **kwargs)

    def ok(self, *args, **kwargs):
        result = self.ctl(*args, **kwargs)
        self.assertEqual(result.returncode, 0,
                         f"regimenctl {' '.join(args)}:\n{result.stdout}{result.stderr}")
        return result

    def json_of(self, *args):
        return json.loads(self.ok(*args, "--json").stdout)

    def dose(self, item):
        now = harness.now_usec()
        rows = [row for row in self.daemon.doses(now - 2 * HOUR_USEC, now + 2 * HOUR_USEC)
                if row["item"] == item]
        return rows[0] if rows else None

    def wait_state(self, item, state):
        return harness.wait_for(
            lambda: (self.dose(item) or {}).get("state") == state and self.dose(item),
            timeout=30, message=f"{item} never became {state}")

    def events(self, item=None, event=None):
        return [e for e in self.daemon.history()
                if (item is None or e["item"] == item) and (event is None or e["event"] == event)]


def item(item_id, seconds, name=None, **fields):
    return harness.dose_item(item_id, seconds, name=name, zone=ZONE, **fields)


class Verbs(CtlTestCase):
    def setUp(self):
        super().setUp()
        self.start_regimen([
            item("glycinate-pm", 2, "Magnesium glycinate", amount="200 mg"),
            item("skip-me", 2, "Skipped thing"),
            item("snooze-me", 2, "Snoozed thing"),
            item("later", 3 * 3600, "Later today"),
            {"id": "topical", "name": "Topical magnesium", "as_needed": True},
        ])
        for item_id in ("glycinate-pm", "skip-me", "snooze-me"):
            self.wait_state(item_id, "due")

    def test_status_json(self):
        document = self.json_of("status")
        self.assertEqual(set(document), {"doses", "next_due", "warnings", "paused", "sync"})
        self.assertEqual(document["paused"], [])
        self.assertIsNone(document["sync"])  # no devices: configured
        by_item = {dose["item"]: dose for dose in document["doses"]}
        self.assertEqual(set(by_item), {"glycinate-pm", "skip-me", "snooze-me", "later"})
        for dose in document["doses"]:
            self.assertEqual(set(dose), {"item", "name", "planned", "state", "acted_at"})
            self.assertRegex(dose["planned"], RFC3339)
        self.assertEqual(by_item["glycinate-pm"]["state"], "due")
        self.assertEqual(by_item["glycinate-pm"]["name"], "Magnesium glycinate")
        self.assertIsNone(by_item["glycinate-pm"]["acted_at"])
        self.assertEqual(by_item["later"]["state"], "upcoming")
        planned = [parse_instant(dose["planned"]) for dose in document["doses"]]
        self.assertEqual(planned, sorted(planned))
        # Instants are shown in the regimen's zone, with its offset.
        expected_offset = datetime.datetime.now(harness.zoneinfo.ZoneInfo(ZONE)).utcoffset()
        self.assertEqual(planned[0].utcoffset(), expected_offset)
        # NextDue is the daemon's: a due dose or the next upcoming one, never an answered one.
        next_item = document["next_due"]["item"]
        self.assertIn(by_item[next_item]["state"], {"due", "upcoming"})
        self.assertEqual(document["next_due"]["planned"], by_item[next_item]["planned"])
        self.assertEqual(document["warnings"], [])

    def test_status_is_the_default_and_human_output_is_aligned(self):
        result = self.ok()
        self.assertEqual(result.stdout, self.ok("status").stdout)
        lines = result.stdout.splitlines()
        self.assertTrue(lines[0].startswith("Today, "), lines[0])
        rows = [line for line in lines if line.startswith("  ")]
        self.assertEqual(len(rows), 4)
        self.assertEqual(len({row.index(row.split()[1]) for row in rows}), 1)
        self.assertTrue(any("glycinate-pm" in row and "due" in row for row in rows))
        self.assertRegex(result.stdout, r"\nNext: \d\d:\d\d(:\d\d)? [a-z-]+ \(.+\)\n")
        self.assertNotIn("\033[", result.stdout)  # NO_COLOR is set and stdout is a pipe

    def test_take_by_prefix(self):
        planned = self.dose("glycinate-pm")["planned"]
        result = self.ok("take", "glyc")
        self.assertEqual(result.stdout,
                         f"Taken: Magnesium glycinate (planned {clock_text(planned)})\n")
        taken = self.events("glycinate-pm", "taken")
        self.assertEqual(len(taken), 1)
        self.assertEqual(taken[0]["planned"], planned)

        status = {d["item"]: d for d in self.json_of("status")["doses"]}
        self.assertEqual(status["glycinate-pm"]["state"], "taken")
        self.assertRegex(status["glycinate-pm"]["acted_at"], RFC3339)

        history = self.json_of("history")
        entry = [e for e in history if e["event"] == "taken"][0]
        self.assertEqual(set(entry), {"item", "event", "planned", "at", "note", "severity",
                                      "quantity", "amount"})
        self.assertIsNone(entry["amount"])  # only what `take --amount` recorded
        self.assertEqual(entry["item"], "glycinate-pm")
        self.assertEqual(parse_instant(entry["planned"]).timestamp(), planned / 1_000_000)
        self.assertIsNone(entry["severity"])

        # The alias, for a dose that is no longer due: refused with the daemon's message.
        again = self.ctl("confirm", "glycinate-pm")
        self.assertEqual(again.returncode, 1)
        self.assertTrue(again.stderr.startswith("regimenctl: "), again.stderr)

    def test_take_backdated(self):
        planned = self.dose("glycinate-pm")["planned"]
        at = (planned // 1_000_000 + 1) * 1_000_000
        harness.wait_for(lambda: harness.now_usec() > at + 1_000_000)
        result = self.ok("take", "glycinate-pm", "--at", local_text(at))
        self.assertIn("Taken: Magnesium glycinate", result.stdout)
        taken = self.events("glycinate-pm", "taken")
        self.assertEqual([(e["planned"], e["at"]) for e in taken], [(planned, at)])

    def test_skip_with_reason(self):
        result = self.ok("skip", "skip-me", "--reason", "felt sick")
        self.assertTrue(result.stdout.startswith("Skipped: Skipped thing (planned "),
                        result.stdout)
        history = self.json_of("history", "--item", "skip")
        self.assertEqual({e["item"] for e in history}, {"skip-me"})
        skipped = [e for e in history if e["event"] == "skipped"]
        self.assertEqual(len(skipped), 1)
        self.assertEqual(skipped[0]["note"], "felt sick")
        state = {d["item"]: d["state"] for d in self.json_of("status")["doses"]}
        self.assertEqual(state["skip-me"], "skipped")

    def test_snooze(self):
        result = self.ok("snooze", "snooze-me", "10m")
        match = re.match(r"^Snoozed: Snoozed thing until (\d\d:\d\d(:\d\d)?)\n$", result.stdout)
        self.assertTrue(match, result.stdout)
        state = {d["item"]: d["state"] for d in self.json_of("status")["doses"]}
        self.assertEqual(state["snooze-me"], "snoozed")
        self.assertEqual(len(self.events("snooze-me", "snoozed")), 1)
        refused = self.ctl("snooze", "later")  # not due: nothing to snooze
        self.assertEqual(refused.returncode, 1, refused.stdout + refused.stderr)

    def test_log_as_needed(self):
        result = self.ok("log", "top", "--note", "neck")
        self.assertTrue(result.stdout.startswith("Logged: Topical magnesium at "), result.stdout)
        logged = self.json_of("history", "--item", "topical")
        self.assertEqual(len(logged), 1)
        self.assertEqual(logged[0]["event"], "as_needed")
        self.assertEqual(logged[0]["note"], "neck")
        self.assertIsNone(logged[0]["planned"])
        self.assertIsNone(logged[0]["severity"])

    def test_log_backdated(self):
        at = (harness.now_usec() // 1_000_000 - 600) * 1_000_000
        self.ok("log", "topical", "--at", local_text(at))
        self.assertEqual([e["at"] for e in self.events("topical", "as_needed")], [at])

    def test_symptom(self):
        self.ok("symptom", "migraine", "6", "--note", "aura")
        symptoms = [e for e in self.json_of("history") if e["event"] == "symptom"]
        self.assertEqual(len(symptoms), 1)
        self.assertEqual(symptoms[0]["item"], "migraine")
        self.assertEqual(symptoms[0]["severity"], 6)
        self.assertEqual(symptoms[0]["note"], "aura")
        self.assertIsNone(symptoms[0]["planned"])
        self.assertEqual(self.ctl("symptom", "migraine", "11").returncode, 2)
        unknown = self.ctl("symptom", "toothache", "3")
        self.assertEqual(unknown.returncode, 1, unknown.stdout + unknown.stderr)
        self.assertTrue(unknown.stderr.startswith("regimenctl: "), unknown.stderr)

    def test_history_is_newest_first_and_filtered(self):
        self.ok("take", "glycinate-pm")
        self.ok("skip", "skip-me")
        self.ok("symptom", "sleep", "2")
        history = self.json_of("history")
        instants = [parse_instant(e["at"]) for e in history]
        self.assertEqual(instants, sorted(instants, reverse=True))
        self.assertTrue({"due", "taken", "skipped", "symptom"} <= {e["event"] for e in history})
        self.assertEqual({e["item"] for e in self.json_of("history", "--item", "glyc")},
                         {"glycinate-pm"})
        # A name that is neither an item nor a symptom kind is an error, not "no events".
        unknown = self.ctl("history", "--since", "1s", "--item", "nothing-like-this", "--json")
        self.assertEqual(unknown.returncode, 1, unknown.stdout + unknown.stderr)
        self.assertEqual(self.json_of("history", "--since", "1s", "--item", "migraine"), [])
        human = self.ok("history").stdout
        self.assertRegex(human, r"taken\s+glycinate-pm\s+planned ")

    def test_unknown_item_is_exit_1_with_the_daemons_message(self):
        result = self.ctl("take", "no-such-item")
        self.assertEqual(result.returncode, 1)
        self.assertTrue(result.stderr.startswith("regimenctl: "), result.stderr)
        self.assertIn("no-such-item", result.stderr)

    def test_reload_keeps_the_running_regimen_on_errors(self):
        self.assertIn("Reloaded", self.ok("reload").stdout)
        good = read_text(self.daemon.config_path)
        self.daemon.write_regimen(good.replace("items:", "items:\n  - id: broken\n    at: 8am", 1))
        result = self.ctl("reload")
        self.assertEqual(result.returncode, 1, result.stdout + result.stderr)
        self.assertTrue(result.stderr.startswith("regimenctl: "), result.stderr)
        self.assertRegex(result.stderr, r":\d+:\d+: ")
        document = self.json_of("status")
        self.assertIn("glycinate-pm", {d["item"] for d in document["doses"]})
        self.assertNotIn("broken", {d["item"] for d in document["doses"]})
        # The broken file on disk shows up as a warning in status.
        self.assertTrue(any("has errors" in w for w in document["warnings"]),
                        document["warnings"])

    def test_offline_verbs_read_the_daemons_file(self):
        self.assertEqual(self.ok("check").returncode, 0)
        plan = self.json_of("plan", "--days", "1")
        self.assertIn("later", {dose["item"] for dose in plan})


class OtherClients(CtlTestCase):
    def setUp(self):
        super().setUp()
        self.start_regimen([item("race", 2, "Race"), item("other", 2, "Other")])
        self.wait_state("race", "due")
        self.wait_state("other", "due")

    def busctl(self, *args):
        result = subprocess.run(
            ["busctl", "--user", "--json=short", "call", harness.BUS_NAME, harness.OBJECT_PATH,
             harness.INTERFACE] + list(args),
            env=self.daemon.env, capture_output=True, text=True, timeout=60)
        self.assertEqual(result.returncode, 0, result.stderr)
        return json.loads(result.stdout)

    def test_busctl_confirm_and_list_doses(self):
        now = harness.now_usec()
        listed = self.busctl("ListDoses", "tt", str(now - HOUR_USEC), str(now + HOUR_USEC))
        self.assertEqual(listed["type"], "a(sstst)")
        rows = {row[0]: row for row in listed["data"][0]}
        self.assertEqual(rows["other"][1], "Other")
        self.assertEqual(rows["other"][3], "due")
        planned = rows["other"][2]

        confirmed = self.busctl("Confirm", "st", "other", "0")
        self.assertEqual(confirmed, {"type": "t", "data": [planned]})
        listed = self.busctl("ListDoses", "tt", str(now - HOUR_USEC), str(now + HOUR_USEC))
        rows = {row[0]: row for row in listed["data"][0]}
        self.assertEqual(rows["other"][3], "taken")
        self.assertGreater(rows["other"][4], 0)
        # What busctl did, regimenctl sees.
        state = {d["item"]: d["state"] for d in self.json_of("status")["doses"]}
        self.assertEqual(state["other"], "taken")

    def test_two_racing_takes_record_one_taken(self):
        processes = [subprocess.Popen([harness.REGIMENCTL, "take", "race"], env=self.daemon.env,
                                      stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
                     for _ in range(2)]
        outcomes = [(process.wait(timeout=60), process.communicate()) for process in processes]
        codes = sorted(code for code, _ in outcomes)
        self.assertEqual(codes, [0, 1], outcomes)
        self.assertEqual(len(self.events("race", "taken")), 1)
        loser = [streams for code, streams in outcomes if code == 1][0]
        self.assertTrue(loser[1].startswith("regimenctl: "), loser)


EDITOR_SCRIPT = """#!/bin/sh
# Counts its calls; writes the file named by the call number (or the last one).
count=$(cat "{counter}" 2>/dev/null || echo 0)
count=$((count + 1))
echo "$count" > "{counter}"
source="{prefix}$count.yaml"
[ -f "$source" ] || source="{prefix}last.yaml"
for file; do :; done  # the last argument: options may come first ("code --wait")
cp "$source" "$file"
"""


class Unanswered(CtlTestCase):
    def test_a_daemon_that_never_answers_is_exit_3_once_the_timeout_passes(self):
        # A stopped daemon owns its name but answers nothing: regimenctl gives up after
        # sd-bus's method-call timeout ($SYSTEMD_BUS_TIMEOUT, 25 s by default) with exit 3.
        # The subprocess deadline is far longer: a client that waits forever fails here.
        self.start_regimen([item("later", 3 * 3600, "Later today")])
        self.ok("status")
        os.kill(self.daemon.process.pid, signal.SIGSTOP)
        try:
            for args in (["status"], ["history"], ["take", "nothing-by-this-name"]):
                result = self.ctl(*args, timeout=60, extra_env={"SYSTEMD_BUS_TIMEOUT": "2"})
                self.assertEqual(result.returncode, 3, f"{args}: {result.stderr}")
                self.assertIn("did not answer", result.stderr)
        finally:
            os.kill(self.daemon.process.pid, signal.SIGCONT)
        self.ok("status")


class Edit(CtlTestCase):
    def setUp(self):
        super().setUp()
        self.start_regimen([item("first", 3 * 3600, "First")])
        self.original = read_text(self.daemon.config_path)
        self.good = self.original.replace(
            "items:", 'items:\n  - {"id": "added", "name": "Added", "at": "23:59"}', 1)
        self.broken = self.original.replace("items:", "items:\n  - id: broken\n    at: 8am", 1)

    def editor(self, *texts):
        """An EDITOR that writes texts[0] on its first call, texts[1] on the second, ... and
        the last text from then on."""
        directory = os.path.join(self.workdir, "editor")
        os.makedirs(directory, exist_ok=True)
        prefix = os.path.join(directory, "text-")
        for number, text in enumerate(texts, start=1):
            with open(f"{prefix}{number}.yaml", "w") as out:
                out.write(text)
        with open(f"{prefix}last.yaml", "w") as out:
            out.write(texts[-1])
        self.counter = os.path.join(directory, "calls")
        script = os.path.join(directory, "editor.sh")
        with open(script, "w") as out:
            out.write(EDITOR_SCRIPT.format(counter=self.counter, prefix=prefix))
        os.chmod(script, stat.S_IRWXU)
        # With an argument, as "code --wait" would have: the command goes through /bin/sh.
        return {"EDITOR": f"{script} --wait", "VISUAL": "", "TMPDIR": self.workdir}

    def calls(self):
        return int(read_text(self.counter))

    def item_ids(self):
        return {d["item"] for d in self.json_of("status")["doses"]}

    def test_broken_then_good_installs_the_good_file_and_reloads(self):
        result = self.ctl("edit", extra_env=self.editor(self.broken, self.good),
                          input_text="")
        self.assertEqual(result.returncode, 0, result.stdout + result.stderr)
        self.assertEqual(self.calls(), 2)
        # Errors name the copy the editor shows, not the installed file they are not in.
        self.assertRegex(result.stderr, r"/regimen-\w+\.yaml:\d+:\d+: error: ")
        self.assertNotIn(self.daemon.config_path + ":", result.stderr)
        self.assertIn("reloaded", result.stdout)
        self.assertEqual(read_text(self.daemon.config_path), self.good)
        self.assertIn("added", self.item_ids())
        # No temporary files left beside the target or in TMPDIR.
        self.assertEqual(os.listdir(self.daemon.config_dir), ["regimen.yaml"])
        self.assertEqual([n for n in os.listdir(self.workdir) if n.startswith("regimen-")], [])

    def test_always_broken_gives_up_without_installing(self):
        result = self.ctl("edit", extra_env=self.editor(self.broken), input_text="")
        self.assertEqual(result.returncode, 1, result.stdout + result.stderr)
        self.assertEqual(self.calls(), 3)
        self.assertIn("nothing installed", result.stderr)
        self.assertEqual(read_text(self.daemon.config_path), self.original)
        self.assertEqual(self.item_ids(), {"first"})

    def edit_on_terminal(self, env, answers):
        """`edit` with a terminal on stdin (a pty) that has `answers` typed ahead."""
        master, slave = pty.openpty()
        try:
            os.write(master, answers.encode())
            full_env = dict(self.daemon.env, **env)
            return subprocess.run([harness.REGIMENCTL, "edit"], env=full_env, stdin=slave,
                                  capture_output=True, text=True, timeout=60)
        finally:
            os.close(slave)
            os.close(master)

    def test_on_a_terminal_it_asks_before_reopening(self):
        result = self.edit_on_terminal(self.editor(self.broken, self.good), "y\n")
        self.assertEqual(result.returncode, 0, result.stdout + result.stderr)
        self.assertIn("Re-open the editor? [Y/n]", result.stderr)
        self.assertEqual(self.calls(), 2)
        self.assertEqual(read_text(self.daemon.config_path), self.good)

    def test_on_a_terminal_no_keeps_the_old_file(self):
        result = self.edit_on_terminal(self.editor(self.broken, self.good), "n\n")
        self.assertEqual(result.returncode, 1, result.stdout + result.stderr)
        self.assertEqual(self.calls(), 1)
        self.assertEqual(read_text(self.daemon.config_path), self.original)
        # The user's edits are kept and the path is printed.
        copy = re.search(r"your copy: (\S+)\)", result.stderr).group(1)
        self.assertEqual(read_text(copy), self.broken)

    def test_unchanged_is_no_changes(self):
        result = self.ctl("edit", extra_env=self.editor(self.original), input_text="")
        self.assertEqual(result.returncode, 0, result.stdout + result.stderr)
        self.assertEqual(result.stdout, "No changes.\n")
        self.assertEqual(read_text(self.daemon.config_path), self.original)

    def test_without_a_daemon_installs_offline(self):
        env = self.editor(self.good)
        self.daemon.stop()
        harness.wait_for(lambda: not self.daemon.owns_name(), timeout=30)
        result = self.ctl("edit", extra_env=env, input_text="")
        self.assertEqual(result.returncode, 0, result.stdout + result.stderr)
        self.assertIn("not running", result.stdout)
        self.assertEqual(read_text(self.daemon.config_path), self.good)


if __name__ == "__main__":
    harness.main()
