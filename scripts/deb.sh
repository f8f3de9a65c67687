#!/usr/bin/env bash
# Builds the Debian package from a clean checkout of HEAD (uncommitted changes are not in
# it), checks it with lintian, installs it on this machine with apt-get, uses what was
# installed (the files, --version, check, the daemon as an unprivileged user on a private
# bus confirming a dose through the installed regimenctl, systemd-analyze verify), then
# purges it and checks that nothing of it is left in /usr. Needs root (apt-get) and the
# packages of scripts/setup.sh and scripts/setup-tests.sh. scripts/test.sh runs it in CI.
#
#   scripts/deb.sh            build, lint, install, use, purge
#   scripts/deb.sh --build    build and lint only (leaves the .deb in $REGIMEND_DEB_DIR)
#   REGIMEND_DEB_PREBUILT=1 scripts/deb.sh   test the package the last run built
#
# The package is built in $REGIMEND_DEB_DIR (default /tmp/regimend-deb): a fixed path, so
# that ccache, when installed, finds the objects of the last run (the compiler's command
# line names the directory through -ffile-prefix-map).
set -euo pipefail
cd "$(dirname "$0")/.."

build_only=false
[[ "${1:-}" == "--build" ]] && build_only=true

fail() {
    echo "deb: FAILED: $*" >&2
    exit 1
}
step() { echo "deb: $*" >&2; }

version=$(sed -n '1s/^regimend (\([^)]*\)).*/\1/p' debian/changelog)
[[ -n "$version" ]] || fail "no version in debian/changelog"
arch=$(dpkg --print-architecture)
work=${REGIMEND_DEB_DIR:-/tmp/regimend-deb}
source_dir=$work/regimend-$version
deb=$work/regimend_${version}_${arch}.deb

if [[ -n "${REGIMEND_DEB_PREBUILT:-}" ]]; then
    step "REGIMEND_DEB_PREBUILT: testing the package already in $work"
else
    if ! git diff --quiet HEAD -- 2>/dev/null; then
        step "note: uncommitted changes are not in the package (it is built from HEAD)"
    fi
    rm -rf "$work"
    mkdir -p "$work"
    git archive --prefix="regimend-$version/" HEAD | tar -x -C "$work"

    # Build. dh runs make with the jobs DEB_BUILD_OPTIONS allows (one without parallel=).
    export DEB_BUILD_OPTIONS="parallel=$(nproc) ${DEB_BUILD_OPTIONS:-}"
    if command -v ccache >/dev/null; then
        export CMAKE_CXX_COMPILER_LAUNCHER=ccache CMAKE_C_COMPILER_LAUNCHER=ccache
    fi
    step "building regimend $version in $source_dir (log: $work/build.log)"
    started=$SECONDS
    if ! (cd "$source_dir" && dpkg-buildpackage -b -us -uc) >"$work/build.log" 2>&1; then
        tail -n 60 "$work/build.log" >&2
        fail "dpkg-buildpackage"
    fi
    step "built in $((SECONDS - started)) s: $(cd "$work" && ls ./*.deb | tr '\n' ' ')"
fi
[[ -f "$deb" ]] || fail "$deb was not built"
ls "$work"/regimend-dbgsym_"${version}"_"${arch}".*deb >/dev/null 2>&1 ||
    fail "no -dbgsym package"

# Lint: no error and no warning. debian/*.lintian-overrides say why each override is there.
step "lintian"
lintian --fail-on error,warning --display-info "$work/regimend_${version}_${arch}.changes" ||
    fail "lintian"

# Hardened, stripped, and linked against Debian's shared libraries.
extract=$work/extract
rm -rf "$extract"
dpkg-deb -x "$deb" "$extract"
for program in regimend regimenctl; do
    binary=$extract/usr/bin/$program
    description=$(file -b "$binary")
    [[ "$description" == *"pie executable"* && "$description" == *", stripped"* ]] ||
        fail "$program is not a stripped PIE: $description"
    dynamic=$(readelf -d "$binary")
    grep -q 'BIND_NOW' <<<"$dynamic" || fail "$program: no BIND_NOW"
    grep -q 'FLAGS_1.*PIE' <<<"$dynamic" || fail "$program: not PIE"
    # (Through variables: grep -q ends early, and pipefail would count readelf's SIGPIPE.)
    segments=$(readelf -lW "$binary")
    grep -q GNU_RELRO <<<"$segments" || fail "$program: no RELRO"
    symbols=$(readelf -sW --dyn-syms "$binary")
    grep -q '__[a-z_]*_chk@' <<<"$symbols" || fail "$program: no FORTIFY (__*_chk calls)"
done
dynamic=$(readelf -d "$extract/usr/bin/regimend")
grep -q 'NEEDED.*libyaml-cpp' <<<"$dynamic" || fail "regimend does not link the shared yaml-cpp"
grep -q 'NEEDED.*libsqlite3' <<<"$dynamic" || fail "regimend does not link the shared SQLite"

if $build_only; then
    step "OK (built and linted; not installed)"
    exit 0
fi

((EUID == 0)) || fail "installing needs root"
if dpkg-query -W -f='${Status}' regimend 2>/dev/null | grep -q 'ok installed'; then
    fail "regimend is already installed on this machine; remove it first"
fi

# Install with apt, and always purge on the way out.
installed=false
private=
cleanup() {
    if [[ -n "$private" ]]; then
        [[ -f "$private/bus.pid" ]] && kill "$(cat "$private/bus.pid")" 2>/dev/null || true
        [[ -f "$private/daemon.pid" ]] && kill "$(cat "$private/daemon.pid")" 2>/dev/null || true
        rm -rf "$private"
    fi
    if $installed; then
        DEBIAN_FRONTEND=noninteractive apt-get purge -y -q regimend >/dev/null 2>&1 || true
    fi
}
trap cleanup EXIT
step "apt-get install $deb"
DEBIAN_FRONTEND=noninteractive apt-get install -y -q "$deb" >"$work/install.log" 2>&1 ||
    { cat "$work/install.log" >&2; fail "apt-get install"; }
installed=true
dpkg -L regimend >"$work/files"

expected=(
    /usr/bin/regimend
    /usr/bin/regimenctl
    /usr/lib/systemd/user/regimend.service
    /usr/share/dbus-1/services/org.regimend.Regimen1.service
    /usr/share/man/man1/regimenctl.1.gz
    /usr/share/man/man5/regimen.yaml.5.gz
    /usr/share/man/man8/regimend.8.gz
    /usr/share/bash-completion/completions/regimenctl
    /usr/share/zsh/vendor-completions/_regimenctl
    /usr/share/fish/vendor_completions.d/regimenctl.fish
    /usr/share/doc/regimend/examples/regimen.yaml
    /usr/share/doc/regimend/copyright
    /usr/share/doc/regimend/changelog.gz
    /usr/share/locale/de/LC_MESSAGES/regimend.mo
)
for path in "${expected[@]}"; do
    [[ -f "$path" ]] || fail "$path is not installed"
done
grep -q '^ExecStart=/usr/bin/regimend$' /usr/lib/systemd/user/regimend.service ||
    fail "the unit does not start /usr/bin/regimend"
grep -q '^Exec=/usr/bin/regimend$' /usr/share/dbus-1/services/org.regimend.Regimen1.service ||
    fail "the activation file does not run /usr/bin/regimend"
# Enabled for nobody: no link in the global user configuration.
if find /etc/systemd/user -name regimend.service 2>/dev/null | grep -q .; then
    fail "the package enabled the user unit globally"
fi

step "systemd-analyze verify --user"
runtime=$(mktemp -d)
XDG_RUNTIME_DIR=$runtime systemd-analyze --user verify /usr/lib/systemd/user/regimend.service \
    >"$work/verify.log" 2>&1 || { cat "$work/verify.log" >&2; fail "systemd-analyze verify"; }
rm -rf "$runtime"
[[ ! -s "$work/verify.log" ]] || { cat "$work/verify.log" >&2; fail "systemd-analyze warned"; }

[[ "$(regimend --version)" == "regimend $version" ]] || fail "regimend --version: $(regimend --version)"
[[ "$(regimenctl --version)" == "regimenctl $version" ]] ||
    fail "regimenctl --version: $(regimenctl --version)"
regimenctl check /usr/share/doc/regimend/examples/regimen.yaml || fail "check of the example"
# The installed catalogue is where the programs look (LOCALEDIR, /usr/share/locale).
if locale -a 2>/dev/null | grep -qix 'de_DE.utf8'; then
    env -u REGIMEND_LOCALEDIR LC_ALL=de_DE.UTF-8 regimenctl --help | grep -q '^Aufruf:' ||
        fail "the installed regimenctl does not find its German catalogue"
fi

# The installed daemon as the unprivileged test user (scripts/setup-tests.sh creates it) on
# a private session bus, a dose confirmed through the installed regimenctl.
user=regimend-test
id -u "$user" >/dev/null 2>&1 || fail "no user $user (scripts/setup-tests.sh creates it)"
step "the installed daemon as $user on a private bus"
private=$(mktemp -d)
chmod 0755 "$private"
home=$private/home
mkdir -p "$home/.config/regimend"
due=$(date -d '+10 minutes' +%H:%M)
cat >"$home/.config/regimend/regimen.yaml" <<YAML
version: 1
items:
  - id: packaged
    name: Packaged dose
    at: "$due"
YAML
chown -R "$user:" "$home"
as_user() {
    runuser -u "$user" -- env -i HOME="$home" XDG_CONFIG_HOME="$home/.config" \
        XDG_STATE_HOME="$home/.local/state" PATH=/usr/bin:/bin LANG=C.UTF-8 NO_COLOR=1 \
        DBUS_SESSION_BUS_ADDRESS="unix:path=$home/bus" "$@"
}
# The bus has the installed activation file among its service directories: started with
# the same environment, an activated daemon would read the same files.
as_user dbus-daemon --session --address="unix:path=$home/bus" --fork \
    --print-pid >"$private/bus.pid" || fail "dbus-daemon"
as_user regimend >"$private/daemon.log" 2>&1 &
echo $! >"$private/daemon.pid"
deadline=$((SECONDS + 60))
# Wait for the name without asking regimend anything (a call would D-Bus-activate one).
owned() {
    as_user dbus-send --session --print-reply --dest=org.freedesktop.DBus /org/freedesktop/DBus \
        org.freedesktop.DBus.NameHasOwner string:org.regimend.Regimen1 2>/dev/null |
        grep -q 'boolean true'
}
until owned; do
    ((SECONDS < deadline)) || { cat "$private/daemon.log" >&2; fail "the daemon did not answer"; }
    kill -0 "$(cat "$private/daemon.pid")" 2>/dev/null ||
        { cat "$private/daemon.log" >&2; fail "the daemon exited"; }
    sleep 0.2
done
as_user regimenctl take packaged || fail "regimenctl take"
history=$(as_user regimenctl history --json)
grep -q '"event": *"taken"' <<<"$history" || fail "the history has no taken dose: $history"
# $! is runuser's pid; the daemon is its child, running as the test user.
daemon_pid=$(pgrep -u "$user" -x regimend) || fail "no regimend running as $user"
kill "$daemon_pid"
stop_deadline=$((SECONDS + 30))
while kill -0 "$daemon_pid" 2>/dev/null; do
    ((SECONDS < stop_deadline)) || fail "the daemon did not stop on SIGTERM"
    sleep 0.1
done
rm -f "$private/daemon.pid"

step "sizes"
dpkg-deb -I "$deb" | grep -E 'Installed-Size|Depends' >&2
ls -l /usr/bin/regimen* >&2

step "apt-get purge"
DEBIAN_FRONTEND=noninteractive apt-get purge -y -q regimend >"$work/purge.log" 2>&1 ||
    { cat "$work/purge.log" >&2; fail "apt-get purge"; }
installed=false
left=()
while read -r path; do
    [[ "$path" == /usr/* && ! -d "$path" && -e "$path" ]] && left+=("$path")
done <"$work/files"
for path in /usr/share/doc/regimend /usr/lib/systemd/user/regimend.service \
    /usr/share/dbus-1/services/org.regimend.Regimen1.service /usr/libexec/regimend; do
    [[ -e "$path" ]] && left+=("$path")
done
((${#left[@]} == 0)) || fail "left in /usr after purge: ${left[*]}"
step "OK: built, lintian-clean, installed, used and purged"
