#!/usr/bin/env bash
# Set up everything `make demo` and `make test` need, on a fresh Debian machine or an old one:
#   - PostgreSQL server binaries (>= 14), PL/Python for them, numpy for the server's Python and an
#     optimized BLAS under it (OpenBLAS, serial)
#     (Debian packages, via apt-get; as root, or through sudo);
#   - what building the optional preload library needs (gcc, the server headers, python3-dev);
#   - a virtualenv in .venv with this project installed editable, with its test extras.
# Idempotent: what is already there is left alone.
set -euo pipefail
cd "$(dirname "$0")/.."

PG_MAJOR="${INDB_ML_PG_MAJOR:-15}"
VENV="${INDB_ML_VENV:-.venv}"

log() { printf 'bootstrap: %s\n' "$*" >&2; }

as_root() {
    if [ "$(id -u)" -eq 0 ]; then "$@"
    elif command -v sudo >/dev/null 2>&1; then sudo "$@"
    else log "need root to run: $*  (run as root, or install sudo)"; exit 1
    fi
}

server_bindir() {
    for v in $(ls /usr/lib/postgresql 2>/dev/null | sort -rn); do
        if [ "$v" -ge 14 ] 2>/dev/null && [ -x "/usr/lib/postgresql/$v/bin/initdb" ]; then
            echo "/usr/lib/postgresql/$v/bin"; return 0
        fi
    done
    return 1
}

missing=()
if bindir=$(server_bindir); then
    major=$(basename "$(dirname "$bindir")")
else
    major="$PG_MAJOR"
    missing+=("postgresql-$major")
fi
[ -e "/usr/lib/postgresql/$major/lib/plpython3.so" ] || missing+=("postgresql-plpython3-$major")
command -v psql >/dev/null 2>&1 || missing+=("postgresql-client-$major")
/usr/bin/python3 -c 'import numpy' >/dev/null 2>&1 || missing+=("python3-numpy")
# an optimized BLAS for the server's numpy: Debian's default reference BLAS makes the per-block
# matrix products of training 3-4x slower (kernels are small GEMMs); serial, as PostgreSQL already
# runs one backend or parallel worker per core
compgen -G "/usr/lib/*/openblas*/libblas.so.3" >/dev/null || missing+=("libopenblas0-serial")
# `make bench` compares with pgRouting (INDB_ML_BENCH=1)
if [ "${INDB_ML_BENCH:-0}" = 1 ] && [ ! -e "/usr/share/postgresql/$major/extension/pgrouting.control" ]; then
    missing+=("postgresql-$major-pgrouting")
fi
command -v make >/dev/null 2>&1 || missing+=("make")
# the preload library (extension/preload, built by indb_ml.preload when a local cluster starts): a C
# compiler, the server headers (PGXS) and the headers of the Python that PL/Python embeds
command -v gcc >/dev/null 2>&1 || missing+=("gcc")
[ -e /usr/include/stdio.h ] || missing+=("libc6-dev")
[ -e "/usr/include/postgresql/$major/server/postgres.h" ] || missing+=("postgresql-server-dev-$major")
[ -x /usr/bin/python3-config ] || missing+=("python3-dev")
if ! python3 -m venv --help >/dev/null 2>&1 || ! python3 -c 'import ensurepip' >/dev/null 2>&1; then
    missing+=("python3-venv")
fi

if [ "${#missing[@]}" -gt 0 ]; then
    log "installing Debian packages: ${missing[*]}"
    as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq
    # keep existing configuration files; never stop at a prompt
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
        -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold "${missing[@]}" >/dev/null
fi

stamp="$VENV/.indb_ml-installed"
if [ ! -x "$VENV/bin/python" ]; then
    log "creating virtualenv $VENV"
    python3 -m venv "$VENV"
fi
if [ ! -e "$stamp" ] || [ pyproject.toml -nt "$stamp" ]; then
    log "installing indb_ml and its test dependencies into $VENV"
    "$VENV/bin/python" -m pip install -q --upgrade pip >/dev/null
    "$VENV/bin/python" -m pip install -q -e '.[test]'
    touch "$stamp"
fi
log "ready: PostgreSQL binaries in $(server_bindir), virtualenv $VENV"
