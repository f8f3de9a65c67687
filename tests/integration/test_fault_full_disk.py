"""The history's file system fills up: callers get StorageFailed, the daemon lives, nothing
answered is lost, and it recovers by itself when space returns.

The state directory is a tmpfs of a few hundred KB mounted for this test (root only, as in
CI; elsewhere the test is skipped and says so).
"""

import errno
import os
import subprocess

import dbus

import harness

STORAGE_FAILED = harness.ERROR_PREFIX + "StorageFailed"
TMPFS_SIZE = "384k"


def mount_tmpfs(path, size):
    os.makedirs(path, exist_ok=True)
    result = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size},mode=0700", "tmpfs",
                             path], capture_output=True, text=True)
    return result.returncode == 0, result.stderr.strip()


def fill(directory):
    """Writes one file until the file system is full; returns its path."""
    path = os.path.join(directory, "filler")
    block = b"\0" * 4096
    with open(path, "wb", buffering=0) as filler:
        try:
            while True:
                filler.write(block)
        except OSError as error:
            if error.errno != errno.ENOSPC:
                raise
    return path


class FullDisk(harness.DaemonTestCase):

    def setUp(self):
        super().setUp()
        self.daemon = self.make_daemon()
        mounted, why = mount_tmpfs(self.daemon.state_dir, TMPFS_SIZE)
        if not mounted:
            self.skipTest(f"cannot mount a tmpfs here ({why}); needs root, as in CI")
        # Cleanups run last-in first-out: the daemon stops before the unmount.
        self.addCleanup(subprocess.run, ["umount", "-l", self.daemon.state_dir])

    def test_a_full_disk_refuses_answers_and_recovers_when_space_returns(self):
        recorder = self.start_recorder()
        daemon = self.daemon
        daemon.write_regimen(harness.regimen_yaml(
            [harness.dose_item("mag", 3, name="Magnesium"),
             harness.dose_item("zinc", 3, name="Zinc")],
            reminders={"repeat_every": "1h", "missed_after": "2h"}))
        daemon.start()
        harness.wait_for(lambda: len(recorder.of("DoseDue")) == 2)
        filler = fill(daemon.state_dir)

        # Symptom notes fill what the database had in reserve; then writes are refused.
        note = "x" * 2000
        refused = None
        for _ in range(500):
            refused = harness.dbus_error_name(lambda: daemon.call(
                "LogSymptom", "migraine", dbus.UInt32(3), dbus.UInt64(0), note))
            if refused is not None:
                break
        self.assertEqual(refused, STORAGE_FAILED)
        name = harness.dbus_error_name(lambda: daemon.call("Confirm", "mag", dbus.UInt64(0)))
        self.assertEqual(name, STORAGE_FAILED)
        self.assertTrue(daemon.alive())
        self.assertEqual(recorder.of("DoseTaken"), [])
        # Reads still work, and memory says what the disk says.
        states = {d["item"]: d["state"] for d in daemon.doses(
            harness.now_usec() - 3_600_000_000, harness.now_usec() + 60_000_000)}
        self.assertEqual(states, {"mag": "due", "zinc": "due"})

        os.unlink(filler)
        self.assertGreater(int(daemon.call("Confirm", "mag", dbus.UInt64(0))), 0)
        recorder.wait("DoseTaken", lambda args: str(args[0]) == "mag")
        self.assertGreater(int(daemon.call("Confirm", "zinc", dbus.UInt64(0))), 0)

        # A restart reads both answers back from the disk.
        daemon.stop()
        daemon.start()
        events = [(e["item"], e["event"]) for e in daemon.history() if e["event"] == "taken"]
        self.assertEqual(sorted(events), [("mag", "taken"), ("zinc", "taken")])

    def test_reminders_written_while_full_reach_the_history_without_a_caller(self):
        """Issue 24 case 7: a dose that goes due and missed while the disk is full is
        written once space returns, with no call and no restart: the held-back events are
        tried again on a timer of their own, not only at the next dose (tomorrow)."""
        recorder = self.start_recorder()
        daemon = self.daemon
        daemon.write_regimen(harness.regimen_yaml(
            [harness.dose_item("mag", 25, name="Magnesium")],
            reminders={"repeat_every": "1h", "missed_after": "4s"}))
        daemon.start()
        filler = fill(daemon.state_dir)
        note = "x" * 2000
        for _ in range(500):
            if harness.dbus_error_name(lambda: daemon.call(
                    "LogSymptom", "migraine", dbus.UInt32(3), dbus.UInt64(0), note)):
                break
        self.assertEqual(recorder.of("DoseDue"), [], "the dose came due before the disk filled")
        recorder.wait("DoseMissed", timeout=60)
        daemon.wait_log("cannot write to the history database")
        os.unlink(filler)

        def written():
            return {e["event"] for e in daemon.history() if e["item"] == "mag"}
        harness.wait_for(lambda: written() >= {"due", "missed"}, timeout=60,
                         message="the held-back due and missed events never reached the "
                                 "history:\n" + daemon.log())
        self.assertTrue(daemon.alive())


if __name__ == "__main__":
    harness.main()
