"""Issue 27 case 10: the lean link is opt-in and never puts two C++ runtimes in one
process. By default (as the Debian package builds) regimend and regimenctl link Debian's
shared yaml-cpp, SQLite and libstdc++; with -DREGIMEND_LEAN_LINK=ON the C++ runtime is
linked in only when nothing the programs load needs libstdc++.so (a missing libyaml-cpp.a
used to leave -static-libstdc++ next to the shared yaml-cpp)."""

import os
import re
import shutil
import subprocess
import tempfile
import unittest

import harness

BUILD_DIR = os.path.dirname(os.path.dirname(os.path.abspath(harness.REGIMEND)))


def cache_value(name):
    try:
        with open(os.path.join(BUILD_DIR, "CMakeCache.txt")) as cache:
            for line in cache:
                match = re.match(rf"^{name}:\w+=(.*)$", line.strip())
                if match:
                    return match.group(1)
    except FileNotFoundError:
        pass
    return None


def loaded_libraries(binary):
    """The shared objects ld.so maps for `binary`, its dependencies' dependencies included."""
    result = subprocess.run(["ldd", binary], capture_output=True, text=True, timeout=60)
    if result.returncode != 0:
        raise AssertionError(f"ldd {binary}: {result.stdout}{result.stderr}")
    return [line.split()[0] for line in result.stdout.splitlines() if line.strip()]


def defines(binary, symbol):
    """Whether the binary's own symbol table defines `symbol` (linked in, not imported)."""
    result = subprocess.run(["nm", "--defined-only", binary], capture_output=True, text=True,
                            timeout=60)
    if "no symbols" in result.stderr:
        raise unittest.SkipTest(f"{binary} is stripped")
    return any(line.split()[-1] == symbol for line in result.stdout.splitlines()
               if line.strip())


SOURCE_DIR = os.environ.get(
    "REGIMEND_SOURCE_DIR",
    os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))


class OptIn(unittest.TestCase):
    def test_the_lean_link_is_off_unless_asked(self):
        with open(os.path.join(SOURCE_DIR, "CMakeLists.txt")) as cmake:
            option = re.search(r'^option\(REGIMEND_LEAN_LINK "[^"]*" (\w+)\)', cmake.read(),
                               re.MULTILINE)
        self.assertIsNotNone(option, "no REGIMEND_LEAN_LINK option")
        self.assertEqual(option.group(1), "OFF")

    @unittest.skipUnless(shutil.which("cmake"), "cmake is missing")
    def test_a_missing_yaml_archive_keeps_the_shared_cxx_runtime(self):
        """Configured with the lean link on a machine without libyaml-cpp.a (the library
        directories hidden from find_library), the programs link the shared yaml-cpp and so
        must not link libstdc++ statically (it did before: two runtimes)."""
        build = tempfile.mkdtemp(prefix="regimend-lean-")
        self.addCleanup(shutil.rmtree, build, True)
        hidden = "/usr/lib/x86_64-linux-gnu;/lib/x86_64-linux-gnu;/usr/lib;/lib"
        result = subprocess.run(
            ["cmake", "-S", SOURCE_DIR, "-B", build, "-DREGIMEND_LEAN_LINK=ON",
             "-DREGIMEND_TESTS=OFF", f"-DCMAKE_IGNORE_PATH={hidden}"],
            capture_output=True, text=True, timeout=240)
        self.assertEqual(result.returncode, 0, result.stdout + result.stderr)
        for target, directory in (("regimend", "daemon"), ("regimenctl", "ctl")):
            with self.subTest(target=target):
                with open(os.path.join(build, directory, "CMakeFiles", f"{target}.dir",
                                       "link.txt")) as link:
                    command = link.read()
                self.assertIn("libyaml-cpp.so", command)
                self.assertNotIn("-static-libstdc++", command)
        self.assertIn("no libyaml-cpp.a", result.stderr)


@unittest.skipUnless(shutil.which("ldd") and shutil.which("nm"), "ldd or nm is missing")
class OneCxxRuntime(unittest.TestCase):
    PROGRAMS = (harness.REGIMEND, harness.REGIMENCTL)

    def test_never_two_cxx_runtimes(self):
        for program in self.PROGRAMS:
            with self.subTest(program=program):
                shared = any(name.startswith("libstdc++.so") for name in loaded_libraries(program))
                # The personality routine comes with any linked-in libstdc++ (every C++
                # program with exceptions has one): defined here and libstdc++.so loaded too
                # means two runtimes.
                linked_in = defines(program, "__gxx_personality_v0")
                self.assertTrue(shared or linked_in, "no C++ runtime at all?")
                self.assertFalse(shared and linked_in,
                                 f"{program} links libstdc++ in and also loads libstdc++.so")

    def test_the_default_links_debians_shared_libraries(self):
        if cache_value("REGIMEND_LEAN_LINK") not in (None, "OFF", "NO", "FALSE", "0", ""):
            self.skipTest("this build asked for the lean link")
        for program in self.PROGRAMS:
            with self.subTest(program=program):
                libraries = loaded_libraries(program)
                self.assertTrue(any(name.startswith("libstdc++.so") for name in libraries),
                                libraries)
                self.assertFalse(defines(program, "__gxx_personality_v0"))
        libraries = loaded_libraries(harness.REGIMEND)
        for library in ("libyaml-cpp.so", "libsqlite3.so", "libspdlog.so"):
            self.assertTrue(any(name.startswith(library) for name in libraries),
                            f"regimend does not load {library}: {libraries}")


if __name__ == "__main__":
    harness.main()
