"""Real notification servers for the integration tests (issue 14): processes started in
their own process groups and stopped in cleanup, a free X display from Xvfb itself
(-displayfd), and screenshots kept only when REGIMEND_SCREENSHOTS=DIR is set (so a test
run never rewrites docs/images/ unless asked to)."""

import os
import shutil
import signal
import subprocess
import tempfile

SCREENSHOTS = os.environ.get("REGIMEND_SCREENSHOTS")


def missing(*binaries):
    """The first of `binaries` that is not on PATH, else None."""
    for binary in binaries:
        if shutil.which(binary) is None:
            return binary
    return None


def start_group(command, **kwargs):
    """Popen in a new session (process group), so stop_group ends it and its children."""
    return subprocess.Popen(command, start_new_session=True, **kwargs)


def stop_group(process, timeout=10):
    if process is None or process.poll() is not None:
        return
    for sig, wait in ((signal.SIGTERM, timeout), (signal.SIGKILL, timeout)):
        try:
            os.killpg(process.pid, sig)
        except ProcessLookupError:
            return
        try:
            process.wait(timeout=wait)
            return
        except subprocess.TimeoutExpired:
            continue


class Xvfb:
    """An Xvfb on the first free display number, which it writes to a pipe itself."""

    def __init__(self, width=640, height=200):
        self.size = f"{width}x{height}x24"
        self.process = None
        self.display = None

    def start(self, timeout=30):
        read_end, write_end = os.pipe()
        self.process = start_group(
            ["Xvfb", "-displayfd", str(write_end), "-screen", "0", self.size, "-nolisten",
             "tcp", "-noreset"],
            pass_fds=(write_end,), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        os.close(write_end)
        number = b""
        with os.fdopen(read_end, "rb") as pipe:
            number = pipe.readline().strip()
        if not number:
            stop_group(self.process)
            raise RuntimeError("Xvfb did not report a display number")
        self.display = ":" + number.decode()
        return self

    def stop(self):
        stop_group(self.process)


def keep_screenshot(path, name):
    """Copies a screenshot the test took into $REGIMEND_SCREENSHOTS/name, when set."""
    if SCREENSHOTS and os.path.exists(path):
        os.makedirs(SCREENSHOTS, exist_ok=True)
        shutil.copy(path, os.path.join(SCREENSHOTS, name))


def temporary_directory(test, prefix):
    path = tempfile.mkdtemp(prefix=prefix)
    test.addCleanup(shutil.rmtree, path, True)
    return path
