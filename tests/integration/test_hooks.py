"""Hooks (SPEC "Hooks: reaching someone else"): a hook writes its environment to a file on
`taken` and on `missed`; a hook that never ends is killed after its timeout while reminders
and D-Bus calls go on; a hook posts with curl to a small HTTP server on the loopback
address standing in for ntfy."""

import http.server
import json
import re
import os
import shutil
import subprocess
import threading
import time
import unittest

import harness

# A dose's name with quotes, braces and a shell's special characters: it must reach the
# command as one unchanged argument (no shell, no second expansion).
ODD_NAME = """Mum's "night" {item} dose; $(touch /tmp/regimend-hook-pwned) `id`"""

# Writes the REGIMEND_* variables, one per line, and its first argument to
# DIR/EVENT-ITEM.env (via a temporary name, so the test never reads half a file).
RECORD = ("env | grep '^REGIMEND_' | sort > \"$0/.tmp\"; printf 'ARG=%s\\n' \"$1\" >> \"$0/.tmp\";"
          " mv \"$0/.tmp\" \"$0/$REGIMEND_EVENT-$REGIMEND_ITEM.env\"")


def hooks_yaml(hooks):
    """The `hooks:` key, each hook a YAML flow mapping (JSON is a subset of it)."""
    return "hooks:\n" + "".join("  - " + json.dumps(hook) + "\n" for hook in hooks)


def read_env(path):
    values = {}
    with open(path) as recorded:
        for line in recorded.read().splitlines():
            key, _, value = line.partition("=")
            values[key] = value
    return values


class Hooks(harness.DaemonTestCase):

    def wait_hook_env(self, daemon, out, event, item):
        """The variables the RECORD hook wrote for EVENT on ITEM, once its file is there;
        they name that event and that item."""
        path = os.path.join(out, f"{event}-{item}.env")
        harness.wait_for(lambda: os.path.exists(path),
                         message=f"the {event} hook never wrote its file:\n" + daemon.log())
        values = read_env(path)
        self.assertEqual(values["REGIMEND_EVENT"], event)
        self.assertEqual(values["REGIMEND_ITEM"], item)
        return values

    def test_the_readmes_hooks_example_passes_check(self):
        source = os.environ.get("REGIMEND_SOURCE_DIR",
                                os.path.join(os.path.dirname(__file__), "..", ".."))
        with open(os.path.join(source, "README.md")) as readme:
            blocks = re.findall(r"^```yaml\n(hooks:\n.*?)^```", readme.read(),
                                re.DOTALL | re.MULTILINE)
        self.assertEqual(len(blocks), 1, "README.md shows one hooks example")
        path = os.path.join(self.workdir, "regimen.yaml")
        with open(path, "w") as regimen:
            regimen.write(harness.regimen_yaml([{"id": "glycinate-pm", "name": "Glycinate",
                                                 "at": "21:30"}]) + blocks[0])
        result = subprocess.run([harness.REGIMENCTL, "check", path], capture_output=True,
                                text=True, timeout=60)
        self.assertEqual(result.returncode, 0, result.stdout + result.stderr)

    def test_a_hook_writes_its_environment_on_taken_and_on_missed(self):
        out = os.path.join(self.workdir, "hook-out")
        os.makedirs(out)
        self.start_notifications()
        regimen = harness.regimen_yaml(
            [harness.dose_item("taken-one", 2, name=ODD_NAME, amount="200 mg"),
             harness.dose_item("missed-one", 2, name="Missed one",
                               reminders={"repeat_every": "1h", "missed_after": "4s"})],
            reminders={"repeat_every": "1h", "escalate_after": "1h", "missed_after": "3h"},
            extra=hooks_yaml([{"events": ["taken", "missed"],
                               "run": ["/bin/sh", "-c", RECORD, out, "{name}"]}]))
        daemon = self.start_daemon(regimen)
        daemon.wait_log("became due")
        harness.wait_for(lambda: any(d["item"] == "taken-one" and d["state"] == "due"
                                     for d in daemon.doses(harness.now_usec() - harness.DAY_USEC,
                                                           harness.now_usec() + 60_000_000)))
        taken = daemon.ctl("take", "taken-one")
        self.assertEqual(taken.returncode, 0, taken.stderr)

        values = self.wait_hook_env(daemon, out, "taken", "taken-one")
        self.assertEqual(values["REGIMEND_NAME"], ODD_NAME)
        self.assertEqual(values["ARG"], ODD_NAME, "the name reaches the command unchanged")
        self.assertEqual(values["REGIMEND_AMOUNT"], "200 mg")
        self.assertRegex(values["REGIMEND_PLANNED"], r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d\d:\d\d$")
        self.assertRegex(values["REGIMEND_AT"], r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d\d:\d\d$")
        self.assertFalse(os.path.exists("/tmp/regimend-hook-pwned"))

        values = self.wait_hook_env(daemon, out, "missed", "missed-one")
        self.assertEqual(values["ARG"], "Missed one")
        self.assertEqual(values["REGIMEND_AMOUNT"], "")
        # No hook for events it does not list.
        self.assertEqual(sorted(os.listdir(out)), ["missed-missed-one.env", "taken-taken-one.env"])
        daemon.wait_log("taken hook for 'taken-one' (/bin/sh) finished")

    def test_a_hook_that_never_ends_is_killed_after_its_timeout_while_reminders_go_on(self):
        server = self.start_notifications()
        calm = {"repeat_every": "1h", "escalate_after": "1h", "missed_after": "3h"}
        regimen = harness.regimen_yaml(
            [harness.dose_item("first", 1, name="First"),
             harness.dose_item("second", 4, name="Second")],
            reminders=calm,
            extra=hooks_yaml([{"events": ["due"], "items": ["first"],
                               "run": ["sleep", "100000"], "timeout": "10s"}]))
        daemon = self.start_daemon(regimen)
        daemon.wait_log("started due hook for 'first' (sleep)")
        # While it runs: a call is answered, the next dose is reminded on time, and a take
        # is recorded.
        started = time.monotonic()
        doses = daemon.doses(harness.now_usec() - 60_000_000, harness.now_usec() + 60_000_000)
        elapsed_ms = (time.monotonic() - started) * 1000
        print(f"ListDoses answered in {elapsed_ms:.1f} ms while the hook ran", flush=True)
        self.assertEqual(sorted(d["item"] for d in doses), ["first", "second"])
        server.wait_reminders("Second", timeout=30)
        taken = daemon.ctl("take", "second")
        self.assertEqual(taken.returncode, 0, taken.stderr)
        killed = "due hook for 'first' (sleep) was killed by signal 9 (SIGKILL)"
        daemon.wait_log(killed, timeout=60)
        # In the daemon's own order (not the test's): the reminder, due 3 s after the hook
        # started, came while the hook still ran (7 s before its timeout).
        log = daemon.log()
        self.assertLess(log.index("reminder: Second"), log.index(killed))
        self.assertIn("killing it", daemon.log())
        self.assertTrue(daemon.alive())
        self.assertLess(elapsed_ms, 10_000, "a generous deadline only: the call was not held")

    def test_a_hook_posts_to_an_ntfy_stand_in_with_curl(self):
        curl = shutil.which("curl")
        if curl is None:
            if os.environ.get("CI") == "true":
                self.fail("curl is missing (scripts/setup-tests.sh installs it)")
            self.skipTest("curl is not installed")
        received = []

        class Ntfy(http.server.BaseHTTPRequestHandler):
            def do_POST(self):
                length = int(self.headers.get("Content-Length", 0))
                received.append({"path": self.path, "title": self.headers.get("Title"),
                                 "body": self.rfile.read(length).decode()})
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.end_headers()
                self.wfile.write(b'{"id":"x"}')

            def log_message(self, *args):
                pass

        server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Ntfy)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        self.addCleanup(server.server_close)
        self.addCleanup(server.shutdown)
        url = f"http://127.0.0.1:{server.server_address[1]}/mum"

        self.start_notifications()
        regimen = harness.regimen_yaml(
            [harness.dose_item("glycinate-pm", 1, name=ODD_NAME, amount="300 mg")],
            reminders={"repeat_every": "1h", "escalate_after": "1h", "missed_after": "3h"},
            extra=hooks_yaml([{"events": ["due"], "items": ["glycinate-pm"],
                               "run": [curl, "-sS", "--max-time", "20", "-H", "Title: {event}",
                                       "-d", "{name} ({amount}) is due since {planned}", url],
                               "timeout": "30s"}]))
        daemon = self.start_daemon(regimen)
        harness.wait_for(lambda: received, message="no POST reached the server:\n" + daemon.log())
        self.assertEqual(received[0]["path"], "/mum")
        self.assertEqual(received[0]["title"], "due")
        self.assertRegex(received[0]["body"],
                         r"^" + re.escape(ODD_NAME + " (300 mg) is due since ")
                         + r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d\d:\d\d$")
        daemon.wait_log("due hook for 'glycinate-pm' (" + curl + ") finished")
        self.assertEqual(len(received), 1)


if __name__ == "__main__":
    harness.main()
