#!/usr/bin/env bash
# Makes sure a Chromium for the browser tests is on the machine: Debian's package, installed with
# apt when running as root; otherwise it says what is missing. Prints the browser's path.
set -euo pipefail
for candidate in "${REGULARS_CHROMIUM:-}" chromium chromium-browser google-chrome; do
  [ -n "$candidate" ] || continue
  if path=$(command -v "$candidate" 2>/dev/null); then echo "$path"; exit 0; fi
done
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "chromium: installing Debian's chromium for the browser tests" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >&2
  apt-get install -y -qq --no-install-recommends chromium >&2
  command -v chromium && exit 0
fi
echo "chromium: not found and cannot be installed here; install Debian's 'chromium' package (or set REGULARS_CHROMIUM)" >&2
exit 1
