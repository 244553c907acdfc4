#!/bin/sh
# Debian's chromium for the browser tests: Playwright's own browser download needs the internet,
# the distribution's package does not. Installs it (and a font with Chinese glyphs, for legible
# screenshots) where this user may; otherwise prints why, and the browser tests skip.
set -u
CHROMIUM="${CHROMIUM:-/usr/bin/chromium}"
PACKAGES="chromium fonts-wqy-microhei"

[ -x "$CHROMIUM" ] && exit 0

banner() {
    echo "################################################################################"
    echo "##  BROWSER TESTS WILL BE SKIPPED: $1"
    echo "##  Install Debian's chromium as root:"
    echo "##      apt-get install -y --no-install-recommends $PACKAGES"
    echo "##  then run the tests again (or: make browser)."
    echo "################################################################################"
}

if ! command -v apt-get >/dev/null 2>&1; then
    banner "$CHROMIUM is missing and there is no apt-get here."
    exit 0
fi
if [ "$(id -u)" -eq 0 ]; then
    AS_ROOT=""
elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
    AS_ROOT="sudo -n"
else
    banner "$CHROMIUM is missing and this user is neither root nor allowed sudo without a password."
    exit 0
fi

install() {
    # shellcheck disable=SC2086 # AS_ROOT and PACKAGES are word lists on purpose
    $AS_ROOT env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends \
        $PACKAGES
}

echo "Installing Debian's chromium for the browser tests ..."
# The package lists may be missing (a fresh container): refresh them once, only when needed.
install || { $AS_ROOT apt-get update -q && install; } || true
[ -x "$CHROMIUM" ] || banner "installing $PACKAGES failed (see the apt-get output above)."
exit 0
