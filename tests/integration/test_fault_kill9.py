"""kill -9 of the daemon at random points while concurrent clients confirm 1,000 doses.

The promise under test: every outcome is written to the history before the caller is
answered. So after the daemon is killed and started again, every Confirm that was answered
is in the history, and no dose is taken twice however the clients retry. A Confirm whose
reply was lost with the daemon may or may not have been written; its retry then gets
NothingDue (it was) or confirms it (it was not), and either way it is there exactly once.
"""

import multiprocessing
import os
import random
import sqlite3
import time

import dbus

import harness

ITEMS = 1000
CLIENTS = 8
KILLS = 5
NOTHING_DUE = harness.ERROR_PREFIX + "NothingDue"
# Errors that mean "the daemon went away under this call": retry once it is back.
GONE = {"org.freedesktop.DBus.Error.NoReply", "org.freedesktop.DBus.Error.ServiceUnknown",
        "org.freedesktop.DBus.Error.NameHasNoOwner", "org.freedesktop.DBus.Error.Disconnected"}


def confirm_all(address, items, answered_path, progress):
    """One client: confirms each of `items`, retrying through daemon restarts. Writes a line
    per answered Confirm ("item planned") and flushes it before the next call, so what the
    parent reads is exactly what this client was told."""
    connection = dbus.bus.BusConnection(address)
    with open(answered_path, "w") as answered:
        for item in items:
            deadline = time.monotonic() + 120
            while True:
                try:
                    proxy = connection.get_object(harness.BUS_NAME, harness.OBJECT_PATH)
                    planned = proxy.Confirm(item, dbus.UInt64(0), dbus_interface=harness.INTERFACE,
                                            timeout=10)
                    answered.write(f"{item} {int(planned)}\n")
                    answered.flush()
                    with progress.get_lock():
                        progress.value += 1
                    break
                except dbus.exceptions.DBusException as error:
                    name = error.get_dbus_name()
                    if name == NOTHING_DUE:
                        break  # written by a call whose reply was lost in the kill
                    if name not in GONE or time.monotonic() > deadline:
                        raise
                    time.sleep(0.02)  # the poll interval while the daemon restarts


class KillDuringConfirmations(harness.DaemonTestCase):

    def test_every_answered_confirmation_survives_kill_9_exactly_once(self):
        seed = int(os.environ.get("REGIMEND_FAULT_SEED", time.time_ns() % 1_000_000))
        print(f"seed {seed} (REGIMEND_FAULT_SEED={seed} repeats this run)")
        rng = random.Random(seed)
        # 1,000 items, each with one dose a few seconds ahead: all due at once. (A first
        # start has no history to catch up from, so doses already past would not be due.)
        due_at = harness.clock_in(4)
        items = [{"id": f"item{n:04d}", "name": f"Item {n}", "at": due_at}
                 for n in range(ITEMS)]
        daemon = self.start_daemon(harness.regimen_yaml(
            items, reminders={"repeat_every": "1h", "missed_after": "3h"}))
        harness.wait_for(lambda: daemon.log().count("became due") >= ITEMS, timeout=120,
                         message="not every dose became due")

        ids = [item["id"] for item in items]
        rng.shuffle(ids)
        shares = [ids[n::CLIENTS] for n in range(CLIENTS)]
        progress = multiprocessing.Value("i", 0)
        context = multiprocessing.get_context("fork")
        answer_files = [os.path.join(self.workdir, f"answered{n}") for n in range(CLIENTS)]
        clients = [context.Process(target=confirm_all,
                                   args=(self.bus.address, share, path, progress))
                   for share, path in zip(shares, answer_files)]
        for client in clients:
            client.start()
        self.addCleanup(lambda: [c.kill() for c in clients if c.is_alive()])

        kill_points = sorted(rng.sample(range(50, ITEMS - 50), KILLS))
        for point in kill_points:
            harness.wait_for(lambda: progress.value >= point or not any(
                c.is_alive() for c in clients), timeout=120)
            daemon.kill()
            daemon.start()
        for client in clients:
            client.join(180)
            self.assertEqual(client.exitcode, 0, "a client failed; see its traceback above")

        answered = {}
        for path in answer_files:
            with open(path) as lines:
                for line in lines:
                    item, planned = line.split()
                    self.assertNotIn(item, answered, f"{item} was answered twice")
                    answered[item] = int(planned)
        daemon.stop()

        # Straight from the database, as the next start would read it.
        database = sqlite3.connect(daemon.db_path)
        self.addCleanup(database.close)
        taken = {}
        for item, planned in database.execute(
                "SELECT item, planned FROM events WHERE event = 'taken'"):
            taken.setdefault(item, []).append(planned)
        twice = {item: times for item, times in taken.items() if len(times) > 1}
        self.assertEqual(twice, {}, "doses taken twice")
        missing = sorted(item for item in answered if item not in taken)
        self.assertEqual(missing, [], "answered confirmations lost by kill -9")
        for item, planned in answered.items():
            # The database keeps seconds; D-Bus answers in microseconds.
            self.assertEqual(taken[item][0] * 1_000_000, planned, item)
        # Every client confirmed every one of its items, through all the kills.
        self.assertEqual(sorted(taken), sorted(ids))
        print(f"{len(answered)} answered, {ITEMS - len(answered)} found written after a kill "
              f"(NothingDue on retry), kills at {kill_points}")


if __name__ == "__main__":
    harness.main()
