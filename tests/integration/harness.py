"""Shared machinery for the integration tests: a private D-Bus, a mock notification server,
a regimend under test, a signal recorder and a waiting helper.

Every test waits on a condition with a generous deadline (wait_for); none asserts after a
fixed sleep. Everything started here is stopped in cleanup, even when a test fails.

Typical use:

    class T(harness.DaemonTestCase):
        def test_x(self):
            self.start_notifications()
            daemon = self.start_daemon(harness.regimen_with_times(["08:00"]))
            ...
"""

import datetime
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import unittest
import zoneinfo

import dbus
import dbus.mainloop.glib
from gi.repository import Gio, GLib

BUS_NAME = "org.regimend.Regimen1"
OBJECT_PATH = "/org/regimend/Regimen1"
INTERFACE = "org.regimend.Regimen1"
ERROR_PREFIX = "org.regimend.Regimen1.Error."
NOTIFICATIONS = "org.freedesktop.Notifications"
NOTIFICATIONS_PATH = "/org/freedesktop/Notifications"
MOCK_INTERFACE = "org.freedesktop.DBus.Mock"

REGIMEND = os.environ.get("REGIMEND", "regimend")
REGIMENCTL = os.environ.get("REGIMENCTL", "regimenctl")
TEST_DATA = os.environ.get(
    "REGIMEND_TEST_DATA",
    os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "data"))
PYTHON = "/usr/bin/python3"

DAY_USEC = 86_400_000_000

dbus.mainloop.glib.threads_init()


def wait_for(predicate, timeout=30.0, interval=0.05, message=None):
    """Polls `predicate` until it returns a truthy value, which is returned; fails the
    calling test with `message` when `timeout` seconds pass first."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(message or f"timed out after {timeout}s waiting for {predicate}")
        time.sleep(interval)


def usec(instant):
    """datetime -> microseconds since the epoch (the D-Bus `t` times)."""
    return int(instant.timestamp() * 1_000_000)


def now_usec():
    return int(time.time() * 1_000_000)


def clock_in(seconds, zone="Europe/Berlin"):
    """The wall-clock time "HH:MM:SS" `seconds` from now in `zone`, for `at:` entries."""
    moment = datetime.datetime.now(zoneinfo.ZoneInfo(zone)) + datetime.timedelta(seconds=seconds)
    return moment.strftime("%H:%M:%S")


def regimen_yaml(items, zone="Europe/Berlin", reminders=None, symptoms=("migraine", "sleep"),
                 extra=""):
    """A regimen file. `items` is a list of dicts rendered as YAML flow mappings (json is a
    subset of YAML flow style). `reminders` is the file-wide reminders mapping."""
    lines = ["version: 1", f"timezone: {zone}"]
    if reminders:
        lines.append("reminders: " + json.dumps(reminders))
    if symptoms:
        lines.append("symptoms: " + json.dumps(list(symptoms)))
    lines.append("items:")
    for item in items:
        lines.append("  - " + json.dumps(item))
    return "\n".join(lines) + "\n" + extra


def dose_item(item_id, seconds_from_now, name=None, zone="Europe/Berlin", **fields):
    """A daily item due `seconds_from_now` (a number or a list of numbers)."""
    offsets = seconds_from_now if isinstance(seconds_from_now, list) else [seconds_from_now]
    times = [clock_in(offset, zone) for offset in offsets]
    item = {"id": item_id, "name": name or item_id, "at": times if len(times) > 1 else times[0]}
    item.update(fields)
    return item


def write_bad_regimen(directory, extra=""):
    """DIRECTORY/bad.yaml, a regimen `check` refuses: `at: 8am` (line 5, column 9) and
    `every: fortnight`, then the lines of `extra`. Returns its path."""
    path = os.path.join(directory, "bad.yaml")
    with open(path, "w") as out:
        out.write("version: 1\nitems:\n  - id: x\n    name: X\n    at: 8am\n"
                  "    every: fortnight\n" + extra)
    return path


class PrivateBus:
    """A dbus-daemon of session type on a unix socket in a temporary directory, with no
    standard service directories (a real notification daemon must never be activated),
    allowing every user to connect (for the AccessDenied test)."""

    def __init__(self, workdir, service_dir=None):
        self.workdir = workdir
        self.service_dir = service_dir
        self.process = None
        self.address = None
        self.recorders = []  # SignalRecorders on this bus, subscribed when a daemon starts

    def start(self):
        socket_dir = os.path.join(self.workdir, "bus")
        os.makedirs(socket_dir, exist_ok=True)
        os.chmod(socket_dir, 0o755)
        os.chmod(self.workdir, 0o755)
        service = f"<servicedir>{self.service_dir}</servicedir>" if self.service_dir else ""
        config = f"""<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>session</type>
  <listen>unix:dir={socket_dir}</listen>
  <auth>EXTERNAL</auth>
  {service}
  <policy context="default">
    <allow user="*"/>
    <allow send_destination="*" eavesdrop="true"/>
    <allow eavesdrop="true"/>
    <allow own="*"/>
  </policy>
</busconfig>
"""
        config_path = os.path.join(self.workdir, "bus.conf")
        with open(config_path, "w") as config_file:
            config_file.write(config)
        self.process = subprocess.Popen(
            ["dbus-daemon", "--config-file", config_path, "--print-address", "--nofork"],
            stdout=subprocess.PIPE, stderr=sys.stderr, text=True)
        self.address = self.process.stdout.readline().strip()
        if not self.address:
            raise RuntimeError("dbus-daemon did not print an address")
        return self

    def connect(self, mainloop=None):
        connection = dbus.bus.BusConnection(self.address, mainloop=mainloop)
        return connection

    def stop(self):
        stop_process(self.process)
        if self.process is not None and self.process.stdout is not None:
            self.process.stdout.close()


def stop_process(process, sig=signal.SIGTERM, timeout=10):
    if process is None or process.poll() is not None:
        return
    try:
        process.send_signal(sig)
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


class NotificationServer:
    """The python-dbusmock notification_daemon template: records every call, lets the test
    emit ActionInvoked / NotificationClosed as a real server would."""

    ALL_CAPABILITIES = ["actions", "body", "body-markup", "persistence"]

    def __init__(self, bus, capabilities=None):
        self.bus = bus
        self.capabilities = capabilities if capabilities is not None else self.ALL_CAPABILITIES
        self.process = None
        self.connection = None

    def start(self):
        env = dict(os.environ, DBUS_SESSION_BUS_ADDRESS=self.bus.address)
        parameters = json.dumps({"capabilities": " ".join(self.capabilities)})
        self.process = subprocess.Popen(
            [PYTHON, "-m", "dbusmock", "--session", "--template", "notification_daemon", "-p",
             parameters],
            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        self.connection = self.bus.connect()
        wait_for(lambda: self.connection.name_has_owner(NOTIFICATIONS), timeout=30,
                 message="the mock notification server did not appear on the bus")
        return self

    def stop(self):
        stop_process(self.process)
        self.process = None

    def _mock(self):
        return dbus.Interface(self.connection.get_object(NOTIFICATIONS, NOTIFICATIONS_PATH),
                              MOCK_INTERFACE)

    def calls(self, method):
        """[(timestamp, args)] of every call of `method` so far."""
        return [(float(stamp), list(args)) for stamp, args in self._mock().GetMethodCalls(method)]

    def notify_calls(self):
        """Notify calls as dicts with the spec's argument names, plus "id": the id the mock
        returned (it numbers new notifications 1, 2, ... and keeps a replaced one's id)."""
        result = []
        next_id = 1
        for _, args in self.calls("Notify"):
            app_name, replaces_id, icon, summary, body, actions, hints, timeout = args
            if int(replaces_id) == 0:
                notification_id = next_id
                next_id += 1
            else:
                notification_id = int(replaces_id)
            result.append({
                "id": notification_id,
                "app_name": str(app_name), "replaces_id": int(replaces_id), "icon": str(icon),
                "summary": str(summary), "body": str(body), "actions": [str(a) for a in actions],
                "hints": {str(k): v for k, v in hints.items()}, "expire_timeout": int(timeout),
            })
        return result

    def reminders_of(self, summary):
        return [call for call in self.notify_calls() if call["summary"] == summary]

    def wait_reminders(self, summary, count=1, timeout=30.0):
        """Waits until `count` Notify calls with this summary were made; returns them."""
        return wait_for(lambda: (lambda calls: calls if len(calls) >= count else None)(
            self.reminders_of(summary)), timeout=timeout,
            message=f"fewer than {count} notifications '{summary}' within {timeout}s")

    def closed_ids(self):
        return [int(args[0]) for _, args in self.calls("CloseNotification")]

    def clear(self):
        self._mock().ClearCalls()

    def emit(self, name, signature, args):
        self._mock().EmitSignal(NOTIFICATIONS, name, signature, args)

    def invoke_action(self, notification_id, key):
        self.emit("ActionInvoked", "us", [dbus.UInt32(notification_id), key])

    def close_by_user(self, notification_id):
        self.emit("NotificationClosed", "uu", [dbus.UInt32(notification_id), dbus.UInt32(2)])


class SignalRecorder:
    """Records every signal of org.regimend.Regimen1 (and PropertiesChanged) on its own
    connection, dispatched by a GLib main loop in a thread.

    The daemon sends its signals only to connections that called its `Subscribe`: the
    recorder subscribes when it starts (if a daemon runs), whenever the daemon's name gets
    a new owner, and, synchronously, when Daemon.start has seen the name (so a test's
    first action after start_daemon is recorded).

    It speaks GDBus (Gio), not dbus-python: dbus-python is not thread-safe, and a recorder
    dispatching in its thread while the test's thread makes blocking dbus-python calls once
    lost its connection's Python wrapper mid-run ("D-Bus connection does not have a
    Connection instance associated with it") and recorded nothing more. GDBus is made for
    threads; its callbacks run on this thread's own main context."""

    def __init__(self, bus):
        self.bus = bus
        self.signals = []  # [(member, [args])], args as plain Python values
        self.lock = threading.Lock()
        self.loop = None
        self.thread = None
        self.failure = None

    def start(self):
        ready = threading.Event()

        def run():
            try:
                context = GLib.MainContext.new()
                context.push_thread_default()
                self.loop = GLib.MainLoop.new(context, False)
                flags = (Gio.DBusConnectionFlags.AUTHENTICATION_CLIENT
                         | Gio.DBusConnectionFlags.MESSAGE_BUS_CONNECTION)
                self.connection = Gio.DBusConnection.new_for_address_sync(
                    self.bus.address, flags, None, None)
                self.connection.signal_subscribe(
                    None, INTERFACE, None, OBJECT_PATH, None, Gio.DBusSignalFlags.NONE,
                    self._record)
                self.connection.signal_subscribe(
                    None, "org.freedesktop.DBus.Properties", "PropertiesChanged", OBJECT_PATH,
                    None, Gio.DBusSignalFlags.NONE, self._record)
                self.connection.signal_subscribe(
                    "org.freedesktop.DBus", "org.freedesktop.DBus", "NameOwnerChanged",
                    "/org/freedesktop/DBus", BUS_NAME, Gio.DBusSignalFlags.NONE,
                    self._owner_changed)
                # A round trip on the same connection: the bus has the match rules (sent
                # before it, in order) once the reply is here.
                self.connection.call_sync(
                    "org.freedesktop.DBus", "/org/freedesktop/DBus", "org.freedesktop.DBus",
                    "GetId", None, None, Gio.DBusCallFlags.NONE, 10_000, None)
            except GLib.Error as error:
                self.failure = error.message
                ready.set()
                return
            ready.set()
            self.loop.run()
            self.connection.close_sync(None)

        self.thread = threading.Thread(target=run, daemon=True)
        self.thread.start()
        if not ready.wait(30):
            raise AssertionError("the signal recorder did not connect within 30 s")
        if self.failure:
            raise AssertionError(f"the signal recorder could not connect: {self.failure}")
        self.bus.recorders.append(self)
        self.subscribe()
        return self

    def subscribe(self):
        """Asks the daemon, if one runs, for its signals; waits for the answer."""
        try:
            self.connection.call_sync(BUS_NAME, OBJECT_PATH, INTERFACE, "Subscribe", None,
                                      None, Gio.DBusCallFlags.NO_AUTO_START, 30_000, None)
        except GLib.Error:
            pass  # no daemon yet: the NameOwnerChanged handler subscribes when it comes

    def _owner_changed(self, connection, _sender, _path, _interface, _member, parameters):
        _name, _old, new = parameters.unpack()
        if new:
            connection.call(new, OBJECT_PATH, INTERFACE, "Subscribe", None, None,
                            Gio.DBusCallFlags.NO_AUTO_START, 30_000, None, None)

    def _record(self, _connection, _sender, _path, _interface, member, parameters):
        with self.lock:
            self.signals.append((member, list(parameters.unpack())))

    def of(self, member):
        with self.lock:
            return [args for name, args in self.signals if name == member]

    def wait(self, member, predicate=lambda args: True, timeout=30.0):
        """Waits for a `member` signal whose args satisfy `predicate`; returns its args."""
        def found():
            for args in self.of(member):
                if predicate(args):
                    return args
            return None
        return wait_for(found, timeout=timeout, message=f"no {member} signal within {timeout}s")

    def stop(self):
        if self.loop is not None:
            self.loop.quit()
        if self.thread is not None:
            self.thread.join(5)


class Daemon:
    """One regimend process with its own config and state directories."""

    def __init__(self, bus, home, regimen_text=None, args=(), verbose=True):
        self.bus = bus
        self.home = home
        self.config_dir = os.path.join(home, "config", "regimend")
        self.state_dir = os.path.join(home, "state", "regimend")
        self.config_path = os.path.join(self.config_dir, "regimen.yaml")
        self.db_path = os.path.join(self.state_dir, "history.db")
        self.log_path = os.path.join(home, "regimend.log")
        self.args = list(args)
        self.verbose = verbose
        # The language of the daemon and of ctl(): C (the source's English) unless a test
        # sets e.g. {"LC_ALL": "de_DE.UTF-8"} (test_locale_de.py); the catalogues come from
        # the build tree ($REGIMEND_LOCALEDIR, tests/CMakeLists.txt).
        self.locale_env = {"LC_ALL": "C.UTF-8"}
        self.process = None
        self.connection = None
        os.makedirs(self.config_dir, exist_ok=True)
        if regimen_text is not None:
            self.write_regimen(regimen_text)

    @property
    def env(self):
        env = dict(os.environ)
        env.update({
            "DBUS_SESSION_BUS_ADDRESS": self.bus.address,
            "XDG_CONFIG_HOME": os.path.join(self.home, "config"),
            "XDG_STATE_HOME": os.path.join(self.home, "state"),
            "HOME": self.home,
            "NO_COLOR": "1",
        })
        env.pop("JOURNAL_STREAM", None)
        env.pop("LANGUAGE", None)
        env.update(self.locale_env)
        return env

    def write_regimen(self, text):
        """Replaces the file the way editors do: write a temporary file, rename it over."""
        temporary = self.config_path + ".tmp"
        with open(temporary, "w") as out:
            out.write(text)
        os.rename(temporary, self.config_path)

    def start(self, wait=True):
        log = open(self.log_path, "a")
        command = [REGIMEND] + (["--verbose"] if self.verbose else []) + self.args
        self.process = subprocess.Popen(command, env=self.env, stdout=log, stderr=log)
        log.close()
        if wait:
            self.connection = self.connection or self.bus.connect()
            wait_for(lambda: self.process.poll() is not None or self.owns_name(), timeout=30,
                     message="regimend did not take its bus name")
            if self.process.poll() is not None:
                raise AssertionError(f"regimend exited with {self.process.returncode}:\n"
                                     + self.log())
            for recorder in self.bus.recorders:
                recorder.subscribe()
        return self

    def owns_name(self):
        connection = self.connection or self.bus.connect()
        return connection.name_has_owner(BUS_NAME)

    def log(self):
        try:
            with open(self.log_path) as log:
                return log.read()
        except FileNotFoundError:
            return ""

    def wait_log(self, text, timeout=30.0):
        return wait_for(lambda: text in self.log(), timeout=timeout,
                        message=f"'{text}' never appeared in the log:\n" + self.log())

    @property
    def pid(self):
        return self.process.pid

    def alive(self):
        return self.process is not None and self.process.poll() is None

    def stop(self, sig=signal.SIGTERM):
        stop_process(self.process, sig)

    def kill(self):
        """kill -9: no chance to flush anything that was not already durable."""
        if self.alive():
            self.process.kill()
            self.process.wait()
        if self.connection is not None:
            # The daemon's name goes away with its connection.
            wait_for(lambda: not self.connection.name_has_owner(BUS_NAME), timeout=30)

    def proxy(self, connection=None):
        connection = connection or self.connection or self.bus.connect()
        return dbus.Interface(connection.get_object(BUS_NAME, OBJECT_PATH), INTERFACE)

    def call(self, method, *args, timeout=30):
        """Calls a method of org.regimend.Regimen1; returns the reply (unwrapped)."""
        return getattr(self.proxy(), method)(*args, timeout=timeout)

    def get_property(self, name):
        connection = self.connection or self.bus.connect()
        properties = dbus.Interface(connection.get_object(BUS_NAME, OBJECT_PATH),
                                    "org.freedesktop.DBus.Properties")
        return properties.Get(INTERFACE, name)

    def ctl(self, *args, input_text=None, timeout=60, extra_env=None):
        """Runs regimenctl against this daemon; returns CompletedProcess (text)."""
        env = dict(self.env)  # extra_env is for this run only
        if extra_env:
            env.update(extra_env)
        return subprocess.run([REGIMENCTL] + list(args), env=env, input=input_text,
                              capture_output=True, text=True, timeout=timeout)

    def history(self, from_usec=None, to_usec=None):
        """History events as dicts, via the D-Bus History method (default: the last 30
        days and the next one)."""
        from_usec = from_usec or now_usec() - 30 * DAY_USEC
        to_usec = to_usec or now_usec() + DAY_USEC
        rows = self.call("History", dbus.UInt64(from_usec), dbus.UInt64(to_usec))
        return [{"item": str(r[0]), "event": str(r[1]), "planned": int(r[2]), "at": int(r[3]),
                 "note": str(r[4]), "severity": int(r[5])} for r in rows]

    def doses(self, from_usec, to_usec):
        rows = self.call("ListDoses", dbus.UInt64(from_usec), dbus.UInt64(to_usec))
        return [{"item": str(r[0]), "name": str(r[1]), "planned": int(r[2]), "state": str(r[3]),
                 "acted_at": int(r[4])} for r in rows]

    def status(self, pid_field):
        """A field of /proc/PID/status as an int (kB or count)."""
        with open(f"/proc/{self.pid}/status") as status:
            for line in status:
                if line.startswith(pid_field + ":"):
                    return int(line.split()[1])
        raise KeyError(pid_field)


def dbus_error_name(call):
    """Runs `call`; returns the D-Bus error name it failed with, or None when it succeeded."""
    try:
        call()
    except dbus.exceptions.DBusException as error:
        return error.get_dbus_name()
    return None


class DaemonTestCase(unittest.TestCase):
    """A fresh private bus per test; everything started through it is torn down after the
    test, pass or fail."""

    service_dir = None

    def setUp(self):
        self.workdir = tempfile.mkdtemp(prefix="regimend-test-")
        self.bus = PrivateBus(self.workdir, service_dir=self.service_dir).start()
        self.addCleanup(self._remove_workdir)
        self.addCleanup(self.bus.stop)
        self.daemons = []
        self.servers = []
        self.recorders = []
        self.addCleanup(self._stop_all)

    def _stop_all(self):
        for recorder in self.recorders:
            recorder.stop()
        for daemon in self.daemons:
            if daemon.alive():
                daemon.stop()
        for server in self.servers:
            server.stop()
        if self._failed() or os.environ.get("REGIMEND_TEST_SHOW_LOG"):
            for daemon in self.daemons:
                sys.stderr.write(f"--- regimend log ({daemon.home}) ---\n{daemon.log()}\n")

    def _failed(self):
        result = getattr(getattr(self, "_outcome", None), "result", None)
        if result is None:
            return False
        return any(test is self for test, _ in result.errors + result.failures)

    def _remove_workdir(self):
        if os.environ.get("REGIMEND_TEST_KEEP"):
            sys.stderr.write(f"kept {self.workdir}\n")
            return
        shutil.rmtree(self.workdir, ignore_errors=True)

    def start_notifications(self, capabilities=None):
        server = NotificationServer(self.bus, capabilities).start()
        self.servers.append(server)
        return server

    def start_recorder(self):
        recorder = SignalRecorder(self.bus).start()
        self.recorders.append(recorder)
        return recorder

    def make_daemon(self, regimen_text=None, args=(), home=None):
        home = home or os.path.join(self.workdir, f"home{len(self.daemons)}")
        os.makedirs(home, exist_ok=True)
        daemon = Daemon(self.bus, home, regimen_text, args)
        self.daemons.append(daemon)
        return daemon

    def start_daemon(self, regimen_text=None, args=(), home=None):
        return self.make_daemon(regimen_text, args, home).start()


SKIP_EXIT_CODE = 77  # ctest's SKIP_RETURN_CODE (tests/CMakeLists.txt)


def main():
    """Runs the file's tests. Exits 77 when every test was skipped (a binary the test needs
    cannot start), so ctest reports the test as skipped, with the reason in its output,
    rather than as passed."""
    program = unittest.main(verbosity=2, exit=False)
    result = program.result
    if not result.wasSuccessful():
        sys.exit(1)
    if result.testsRun and len(result.skipped) == result.testsRun:
        sys.exit(SKIP_EXIT_CODE)
    sys.exit(0)
