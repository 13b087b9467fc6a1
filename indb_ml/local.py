"""A PostgreSQL cluster of our own, for the demo, the client default and tests.

The cluster lives under ``$INDB_ML_HOME`` (default ``~/.local/share/indb_ml``),
listens on 127.0.0.1 only, on a port chosen free at first start, with a
generated password (scram-sha-256) kept in a mode-600 file. ``initdb`` and
``postgres`` refuse to run as root, so when invoked as root the server runs
as an unprivileged OS user (``postgres`` from Debian's package, or
``$INDB_ML_OS_USER``); its data directory is handed to that user and the
folders above it are made traversable (execute bit only) for it.

The server runs from a private install tree under ``$INDB_ML_HOME/pgtree``
(``pgtree``): the system's binaries, with an extension directory of its own,
so ``CREATE EXTENSION indb_ml`` works in this cluster without writing the
system-wide extension directory (which other servers on the machine share).
"""
from __future__ import annotations

import os
import pwd
import secrets
import shutil
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

SUPERUSER = "indb_admin"
MIN_SERVER_MAJOR = 14


class LocalClusterError(RuntimeError):
    pass


def default_home() -> Path:
    env = os.environ.get("INDB_ML_HOME")
    return Path(env).expanduser() if env else Path.home() / ".local" / "share" / "indb_ml"


def find_bindir() -> Path:
    """The newest local PostgreSQL server binaries (>= 14)."""
    candidates = []
    env = os.environ.get("INDB_ML_PG_BINDIR")
    if env:
        candidates.append(Path(env))
    root = Path("/usr/lib/postgresql")
    if root.is_dir():
        versions = sorted((p for p in root.iterdir() if p.name.isdigit()), key=lambda p: int(p.name), reverse=True)
        candidates += [p / "bin" for p in versions if int(p.name) >= MIN_SERVER_MAJOR]
    pg_config = shutil.which("pg_config")
    if pg_config:
        out = subprocess.run([pg_config, "--bindir"], capture_output=True, text=True)
        if out.returncode == 0:
            candidates.append(Path(out.stdout.strip()))
    for cand in candidates:
        if (cand / "initdb").exists() and (cand / "pg_ctl").exists():
            return cand
    raise LocalClusterError(
        "no PostgreSQL server binaries (initdb, pg_ctl) found; on Debian install them with "
        "`apt-get install postgresql-15 postgresql-plpython3-15 python3-numpy` "
        "or set INDB_ML_PG_BINDIR"
    )


def server_environment() -> dict[str, str]:
    """The environment the server starts with: the system PATH only, no PYTHON* variables.

    PL/Python's embedded interpreter finds its standard library by searching
    PATH for ``python3``; a pyenv or virtualenv ``python3`` earlier on the
    caller's PATH would make the server load that Python's library (and miss
    Debian's python3-numpy). The server must use the system Python it was
    built against.
    """
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("PYTHON", "PYENV", "VIRTUAL_ENV", "CONDA"))}
    env["PATH"] = "/usr/local/sbin:/usr/sbin:/usr/bin:/sbin:/bin"
    env.setdefault("LANG", "C.UTF-8")
    return env


def preload_cache_dir() -> Path:
    """Where preload library builds are kept between runs (per source, server and Python)."""
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "indb_ml" / "preload"


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def machine_settings(ephemeral: bool, full_memory: bool = False) -> dict[str, str]:
    """Server settings sized for this machine's memory and cores. A throwaway (ephemeral) cluster caps
    shared_buffers at 1 GB (the test suite runs several at once) unless ``full_memory``: then it gets
    what a persistent local cluster gets (a quarter of memory, up to 4 GB)."""
    cores = os.cpu_count() or 1
    try:
        mem_bytes = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    except (ValueError, OSError):
        mem_bytes = 4 << 30
    mem_mb = mem_bytes >> 20
    shared = max(128, min(mem_mb // 4, 4096 if full_memory or not ephemeral else 1024))
    settings = {
        "listen_addresses": "'127.0.0.1'",
        "unix_socket_directories": "''",
        "shared_buffers": f"'{shared}MB'",
        "effective_cache_size": f"'{max(256, mem_mb // 2)}MB'",
        "work_mem": f"'{max(16, min(256, mem_mb // 64))}MB'",
        "maintenance_work_mem": f"'{max(64, min(1024, mem_mb // 16))}MB'",
        "max_worker_processes": str(cores + 4),
        "max_parallel_workers": str(cores),
        "max_parallel_workers_per_gather": str(max(1, cores)),
        "max_connections": "50",
        "logging_collector": "off",
        "log_min_messages": "warning",
        "password_encryption": "'scram-sha-256'",
    }
    if ephemeral:  # a throwaway test cluster: durability buys nothing
        settings.update({"fsync": "off", "synchronous_commit": "off", "full_page_writes": "off"})
    return settings


@dataclass
class LocalCluster:
    home: Path
    ephemeral: bool = False
    private_extensions: bool = True
    #: a throwaway cluster with a persistent one's memory settings (the benchmarks)
    full_memory: bool = False
    #: load indb_ml_preload (PL/Python + numpy started in the postmaster) when it builds here;
    #: None: unless INDB_ML_PRELOAD=0
    preload: bool | None = None
    #: why the last start did or did not preload (``preload_option`` sets it)
    preload_status: str = field(default="not started", compare=False)

    @property
    def tree_root(self) -> Path:
        return self.home / "pgtree"

    def server_bindir(self) -> Path:
        """Where pg_ctl and postgres are started from: the private tree (refreshed), or the system's."""
        bindir = find_bindir()
        if not self.private_extensions:
            return bindir
        from . import pgtree

        return pgtree.build(self.tree_root, bindir)["bindir"]

    @property
    def extension_dir(self) -> Path | None:
        """The server's own extension directory (None when it uses the system's)."""
        if not self.private_extensions:
            return None
        from . import pgtree

        layout = pgtree.system_layout(find_bindir())
        return self.tree_root / layout["sharedir"].resolve().relative_to("/") / "extension"

    @property
    def datadir(self) -> Path:
        return self.home / "data"

    @property
    def logfile(self) -> Path:
        return self.home / "server.log"

    @property
    def port_file(self) -> Path:
        return self.home / "port"

    @property
    def password_file(self) -> Path:
        return self.home / "password"

    # ----- who runs the server
    def os_user(self) -> str | None:
        """None when we are not root (the server runs as ourselves)."""
        if os.geteuid() != 0:
            return None
        name = os.environ.get("INDB_ML_OS_USER", "postgres")
        try:
            pwd.getpwnam(name)
        except KeyError:
            subprocess.run(["useradd", "--system", "--no-create-home", "--shell", "/usr/sbin/nologin", name],
                           check=True)
        return name

    def _run(self, args: list[str], check: bool = True, **kw) -> subprocess.CompletedProcess:
        user = self.os_user()
        if user:
            args = ["runuser", "-u", user, "--"] + args
        proc = subprocess.run(args, capture_output=True, text=True, env=server_environment(), **kw)
        if check and proc.returncode != 0:
            raise LocalClusterError(f"{' '.join(args)} failed ({proc.returncode}):\n{proc.stdout}{proc.stderr}")
        return proc

    def _hand_over(self, path: Path) -> None:
        """Make ``path`` owned by the server user and its ancestors traversable by it."""
        user = self.os_user()
        if not user:
            return
        pw = pwd.getpwnam(user)
        os.chown(path, pw.pw_uid, pw.pw_gid)
        for parent in path.resolve().parents:
            mode = parent.stat().st_mode
            if not mode & 0o001:
                os.chmod(parent, mode | 0o001)

    # ----- state
    @property
    def port(self) -> int | None:
        try:
            return int(self.port_file.read_text().strip())
        except (FileNotFoundError, ValueError):
            return None

    def initialized(self) -> bool:
        return (self.datadir / "PG_VERSION").exists()

    def running(self) -> bool:
        if not self.initialized():
            return False
        bindir = find_bindir()
        proc = self._run([str(bindir / "pg_ctl"), "-D", str(self.datadir), "status"], check=False)
        return proc.returncode == 0

    def dsn(self, dbname: str = "postgres") -> str:
        if self.port is None:
            raise LocalClusterError(f"the local cluster under {self.home} has never been started; run `indb-ml local start`")
        password = self.password_file.read_text().strip()
        return f"host=127.0.0.1 port={self.port} user={SUPERUSER} password={password} dbname={dbname}"

    # ----- lifecycle
    def init(self) -> None:
        bindir = find_bindir()
        self.home.mkdir(parents=True, exist_ok=True)
        os.chmod(self.home, 0o700)
        self.password_file.write_text(secrets.token_urlsafe(24) + "\n")
        os.chmod(self.password_file, 0o600)
        self.datadir.mkdir(mode=0o700, exist_ok=True)
        user = self.os_user()
        pwfile = self.home / "initdb.pw"
        shutil.copy(self.password_file, pwfile)
        if user:
            self._hand_over(self.home)
            self._hand_over(self.datadir)
            pw = pwd.getpwnam(user)
            os.chown(pwfile, pw.pw_uid, pw.pw_gid)
        try:
            self._run([str(bindir / "initdb"), "-D", str(self.datadir), "-U", SUPERUSER,
                       "--auth=scram-sha-256", f"--pwfile={pwfile}", "-E", "UTF8", "--locale=C.UTF-8"])
        finally:
            pwfile.unlink(missing_ok=True)
        conf = "\n".join(f"{k} = {v}" for k, v in machine_settings(self.ephemeral, self.full_memory).items())
        with open(self.datadir / "postgresql.conf", "a") as fh:
            fh.write("\n# ---- indb_ml local cluster ----\n" + conf + "\n")

    def start(self, timeout: float = 60) -> str:
        """Start (initialising on first use) and return a superuser DSN."""
        if not self.initialized():
            self.init()
        if self.running():
            return self.dsn()
        port = self.port
        if port is None or not _port_free(port):
            port = free_port()
            self.port_file.write_text(f"{port}\n")
        bindir = self.server_bindir()
        if self.os_user():
            self._hand_over(self.home)
            if self.logfile.exists():
                pw = pwd.getpwnam(self.os_user())
                os.chown(self.logfile, pw.pw_uid, pw.pw_gid)
        proc = self._run([str(bindir / "pg_ctl"), "-D", str(self.datadir), "-l", str(self.logfile),
                          "-o", f"-p {port}{self.preload_option()}", "-w", "-t", str(int(timeout)), "start"],
                         check=False)
        if proc.returncode != 0:
            log = self.logfile.read_text()[-3000:] if self.logfile.exists() else ""
            raise LocalClusterError(f"the local cluster did not start:\n{proc.stdout}{proc.stderr}\n{log}")
        return self.dsn()

    def preload_option(self) -> str:
        """`` -c shared_preload_libraries=<our copy>`` when the preload library is wanted and builds,
        else ``""``; ``preload_status`` says which and why."""
        wanted = self.preload if self.preload is not None else os.environ.get("INDB_ML_PRELOAD", "1") != "0"
        if not wanted:
            self.preload_status = "off (not asked for)"
            return ""
        from . import preload

        try:
            built = preload.cached_build(find_bindir(), preload_cache_dir())
        except preload.PreloadUnavailable as exc:
            self.preload_status = f"off: {exc}"
            print(f"indb_ml: starting without {preload.NAME}: {exc}", file=sys.stderr)
            return ""
        libdir = self.home / "lib"
        libdir.mkdir(exist_ok=True)
        os.chmod(libdir, 0o755)
        shutil.copy(built, libdir / built.name)
        os.chmod(libdir / built.name, 0o755)
        path = str(libdir / preload.NAME)
        if any(c.isspace() or c in "'\\\"" for c in path):
            self.preload_status = f"off: the path {path!r} cannot be passed to the server"
            return ""
        self.preload_status = f"on ({built})"
        return f" -c shared_preload_libraries={path}"

    def stop(self, mode: str = "fast") -> bool:
        """Stop the server (``mode``: pg_ctl's shutdown mode; ``immediate`` is a crash, as tests need)."""
        if not self.running():
            return False
        bindir = find_bindir()
        self._run([str(bindir / "pg_ctl"), "-D", str(self.datadir), "-m", mode, "-w", "stop"])
        return True

    def destroy(self) -> None:
        self.stop()
        shutil.rmtree(self.home, ignore_errors=True)

    def status(self) -> dict:
        return {
            "home": str(self.home),
            "initialized": self.initialized(),
            "running": self.running(),
            "port": self.port,
        }


def _port_free(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        try:
            s.bind(("127.0.0.1", port))
            return True
        except OSError:
            return False


def wait_ready(dsn: str, timeout: float = 30) -> None:
    import psycopg

    deadline = time.monotonic() + timeout
    while True:
        try:
            with psycopg.connect(dsn, connect_timeout=3):
                return
        except psycopg.OperationalError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)
