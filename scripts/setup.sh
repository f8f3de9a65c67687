#!/usr/bin/env bash
# Installs every Debian package regimend needs to build, run and test. Idempotent: it only
# calls apt-get when something is missing. Runs as root, or through sudo.
set -euo pipefail

packages=(
    # build
    build-essential cmake pkg-config
    libsystemd-dev libyaml-cpp-dev libspdlog-dev libfmt-dev libsqlite3-dev libcli11-dev
    libhowardhinnant-date-dev nlohmann-json3-dev libdbus-1-dev bash-completion tzdata
    # tests
    catch2 dbus dbus-daemon python3 python3-dbus python3-dbusmock python3-gi
    python3-icalendar sqlite3 systemd clang-format zsh fish
    # the report's HTML page, rendered headless by tests/integration/test_report_trial.py
    chromium
    # real notification servers and the status bar (tests/integration/test_dunst.py,
    # test_mako.py, test_waybar.py): dunst under Xvfb, mako and waybar under a headless sway
    dunst xvfb xauth x11-utils imagemagick sway mako-notifier grim waybar fonts-dejavu-core
    # fuzzing (scripts/fuzz.sh): clang with libFuzzer and the sanitizer runtimes
    clang libclang-rt-14-dev
)

# sway refuses to run as root: the mako test runs its desktop stack as this unprivileged
# account (it creates it itself when missing, as root).
ensure_test_user() {
    if ((EUID == 0)) && ! id -u regimend-test >/dev/null 2>&1; then
        useradd --system --create-home --home-dir /var/lib/regimend-test \
            --shell /usr/sbin/nologin regimend-test
    fi
}

missing=()
for package in "${packages[@]}"; do
    if ! dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q 'install ok installed'; then
        missing+=("$package")
    fi
done

if ((${#missing[@]} == 0)); then
    ensure_test_user
    exit 0
fi

sudo=()
if ((EUID != 0)); then
    sudo=(sudo)
fi
echo "setup: installing ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
"${sudo[@]}" apt-get update -q
"${sudo[@]}" apt-get install -y -q --no-install-recommends "${missing[@]}"
ensure_test_user
