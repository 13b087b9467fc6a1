"""The optional server preload library: PL/Python and numpy started once, in the postmaster.

PL/Python starts its interpreter in each process on first use, and the kernels import numpy:
0.1-0.15 s per backend and per parallel worker, on every pass that runs workers. With
``indb_ml_preload`` in ``shared_preload_libraries`` the postmaster does that once and every
process is forked with numpy in memory (``extension/preload/indb_ml_preload.c``).

This module builds the library with PostgreSQL's PGXS against the server's own Python, caches
the build per source, server and Python version, and says why when it cannot. The local
clusters (demo, tests, benchmarks) load it when it builds; on another server, install it with
``indb-ml preload-library --install`` and add it to ``shared_preload_libraries`` (see
docs/packaging.md). Nothing depends on it: without it every function works, only slower to
start.
"""
from __future__ import annotations

import hashlib
import os
import re
import shutil
import subprocess
import tempfile
from pathlib import Path

from .resources import EXTENSION_DIR

NAME = "indb_ml_preload"
SOURCE_DIR = EXTENSION_DIR / "preload"
SOURCES = ("indb_ml_preload.c", "Makefile")
#: the interpreter PL/Python embeds on Debian (the server never uses a virtualenv's Python)
PYTHON_CONFIG = Path("/usr/bin/python3-config")
BUILD_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"


class PreloadUnavailable(RuntimeError):
    """The preload library cannot be built here; the message says what is missing."""


def _run(args, **kw) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTHON", "VIRTUAL_ENV", "PYENV"))}
    env["PATH"] = BUILD_PATH
    return subprocess.run([str(a) for a in args], capture_output=True, text=True, env=env, **kw)


def _pg_config(bindir: Path) -> Path:
    pg_config = bindir / "pg_config"
    if not pg_config.exists():
        raise PreloadUnavailable(f"no {pg_config}")
    return pg_config


def _libpython(path: Path) -> str | None:
    """The libpython soname a shared object links (from ldd), or None."""
    out = _run(["ldd", path])
    match = re.search(r"(libpython3\.\d+\S*\.so[.\d]*)", out.stdout)
    return match.group(1) if match else None


def check_prerequisites(bindir: Path) -> dict[str, str]:
    """What a build needs: a C compiler, the server headers (PGXS), the headers of the Python that
    plpython3.so links. -> {pg_config, python_config, libpython}; raises PreloadUnavailable."""
    pg_config = _pg_config(bindir)
    query = _run([pg_config, "--includedir-server", "--pkglibdir", "--pgxs"])
    if query.returncode != 0:
        raise PreloadUnavailable(f"{pg_config} failed: {query.stderr.strip()}")
    include_server, pkglibdir, pgxs = (Path(line) for line in query.stdout.split("\n")[:3])
    if not (include_server / "postgres.h").exists() or not pgxs.exists():
        raise PreloadUnavailable(f"the server headers are not installed (Debian: postgresql-server-dev-{bindir.parent.name})")
    if not shutil.which("gcc", path=BUILD_PATH) and not shutil.which("cc", path=BUILD_PATH):
        raise PreloadUnavailable("no C compiler (Debian: gcc)")
    if not PYTHON_CONFIG.exists():
        raise PreloadUnavailable("no python3-config for the system Python (Debian: python3-dev)")
    plpython = pkglibdir / "plpython3.so"
    if not plpython.exists():
        raise PreloadUnavailable(f"no {plpython} (Debian: postgresql-plpython3-{bindir.parent.name})")
    wanted = _libpython(plpython)
    ldflags = _run([PYTHON_CONFIG, "--ldflags", "--embed"]).stdout
    version = re.search(r"-lpython(3\.\d+)", ldflags)
    if not wanted or not version or f"libpython{version.group(1)}" not in wanted:
        raise PreloadUnavailable(f"plpython3.so links {wanted}, but {PYTHON_CONFIG} is for "
                                 f"{version.group(0) if version else 'an unknown Python'}")
    return {"pg_config": str(pg_config), "python_config": str(PYTHON_CONFIG), "libpython": wanted}


def build_key(bindir: Path) -> str:
    """Sources + server version + Python: a cached build is reused only for the same three."""
    digest = hashlib.sha256()
    for name in SOURCES:
        digest.update((SOURCE_DIR / name).read_bytes())
    digest.update(_run([_pg_config(bindir), "--version"]).stdout.encode())
    digest.update(_run([PYTHON_CONFIG, "--ldflags", "--embed"]).stdout.encode())
    return digest.hexdigest()[:16]


def build(bindir: Path, out_dir: Path) -> Path:
    """Compile the library with PGXS into out_dir; -> the .so path."""
    prereq = check_prerequisites(bindir)
    out_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="indb_ml_preload_") as tmp:
        for name in SOURCES:
            shutil.copy(SOURCE_DIR / name, tmp)
        made = _run(["make", "-C", tmp, f"PG_CONFIG={prereq['pg_config']}",
                     f"PYTHON_CONFIG={prereq['python_config']}"])
        if made.returncode != 0:
            raise PreloadUnavailable(f"building {NAME} failed:\n{made.stdout[-2000:]}{made.stderr[-2000:]}")
        target = out_dir / f"{NAME}.so"
        partial = out_dir / f".{NAME}.so.tmp"
        shutil.copy(Path(tmp) / f"{NAME}.so", partial)
        os.chmod(partial, 0o755)
        os.replace(partial, target)
    return target


def cached_build(bindir: Path, cache_dir: Path) -> Path:
    """The library for this server, built once per build_key under cache_dir."""
    target = cache_dir / build_key(bindir) / f"{NAME}.so"
    if not target.exists():
        build(bindir, target.parent)
    return target


def install(bindir: Path) -> Path:
    """Build and copy into the server's library directory (``$libdir``; needs write access there)."""
    pkglibdir = Path(_run([_pg_config(bindir), "--pkglibdir"]).stdout.strip())
    with tempfile.TemporaryDirectory() as tmp:
        built = build(bindir, Path(tmp))
        target = pkglibdir / built.name
        shutil.copy(built, target)
        os.chmod(target, 0o755)
    return target
