# Sourced by the scripts that need Debian packages, so that a fresh machine gets them from its own package manager
# and nobody installs them by hand: `need COMMAND PACKAGE...` installs the packages with apt-get when COMMAND (a name
# on PATH, or a path) is missing, `need_package PACKAGE...` those dpkg does not have; as root, or through sudo.

as_root() {
    if [ "$(id -u)" = 0 ]; then
        "$@"
    elif command -v sudo >/dev/null; then
        sudo "$@"
    else
        echo "*** Installing $* needs root: run this as root or install it by hand." >&2
        exit 1
    fi
}

install() {
    echo "Installing Debian's $*…"
    as_root apt-get update -q
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "$@"
}

need() {
    local command=$1
    shift
    command -v "$command" >/dev/null && return
    install "$@"
}

# `need_package PACKAGE...` installs those of the packages dpkg does not have, for what no command shows (a Varnish
# module, say).
need_package() {
    local missing=() package
    for package in "$@"; do
        dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "ok installed" || missing+=("$package")
    done
    [ ${#missing[@]} = 0 ] || install "${missing[@]}"
}
