"""`regimenctl edit` against what can happen while the editor is open (issue 25, case 10):
a second edit installs first (its change must not be lost silently: the first edit refuses
to install and keeps the user's copy), and the editor (or anything else) leaves a symlink
in place of the copy (never followed: nothing installed)."""

import os
import re
import stat

import harness
from test_ctl_daemon import CtlTestCase, item, read_text

# Replaces the copy (the last argument) by `action`, after the other change was made.
EDITOR = """#!/bin/sh
for file; do :; done
{other}
{action}
"""


class EditRaces(CtlTestCase):
    def setUp(self):
        super().setUp()
        self.start_regimen([item("first", 3 * 3600, "First")])
        self.target = self.daemon.config_path
        self.original = read_text(self.target)
        self.mine = self.original.replace(
            "items:", 'items:\n  - {"id": "mine", "name": "Mine", "at": "23:58"}', 1)
        self.theirs = self.original.replace(
            "items:", 'items:\n  - {"id": "theirs", "name": "Theirs", "at": "23:59"}', 1)

    def editor(self, other="", action=""):
        directory = os.path.join(self.workdir, "editor")
        os.makedirs(directory, exist_ok=True)
        for name, text in (("mine.yaml", self.mine), ("theirs.yaml", self.theirs)):
            with open(os.path.join(directory, name), "w") as out:
                out.write(text)
        script = os.path.join(directory, "editor.sh")
        with open(script, "w") as out:
            out.write(EDITOR.format(other=other.format(dir=directory, target=self.target),
                                    action=action.format(dir=directory)))
        os.chmod(script, stat.S_IRWXU)
        return {"EDITOR": script, "VISUAL": "", "TMPDIR": self.workdir}

    def edit(self, env):
        return self.ctl("edit", extra_env=env, input_text="")

    def test_a_change_made_during_the_edit_is_not_lost(self):
        # The other edit installs (rename over the target, as `edit` does) while ours is open.
        env = self.editor(other='cp "{dir}/theirs.yaml" "{target}.new" && '
                                'mv "{target}.new" "{target}"',
                          action='cp "{dir}/mine.yaml" "$file"')
        result = self.edit(env)
        self.assertEqual(result.returncode, 1, result.stdout + result.stderr)
        self.assertIn("changed while you were editing", result.stderr)
        self.assertIn("nothing installed", result.stderr)
        self.assertEqual(read_text(self.target), self.theirs)
        copy = re.search(r"Your copy: (\S+)", result.stderr).group(1)
        self.assertEqual(read_text(copy), self.mine)

    def test_a_file_created_during_the_edit_is_not_replaced(self):
        os.remove(self.target)
        env = self.editor(other='cp "{dir}/theirs.yaml" "{target}"',
                          action='cp "{dir}/mine.yaml" "$file"')
        result = self.edit(env)
        self.assertEqual(result.returncode, 1, result.stdout + result.stderr)
        self.assertEqual(read_text(self.target), self.theirs)

    def test_without_a_change_the_edit_installs(self):
        result = self.edit(self.editor(action='cp "{dir}/mine.yaml" "$file"'))
        self.assertEqual(result.returncode, 0, result.stdout + result.stderr)
        self.assertEqual(read_text(self.target), self.mine)

    def test_a_symlink_left_in_place_of_the_copy_is_not_followed(self):
        # A valid regimen elsewhere: following the link would install it.
        env = self.editor(action='rm -f "$file" && ln -s "{dir}/theirs.yaml" "$file"')
        result = self.edit(env)
        self.assertEqual(result.returncode, 1, result.stdout + result.stderr)
        self.assertIn("symbolic link", result.stderr)
        self.assertEqual(read_text(self.target), self.original)
        self.assertEqual({d["item"] for d in self.json_of("status")["doses"]}, {"first"})


if __name__ == "__main__":
    harness.main()
