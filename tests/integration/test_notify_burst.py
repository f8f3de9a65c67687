"""Many doses due at once: every reminder reaches the notification server.

The private bus has no session.conf limits, so dbus-daemon lets one connection wait for at
most 128 replies. 400 Notify calls sent at once lost 119 reminders ("The maximum number of
pending replies per connection has been reached"); the notifier now keeps at most 16 in
flight and queues the rest."""

import harness

DOSES = 400


class NotifyBurst(harness.DaemonTestCase):

    def test_400_doses_due_at_once_are_all_shown(self):
        server = self.start_notifications()
        due = harness.clock_in(10)
        items = [{"id": f"d{n:03d}", "name": f"Dose {n:03d}", "at": due} for n in range(DOSES)]
        daemon = self.start_daemon(harness.regimen_yaml(items))

        def shown():
            text = " ".join(call["summary"] + "\n" + call["body"]
                            for call in server.notify_calls())
            missing = [n for n in range(DOSES) if f"Dose {n:03d}" not in text]
            return not missing
        harness.wait_for(shown, timeout=90, interval=0.5,
                         message="not every dose due at once was shown")
        self.assertNotIn("Notify failed", daemon.log())
        self.assertTrue(daemon.alive())


if __name__ == "__main__":
    harness.main()
