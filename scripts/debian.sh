# Sourced by the scripts that need Debian packages, so that a fresh machine gets them from its own package manager
# and nobody installs them by hand: `need COMMAND PACKAGE...` installs the packages with apt-get when COMMAND (a name
# on PATH, or a path) is missing; as root, or through sudo.

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

need() {
    local command=$1
    shift
    command -v "$command" >/dev/null && return
    echo "Installing Debian's $* (for $command)…"
    as_root apt-get update -q
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "$@"
}
