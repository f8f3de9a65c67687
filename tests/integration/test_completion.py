"""The shell completions (ctl/completion/) against regimenctl itself: every verb and every
option its --help lists is completed by bash, zsh and fish, so the scripts cannot drift
from the CLI11 definitions; bash offers the right words (as-needed items for `log`,
scheduled ones for `take`, symptom kinds for `history --item`); zsh and fish parse them."""

import os
import re
import shutil
import subprocess
import tempfile
import unittest

import harness

SOURCE_DIR = os.environ.get(
    "REGIMEND_SOURCE_DIR",
    os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
COMPLETION = os.path.join(SOURCE_DIR, "ctl", "completion")
GLOBAL_OPTIONS = {"--config", "--help", "--version"}

REGIMEN = """version: 1
timezone: Europe/Berlin
symptoms: [migraine, sleep]
items:
  - {id: threonate-am, name: Threonate, at: "08:00"}
  - {id: glycinate-pm, name: Glycinate, at: "21:30"}
  - {id: topical, name: Topical, as_needed: true}
"""


def ctl(*args):
    return subprocess.run([harness.REGIMENCTL] + list(args), capture_output=True, text=True,
                          timeout=60, env=dict(os.environ, NO_COLOR="1"))


def read(name):
    with open(os.path.join(COMPLETION, name), encoding="utf-8") as source:
        return source.read()


def verbs_and_options():
    """{verb: set of options} from `regimenctl --help` and each verb's --help."""
    top = ctl("--help").stdout
    section = top.split("Subcommands:")[1]
    verbs = {}
    for line in section.splitlines():
        match = re.match(r"^  ([a-z][a-z, ]*?)\s{2,}", line)
        if not match:
            continue
        names = [name.strip() for name in match.group(1).split(",")]
        options = set(re.findall(r"--[a-z][a-z-]*", ctl(names[0], "--help").stdout))
        for name in names:
            verbs[name] = options
    return verbs


class Completion(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.verbs = verbs_and_options()

    def test_the_help_lists_the_verbs(self):
        self.assertIn("take", self.verbs)
        self.assertIn("confirm", self.verbs)
        self.assertIn("--all", self.verbs["take"])
        self.assertNotIn("__complete", self.verbs, "the helper verb is hidden")

    def test_bash_completes_every_verb_and_option(self):
        script = read("regimenctl.bash")
        verb_list = re.search(r'local verbs="([^"]+)"', script).group(1).split()
        self.assertEqual(set(verb_list), set(self.verbs))
        block = script.split('local options="--help"')[1].split("esac")[0]
        for verb, options in self.verbs.items():
            with self.subTest(verb=verb):
                line = next((l for l in block.splitlines()
                             if re.match(r"^\s*([a-z| ]+)\)", l)
                             and verb in re.match(r"^\s*([a-z| ]+)\)", l).group(1).replace(
                                 " ", "").split("|")), "")
                offered = set(re.findall(r"--[a-z][a-z-]*", line)) | {"--help"}
                self.assertLessEqual(options - {"--version"}, offered,
                                     f"bash misses options of {verb}")

    def test_zsh_completes_every_verb_and_option(self):
        script = read("_regimenctl")
        for verb, options in self.verbs.items():
            with self.subTest(verb=verb):
                self.assertIn(f"'{verb}:", script)
                line = next(l for l in script.split("case $words[1] in")[1].splitlines()
                            if re.match(r"^\s*([a-z|]+)\)", l)
                            and verb in re.match(r"^\s*([a-z|]+)\)", l).group(1).split("|"))
                # _arguments specs may continue on the next lines.
                start = script.index(line)
                spec = script[start:script.index(";;", start)]
                offered = set(re.findall(r"'(--[a-z][a-z-]*)", spec))
                self.assertLessEqual(options - GLOBAL_OPTIONS, offered,
                                     f"zsh misses options of {verb}")

    def test_fish_completes_every_verb_and_option(self):
        script = read("regimenctl.fish")
        verb_list = re.search(r"set -l verbs (.+)", script).group(1).split()
        self.assertEqual(set(verb_list), set(self.verbs))
        for verb, options in self.verbs.items():
            with self.subTest(verb=verb):
                offered = set()
                for line in script.splitlines():
                    seen = re.search(r"__fish_seen_subcommand_from ([a-z ]+)'", line)
                    if seen and verb in seen.group(1).split():
                        offered |= {"--" + name for name in re.findall(r" -l ([a-z-]+)", line)}
                self.assertLessEqual(options - GLOBAL_OPTIONS, offered,
                                     f"fish misses options of {verb}")

    def test_the_man_page_names_every_verb_and_option(self):
        with open(os.path.join(SOURCE_DIR, "docs", "man", "regimenctl.1"),
                  encoding="utf-8") as source:
            man = source.read().replace("\\-", "-")
        for verb, options in self.verbs.items():
            with self.subTest(verb=verb):
                self.assertRegex(man, r"\.B[IR]? " + verb + r"\b")
                for option in options - GLOBAL_OPTIONS:
                    self.assertIn(option, man, f"regimenctl(1) misses {verb} {option}")

    def test_zsh_and_fish_parse_the_scripts(self):
        zsh = shutil.which("zsh")
        fish = shutil.which("fish")
        if zsh is None or fish is None:
            self.skipTest("zsh or fish is not installed (scripts/setup-tests.sh installs both)")
        for command in ([zsh, "-n", os.path.join(COMPLETION, "_regimenctl")],
                        [fish, "--no-execute", os.path.join(COMPLETION, "regimenctl.fish")]):
            result = subprocess.run(command, capture_output=True, text=True, timeout=60)
            self.assertEqual(result.returncode, 0, result.stderr)


class BashWords(unittest.TestCase):
    def setUp(self):
        self.workdir = tempfile.mkdtemp(prefix="regimend-completion-")
        self.addCleanup(shutil.rmtree, self.workdir, ignore_errors=True)
        self.config = os.path.join(self.workdir, "regimen.yaml")
        with open(self.config, "w") as out:
            out.write(REGIMEN)

    def complete(self, *words):
        """COMPREPLY for `regimenctl --config FILE WORDS...` with the cursor on the last."""
        line = ["regimenctl", "--config", self.config] + list(words)
        array = " ".join("'" + w + "'" for w in line)
        program = (f"source {os.path.join(COMPLETION, 'regimenctl.bash')}\n"
                   f"COMP_WORDS=({array}); COMP_CWORD={len(line) - 1}\n"
                   "_regimenctl; printf '%s\\n' \"${COMPREPLY[@]}\"\n")
        env = dict(os.environ,
                   PATH=os.path.dirname(harness.REGIMENCTL) + ":" + os.environ["PATH"])
        result = subprocess.run(["bash", "-c", program], capture_output=True, text=True,
                                env=env, timeout=60)
        self.assertEqual(result.returncode, 0, result.stderr)
        return sorted(word for word in result.stdout.split("\n") if word)

    def test_log_offers_as_needed_items_only(self):
        self.assertEqual(self.complete("log", ""), ["topical"])

    def test_take_offers_scheduled_items(self):
        self.assertEqual(self.complete("take", ""), ["glycinate-pm", "threonate-am"])

    def test_history_item_offers_symptom_kinds_too(self):
        self.assertEqual(self.complete("history", "--item", ""),
                         ["glycinate-pm", "migraine", "sleep", "threonate-am", "topical"])

    def test_options_of_a_verb(self):
        self.assertIn("--expand-days", self.complete("export", "--"))
        self.assertIn("--all", self.complete("history", "--"))


if __name__ == "__main__":
    unittest.main(verbosity=2)
