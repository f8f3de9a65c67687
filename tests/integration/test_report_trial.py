"""The report as a trial's read-out, end to end: a history built through a real regimend on
a private bus with `regimenctl symptom --at` and `take --at`, then `report --format json`
(the comparison with its bootstrap interval, the phases of a ramp) and `report --format
html --output FILE`, which headless Chromium renders: the SVG figures must show.

The regimen's zone is one where it is around noon now (test_ctl_daemon.noon_zone), so the
morning doses of today are already past their missed_after and every day is whole."""

import datetime
import json
import os
import shutil
import sqlite3
import stat
import struct
import subprocess
import tempfile
import unittest
import zlib
from html.parser import HTMLParser

import harness
from test_ctl_daemon import ZONE, CtlTestCase

TZ = harness.zoneinfo.ZoneInfo(ZONE)


def local(day, hour, minute=0):
    return datetime.datetime.combine(day, datetime.time(hour, minute), TZ)


def png_pixels(path):
    """(width, height, rows of (r, g, b)) of an 8-bit RGB or RGBA PNG, decoded with zlib."""
    with open(path, "rb") as source:
        data = source.read()
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    position, idat = 8, b""
    while position < len(data):
        length, kind = struct.unpack(">I4s", data[position:position + 8])
        body = data[position + 8:position + 8 + length]
        if kind == b"IHDR":
            width, height, depth, colour = struct.unpack(">IIBB", body[:10])
            assert depth == 8 and colour in (2, 6), (depth, colour)
        elif kind == b"IDAT":
            idat += body
        position += 12 + length
    channels = 4 if colour == 6 else 3
    raw = zlib.decompress(idat)
    stride = width * channels
    rows, previous = [], bytearray(stride)
    for y in range(height):
        start = y * (stride + 1)
        filter_type, line = raw[start], bytearray(raw[start + 1:start + 1 + stride])
        for x in range(stride):
            left = line[x - channels] if x >= channels else 0
            up = previous[x]
            up_left = previous[x - channels] if x >= channels else 0
            if filter_type == 1:
                line[x] = (line[x] + left) & 0xFF
            elif filter_type == 2:
                line[x] = (line[x] + up) & 0xFF
            elif filter_type == 3:
                line[x] = (line[x] + (left + up) // 2) & 0xFF
            elif filter_type == 4:
                p = left + up - up_left
                pa, pb, pc = abs(p - left), abs(p - up), abs(p - up_left)
                predictor = left if pa <= pb and pa <= pc else (up if pb <= pc else up_left)
                line[x] = (line[x] + predictor) & 0xFF
        rows.append([tuple(line[i:i + 3]) for i in range(0, stride, channels)])
        previous = line
    return width, height, rows


class Elements(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags = []
        self.figures = []  # the SVG elements of each <figure>, by class

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        self.tags.append((tag, attributes))
        if tag == "figure":
            self.figures.append({"class": attributes.get("class", ""), "svg": []})
        elif self.figures and tag in ("svg", "rect", "circle", "line"):
            self.figures[-1]["svg"].append((tag, attributes))


class ReportTrial(CtlTestCase):
    def setUp(self):
        super().setUp()
        self.today = datetime.datetime.now(TZ).date()
        self.start = self.day(-13)
        regimen = harness.regimen_yaml([{
            "id": "mag", "name": "Magnesium <glycinate> & \"co\"", "amount": "200 mg",
            "at": "08:00", "start": str(self.start),
            "ramp": [{"after": "7d", "amount": "300 mg"}]}], zone=ZONE)
        # A first run creates the history; then tracking is moved back three days, with
        # those mornings recorded missed, as a daemon that ran then would have left them.
        daemon = self.start_daemon(regimen)
        daemon.stop()
        database = sqlite3.connect(daemon.db_path)
        tracking = int(local(self.day(-3), 0).timestamp())
        database.execute("UPDATE meta SET value = ? WHERE key = 'tracking_since'", (tracking,))
        for offset in (-3, -2, -1, 0):
            planned = int(local(self.day(offset), 8).timestamp())
            database.execute(
                "INSERT INTO events (item, event, planned, at, note, severity, amount) "
                "VALUES ('mag', 'missed', ?, ?, '', -1, '')", (planned, planned + 3 * 3600))
        database.commit()
        database.close()
        daemon.start()
        self.daemon = daemon

    def day(self, offset):
        return self.today + datetime.timedelta(days=offset)

    def at(self, day, hour, minute=0):
        return local(day, hour, minute).strftime("%Y-%m-%d %H:%M")

    def build_history(self):
        # Before (days -27 .. -14): migraine on 6 of 14 days at severity 6: 3.0 a week.
        for offset in (-27, -25, -23, -21, -19, -17):
            self.ok("symptom", "migraine", "6", "--at", self.at(self.day(offset), 10))
        # After (days -13 .. 0, today written in): 5 of 14 days, mean 3.4: 2.5 a week.
        for offset, severity in ((-11, 3), (-9, 4), (-6, 3), (-2, 4), (0, 3)):
            self.ok("symptom", "migraine", str(severity), "--at", self.at(self.day(offset), 10))
        # Three late confirmations of recorded-missed mornings; day -3 stays missed.
        for offset in (-2, -1, 0):
            self.ok("take", "mag", "--at", self.at(self.day(offset), 8, 20))

    def test_json_figures(self):
        self.build_history()
        report = self.json_of("report", "--days", "14")
        item = report["items"][0]
        self.assertEqual((item["planned"], item["taken"], item["missed"]), (4, 3, 1), item)

        migraine = report["symptoms"][0]
        self.assertEqual(migraine["kind"], "migraine")
        self.assertEqual((migraine["covered_days"], migraine["before"]["covered_days"]), (14, 14))
        per_week = migraine["comparison"]["days_per_week"]
        self.assertAlmostEqual(per_week["before"], 3.0)
        self.assertAlmostEqual(per_week["after"], 2.5)
        self.assertAlmostEqual(per_week["difference"], -0.5)
        low, high = per_week["ci95"]
        self.assertLessEqual(low, -0.5)
        self.assertGreaterEqual(high, -0.5)
        self.assertLess(low, high)
        severity = migraine["comparison"]["mean_severity"]
        self.assertAlmostEqual(severity["before"], 6.0)
        self.assertAlmostEqual(severity["after"], 3.4)
        self.assertAlmostEqual(severity["difference"], -2.6)
        self.assertLessEqual(severity["ci95"][0], -2.6)
        self.assertTrue(migraine["readings"][0].startswith("migraine days: 3.0 \u2192 2.5 a week "
                                                            "(difference \u22120.5, 95% interval"),
                        migraine["readings"])
        sleep = report["symptoms"][1]
        self.assertEqual(sleep["kind"], "sleep")
        self.assertEqual(sleep["covered_days"], 14)  # the diary's days, whatever the kind
        self.assertEqual(sleep["comparison"]["days_per_week"]["after"], 0.0)  # diary kept
        self.assertIsNone(sleep["comparison"]["mean_severity"]["before"])
        self.assertIsNone(sleep["comparison"]["mean_severity"]["ci95"])

        phases = report["phases"]
        self.assertEqual([p["label"] for p in phases],
                         [f"from {self.day(-13)}: mag starts at 200 mg",
                          f"from {self.day(-6)}: mag goes to 300 mg"])
        self.assertEqual(phases[0]["from"], local(self.day(-13), 0).isoformat())
        self.assertEqual(phases[0]["to"], local(self.day(-6), 0).isoformat())
        self.assertEqual(phases[1]["from"], phases[0]["to"])
        self.assertEqual(phases[0]["planned"], 0)  # before tracking began
        self.assertIsNone(phases[0]["adherence"])
        self.assertEqual((phases[1]["planned"], phases[1]["taken"]), (4, 3))
        self.assertEqual(phases[0]["symptoms"][0]["days"], 2)
        self.assertAlmostEqual(phases[1]["symptoms"][0]["mean_severity"], 10 / 3)

        # The same history gives the same interval; --format json is --json.
        again = json.loads(self.ok("report", "--days", "14", "--format", "json").stdout)
        self.assertEqual(again["symptoms"], report["symptoms"])
        self.assertEqual([p["label"] for p in again["phases"]], [p["label"] for p in phases])
        text = self.ok("report", "--days", "14").stdout
        self.assertIn("migraine days: 3.0 \u2192 2.5 a week (difference \u22120.5", text)
        self.assertIn(f"from {self.day(-6)}: mag goes to 300 mg", text)
        self.assertEqual(self.ctl("report", "--format", "pdf").returncode, 2)

    def test_html_page(self):
        self.build_history()
        page_path = os.path.join(self.workdir, "report.html")
        self.ok("report", "--days", "14", "--format", "html", "--output", page_path)
        self.assertEqual(stat.S_IMODE(os.stat(page_path).st_mode), 0o600)
        with open(page_path, encoding="utf-8") as source:
            page = source.read()
        self.assertTrue(page.startswith("<!DOCTYPE html>"))
        self.assertNotIn("<script", page.lower())
        self.assertNotIn("http:", page)
        self.assertNotIn("https:", page)
        self.assertIn("prefers-color-scheme: dark", page)
        self.assertIn("@media print", page)
        self.assertIn("Not medical advice", page)
        self.assertIn("Magnesium &lt;glycinate&gt; &amp; &quot;co&quot;", page)
        self.assertNotIn("<glycinate>", page)

        elements = Elements()
        elements.feed(page)
        calendars = [f for f in elements.figures if "adherence" in f["class"]]
        charts = [f for f in elements.figures if "severity" in f["class"]]
        self.assertEqual(len(calendars), 1)
        self.assertEqual(len(charts), 2)  # migraine and sleep
        cells = [attrs.get("class") for tag, attrs in calendars[0]["svg"] if tag == "rect"]
        self.assertEqual(len(cells), 14)
        self.assertEqual(cells.count("taken"), 3)
        self.assertEqual(cells.count("missed"), 1)
        migraine = charts[0]["svg"]
        self.assertEqual(sum(1 for tag, _ in migraine if tag == "circle"), 11)
        self.assertEqual(sum(1 for tag, a in migraine if a.get("class") == "start"), 1)
        self.assertEqual(sum(1 for tag, a in migraine if a.get("class") == "phase"), 1)

        self.render_in_chromium(page_path)

    def render_in_chromium(self, page_path):
        chromium = shutil.which("chromium") or shutil.which("chromium-headless-shell")
        if chromium is None:
            self.skipTest("chromium is not installed (scripts/setup-tests.sh installs it)")
        profile = tempfile.mkdtemp(dir=self.workdir)
        screenshot = os.path.join(self.workdir, "report.png")
        command = [chromium, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
                   "--disable-background-networking", "--disable-component-update",
                   "--disable-sync", "--disable-dev-shm-usage", "--hide-scrollbars",
                   "--force-color-profile=srgb", f"--user-data-dir={profile}",
                   "--window-size=1000,2400", f"--screenshot={screenshot}",
                   "file://" + page_path]
        result = subprocess.run(command, capture_output=True, text=True, timeout=120)
        if not os.path.exists(screenshot):
            self.skipTest(f"chromium could not start (exit {result.returncode}): "
                          + result.stderr.strip()[-500:])
        width, height, rows = png_pixels(screenshot)
        self.assertEqual((width, height), (1000, 2400))

        def count(colour, tolerance=24):
            return sum(1 for row in rows for pixel in row
                       if all(abs(a - b) <= tolerance for a, b in zip(pixel, colour)))

        # Colours that only the SVG figures use (the light scheme: headless prefers light).
        self.assertGreater(count((0x1E, 0x8E, 0x3E)), 3 * 100, "no taken cells drawn")
        self.assertGreater(count((0xD9, 0x30, 0x25)), 100, "no missed cell drawn")
        self.assertGreater(count((0x33, 0x67, 0xD6)), 8 * 20, "no severity points drawn")
        if os.environ.get("REGIMEND_TEST_SCREENSHOT"):
            shutil.copyfile(screenshot, os.environ["REGIMEND_TEST_SCREENSHOT"])


class ReadOut(CtlTestCase):
    """Issue 26: the read-out never claims more than the diary holds. Each test starts its
    own regimen: three weeks of a paper diary copied in, then the regimen's first day."""

    def setUp(self):
        super().setUp()
        self.today = datetime.datetime.now(TZ).date()

    def day(self, offset):
        return self.today + datetime.timedelta(days=offset)

    def at(self, day, hour, minute=0):
        return local(day, hour, minute).strftime("%Y-%m-%d %H:%M")

    def start_with(self, start=None, symptoms=("migraine", "sleep")):
        item = {"id": "ribo", "name": "Riboflavin", "amount": "400 mg", "at": "08:00"}
        if start is not None:
            item["start"] = str(start)
        acute = {"id": "triptan", "name": "Triptan", "as_needed": True}
        self.daemon = self.start_daemon(harness.regimen_yaml([item, acute], zone=ZONE,
                                                             symptoms=symptoms))

    def copy_paper_diary(self):
        """21 days before today: migraine on 9 of them (3.0 a week)."""
        for offset in range(-21, 0):
            if offset % 7 in (0, 4, 2):  # -21, -19, -17, -14, ...
                self.ok("symptom", "migraine", "6", "--at", self.at(self.day(offset), 10))

    def test_one_day_after_the_start_is_too_early_to_tell(self):
        self.start_with(start=self.today)
        self.copy_paper_diary()
        self.ok("symptom", "migraine", "7", "--at", self.at(self.today, 9))
        report = self.json_of("report")
        migraine = report["symptoms"][0]
        for figure in migraine["comparison"].values():
            self.assertIsNone(figure["difference"])
            self.assertIsNone(figure["ci95"])
        self.assertEqual(
            migraine["readings"][0],
            "migraine days: too early to tell: the diary covers 21 days before the start and "
            "1 day after it; each side needs 14 (13 more after the start)")
        self.assertIn("too early to tell", migraine["readings"][1])
        self.assertEqual(migraine["covered_days"], 1)
        self.assertEqual(migraine["before"]["covered_days"], 21)
        text = self.ok("report").stdout
        self.assertIn("too early to tell", text)
        self.assertNotIn("95% interval", text)
        # The header names each side's covered days, not "the last 30 days".
        self.assertNotIn("the last 30 days", text)
        self.assertIn(f"after:  {self.today}, 1 day covered", text)
        self.assertIn(f"before: {self.day(-21)} to {self.day(-1)}, 21 days covered", text)

    def test_before_starts_at_the_first_diary_entry(self):
        self.start_with(start=self.today)
        self.copy_paper_diary()
        report = self.json_of("report")  # --days 30: before could reach back 30 days
        migraine = report["symptoms"][0]
        # The 9 days before the diary began are not days without migraine: 3.0, not 2.1.
        self.assertAlmostEqual(migraine["comparison"]["days_per_week"]["before"], 3.0)
        self.assertEqual(migraine["before"]["covered_days"], 21)
        # Today has no entry yet: it is not a day without migraine either.
        self.assertEqual(migraine["covered_days"], 0)
        self.assertIsNone(migraine["comparison"]["days_per_week"]["after"])

    def test_text_calendar_says_not_planned_or_not_tracked(self):
        self.start_with(start=self.day(-3))
        text = self.ok("report", "--days", "7").stdout
        # Days before the daemon tracked the item are planned, just not tracked.
        self.assertIn(". not planned or not tracked", text)
        self.assertNotIn("nothing planned", text)

    def test_before_the_first_dose_nothing_is_after(self):
        self.start_with(start=None)
        self.ok("symptom", "migraine", "6", "--at", self.at(self.day(-10), 10))
        # An acute dose copied in from the paper diary is not the regimen's first dose.
        self.ok("log", "triptan", "--at", self.at(self.day(-10), 11))
        report = self.json_of("report")
        self.assertIsNone(report["regimen_start"])
        self.assertEqual(report["phases"], [])
        for reading in report["symptoms"][0]["readings"]:
            self.assertIn("the regimen has not started yet", reading)
            self.assertNotIn("after the start,", reading)
        self.assertIn("the regimen has not started yet", self.ok("report").stdout)

    def test_an_entry_of_the_same_second_is_in_the_report(self):
        self.start_with(start=self.day(-3))
        for count in range(1, 4):
            self.ok("symptom", "sleep", "5")
            report = self.json_of("report")
            self.assertEqual(report["symptoms"][1]["entries"], count, report["symptoms"][1])

    def test_json_goes_to_the_output_file(self):
        self.start_with(start=self.day(-3))
        self.ok("symptom", "sleep", "5", "--at", self.at(self.day(-1), 8))
        for index, args in enumerate((("--format", "json"), ("--json",))):
            path = os.path.join(self.workdir, f"report-{index}.json")
            result = self.ok("report", *args, "--output", path)
            self.assertEqual(result.stdout, "")
            with open(path, encoding="utf-8") as written:
                document = json.load(written)
            self.assertEqual(document["symptoms"][1]["kind"], "sleep")
            self.assertEqual(stat.S_IMODE(os.stat(path).st_mode), 0o600)

    def test_a_kind_that_says_higher_is_better(self):
        self.start_with(start=self.day(-14),
                        symptoms=["migraine", {"sleep": {"better": "higher"}}])
        for offset in range(-28, 1):
            rating = "4" if offset < -14 else "7"
            self.ok("symptom", "sleep", rating, "--at", self.at(self.day(offset), 7))
        report = self.json_of("report", "--days", "14")
        sleep = report["symptoms"][1]
        self.assertEqual((sleep["before"]["covered_days"], sleep["covered_days"]), (14, 14))
        self.assertTrue(sleep["readings"][1].startswith(
            "sleep rating: 4.0 \u2192 7.0 mean (difference +3.0"), sleep["readings"])
        self.assertTrue(sleep["readings"][1].endswith(": better"), sleep["readings"])
        self.assertNotIn("worse", " ".join(sleep["readings"]))


if __name__ == "__main__":
    harness.main()
