"""`regimenctl bar --follow` in a real waybar (issue 14): waybar 0.9 under a headless sway
runs the documented module (docs/STATUS-BAR.md: `return-type: json`, `exec` with
`--follow`) as an unprivileged user; a due dose turns the module the `due` colour of the
style sheet, and grim takes the picture (kept with REGIMEND_SCREENSHOTS=DIR as
waybar-bar.png). Skipped, saying why, only where a binary is missing or cannot start."""

import json
import os
import subprocess

import desktop
import harness
from harness import wait_for

DUE_COLOUR = "FFB86C"


class Waybar(desktop.SwayTestCase):

    def setUp(self):
        super().setUp()
        absent = desktop.missing("waybar", "grim", "convert")
        if absent:
            self.skipTest(f"{absent} is not installed (scripts/setup-tests.sh installs it)")

    def start_waybar(self):
        config_dir = os.path.join(self.tmp, "waybar")
        os.makedirs(config_dir)
        regimenctl = os.path.join(self.bin, "regimenctl")
        config = {
            "layer": "top", "position": "top", "height": 28,
            "modules-left": [], "modules-center": [],
            "modules-right": ["custom/regimend"],
            "custom/regimend": {
                "exec": f"{regimenctl} bar --format waybar --follow",
                "return-type": "json",
                "format": "{icon} {}",
                "format-icons": {"due": "Rx", "critical": "Rx!", "upcoming": "Rx",
                                 "none": "", "offline": "off"},
                "on-click": f"{regimenctl} take --all",
            },
        }
        with open(os.path.join(config_dir, "config"), "w") as out:
            json.dump(config, out)
        with open(os.path.join(config_dir, "style.css"), "w") as out:
            out.write(f"""
* {{ font-family: "DejaVu Sans"; font-size: 14px; border: none; }}
window#waybar {{ background: #1d2021; color: #eff1f5; }}
#custom-regimend {{ padding: 0 12px; }}
#custom-regimend.due {{ background: #{DUE_COLOUR}; color: #1d2021; }}
#custom-regimend.critical {{ background: #ff5555; color: #ffffff; }}
#custom-regimend.offline {{ color: #888888; }}
""")
        for name in ("", "config", "style.css"):
            os.chmod(os.path.join(config_dir, name), 0o755 if not name else 0o644)
        self.env["GDK_BACKEND"] = "wayland"
        self.env["NO_AT_BRIDGE"] = "1"
        waybar = self.start(["waybar", "--config", os.path.join(config_dir, "config"),
                             "--style", os.path.join(config_dir, "style.css")], "waybar.log")
        return waybar

    def colours(self, picture):
        result = subprocess.run(["convert", picture, "-format", "%c", "histogram:info:-"],
                                capture_output=True, text=True, timeout=60)
        return result.stdout.upper()

    def test_the_module_shows_the_due_dose(self):
        self.start_sway()
        self.start_regimend([harness.dose_item("glycinate-pm", 3, name=desktop.SUMMARY)])
        waybar = self.start_waybar()
        # The module's own process follows the daemon; the dose becomes due.
        wait_for(lambda: '"class":"due"' in self.ctl("bar", "--format", "waybar").stdout,
                 timeout=30)
        screenshot = os.path.join(self.home, "waybar.png")

        def due_on_screen():
            if waybar.poll() is not None:
                return True
            self.run_user("grim", "-g", "0,0 640x40", screenshot)
            return DUE_COLOUR in self.colours(screenshot)
        wait_for(due_on_screen, timeout=40, interval=0.5,
                 message="waybar never showed the due class:\n" + self.log("waybar.log"))
        if waybar.poll() is not None:
            self.skipTest(f"waybar cannot start (exit {waybar.returncode}): "
                          + self.log("waybar.log")[-500:])
        desktop.keep_screenshot(screenshot, "waybar-bar.png")


if __name__ == "__main__":
    harness.main()
