"""The state directory's files (issue 24 case 6, issue 25 case 4).

Before: a FIFO named notification-ids hung the daemon at start (a blocking ifstream, before
it owned its name); with a shared --state-dir (/tmp), another user's history.db was adopted
(the attacker read the victim's entries and planted a `taken` row) and notification-ids was
read whatever its owner or mode, or through a symlink. Now every state file (history.db and
its -wal/-shm/-journal, notification-ids, last-regimen.yaml) is read without blocking and
without following a symlink, and used only when it is a regular file of the user's own that
no one else can write; otherwise the daemon keeps reminding, leaves the file alone and says
so in one desktop notice and in `status` warnings (the history's damaged/foreign path). A
FIFO of the user's own as notification-ids is ignored with a log line."""

import hashlib
import json
import os
import sqlite3
import stat

import dbus

import desktop
import harness
from harness import ERROR_PREFIX

WORDS = "does not trust"


def digest(path):
    with open(path, "rb") as data:
        return hashlib.sha256(data.read()).hexdigest()


def other_user():
    """The unprivileged test account (desktop.py's); None when not root."""
    if os.geteuid() != 0:
        return None
    return desktop.ensure_user()


def make_history(path):
    """A valid regimend-looking history with one row an attacker planted."""
    with sqlite3.connect(path) as db:
        db.execute("CREATE TABLE events (id INTEGER PRIMARY KEY, item TEXT, event TEXT, "
                   "planned INTEGER, at INTEGER, note TEXT, severity INTEGER, amount TEXT, "
                   "quantity REAL)")
        db.execute("CREATE TABLE meta (key TEXT PRIMARY KEY, value)")
        db.execute("INSERT INTO events (item, event, at) VALUES ('soon', 'taken', 1)")
    db.close()


def plant(name, path, text="planted\n"):
    """At `path`, a history with a planted row when `name` is history.db, else `text`."""
    if name == "history.db":
        make_history(path)
    else:
        with open(path, "w") as planted:
            planted.write(text)


class StateFiles(harness.DaemonTestCase):

    def setUp(self):
        super().setUp()
        self.old_umask = os.umask(0o022)
        self.addCleanup(os.umask, self.old_umask)

    def regimen(self):
        return harness.regimen_yaml([harness.dose_item("soon", 4, name="Soon dose")])

    def prepared(self, name):
        """A daemon whose state directory holds `name` as the test leaves it."""
        daemon = self.make_daemon(self.regimen())
        os.makedirs(daemon.state_dir, exist_ok=True)
        return daemon, os.path.join(daemon.state_dir, name)

    def assert_refused(self, daemon, server, path):
        before = os.lstat(path)
        contents = digest(path) if stat.S_ISREG(before.st_mode) else None
        daemon.start()
        notices = harness.wait_for(lambda: [c for c in server.notify_calls()
                                            if WORDS in c["summary"]],
                                   message="no notice about the state file:\n" + daemon.log())
        self.assertEqual(len(notices), 1, notices)
        self.assertIn(os.path.basename(path), notices[0]["summary"])
        server.wait_reminders("Soon dose", timeout=60)  # reminding goes on
        name = harness.dbus_error_name(lambda: daemon.call("Confirm", "soon", dbus.UInt64(0)))
        self.assertEqual(name, ERROR_PREFIX + "StorageFailed")
        status = daemon.ctl("status", "--json")
        self.assertEqual(status.returncode, 0, status.stderr)
        warnings = json.loads(status.stdout)["warnings"]
        self.assertTrue(any(WORDS in w for w in warnings), warnings)
        daemon.stop()
        after = os.lstat(path)
        self.assertEqual((after.st_ino, after.st_uid, stat.S_IMODE(after.st_mode)),
                         (before.st_ino, before.st_uid, stat.S_IMODE(before.st_mode)))
        if contents is not None:
            self.assertEqual(digest(path), contents, f"{path} was modified")
        if os.path.basename(path) != "last-regimen.yaml":
            self.assertFalse(os.path.exists(os.path.join(daemon.state_dir, "last-regimen.yaml")),
                             "the last valid regimen was written into an untrusted directory")
        server.clear()

    # ---- issue 24 case 6: a FIFO never hangs the start ----

    def test_a_fifo_as_notification_ids_is_ignored_with_a_log_line(self):
        self.start_notifications()
        daemon, path = self.prepared("notification-ids")
        os.mkfifo(path, 0o600)
        daemon.start()  # before: blocked in open() and never took its name
        daemon.wait_log("ignoring " + path + ": it is a FIFO, not a regular file")
        # The history is the user's own and works.
        harness.wait_for(lambda: any(d["state"] == "due" for d in daemon.doses(
            harness.now_usec() - 60_000_000, harness.now_usec() + 60_000_000)), timeout=60)
        self.assertGreater(int(daemon.call("Confirm", "soon", dbus.UInt64(0))), 0)

    def test_a_fifo_as_the_history_or_its_journal_is_refused_without_hanging(self):
        server = self.start_notifications()
        for name in ("history.db", "history.db-wal"):
            with self.subTest(name=name):
                daemon, path = self.prepared(name)
                if name != "history.db":
                    make_history(daemon.db_path)
                os.mkfifo(path, 0o600)
                daemon.start()
                notices = harness.wait_for(lambda: [c for c in server.notify_calls()
                                                    if "damaged" in c["summary"]])
                self.assertIn("FIFO", notices[0]["summary"])
                daemon.stop()
                server.clear()

    # ---- issue 25 case 4: only the user's own files ----

    def test_another_users_state_files_are_refused(self):
        account = other_user()
        if account is None:
            self.skipTest("needs root to give a file to another user, as in CI")
        server = self.start_notifications()
        for name in ("history.db", "history.db-wal", "history.db-shm", "history.db-journal",
                     "notification-ids", "last-regimen.yaml"):
            with self.subTest(name=name):
                daemon, path = self.prepared(name)
                plant(name, path)
                os.chown(path, account.pw_uid, account.pw_gid)
                os.chmod(path, 0o600)
                self.assert_refused(daemon, server, path)

    def test_group_or_world_writable_state_files_are_refused(self):
        server = self.start_notifications()
        for name, mode in (("history.db", 0o666), ("history.db", 0o620),
                           ("notification-ids", 0o602), ("last-regimen.yaml", 0o660)):
            with self.subTest(name=name, mode=oct(mode)):
                daemon, path = self.prepared(name)
                plant(name, path)
                os.chmod(path, mode)
                self.assert_refused(daemon, server, path)

    def test_symlinked_state_files_are_refused_and_their_targets_untouched(self):
        server = self.start_notifications()
        for name in ("history.db", "history.db-wal", "notification-ids", "last-regimen.yaml"):
            with self.subTest(name=name):
                daemon, path = self.prepared(name)
                target = os.path.join(self.workdir, f"target-of-{name}")
                plant(name, target, "elsewhere\n")
                os.chmod(target, 0o600)
                before = digest(target)
                os.symlink(target, path)
                self.assert_refused(daemon, server, path)
                self.assertEqual(digest(target), before)
        # A dangling link is not created through either.
        daemon, path = self.prepared("history.db")
        target = os.path.join(self.workdir, "nowhere.db")
        os.symlink(target, path)
        self.assert_refused(daemon, server, path)
        self.assertFalse(os.path.exists(target))

    def test_a_state_directory_that_cannot_be_made_does_not_stop_the_daemon(self):
        server = self.start_notifications()
        blocker = os.path.join(self.workdir, "not-a-directory")
        with open(blocker, "w") as out:
            out.write("x")
        daemon = self.make_daemon(self.regimen(), args=["--state-dir",
                                                        os.path.join(blocker, "state")])
        daemon.start()  # before: "cannot open the history database", exit 1
        harness.wait_for(lambda: [c for c in server.notify_calls()
                                  if "cannot be written" in c["summary"]])
        server.wait_reminders("Soon dose", timeout=60)

    def test_new_state_files_are_created_private(self):
        os.umask(0)
        self.start_notifications()
        daemon = self.start_daemon(self.regimen())
        harness.wait_for(lambda: os.path.exists(daemon.db_path))
        copy = os.path.join(daemon.state_dir, "last-regimen.yaml")
        harness.wait_for(lambda: os.path.exists(copy))
        harness.wait_for(lambda: any(d["state"] == "due" for d in daemon.doses(
            harness.now_usec() - 60_000_000, harness.now_usec() + 60_000_000)), timeout=60)
        ids = os.path.join(daemon.state_dir, "notification-ids")
        harness.wait_for(lambda: os.path.exists(ids))
        for path in (daemon.db_path, copy, ids):
            self.assertEqual(stat.S_IMODE(os.stat(path).st_mode), 0o600, path)
        leftovers = [n for n in os.listdir(daemon.state_dir) if n.startswith(".")]
        self.assertEqual(leftovers, [], "temporary files were left behind")


if __name__ == "__main__":
    harness.main()
