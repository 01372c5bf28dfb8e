#!/usr/bin/env bash
# Install the Debian packages the Vidensbank services need.
# Idempotent: exits at once when everything is already present.
set -euo pipefail
# shellcheck source=scripts/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

# Always-required packages. acl provides setfacl, used to let the
# Elasticsearch user traverse a private $HOME that holds $VB_ES_HOME;
# tesseract-ocr and its Danish data read scanned pages (OCR); nginx spreads requests over the
# API processes of the local cluster (scripts/cluster.sh).
packages=(redis-server postgresql libmagic1 wdanish hunspell-da unzip curl procps acl
    tesseract-ocr tesseract-ocr-dan nginx-light)
# Packages only the tests need (scripts/test.sh asks for Chromium, for the browser tests).
read -r -a extra <<<"${VB_EXTRA_PACKAGES:-}"
packages+=("${extra[@]}")

# Java 17+ (Elasticsearch 8 runtime) and Maven only when not already present.
if ! find_java_home >/dev/null; then
    packages+=(openjdk-17-jre-headless)
fi
if ! command -v mvn >/dev/null 2>&1; then
    packages+=(maven)
fi
# npm fetches Det Fælles Designsystem (scripts/install_dkfds.sh).
if ! command -v npm >/dev/null 2>&1; then
    packages+=(npm)
fi
# A JDK (not only a runtime) builds the project's Elasticsearch analysis plugin.
if ! command -v javac >/dev/null 2>&1; then
    packages+=(openjdk-17-jdk-headless)
fi

# One dpkg-query call for all packages; collect the ones not installed.
missing=()
status="$(dpkg-query -W -f='${Package} ${db:Status-Abbrev}\n' "${packages[@]}" 2>/dev/null || true)"
for pkg in "${packages[@]}"; do
    if ! grep -Eq "^${pkg} ii" <<<"$status"; then
        missing+=("$pkg")
    fi
done

if [[ ${#missing[@]} -eq 0 ]]; then
    exit 0
fi

[[ $EUID -eq 0 ]] || die "missing packages (${missing[*]}) and not root: install them as root"

export DEBIAN_FRONTEND=noninteractive
log "installing: ${missing[*]}"

# Refresh package lists when they are absent or older than 6 hours; if the
# install still fails on fresh-enough lists, refresh once and retry.
updated=0
if [[ -z "$(find /var/lib/apt/lists -maxdepth 1 -name '*_Packages*' -mmin -360 -print -quit 2>/dev/null)" ]]; then
    run_quiet apt-get update
    updated=1
fi
install=(apt-get install -y --no-install-recommends "${missing[@]}")
if ! run_quiet "${install[@]}"; then
    [[ $updated -eq 0 ]] || die "apt-get install failed"
    log "retrying after apt-get update"
    run_quiet apt-get update
    run_quiet "${install[@]}" || die "apt-get install failed"
fi

find_java_home >/dev/null || die "no Java 17+ runtime found after install"
command -v mvn >/dev/null 2>&1 || die "mvn not found after install"
