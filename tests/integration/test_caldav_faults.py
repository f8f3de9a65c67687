"""CalDAV faults (issue 30): a server that answers 500, a reply that never ends, a 100 MB
multistatus and one with entity expansion (refused, memory bounded). In each the daemon
lives, `status` says what failed, and a Confirm over D-Bus still answers (its time is
printed; only a generous deadline is asserted)."""

import json
import os
import subprocess
import sys
import time

import harness
from harness import wait_for

import caldav_server

HERE = os.path.dirname(os.path.abspath(__file__))
LEAD = 3
SLOW = {"repeat_every": "1h", "escalate_after": "1h", "missed_after": "1h"}


class CaldavFaults(harness.DaemonTestCase):

    def start_hostile(self, mode):
        port_file = os.path.join(self.workdir, f"{mode}.port")
        process = subprocess.Popen([sys.executable, os.path.join(HERE, "hostile_dav.py"), mode,
                                    port_file], start_new_session=True)
        self.addCleanup(harness.stop_process, process)
        wait_for(lambda: os.path.exists(port_file), timeout=30,
                 message="the hostile server did not start")
        with open(port_file) as port:
            return f"http://127.0.0.1:{port.read().strip()}/alice/regimen/"

    def run_fault(self, mode, expected_error, timeout=60):
        url = self.start_hostile(mode)
        self.start_notifications()
        recorder = self.start_recorder()
        secret = caldav_server.password_file(self.workdir)
        items = [harness.dose_item("a", LEAD, name="A"), harness.dose_item("b", LEAD, name="B")]
        text = harness.regimen_yaml(items, reminders=SLOW,
                                    extra=caldav_server.devices_yaml(url, secret))
        daemon = self.start_daemon(text)
        before = daemon.status("VmHWM")
        recorder.wait("DoseDue")
        started = time.monotonic()
        daemon.call("Confirm", "a", harness.dbus.UInt64(0), timeout=30)
        print(f"{mode}: Confirm answered in {(time.monotonic() - started) * 1000:.1f} ms")
        daemon.wait_log(expected_error, timeout=timeout)
        started = time.monotonic()
        daemon.call("Confirm", "b", harness.dbus.UInt64(0), timeout=30)
        print(f"{mode}: Confirm after the fault answered in "
              f"{(time.monotonic() - started) * 1000:.1f} ms")
        self.assertTrue(daemon.alive())
        grown = daemon.status("VmHWM") - before
        print(f"{mode}: peak resident memory grew by {grown} kB")
        self.assertLess(grown, 64 * 1024)
        result = daemon.ctl("status", "--json")
        self.assertEqual(result.returncode, 0, result.stderr)
        sync = json.loads(result.stdout)["sync"]
        self.assertIn(expected_error, sync["error"] or "")
        self.assertNotIn(caldav_server.PASSWORD, daemon.log())
        self.assertEqual(sorted(e["item"] for e in daemon.history() if e["event"] == "taken"),
                         ["a", "b"])
        return daemon

    def test_500(self):
        self.run_fault("status500", "the server answered HTTP 500")

    def test_a_put_refused_forever_is_a_failure_not_a_loop(self):
        daemon = self.run_fault("conflict", "keeps refusing the task")
        # Backoff, not a loop: a handful of tries, not thousands.
        self.assertLess(daemon.log().count("HTTP 412"), 10)

    def test_a_reply_that_never_ends(self):
        self.run_fault("hang", "cannot reach the server", timeout=120)

    def test_a_100_mb_multistatus_is_refused(self):
        self.run_fault("huge", "the server's reply is larger than 4 MiB", timeout=120)

    def test_entity_expansion_is_refused(self):
        self.run_fault("entities", "declares a DTD")


if __name__ == "__main__":
    harness.main()
