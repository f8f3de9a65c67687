"""The travel rule end to end (issue 24, case 3; ../shared/SPEC.md "Dose life cycle",
Travel): doses taken, then regimend restarted in a zone five hours west (a regimen without
`timezone:`). The same wall-clock time comes again five hours later there; `status` must
show those doses as taken (covered by the answer given before the flight), never as
upcoming, and the stock forecast must not count them.

The zones are fixed-offset Etc/GMT zones chosen so that both local days are the same date
whenever the test runs."""

import datetime
import json
import os

import harness

WEST = 5  # hours


def zone_name(offset):
    # POSIX-style names: Etc/GMT-3 is three hours ahead of UTC.
    return "Etc/GMT" if offset == 0 else f"Etc/GMT{'-' if offset > 0 else '+'}{abs(offset)}"


def zones():
    """(home, west): local time in `home` is between 09:00 and 20:00 now, so the dose time
    and the same time in `west` fall on one date."""
    hour = datetime.datetime.now(datetime.timezone.utc).hour
    for home in range(14, -13, -1):
        west = home - WEST
        if west >= -12 and 9 <= (hour + home) % 24 < 20 and 0 <= hour + home < 24:
            return home, west
    raise AssertionError("no pair of zones")


class Travel(harness.DaemonTestCase):
    def ctl(self, daemon, zone, *args):
        return daemon.ctl(*args, extra_env={"TZ": zone})

    def json_of(self, daemon, zone, *args):
        result = self.ctl(daemon, zone, *args, "--json")
        self.assertEqual(result.returncode, 0, result.stderr)
        return json.loads(result.stdout)

    def start_in(self, daemon, zone):
        previous = os.environ.get("TZ")
        os.environ["TZ"] = zone  # the daemon's environment (harness.Daemon.env)
        try:
            daemon.start()
        finally:
            if previous is None:
                del os.environ["TZ"]
            else:
                os.environ["TZ"] = previous

    def test_flying_west_does_not_plan_the_taken_doses_again(self):
        home_offset, west_offset = zones()
        home, west = zone_name(home_offset), zone_name(west_offset)
        self.start_notifications()
        at = (datetime.datetime.now(datetime.timezone(datetime.timedelta(hours=home_offset)))
              + datetime.timedelta(seconds=2)).strftime("%H:%M:%S")
        regimen = (
            "version: 1\n"  # no timezone: planned in the zone regimend runs in
            "items:\n"
            f'  - {{id: alpha, name: Alpha, at: "{at}", stock: {{unit: pills}}}}\n'
            f'  - {{id: beta, name: Beta, at: "{at}"}}\n')
        daemon = self.make_daemon(regimen)
        self.start_in(daemon, home)
        harness.wait_for(lambda: {d["item"]: d["state"] for d in
                                  self.json_of(daemon, home, "status")["doses"]}
                         == {"alpha": "due", "beta": "due"},
                         timeout=30, message="the doses never became due")
        for item in ("alpha", "beta"):
            self.assertEqual(self.ctl(daemon, home, "take", item).returncode, 0)
        self.assertEqual(self.ctl(daemon, home, "refill", "alpha", "--set", "0").returncode, 0)
        daemon.stop()

        self.start_in(daemon, west)
        status = self.json_of(daemon, west, "status")
        self.assertEqual(sorted(d["item"] for d in status["doses"]), ["alpha", "beta"], status)
        for dose in status["doses"]:
            self.assertEqual(dose["state"], "taken", status)
            self.assertIsNotNone(dose["acted_at"], status)
            # Planned five hours after it was taken, and shown in the west zone.
            planned = datetime.datetime.fromisoformat(dose["planned"])
            acted = datetime.datetime.fromisoformat(dose["acted_at"])
            self.assertGreater(planned - acted, datetime.timedelta(hours=WEST - 1))
        next_due = status["next_due"]
        self.assertIsNotNone(next_due)
        tomorrow = (datetime.datetime.fromisoformat(status["doses"][0]["planned"])
                    + datetime.timedelta(days=1))
        self.assertEqual(datetime.datetime.fromisoformat(next_due["planned"]), tomorrow)
        self.assertEqual(int(daemon.get_property("NextDue")),
                         int(tomorrow.timestamp()) * 1_000_000)
        # With none on hand, the first dose the stock cannot cover is tomorrow's: the
        # covered one uses nothing.
        stock = {row["item"]: row for row in self.json_of(daemon, west, "stock")}
        self.assertEqual(datetime.datetime.fromisoformat(stock["alpha"]["runs_out"]), tomorrow)
        # The human status says taken, with the time it was taken.
        human = self.ctl(daemon, west, "status").stdout
        self.assertRegex(human, r"alpha\s+Alpha\s+taken")
        self.assertNotIn("upcoming", human)


if __name__ == "__main__":
    harness.main()
