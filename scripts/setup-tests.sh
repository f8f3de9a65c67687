#!/usr/bin/env bash
# Installs the tools the test suite needs on top of scripts/setup.sh (which it runs first):
# test frameworks, real notification servers and a status bar under headless X11 and
# Wayland, headless Chromium for the report page, clang for fuzzing, lintian for the
# package (scripts/deb.sh). Idempotent; as root, or through sudo. scripts/test.sh runs it.
set -euo pipefail
here=$(dirname "$0")
bash "$here/setup.sh"

packages=(
    # tests
    catch2 dbus dbus-daemon python3 python3-dbus python3-dbusmock python3-gi
    python3-icalendar sqlite3 systemd clang-format zsh fish bash-completion tzdata
    # a real CalDAV server on the loopback address (tests/integration/test_caldav*.py)
    radicale
    # the report's HTML page, rendered headless by tests/integration/test_report_trial.py
    chromium
    # real notification servers and the status bar (tests/integration/test_dunst.py,
    # test_mako.py, test_waybar.py): dunst under Xvfb, mako and waybar under a headless sway
    dunst xvfb xauth x11-utils imagemagick sway mako-notifier grim waybar fonts-dejavu-core
    # a hook posting to a stand-in ntfy server (tests/integration/test_hooks.py)
    curl
    # fuzzing (scripts/fuzz.sh): clang with libFuzzer and the sanitizer runtimes
    clang libclang-rt-14-dev
    # the package (scripts/deb.sh): lintian, and file and binutils to check its programs
    lintian file binutils
    # the German and pseudo-locale tests (test_locale_de.py, test_locale_pseudo.py)
    locales
)

# shellcheck source=scripts/apt-install.sh
source "$here/apt-install.sh"
apt_install "${packages[@]}"

# The locale the language tests run under. localedef writes /usr/lib/locale/locale-archive,
# which needs root; an existing de_DE.UTF-8 is left as it is.
if ! locale -a 2>/dev/null | grep -qix 'de_DE.utf8'; then
    sudo=()
    ((EUID == 0)) || sudo=(sudo)
    "${sudo[@]}" localedef -i de_DE -f UTF-8 de_DE.UTF-8
fi

# sway refuses to run as root: the mako test runs its desktop stack as this unprivileged
# account, and scripts/deb.sh runs the installed daemon as it (created here, as root).
if ((EUID == 0)) && ! id -u regimend-test >/dev/null 2>&1; then
    useradd --system --create-home --home-dir /var/lib/regimend-test \
        --shell /usr/sbin/nologin regimend-test
fi
