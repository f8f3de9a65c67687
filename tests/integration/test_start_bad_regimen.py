"""A regimen with errors at start never stops the daemon (issue 24 case 4, SPEC "Validation").

Before: an edit made while regimend was not running made the next start log "cannot start:
... has no valid regimen" and exit 1; systemd gave up after its start limit and nothing said
why. Now it runs on the last valid regimen it applied (a plain copy of the YAML text in the
state directory, 0600), or on no items when there never was one, shows the errors notice,
lists the errors under `status` warnings and applies the file as soon as it is valid."""

import json
import os
import stat

import harness

DAY = harness.DAY_USEC

BROKEN = """version: 1
timezone: Europe/Berlin
items:
  - id: broken
    name: Broken
    at: "8am"
"""


def regimen(*item_ids):
    return harness.regimen_yaml([{"id": i, "name": i.title(), "at": "03:00"} for i in item_ids])


class StartOnBadRegimen(harness.DaemonTestCase):

    def items(self, daemon):
        now = harness.now_usec()
        return sorted({d["item"] for d in daemon.doses(now, now + 2 * DAY)})

    def last_regimen(self, daemon):
        return os.path.join(daemon.state_dir, "last-regimen.yaml")

    def warnings(self, daemon):
        status = daemon.ctl("status", "--json")
        self.assertEqual(status.returncode, 0, status.stderr)
        return json.loads(status.stdout)["warnings"]

    def errors_notice(self, server, words):
        return harness.wait_for(lambda: [c for c in server.notify_calls()
                                         if words in c["summary"]],
                                message=f"no notice with '{words}'")

    def test_a_broken_edit_while_stopped_starts_on_the_last_valid_regimen(self):
        server = self.start_notifications()
        recorder = self.start_recorder()
        daemon = self.start_daemon(regimen("alpha", "beta"))
        self.assertEqual(self.items(daemon), ["alpha", "beta"])
        # The copy is the YAML text as applied, private to the user.
        copy = self.last_regimen(daemon)
        harness.wait_for(lambda: os.path.exists(copy))
        with open(copy) as kept:
            self.assertEqual(kept.read(), regimen("alpha", "beta"))
        self.assertEqual(stat.S_IMODE(os.stat(copy).st_mode), 0o600)
        daemon.stop()

        daemon.write_regimen(BROKEN)
        daemon.start()  # raises when regimend exits
        self.assertTrue(daemon.alive())
        self.assertEqual(self.items(daemon), ["alpha", "beta"])
        notice = self.errors_notice(server, "regimen.yaml has 1 error")[0]
        self.assertIn("last valid regimen", notice["summary"])
        self.assertIn(":6:", notice["body"], "the notice names the error's line")
        warnings = self.warnings(daemon)
        self.assertTrue(any("has errors" in w for w in warnings), warnings)
        self.assertTrue(any(":6:" in w and "8am" in w for w in warnings),
                        f"the errors themselves are listed: {warnings}")
        # The copy still holds the last valid text, not the broken one.
        with open(copy) as kept:
            self.assertEqual(kept.read(), regimen("alpha", "beta"))

        # Fixed: applied at once through the file watch, the notice and the warnings go.
        daemon.write_regimen(regimen("gamma"))
        recorder.wait("RegimenReloaded")
        self.assertEqual(self.items(daemon), ["gamma"])
        harness.wait_for(lambda: notice["id"] in server.closed_ids(),
                         message="the errors notice stayed after the file was fixed")
        self.assertFalse(any("has errors" in w for w in self.warnings(daemon)))
        with open(copy) as kept:
            self.assertEqual(kept.read(), regimen("gamma"))

    def test_restoring_the_text_it_runs_on_clears_the_errors(self):
        server = self.start_notifications()
        daemon = self.start_daemon(regimen("alpha"))
        daemon.stop()
        daemon.write_regimen(BROKEN)
        daemon.start()
        notice = self.errors_notice(server, "has 1 error")[0]
        daemon.write_regimen(regimen("alpha"))  # the very text of the kept copy
        harness.wait_for(lambda: notice["id"] in server.closed_ids(),
                         message="the file came back as it was and the notice stayed")
        harness.wait_for(lambda: not any("has errors" in w for w in self.warnings(daemon)))
        self.assertEqual(self.items(daemon), ["alpha"])

    def test_a_first_start_on_a_broken_file_runs_with_no_items_until_it_loads(self):
        server = self.start_notifications()
        recorder = self.start_recorder()
        daemon = self.make_daemon(BROKEN)
        daemon.start()
        self.assertEqual(self.items(daemon), [])
        notice = self.errors_notice(server, "regimen.yaml has 1 error")[0]
        self.assertIn("nothing is reminded", notice["summary"])
        self.assertTrue(any("8am" in w for w in self.warnings(daemon)))
        self.assertFalse(os.path.exists(self.last_regimen(daemon)))
        # SIGHUP and Reload say why, and the daemon stays.
        self.assertEqual(daemon.ctl("reload").returncode, 1)
        self.assertTrue(daemon.alive())

        daemon.write_regimen(regimen("alpha"))
        recorder.wait("RegimenReloaded")
        self.assertEqual(self.items(daemon), ["alpha"])
        harness.wait_for(lambda: os.path.exists(self.last_regimen(daemon)))

    def test_a_missing_or_unreadable_regimen_does_not_stop_it_either(self):
        daemon = self.start_daemon(regimen("alpha"))
        daemon.stop()
        os.remove(daemon.config_path)
        os.mkdir(daemon.config_path)  # a directory where the regimen was
        daemon.start()
        self.assertEqual(self.items(daemon), ["alpha"])
        self.assertIn("it is a directory, not a regular file", daemon.log())
        daemon.stop()
        self.assertEqual(daemon.process.returncode, 0)


if __name__ == "__main__":
    harness.main()
