"""A real Radicale on the loopback address for the CalDAV tests, and small WebDAV helpers
that act as the phone (DAVx5 + Tasks.org) would: read a task, complete it with a PUT."""

import base64
import os
import shutil
import socket
import subprocess
import time
import urllib.error
import urllib.request

from harness import stop_process, wait_for

USER = "alice"
PASSWORD = "s3cret-Pa55"
MKCOL_TASKS = """<?xml version="1.0" encoding="UTF-8" ?>
<D:mkcol xmlns:D="DAV:" xmlns:C="urn:ietf:params:xml:ns:caldav">
  <D:set><D:prop>
    <D:resourcetype><D:collection/><C:calendar/></D:resourcetype>
    <C:supported-calendar-component-set><C:comp name="VTODO"/></C:supported-calendar-component-set>
    <D:displayname>Regimen</D:displayname>
  </D:prop></D:set>
</D:mkcol>"""


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def radicale_binary():
    return shutil.which("radicale")


def make_certificate(directory):
    """A self-signed certificate for 127.0.0.1 (openssl): (certificate, key) paths."""
    certificate = os.path.join(directory, "server.pem")
    key = os.path.join(directory, "server.key")
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
                    "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1",
                    "-keyout", key, "-out", certificate],
                   check=True, capture_output=True)
    return certificate, key


class Radicale:
    def __init__(self, workdir, port=None, tls=None):
        self.workdir = os.path.join(workdir, "radicale")
        os.makedirs(self.workdir, exist_ok=True)
        self.port = port or free_port()
        self.users = os.path.join(self.workdir, "users")
        with open(self.users, "w") as out:
            out.write(f"{USER}:{PASSWORD}\n")
        self.process = None
        self.log_path = os.path.join(self.workdir, "radicale.log")
        self.tls = tls  # (certificate, key) or None

    @property
    def base(self):
        return f"{'https' if self.tls else 'http'}://127.0.0.1:{self.port}"

    @property
    def collection(self):
        return f"{self.base}/{USER}/regimen/"

    def start(self):
        log = open(self.log_path, "a")
        self.process = subprocess.Popen(
            ["radicale", "--config", "", "--server-hosts", f"127.0.0.1:{self.port}",
             "--storage-filesystem-folder", os.path.join(self.workdir, "store"),
             "--auth-type", "htpasswd", "--auth-htpasswd-filename", self.users,
             "--auth-htpasswd-encryption", "plain"]
            + (["--server-ssl", "True", "--server-certificate", self.tls[0],
                "--server-key", self.tls[1]] if self.tls else []),
            stdout=log, stderr=log, start_new_session=True)
        log.close()
        wait_for(self._accepts, timeout=30, message="radicale did not start")
        return self

    def _accepts(self):
        if self.process.poll() is not None:
            raise AssertionError("radicale exited:\n" + open(self.log_path).read())
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=1):
                return True
        except OSError:
            return False

    def stop(self):
        if self.process is not None and self.process.poll() is None:
            stop_process(self.process)

    def make_collection(self):
        status, _, _ = self.request("MKCOL", self.collection, MKCOL_TASKS,
                                    {"Content-Type": "application/xml"})
        assert status == 201, status

    def request(self, method, url, body=None, headers=None):
        """(status, headers, body text) of one authenticated request."""
        data = body.encode() if isinstance(body, str) else body
        request = urllib.request.Request(url, data=data, method=method)
        token = base64.b64encode(f"{USER}:{PASSWORD}".encode()).decode()
        request.add_header("Authorization", "Basic " + token)
        for name, value in (headers or {}).items():
            request.add_header(name, value)
        context = None
        if self.tls:
            import ssl
            context = ssl.create_default_context(cafile=self.tls[0])
        try:
            with urllib.request.urlopen(request, timeout=30, context=context) as reply:
                return reply.status, dict(reply.headers), reply.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, dict(error.headers), error.read().decode(errors="replace")

    def task_url(self, item, planned_usec):
        return f"{self.collection}{item}.{planned_usec // 1_000_000}@regimend.ics"

    def task(self, item, planned_usec):
        """(text, etag) of the dose's task, or None while the server has none."""
        status, headers, text = self.request("GET", self.task_url(item, planned_usec))
        if status != 200:
            return None
        return text, headers.get("ETag") or headers.get("Etag")

    def wait_task(self, item, planned_usec, contains="BEGIN:VTODO", timeout=60):
        def found():
            task = self.task(item, planned_usec)
            return task if task and contains in task[0] else None
        return wait_for(found, timeout=timeout,
                        message=f"the server never had {item}'s task with {contains!r}")

    def put(self, url, text, etag=None):
        headers = {"Content-Type": "text/calendar; charset=utf-8"}
        if etag:
            headers["If-Match"] = etag
        status, _, _ = self.request("PUT", url, text, headers)
        return status


def completed(text, at_usec):
    """The task as a phone completes it: STATUS:COMPLETED and COMPLETED at `at_usec`."""
    stamp = time.strftime("%Y%m%dT%H%M%SZ", time.gmtime(at_usec // 1_000_000))
    text = text.replace("STATUS:NEEDS-ACTION", f"STATUS:COMPLETED\r\nCOMPLETED:{stamp}")
    return text


def cancelled(text):
    return text.replace("STATUS:NEEDS-ACTION", "STATUS:CANCELLED")


def devices_yaml(url, password_file, poll="10s"):
    return ("devices:\n  caldav:\n"
            f"    url: {url}\n    username: {USER}\n"
            f"    password_file: {password_file}\n    poll: {poll}\n")


def password_file(directory, password=PASSWORD):
    path = os.path.join(directory, "dav-password")
    with open(path, "w") as out:
        out.write(password + "\n")
    os.chmod(path, 0o600)
    return path
