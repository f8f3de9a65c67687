#!/usr/bin/env bash
# Installs the Debian packages regimend needs to build (from source or as a package with
# `dpkg-buildpackage -b -us -uc`) and to run. Idempotent: it only calls apt-get when
# something is missing. Runs as root, or through sudo. The test suite's tools come from
# scripts/setup-tests.sh (scripts/test.sh runs both).
set -euo pipefail
here=$(dirname "$0")

packages=(
    # build (debian/control's Build-Depends, and the tools to build the package)
    build-essential cmake pkgconf debhelper
    libsystemd-dev libyaml-cpp-dev libspdlog-dev libfmt-dev libsqlite3-dev libcli11-dev
    libhowardhinnant-date-dev nlohmann-json3-dev
    # the catalogues (po/): msgfmt builds them, xgettext/msgmerge/msgattrib check them
    gettext
    # CalDAV sync (devices: caldav:): HTTP and TLS, iCalendar tasks, WebDAV's XML
    libcurl4-openssl-dev libical-dev libpugixml-dev ca-certificates
    # run: the zones regimen times are in, a session bus (scripts/run.sh starts a private
    # one with dbus-run-session when there is none)
    tzdata dbus-daemon
)

# shellcheck source=scripts/apt-install.sh
source "$here/apt-install.sh"
apt_install "${packages[@]}"
