#!/usr/bin/env bash
# Vendor Det Fælles Designsystem (the npm package dkfds) into web/static/dkfds/, which the pages
# serve from /static/dkfds/ (no CDN): the stylesheet, the fonts and images it refers to, the icon
# sprite, and the licence notices dkfds ships. The package is fetched once with npm into a cache
# outside the checkout and checked against a pinned SHA-512 before anything is copied.
#
# Usage: install_dkfds.sh [TARGET_DIR]   (default: web/static/dkfds in the checkout)
# Idempotent: exits at once when TARGET_DIR already holds this version.
set -euo pipefail
# shellcheck source=scripts/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

target="${1:-$VB_ROOT/web/static/dkfds}"
stamp="$target/dkfds-version.txt"
if [[ -f "$stamp" && "$(cat "$stamp")" == "$VB_DKFDS_VERSION" ]]; then
    exit 0
fi
command -v npm >/dev/null 2>&1 || die "npm not found (scripts/install_system.sh installs it)"

tarball="$VB_DKFDS_CACHE/dkfds-$VB_DKFDS_VERSION.tgz"
if [[ ! -f "$tarball" ]]; then
    mkdir -p "$VB_DKFDS_CACHE"
    log "fetching dkfds $VB_DKFDS_VERSION with npm"
    run_quiet npm pack --silent "dkfds@$VB_DKFDS_VERSION" --pack-destination "$VB_DKFDS_CACHE" ||
        die "npm pack dkfds@$VB_DKFDS_VERSION failed"
fi
# Node (which npm needs anyway) computes the hash, so nothing else has to be installed.
actual="$(node -e 'process.stdout.write(require("crypto").createHash("sha512")
    .update(require("fs").readFileSync(process.argv[1])).digest("base64"))' "$tarball")"
if [[ "$actual" != "$VB_DKFDS_SHA512" ]]; then
    rm -f "$tarball"
    die "dkfds-$VB_DKFDS_VERSION.tgz has SHA-512 $actual, expected $VB_DKFDS_SHA512"
fi

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
tar -xzf "$tarball" -C "$work"
dist="$work/package/dist"
new="$work/dkfds"
mkdir -p "$new/css" "$new/img"
cp "$dist/css/dkfds.min.css" "$new/css/"
# Every font and image the stylesheet names, at the same place relative to it.
grep -o 'url([^)]*)' "$dist/css/dkfds.min.css" | sed -E 's/^url\(["'\'']?\.\.\/([^"'\'')]*)["'\'']?\)$/\1/' |
    sed 's/[?#].*//' | sort -u | while read -r file; do
    [[ -f "$dist/$file" ]] || die "dkfds.min.css names $file, which the package does not hold"
    mkdir -p "$new/$(dirname "$file")"
    cp "$dist/$file" "$new/$file"
done
cp "$dist/img/all-svg-icons.svg" "$new/img/"
# The licences: MIT for the design system, Apache 2.0 for the icons, SIL OFL for IBM Plex Sans.
# Saved as .txt so the wheel ships them with the files they cover.
cp "$dist/LICENSE.md" "$new/LICENSE.txt"
for folder in "$new"/fonts/IBMPlexSans/*/*/; do
    cp "$dist/${folder#"$new/"}license.txt" "$folder"
done
echo "$VB_DKFDS_VERSION" >"$new/dkfds-version.txt"

rm -rf "$target.old"
[[ ! -e "$target" ]] || mv "$target" "$target.old"
mkdir -p "$(dirname "$target")"
mv "$new" "$target"
rm -rf "$target.old"
log "dkfds $VB_DKFDS_VERSION installed in $target"
