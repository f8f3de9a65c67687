# apt_install PACKAGE...: installs the packages that are not installed yet (none: no
# apt-get at all). Sourced by scripts/setup.sh and scripts/setup-tests.sh. As root, or
# through sudo; no questions asked (CI runs it with no stdin).
apt_install() {
    local missing=() package
    for package in "$@"; do
        if ! dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q 'install ok installed'; then
            missing+=("$package")
        fi
    done
    ((${#missing[@]} > 0)) || return 0
    local sudo=()
    ((EUID == 0)) || sudo=(sudo)
    echo "setup: installing ${missing[*]}" >&2
    export DEBIAN_FRONTEND=noninteractive
    "${sudo[@]}" apt-get update -q
    "${sudo[@]}" apt-get install -y -q --no-install-recommends "${missing[@]}"
}
