"""A coordinator and N shard clusters on loopback: for the sharding tests, the scale-out benchmark and trying it out.

Every cluster is a throwaway :class:`~indb_ml.local.LocalCluster` with indb_ml
installed as an *extension* (postgres_fdw ships only extension functions).
The coordinator gets postgres_fdw and dblink, one foreign server per shard
(``shard1`` ... ``shardN``) and a user mapping - exactly the SQL a user runs
(see docs/sharding.md) - but not ``add_shard``: that is the caller's step.
"""
from __future__ import annotations

import shutil
import tempfile
import time
from pathlib import Path

import psycopg

from . import installer
from .local import LocalCluster


def install_extension(dsns: list[str], tries: int = 5) -> None:
    """CREATE EXTENSION indb_ml on every server from freshly written extension files.

    The server-wide extension directory may be shared with other checkouts that
    write their own indb_ml files; write ours right before use and check that
    the installed functions are this checkout's (retrying when not)."""
    for attempt in range(tries):
        done = True
        for dsn in dsns:
            with psycopg.connect(dsn, autocommit=True) as conn:
                if conn.execute("SELECT 1 FROM pg_extension WHERE extname = 'indb_ml'").fetchone() and \
                        conn.execute("SELECT to_regproc('indb_ml.shard_prepare') IS NOT NULL").fetchone()[0]:
                    continue
                conn.execute("DROP EXTENSION IF EXISTS indb_ml CASCADE")
                files = installer.write_extension_files(conn, "indb_ml")
                if files is None:
                    raise RuntimeError("the server's extension directory is not writable: "
                                       "CREATE EXTENSION indb_ml cannot be prepared here")
                conn.execute("CREATE EXTENSION indb_ml CASCADE")
                if not conn.execute("SELECT to_regproc('indb_ml.shard_prepare') IS NOT NULL").fetchone()[0]:
                    done = False
        if done:
            return
        time.sleep(0.2 * (attempt + 1))
    raise RuntimeError("another checkout keeps overwriting the indb_ml extension files; retry")


class ShardLab:
    def __init__(self, n_shards: int = 2, root: Path | None = None):
        self.root = Path(root or tempfile.mkdtemp(prefix="indb_ml_shards_"))
        self.coordinator = LocalCluster(self.root / "coordinator", ephemeral=True)
        self.shards = [LocalCluster(self.root / f"shard{i + 1}", ephemeral=True) for i in range(n_shards)]
        self.dsn: str | None = None
        self.shard_dsns: list[str] = []

    def start(self) -> "ShardLab":
        self.dsn = self.coordinator.start()
        self.shard_dsns = [s.start() for s in self.shards]
        install_extension([self.dsn] + self.shard_dsns)
        with psycopg.connect(self.dsn, autocommit=True) as conn:
            conn.execute("CREATE EXTENSION IF NOT EXISTS postgres_fdw")
            conn.execute("CREATE EXTENSION IF NOT EXISTS dblink")
            for i, shard in enumerate(self.shards):
                self.create_server(conn, f"shard{i + 1}", shard)
        return self

    @staticmethod
    def create_server(conn: psycopg.Connection, name: str, shard: LocalCluster) -> None:
        params = psycopg.conninfo.conninfo_to_dict(shard.dsn())
        conn.execute(f"CREATE SERVER {name} FOREIGN DATA WRAPPER postgres_fdw "
                     f"OPTIONS (host '127.0.0.1', port '{shard.port}', dbname 'postgres')")
        conn.execute(psycopg.sql.SQL("CREATE USER MAPPING FOR CURRENT_USER SERVER {} OPTIONS (user {}, password {})")
                     .format(psycopg.sql.Identifier(name), psycopg.sql.Literal(params["user"]),
                             psycopg.sql.Literal(params["password"])))

    def shard_conn(self, i: int) -> psycopg.Connection:
        return psycopg.connect(self.shard_dsns[i], autocommit=True)

    def stop_shard(self, i: int) -> None:
        self.shards[i].stop()

    def start_shard(self, i: int) -> None:
        """Start a stopped shard; when its old port is not free yet (TIME_WAIT) it comes back on another
        one, and the coordinator's server is pointed there (as an operator would)."""
        old = self.shards[i].port
        self.shard_dsns[i] = self.shards[i].start()
        if self.shards[i].port != old:
            with psycopg.connect(self.dsn, autocommit=True) as conn:
                conn.execute(f"ALTER SERVER shard{i + 1} OPTIONS (SET port '{self.shards[i].port}')")

    def destroy(self) -> None:
        for cluster in [self.coordinator] + self.shards:
            try:
                cluster.destroy()
            except Exception:
                pass
        shutil.rmtree(self.root, ignore_errors=True)
