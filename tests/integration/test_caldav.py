"""CalDAV sync against a real Radicale on the loopback address (SPEC "Phone and other
devices"): a due dose becomes a task on the server; the test, acting as the phone,
completes or cancels it and the history records `taken` at the COMPLETED time (the
desktop notification closes) or `skipped`; `regimenctl take` completes the server's task.
Tasks of other origin and completions in the future change nothing."""

import json
import os
import time
import unittest

import harness
from harness import wait_for

import caldav_server
from caldav_server import Radicale

LEAD = 4  # seconds from start to the dose
SLOW = {"repeat_every": "1h", "escalate_after": "1h", "missed_after": "1h"}


@unittest.skipUnless(caldav_server.radicale_binary(), "radicale is not installed")
class CaldavSync(harness.DaemonTestCase):

    def setUp(self):
        super().setUp()
        self.radicale = Radicale(self.workdir).start()
        self.addCleanup(self.radicale.stop)
        self.radicale.make_collection()

    def start(self, url=None, password=caldav_server.PASSWORD, more_items=(), mode=0o600,
              devices=None, reminders=SLOW):
        self.server = self.start_notifications()
        self.recorder = self.start_recorder()
        secret = caldav_server.password_file(self.workdir, password)
        os.chmod(secret, mode)
        item = harness.dose_item("glycinate-pm", LEAD, name="Magnesium glycinate",
                                 dose="2 capsules", amount="200 mg")
        if devices is None:
            devices = caldav_server.devices_yaml(url or self.radicale.collection, secret)
        text = harness.regimen_yaml([item] + list(more_items), reminders=reminders,
                                    extra=devices)
        self.daemon = self.start_daemon(text)
        due = self.recorder.wait("DoseDue", lambda args: str(args[0]) == "glycinate-pm")
        self.planned = int(due[1])
        return self.daemon

    def status_sync(self):
        result = self.daemon.ctl("status", "--json")
        self.assertEqual(result.returncode, 0, result.stderr)
        return json.loads(result.stdout)["sync"]

    def confirm_answers(self, item="glycinate-pm"):
        """A Confirm over D-Bus while the sync is busy or failing: it answers (its time is
        printed; the deadline asserted is generous)."""
        started = time.monotonic()
        self.daemon.call("Confirm", item, harness.dbus.UInt64(0), timeout=30)
        print(f"Confirm answered in {(time.monotonic() - started) * 1000:.1f} ms")

    def test_a_due_dose_is_a_task_the_phone_completes(self):
        self.start()
        text, etag = self.radicale.wait_task("glycinate-pm", self.planned)
        self.assertIn("SUMMARY:Magnesium glycinate 200 mg", text)
        self.assertIn("STATUS:NEEDS-ACTION", text)
        self.assertIn("BEGIN:VALARM", text)
        shown = self.server.wait_reminders("Magnesium glycinate")[0]
        # The phone completes it 2 s after it was due (whole seconds: iCalendar's precision).
        at = (self.planned // 1_000_000 + 2) * 1_000_000
        status = self.radicale.put(self.radicale.task_url("glycinate-pm", self.planned),
                                   caldav_server.completed(text, at), etag)
        self.assertIn(status, (200, 201, 204))
        taken = self.recorder.wait("DoseTaken", timeout=60)
        self.assertEqual(int(taken[1]), self.planned)
        events = [e for e in self.daemon.history() if e["item"] == "glycinate-pm"]
        self.assertEqual([e["event"] for e in events], ["due", "taken"])
        self.assertEqual(events[1]["at"], at)
        wait_for(lambda: shown["id"] in self.server.closed_ids(),
                 message="the notification was not closed")
        sync = self.status_sync()
        self.assertIsNotNone(sync["last_ok"])
        self.assertIsNone(sync["error"])

    def test_take_on_the_desktop_completes_the_task(self):
        self.start()
        self.radicale.wait_task("glycinate-pm", self.planned)
        result = self.daemon.ctl("take", "glycinate-pm")
        self.assertEqual(result.returncode, 0, result.stderr)
        text, _ = self.radicale.wait_task("glycinate-pm", self.planned,
                                          contains="STATUS:COMPLETED")
        self.assertIn("COMPLETED:", text)

    def test_cancelled_on_the_phone_is_skipped(self):
        # The password from password_command this time (its first line).
        command = os.path.join(self.workdir, "print-password")
        with open(command, "w") as out:
            out.write(f"#!/bin/sh\necho '{caldav_server.PASSWORD}'\necho second line\n")
        os.chmod(command, 0o700)
        self.start(devices="devices:\n  caldav:\n"
                           f"    url: {self.radicale.collection}\n"
                           f"    username: {caldav_server.USER}\n"
                           f"    password_command: [{command}]\n    poll: 10s\n")
        text, etag = self.radicale.wait_task("glycinate-pm", self.planned)
        self.radicale.put(self.radicale.task_url("glycinate-pm", self.planned),
                          caldav_server.cancelled(text), etag)
        skipped = self.recorder.wait("DoseSkipped", timeout=60)
        self.assertEqual(str(skipped[0]), "glycinate-pm")

    def test_a_foreign_task_and_a_completion_in_the_future_change_nothing(self):
        self.start()
        text, etag = self.radicale.wait_task("glycinate-pm", self.planned)
        foreign = text.replace(f"UID:glycinate-pm.{self.planned // 1_000_000}@regimend",
                               "UID:6f0b1c2e-0d47-4c1e-8a47-shopping@example.org")
        foreign = caldav_server.completed(foreign, self.planned)
        self.assertIn(self.radicale.put(self.radicale.collection + "shopping.ics", foreign),
                      (200, 201, 204))
        future = (int(time.time()) + 3600) * 1_000_000
        self.radicale.put(self.radicale.task_url("glycinate-pm", self.planned),
                          caldav_server.completed(text, future), etag)
        self.daemon.wait_log("was completed in the future", timeout=60)
        doses = self.daemon.doses(self.planned, self.planned + 1_000_000)
        self.assertEqual(doses[0]["state"], "due")
        self.assertNotIn("taken", [e["event"] for e in self.daemon.history()])
        self.confirm_answers()

    def test_server_down_at_start_then_back(self):
        port = self.radicale.port
        self.radicale.stop()
        self.start(more_items=[harness.dose_item("threonate", LEAD, name="Threonate")])
        self.daemon.wait_log("failed: cannot reach the server", timeout=60)
        self.confirm_answers("threonate")
        back = Radicale(self.workdir, port=port).start()
        self.addCleanup(back.stop)
        # The open dose is published once the server is back (retries with backoff); the
        # dose answered on the desktop before the phone ever saw it needs no task.
        back.wait_task("glycinate-pm", self.planned, contains="STATUS:NEEDS-ACTION", timeout=90)
        self.daemon.wait_log("works again", timeout=30)
        threonate = int(self.recorder.wait("DoseDue", lambda args: str(args[0]) == "threonate")[1])
        self.assertIsNone(back.task("threonate", threonate))
        self.assertEqual([e["event"] for e in self.daemon.history() if e["item"] == "threonate"],
                         ["due", "taken"])

    def test_undo_on_the_desktop_reopens_the_task(self):
        self.start()
        self.radicale.wait_task("glycinate-pm", self.planned)
        self.assertEqual(self.daemon.ctl("take", "glycinate-pm").returncode, 0)
        self.radicale.wait_task("glycinate-pm", self.planned, contains="STATUS:COMPLETED")
        self.assertEqual(self.daemon.ctl("undo", "glycinate-pm").returncode, 0)
        text, _ = self.radicale.wait_task("glycinate-pm", self.planned,
                                          contains="STATUS:NEEDS-ACTION")
        self.assertNotIn("COMPLETED:", text)

    def test_a_missed_dose_cancels_its_task(self):
        self.start(reminders={"repeat_every": "1h", "escalate_after": "1h", "missed_after": "8s"})
        self.radicale.wait_task("glycinate-pm", self.planned)
        self.recorder.wait("DoseMissed", timeout=60)
        self.radicale.wait_task("glycinate-pm", self.planned, contains="STATUS:CANCELLED")

    def test_tasks_older_than_8_days_are_removed(self):
        old_planned = (int(time.time()) - 9 * 86400) * 1_000_000
        recent_planned = (int(time.time()) - 7 * 86400) * 1_000_000
        for planned in (old_planned, recent_planned):
            uid = f"glycinate-pm.{planned // 1_000_000}@regimend"
            stamp = time.strftime("%Y%m%dT%H%M%SZ", time.gmtime(planned // 1_000_000))
            text = ("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//EN\r\n"
                    f"BEGIN:VTODO\r\nUID:{uid}\r\nDTSTAMP:{stamp}\r\nDUE:{stamp}\r\n"
                    "SUMMARY:old\r\nSTATUS:CANCELLED\r\nEND:VTODO\r\nEND:VCALENDAR\r\n")
            self.assertIn(self.radicale.put(self.radicale.task_url("glycinate-pm", planned),
                                            text), (200, 201, 204))
        self.start()
        self.radicale.wait_task("glycinate-pm", self.planned)
        wait_for(lambda: self.radicale.task("glycinate-pm", old_planned) is None, timeout=60,
                 message="the 9-day-old task was not removed")
        self.assertIsNotNone(self.radicale.task("glycinate-pm", recent_planned))

    def test_a_password_file_others_can_read_is_refused(self):
        self.start(mode=0o644)
        self.daemon.wait_log("must be yours and readable by you alone", timeout=60)
        self.assertIn("chmod 600", self.status_sync()["error"])
        self.assertIsNone(self.radicale.task("glycinate-pm", self.planned))

    def test_tls_is_verified_and_ca_file_trusts_a_private_ca(self):
        certificate, key = caldav_server.make_certificate(self.workdir)
        self.radicale.stop()
        self.radicale = Radicale(self.workdir, tls=(certificate, key)).start()
        self.addCleanup(self.radicale.stop)  # the collection is setUp's, in the same storage
        secret = caldav_server.password_file(self.workdir)
        # Without ca_file the self-signed certificate is refused.
        self.start(devices=caldav_server.devices_yaml(self.radicale.collection, secret))
        self.daemon.wait_log("failed: cannot reach the server", timeout=60)
        self.assertIn("certificate", self.status_sync()["error"].lower())
        self.assertIsNone(self.radicale.task("glycinate-pm", self.planned))
        # With it, the task is published over TLS (the regimen reloads by itself).
        with open(self.daemon.config_path) as regimen:
            text = regimen.read().replace("    poll: 10s\n",
                                          f"    poll: 10s\n    ca_file: {certificate}\n")
        self.daemon.write_regimen(text)
        self.radicale.wait_task("glycinate-pm", self.planned, timeout=60)

    def test_without_devices_status_has_no_sync(self):
        self.start_notifications()
        self.daemon = self.start_daemon(harness.regimen_yaml(
            [harness.dose_item("glycinate-pm", 3600, name="G")]))
        self.assertIsNone(self.status_sync())
        self.assertNotIn("Phone sync", self.daemon.ctl("status").stdout)

    def test_a_wrong_password_is_an_error_without_the_password(self):
        self.start(password="wrong-password-123")
        self.daemon.wait_log("the server refused the user name or password (HTTP 401)",
                             timeout=60)
        self.assertNotIn("wrong-password-123", self.daemon.log())
        sync = self.status_sync()
        self.assertIsNone(sync["last_ok"])
        self.assertIn("HTTP 401", sync["error"])
        human = self.daemon.ctl("status").stdout
        self.assertIn("Phone sync: last good sync never", human)
        self.assertIn("last error: the server refused the user name or password (HTTP 401)",
                      human)
        self.assertNotIn("wrong-password-123", human)
        self.confirm_answers()


if __name__ == "__main__":
    harness.main()
