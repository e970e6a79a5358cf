#!/usr/bin/env bash
# `npm run setup`: what `npm test` needs beyond `npm install` on a fresh Debian/Ubuntu machine —
# Chromium for the console's browser tests and CJK fonts so its Chinese screenshots are legible.
# Installs only what is missing; safe to run again.
set -euo pipefail

missing=()
[ -x /usr/bin/chromium ] || missing+=(chromium)
[ -d /usr/share/fonts/opentype/noto ] || missing+=(fonts-noto-cjk)

if [ ${#missing[@]} -eq 0 ]; then
  echo "setup: Chromium and the CJK fonts are installed; nothing to do."
  exit 0
fi

if ! command -v apt-get >/dev/null 2>&1; then
  echo "setup: install ${missing[*]} with your system's package manager (Chromium must be at /usr/bin/chromium); apt-get is not available here." >&2
  exit 1
fi

as_root=()
if [ "$(id -u)" -ne 0 ]; then
  if ! command -v sudo >/dev/null 2>&1; then
    echo "setup: installing ${missing[*]} needs root: run 'apt-get install ${missing[*]}' as root." >&2
    exit 1
  fi
  as_root=(sudo)
fi

echo "setup: installing ${missing[*]} (apt-get)…"
${as_root[@]+"${as_root[@]}"} apt-get update -qq
${as_root[@]+"${as_root[@]}"} env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
echo "setup: done."
