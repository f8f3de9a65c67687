"""Editing the regimen file: a valid edit is applied, a broken one never is."""

import os

import dbus

import harness

DAY = harness.DAY_USEC


def regimen(*item_ids):
    return harness.regimen_yaml([{"id": i, "name": i.title(), "at": "03:00"} for i in item_ids])


BROKEN = """version: 1
timezone: Europe/Berlin
items:
  - id: a
    name: A
    at: "8am"
"""


class Reload(harness.DaemonTestCase):

    def listed_items(self, daemon):
        now = harness.now_usec()
        return sorted({d["item"] for d in daemon.doses(now, now + 2 * DAY)})

    def test_a_broken_file_is_refused_and_the_old_regimen_stays(self):
        server = self.start_notifications()
        recorder = self.start_recorder()
        daemon = self.start_daemon(regimen("alpha", "beta"))
        self.assertEqual(self.listed_items(daemon), ["alpha", "beta"])

        daemon.write_regimen(BROKEN)
        failed = recorder.wait("ReloadFailed")
        self.assertIn("regimen.yaml has 1 error", str(failed[0]))
        self.assertIn(":6:", str(failed[0]), "the message names the line of the error")
        notice = harness.wait_for(lambda: [c for c in server.notify_calls()
                                           if "previous regimen stays active" in c["summary"]])
        self.assertEqual(len(notice), 1)
        self.assertEqual(self.listed_items(daemon), ["alpha", "beta"])

        # An explicit Reload says why, by name.
        name = harness.dbus_error_name(lambda: daemon.call("Reload"))
        self.assertEqual(name, harness.ERROR_PREFIX + "InvalidRegimen")
        self.assertTrue(daemon.alive())

    def test_the_errors_notice_leaves_once_the_file_is_good_and_a_removal_says_so(self):
        server = self.start_notifications()
        recorder = self.start_recorder()
        daemon = self.start_daemon(regimen("alpha"))
        daemon.write_regimen(BROKEN)
        notice = harness.wait_for(lambda: [c for c in server.notify_calls()
                                           if "previous regimen stays active" in c["summary"]])[0]
        daemon.write_regimen(regimen("alpha", "beta"))
        recorder.wait("RegimenReloaded")
        harness.wait_for(lambda: notice["id"] in server.closed_ids(),
                         message="the errors notice stayed after the file was fixed")
        os.remove(daemon.config_path)
        removed = harness.wait_for(lambda: [c for c in server.notify_calls()
                                            if "was removed" in c["summary"]])[0]
        self.assertEqual(removed["summary"],
                         "regimen.yaml was removed; the previous regimen stays active")
        self.assertIn("regimenctl edit", removed["body"])
        self.assertEqual(self.listed_items(daemon), ["alpha", "beta"])

    def test_a_valid_edit_is_applied(self):
        recorder = self.start_recorder()
        daemon = self.start_daemon(regimen("alpha"))
        daemon.write_regimen(regimen("gamma", "delta"))
        reloaded = recorder.wait("RegimenReloaded")
        self.assertEqual(int(reloaded[0]), 2)
        self.assertEqual(self.listed_items(daemon), ["delta", "gamma"])
        daemon.call("Reload")
        harness.wait_for(lambda: len(recorder.of("RegimenReloaded")) >= 2)

    def test_validate_reports_errors_with_positions(self):
        daemon = self.start_daemon(regimen("alpha"))
        diagnostics = daemon.call("Validate", BROKEN)
        errors = [d for d in diagnostics if str(d[2]) == "error"]
        self.assertEqual(len(errors), 1)
        self.assertEqual((int(errors[0][0]), int(errors[0][1])), (6, 9))
        self.assertIn("8am", str(errors[0][3]))
        self.assertEqual(list(daemon.call("Validate", regimen("x"))), [])


if __name__ == "__main__":
    harness.main()
