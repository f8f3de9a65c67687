"""The compiled-regimen cache (daemon/app/regimen_cache.hpp) is only a shortcut: a restart on
an unchanged regimen reads it, and anything else (an edit while the daemon was stopped, a
reload, a damaged cache file) is parsed as always, so what the daemon plans is always what
the file says."""

import os
import stat

import harness

FAR = 5 * 3600  # nothing is due while the test runs


def regimen(name, extra_items=()):
    items = [harness.dose_item("first", FAR, name=name)] + list(extra_items)
    return harness.regimen_yaml(items)


def names(daemon):
    doses = daemon.doses(harness.now_usec() - 3600_000_000,
                         harness.now_usec() + 24 * 3600_000_000)
    return sorted({d["name"] for d in doses})


FROM_CACHE = "read from the cache"
WRITTEN = "regimen.cache written"  # at debug level, once the loop is idle after a parse


class RegimenCache(harness.DaemonTestCase):

    def cache_path(self, daemon):
        return os.path.join(daemon.state_dir, "regimen.cache")

    def start(self, daemon):
        open(daemon.log_path, "w").close()  # this start's log only
        daemon.start()

    def restart(self, daemon):
        daemon.stop()
        self.start(daemon)

    def restart_from_cache(self, daemon):
        """Restarts `daemon` and waits until its log says the regimen came from the cache."""
        self.restart(daemon)
        daemon.wait_log(FROM_CACHE)

    def start_parsed(self, text):
        """A daemon started on `text`, once it has written the regimen's image."""
        daemon = self.start_daemon(text)
        daemon.wait_log(WRITTEN)
        return daemon

    def test_an_unchanged_regimen_comes_from_the_cache(self):
        daemon = self.start_parsed(regimen("Magnesium"))
        self.assertNotIn(FROM_CACHE, daemon.log())
        mode = os.stat(self.cache_path(daemon)).st_mode
        self.assertEqual(stat.S_IMODE(mode), 0o600)
        self.restart_from_cache(daemon)
        self.assertEqual(names(daemon), ["Magnesium"])

    def test_an_edit_while_stopped_is_parsed_even_at_the_same_size(self):
        daemon = self.start_parsed(regimen("Magnesium"))
        daemon.stop()
        daemon.write_regimen(regimen("Magnesiun"))  # one letter: same size
        self.start(daemon)
        self.assertEqual(names(daemon), ["Magnesiun"])
        self.assertNotIn(FROM_CACHE, daemon.log())
        daemon.wait_log(WRITTEN)
        # ... and that parse is what the next restart reads.
        self.restart_from_cache(daemon)
        self.assertEqual(names(daemon), ["Magnesiun"])

    def test_lint_warnings_come_back_with_the_regimen(self):
        over = harness.regimen_yaml(
            [harness.dose_item("a", FAR, name="A", amount="300 mg", tags=["mg"]),
             harness.dose_item("b", FAR + 60, name="B", amount="300 mg", tags=["mg"])],
            extra="limits:\n  - {name: magnesium, per_day: 350 mg, tags: [mg]}\n")
        daemon = self.start_parsed(over)
        before = [str(w) for w in daemon.call("Today")[6]]
        self.assertTrue(any("350 mg" in w for w in before), before)
        self.restart_from_cache(daemon)
        self.assertEqual([str(w) for w in daemon.call("Today")[6]], before)

    def test_a_reload_keeps_the_cache_current(self):
        daemon = self.start_parsed(regimen("Magnesium"))
        recorder = self.start_recorder()
        open(daemon.log_path, "w").close()
        daemon.write_regimen(regimen("Glycinate"))
        recorder.wait("RegimenReloaded")
        daemon.wait_log(WRITTEN)  # by the worker, after its parse
        self.restart_from_cache(daemon)
        self.assertEqual(names(daemon), ["Glycinate"])

    def test_a_damaged_or_foreign_cache_is_parsed_over(self):
        daemon = self.start_parsed(regimen("Magnesium"))
        daemon.stop()
        path = self.cache_path(daemon)
        with open(path, "r+b") as cache:
            data = bytearray(cache.read())
            middle = len(data) // 2
            data[middle] ^= 0xFF
            cache.seek(0)
            cache.write(data)
        self.start(daemon)
        self.assertEqual(names(daemon), ["Magnesium"])
        self.assertNotIn(FROM_CACHE, daemon.log())
        daemon.wait_log(WRITTEN)
        # A cache someone else could have written is not read, and is replaced.
        daemon.stop()
        os.chmod(path, 0o666)
        self.start(daemon)
        self.assertNotIn(FROM_CACHE, daemon.log())
        daemon.wait_log(WRITTEN)
        self.assertEqual(stat.S_IMODE(os.stat(path).st_mode), 0o600)
        self.restart_from_cache(daemon)

    def test_a_regimen_that_no_longer_parses_is_refused_though_cached(self):
        daemon = self.start_parsed(regimen("Magnesium"))
        daemon.stop()
        daemon.write_regimen("version: 1\nitems: [\n")
        open(daemon.log_path, "w").close()
        daemon.start(wait=False)
        harness.wait_for(lambda: daemon.process.poll() is not None, timeout=30,
                         message="regimend started on a regimen that does not parse")
        self.assertNotEqual(daemon.process.returncode, 0)
        self.assertIn("regimen.yaml:", daemon.log())


if __name__ == "__main__":
    harness.main()
