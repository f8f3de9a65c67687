"""Issue 28: one version number everywhere. CMake's project(VERSION), the first entry of
debian/changelog, the newest section of NEWS.md, the man pages' headers, the README's package name, `regimend
--version`, `regimenctl --version` and the daemon's D-Bus Version property all agree."""

import os
import re
import subprocess

import harness

SOURCE_DIR = os.environ.get(
    "REGIMEND_SOURCE_DIR",
    os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))


def read(relative):
    with open(os.path.join(SOURCE_DIR, relative), encoding="utf-8") as source:
        return source.read()


def first_match(pattern, text, what):
    match = re.search(pattern, text, re.MULTILINE)
    if match is None:
        raise AssertionError(f"no version in {what}")
    return match.group(1)


class OneVersion(harness.DaemonTestCase):

    def setUp(self):
        super().setUp()
        self.version = first_match(r"^project\(regimend VERSION (\S+)", read("CMakeLists.txt"),
                                   "CMakeLists.txt")

    def test_the_sources_agree(self):
        self.assertRegex(self.version, r"^\d+\.\d+\.\d+$")
        self.assertEqual(first_match(r"\Aregimend \(([^)]+)\) ", read("debian/changelog"),
                                     "debian/changelog"), self.version)
        self.assertEqual(first_match(r"^## (\S+)", read("NEWS.md"), "NEWS.md"), self.version)
        for named in re.findall(r"regimend_([^_\s]+)_amd64\.deb", read("README.md")):
            self.assertEqual(named, self.version, "README.md's install section")
        for page in ("regimend.8", "regimenctl.1", "regimen.yaml.5"):
            with self.subTest(page=page):
                self.assertEqual(first_match(r'^\.TH .* "regimend (\S+)"',
                                             read(os.path.join("docs", "man", page)), page),
                                 self.version)

    def test_the_programs_agree(self):
        for program, name in ((harness.REGIMEND, "regimend"), (harness.REGIMENCTL, "regimenctl")):
            with self.subTest(program=name):
                result = subprocess.run([program, "--version"], capture_output=True, text=True,
                                        timeout=60)
                self.assertEqual(result.returncode, 0, result.stderr)
                self.assertEqual(result.stdout, f"{name} {self.version}\n")
        daemon = self.start_daemon(harness.regimen_yaml([harness.dose_item("x", 3600)]))
        self.assertEqual(str(daemon.get_property("Version")), self.version)


if __name__ == "__main__":
    harness.main()
