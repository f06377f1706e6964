#!/usr/bin/env bash
# Debian packages bidgraph needs from the system. Installs only what is missing; needs
# root (or sudo).
#   runtime: CJK fonts embedded in PDF reports and used by exported pages
#   test:    runtime + headless Chromium and poppler for the browser and PDF tests
set -euo pipefail
runtime=(fonts-wqy-zenhei fonts-noto-cjk)
test=(chromium chromium-driver poppler-utils)
case "${1:-runtime}" in
  runtime) packages=("${runtime[@]}") ;;
  test) packages=("${runtime[@]}" "${test[@]}") ;;
  *) echo "usage: $0 runtime|test" >&2; exit 2 ;;
esac
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0
if ! command -v apt-get >/dev/null; then
  echo "system-deps: not a Debian/Ubuntu system; install ${missing[*]} by hand" >&2
  exit 0
fi
sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
echo "system-deps: installing ${missing[*]}"
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
