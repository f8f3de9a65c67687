"""No polling: between two events the daemon sleeps. Also prints the figures worth
watching (idle wakeups, memory, how late a reminder fires)."""

import re
import sys
import time

import harness


class Idle(harness.DaemonTestCase):

    def switches(self, daemon):
        return (daemon.status("voluntary_ctxt_switches")
                + daemon.status("nonvoluntary_ctxt_switches"))

    def test_it_does_not_wake_up_with_nothing_to_do(self):
        self.start_notifications()
        daemon = self.start_daemon(harness.regimen_yaml(
            [harness.dose_item("soon", 3, name="Soon"),
             {"id": "night", "name": "Night", "at": "03:00"}],
            reminders={"repeat_every": "1h"}))
        line = daemon.wait_log("became due")
        late = re.search(r"became due (-?\d+) ms after", daemon.log())
        self.assertIsNotNone(late)
        # After the reminder, the next deadline is an hour or more away.
        harness.wait_for(lambda: "notification 1 shows 'soon'" in daemon.log())
        before = self.switches(daemon)
        window = 10.0
        # Measuring idleness needs a stretch of time with nothing happening; no assertion
        # here depends on how fast the machine is.
        time.sleep(window)
        woke = self.switches(daemon) - before
        sys.stderr.write(f"\nidle: {woke} context switches in {window:.0f}s; "
                         f"VmRSS {daemon.status('VmRSS')} kB; "
                         f"reminder {late.group(1)} ms after its planned instant\n")
        # A polling loop (even once a second) would show ten or more.
        self.assertLessEqual(woke, 2)
        self.assertTrue(line)


if __name__ == "__main__":
    harness.main()
