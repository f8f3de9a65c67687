#!/usr/bin/python3
"""Every text a person reads is marked for translation (issue 31). The test builds, at test
time, a pseudo catalogue from the sources' template (po/xgettext.sh, the same keywords the
catalogues use) in which every message is bracketed, "⟦...⟧", installs it for de_DE.UTF-8 in
a temporary locale directory ($REGIMEND_LOCALEDIR) and runs the daemon and the CLI under it
once: `status` (with a lint warning from the daemon and the zone note), `check` of a bad file,
the text report and a reminder through the notification mock. Whatever is left outside
brackets may be the user's own data (ids, names, doses, paths, the zone) and numbers, never
a word of ours: such a word is an unmarked text, listed in the failure.

Needs xgettext, msgen, msgfilter and msgfmt (Debian's gettext, scripts/setup.sh) and the
de_DE.UTF-8 locale (scripts/setup-tests.sh)."""

import os
import re
import shutil
import subprocess
import tempfile
import unittest

import harness
from test_ctl_daemon import ZONE, CtlTestCase, item
from test_locale_de import days_ago, locale_exists

OPEN, CLOSE = "\u27e6", "\u27e7"
INNERMOST = re.compile(OPEN + "[^" + OPEN + CLOSE + "]*" + CLOSE)
PATH = re.compile(r"\S*/\S*")
WORD = re.compile(r"[A-Za-z\u00c0-\u024f]{2,}")


def build_pseudo_catalogue(directory):
    """The pseudo catalogue as regimend.mo under directory/de/LC_MESSAGES."""
    source = os.environ["REGIMEND_SOURCE_DIR"]
    template = os.path.join(directory, "regimend.pot")
    english = os.path.join(directory, "en.po")
    pseudo = os.path.join(directory, "pseudo.po")
    subprocess.run(["bash", os.path.join(source, "po", "xgettext.sh"), template], check=True)
    subprocess.run(["msgen", "-o", english, template], check=True)
    with open(english, encoding="utf-8") as text:
        header_fixed = text.read().replace("charset=CHARSET", "charset=UTF-8").replace(
            "nplurals=INTEGER; plural=EXPRESSION;", "nplurals=2; plural=(n != 1);")
    with open(english, "w", encoding="utf-8") as text:
        text.write(header_fixed)
    # Each line of each message bracketed ("{}\nRun with --help ..." is two lines).
    subprocess.run(["msgfilter", "--keep-header", "-i", english, "-o", pseudo, "sed", "-e",
                    "s/^/" + OPEN + "/", "-e", "s/$/" + CLOSE + "/"], check=True)
    target = os.path.join(directory, "de", "LC_MESSAGES")
    os.makedirs(target)
    subprocess.run(["msgfmt", "-o", os.path.join(target, "regimend.mo"), pseudo], check=True)


def unbracketed_words(text, allowed):
    """The words of `text` outside every bracketed message that are not in `allowed`."""
    while True:
        reduced = INNERMOST.sub(" ", text)
        if reduced == text:
            break
        text = reduced
    text = PATH.sub(" ", text)
    return [word for word in WORD.findall(text) if word not in allowed]


class PseudoLocale(CtlTestCase):
    @classmethod
    def setUpClass(cls):
        for tool in ("xgettext", "msgen", "msgfilter", "msgfmt"):
            if shutil.which(tool) is None:
                raise unittest.SkipTest(f"{tool} is missing (Debian's gettext, scripts/setup.sh)")
        if not locale_exists("de_DE.UTF-8"):
            message = "the de_DE.UTF-8 locale is not generated here (scripts/setup-tests.sh)"
            if os.environ.get("CI") == "true":
                raise AssertionError(message)
            raise unittest.SkipTest(message)
        cls.locale_dir = tempfile.mkdtemp(prefix="regimend-pseudo-")
        build_pseudo_catalogue(cls.locale_dir)

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.locale_dir, ignore_errors=True)

    def setUp(self):
        super().setUp()
        self.server = self.start_notifications()
        self.items = [
            item("glycinate-pm", 2, "Glycinate", amount="200 mg", dose="2 capsules",
                 start=days_ago(10),
                 stock={"per_dose": 2, "unit": "capsules", "warn_before": "30d"}),
            item("oxide", 3 * 3600, "Oxide", tags=["magnesium"]),
        ]
        self.daemon = self.make_daemon(harness.regimen_yaml(self.items, zone=ZONE))
        self.daemon.locale_env = {"LC_ALL": "de_DE.UTF-8", "LANG": "de_DE.UTF-8",
                                  "REGIMEND_LOCALEDIR": self.locale_dir}
        self.daemon.start()
        self.allowed = {"migraine", "sleep", "Etc", "GMT", "UTC", "mg"}
        for entry in self.items:
            for value in (entry["id"], entry["name"], entry.get("dose", ""),
                          entry.get("amount", ""), "capsules"):
                self.allowed.update(WORD.findall(value))

    def assert_all_marked(self, what, text):
        self.assertIn(OPEN, text, f"{what} shows no translated text at all:\n{text}")
        words = unbracketed_words(text, self.allowed)
        self.assertEqual(words, [], f"{what} has text outside any message:\n{text}")

    def test_every_text_a_person_reads_is_marked(self):
        reminder = self.server.wait_reminders("Glycinate")[0]
        self.assert_all_marked("the reminder", reminder["body"])
        self.assertEqual(reminder["actions"][1::2],
                         [OPEN + "Taken" + CLOSE, OPEN + "Snooze" + CLOSE, OPEN + "Skip" + CLOSE])
        self.wait_state("glycinate-pm", "due")
        self.ok("refill", "glycinate-pm", "4", "--set")
        status = self.ok("status").stdout
        self.assertIn("oxide", status)  # the daemon's lint warning is listed
        self.assert_all_marked("status", status)

        bad = harness.write_bad_regimen(self.workdir, extra="    colour: red\n")
        check = self.ctl("check", bad)
        self.assertEqual(check.returncode, 1)
        self.allowed.update({"colour", "red", "fortnight", "am"})
        self.assert_all_marked("check", check.stdout + check.stderr)

        self.ok("take", "glycinate-pm")
        for day in (14, 13, 3):
            self.ok("symptom", "migraine", "5", "--at", days_ago(day))
        report = self.ok("report", "--days", "10").stdout
        self.assert_all_marked("report", report)


if __name__ == "__main__":
    harness.main()
