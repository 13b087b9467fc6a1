"""Shards: postgres_fdw servers whose rows indb_ml trains on where they live (driver helpers, take ``plpy``).

A shard is an existing postgres_fdw server registered with ``add_shard``. It
must run indb_ml (as an extension, the same version) with numpy loading, and
its server options must let postgres_fdw ship our aggregates: ``extensions
'indb_ml'`` (only extension functions are shipped), ``async_capable`` (every
shard computes at the same time) and a raised ``fdw_tuple_cost`` (otherwise
the planner prefers pulling the packed blocks). Commands that must run *on*
a shard (packing, checks) go through contrib's dblink, over the same server
and user mapping. Errors name the shard as ``server (host:port)`` and the
step, never the remote SQL with its payload.
"""
import json
import re

FDW_TUPLE_COST = 10.0


def dblink_schema(plpy, fname):
    """The quoted schema of contrib's dblink, or a clear error."""
    rows = plpy.execute("SELECT quote_ident(n.nspname) AS s FROM pg_catalog.pg_extension e "
                        "JOIN pg_catalog.pg_namespace n ON n.oid = e.extnamespace WHERE e.extname = 'dblink'")
    if not rows:
        plpy.error(f"{fname}: the dblink extension is needed on the coordinator to run packing and checks "
                   f"on the shards: run CREATE EXTENSION dblink")
    return rows[0]["s"]


def server_info(plpy, server, fname):
    """A postgres_fdw server -> dict(name, oid, options, host, port, endpoint), or a clear error."""
    if server is None or not str(server).strip():
        plpy.error(f"{fname}: server_name is empty: give the name of a postgres_fdw foreign server")
    rows = plpy.execute(plpy.prepare(
        "SELECT s.oid, s.srvname, s.srvoptions, w.fdwname FROM pg_catalog.pg_foreign_server s "
        "JOIN pg_catalog.pg_foreign_data_wrapper w ON w.oid = s.srvfdw WHERE s.srvname = $1", ["text"]),
        [server])
    if not rows:
        plpy.error(f"{fname}: foreign server {server!r} does not exist: create it first with "
                   f"CREATE SERVER {server} FOREIGN DATA WRAPPER postgres_fdw OPTIONS (host '...', port '...', "
                   f"dbname '...')")
    row = rows[0]
    if row["fdwname"] != "postgres_fdw":
        plpy.error(f"{fname}: foreign server {server!r} uses {row['fdwname']}, not postgres_fdw")
    opts = options_dict(row["srvoptions"])
    host = opts.get("host") or opts.get("hostaddr") or "localhost"
    port = opts.get("port") or "5432"
    return {"name": row["srvname"], "oid": row["oid"], "options": opts, "host": host, "port": port,
            "endpoint": f"{host}:{port}", "label": f"{row['srvname']} ({host}:{port})"}


def options_dict(options):
    out = {}
    for item in options or []:
        key, _, value = item.partition("=")
        out[key] = value
    return out


def short_cause(exc):
    """The first line of an error, without remote SQL or payloads."""
    text = str(getattr(exc, "args", [exc])[0] if getattr(exc, "args", None) else exc)
    text = text.split("\n")[0]
    text = re.sub(r"\\\\x[0-9a-fA-F]{16,}|[0-9a-fA-F]{64,}", "<bytes>", text)
    return text[:300]


class Link:
    """A dblink connection to one shard over its foreign server (closed by ``close``)."""

    def __init__(self, plpy, dbl, info, tag, step, fname):
        self.plpy, self.dbl, self.info, self.step, self.fname = plpy, dbl, info, step, fname
        self.name = f"indb_ml_{tag}_{info['oid']}"
        self.open = False
        self.in_tx = False
        self.pending = False
        existing = plpy.execute(f"SELECT coalesce({dbl}.dblink_get_connections(), '{{}}') AS c")[0]["c"]
        if self.name in existing:
            plpy.execute(plpy.prepare(f"SELECT {dbl}.dblink_disconnect($1)", ["text"]), [self.name])
        try:
            plpy.execute(plpy.prepare(f"SELECT {dbl}.dblink_connect($1, $2)", ["text", "text"]),
                         [self.name, info["name"]])
        except plpy.SPIError as exc:
            self.fail(exc, "is unreachable")
        self.open = True

    def fail(self, exc, what="failed"):
        self.plpy.error(f"{self.fname}: shard {self.info['label']} {what} during {self.step}: {short_cause(exc)}")

    def query(self, sql, columns="v text"):
        try:
            return self.plpy.execute(self.plpy.prepare(
                f"SELECT * FROM {self.dbl}.dblink($1, $2) AS t({columns})", ["text", "text"]), [self.name, sql])
        except self.plpy.SPIError as exc:
            self.fail(exc)

    def execute(self, sql):
        try:
            self.plpy.execute(self.plpy.prepare(f"SELECT {self.dbl}.dblink_exec($1, $2)", ["text", "text"]),
                              [self.name, sql])
        except self.plpy.SPIError as exc:
            self.fail(exc)

    def send(self, sql):
        try:
            self.plpy.execute(self.plpy.prepare(f"SELECT {self.dbl}.dblink_send_query($1, $2) AS ok",
                                                ["text", "text"]), [self.name, sql])
        except self.plpy.SPIError as exc:
            self.fail(exc)
        self.pending = True

    def result(self, columns="v text"):
        """The rows of the query sent with ``send`` (raises plpy.SPIError on a remote error)."""
        plan = self.plpy.prepare(f"SELECT * FROM {self.dbl}.dblink_get_result($1) AS t({columns})", ["text"])
        try:
            rows = self.plpy.execute(plan, [self.name])
        finally:
            self.pending = False
            try:
                self.plpy.execute(plan, [self.name])   # the empty result that ends the query
            except self.plpy.SPIError:
                pass
        return rows

    def close(self):
        if not self.open:
            return
        self.open = False
        try:
            if self.pending:   # another shard failed while this one was still working: stop it
                self.plpy.execute(self.plpy.prepare(f"SELECT {self.dbl}.dblink_cancel_query($1)", ["text"]),
                                  [self.name])
                self.plpy.execute(self.plpy.prepare(
                    f"SELECT * FROM {self.dbl}.dblink_get_result($1, false) AS t(v text)", ["text"]), [self.name])
        except self.plpy.SPIError:
            pass
        try:
            if self.in_tx:
                self.plpy.execute(self.plpy.prepare(f"SELECT {self.dbl}.dblink_exec($1, 'ROLLBACK')", ["text"]),
                                  [self.name])
        except self.plpy.SPIError:
            pass
        try:
            self.plpy.execute(self.plpy.prepare(f"SELECT {self.dbl}.dblink_disconnect($1)", ["text"]), [self.name])
        except self.plpy.SPIError:
            pass


def coordinator_extension(plpy, fname):
    rows = plpy.execute("SELECT extversion FROM pg_catalog.pg_extension WHERE extname = 'indb_ml'")
    if not rows:
        plpy.error(f"{fname}: indb_ml is installed here as a plain schema, not as an extension: postgres_fdw "
                   f"ships only functions that belong to an extension listed in the server's extensions option, "
                   f"so shards could not compute their aggregates. Install it with CREATE EXTENSION indb_ml")
    return rows[0]["extversion"]


def add(plpy, schema, server, fname="add_shard"):
    """Check a postgres_fdw server and register it as a shard; set the options pushdown needs."""
    info = server_info(plpy, server, fname)
    version = coordinator_extension(plpy, fname)
    dbl = dblink_schema(plpy, fname)
    mapped = plpy.execute(plpy.prepare(
        "SELECT 1 FROM pg_catalog.pg_user_mappings WHERE srvid = $1 AND (usename = current_user OR "
        "usename = 'public')", ["oid"]), [info["oid"]])
    if not mapped:
        plpy.error(f"{fname}: no user mapping for the current user on server {info['name']}: run CREATE USER "
                   f"MAPPING FOR CURRENT_USER SERVER {info['name']} OPTIONS (user '...', password '...')")
    link = Link(plpy, dbl, info, "check", "the shard checks", fname)
    try:
        remote = link.query("SELECT (SELECT extversion FROM pg_catalog.pg_extension WHERE extname = 'indb_ml'), "
                            "current_setting('server_version')", "ext text, pg text")[0]
        if remote["ext"] is None:
            plpy.error(f"{fname}: shard {info['label']} has no indb_ml extension: run CREATE EXTENSION indb_ml "
                       f"in database {info['options'].get('dbname', '(default)')} on the shard")
        if remote["ext"] != version:
            plpy.error(f"{fname}: shard {info['label']} runs indb_ml {remote['ext']}, the coordinator {version}: "
                       f"install the same version on both (ALTER EXTENSION indb_ml UPDATE)")
        probe = link.query(f"SELECT {schema}.server_info()::text")[0]["v"]
        numpy = json.loads(probe).get("numpy")
        if not numpy:
            plpy.error(f"{fname}: numpy does not load in the PL/Python of shard {info['label']}: install it for "
                       f"the server's Python there (Debian: apt-get install python3-numpy) and restart it")
    finally:
        link.close()
    opts = info["options"]
    exts = [e.strip() for e in opts.get("extensions", "").split(",") if e.strip()]
    if "indb_ml" not in exts:
        exts.append("indb_ml")
    wanted = {"extensions": ",".join(exts), "async_capable": "true",
              "fdw_tuple_cost": repr(max(FDW_TUPLE_COST, float(opts.get("fdw_tuple_cost") or 0)))}
    actions = ", ".join(f"{'SET' if k in opts else 'ADD'} {k} {plpy.quote_literal(v)}" for k, v in wanted.items())
    plpy.execute(f"ALTER SERVER {plpy.quote_ident(info['name'])} OPTIONS ({actions})")
    plpy.execute(plpy.prepare(
        f"INSERT INTO {schema}.shard_servers (server_name, remote_version, remote_numpy, remote_server_version) "
        f"VALUES ($1, $2, $3, $4) ON CONFLICT (server_name) DO UPDATE SET remote_version = excluded.remote_version, "
        f"remote_numpy = excluded.remote_numpy, remote_server_version = excluded.remote_server_version, "
        f"added_by = current_user, added_at = clock_timestamp()", ["text", "text", "text", "text"]),
        [info["name"], remote["ext"], numpy, remote["pg"]])
    return (f"add_shard: {info['label']} registered: indb_ml {remote['ext']}, numpy {numpy}, PostgreSQL "
            f"{remote['pg']}; options extensions={wanted['extensions']}, async_capable=true, "
            f"fdw_tuple_cost={wanted['fdw_tuple_cost']}")


def drop(plpy, schema, server, fname="drop_shard"):
    """Unregister a shard and drop the coordinator's packed tables that read from it."""
    found = plpy.execute(plpy.prepare(f"SELECT 1 FROM {schema}.shard_servers WHERE server_name = $1", ["text"]),
                         [server])
    if not found:
        plpy.error(f"{fname}: {server!r} is not a registered shard (see {schema}.shards)")
    stale = plpy.execute(plpy.prepare(
        f"SELECT DISTINCT d.prepared_id, d.table_name FROM {schema}.prepared_data d "
        f"JOIN pg_catalog.pg_inherits i ON i.inhparent = pg_catalog.to_regclass('{schema}_data.' || quote_ident(d.table_name)) "
        f"JOIN pg_catalog.pg_foreign_table ft ON ft.ftrelid = i.inhrelid "
        f"JOIN pg_catalog.pg_foreign_server s ON s.oid = ft.ftserver WHERE s.srvname = $1", ["text"]), [server])
    for row in stale:
        plpy.execute(f"DROP TABLE IF EXISTS {schema}_data.{plpy.quote_ident(row['table_name'])}")
        plpy.execute(plpy.prepare(f"DELETE FROM {schema}.prepared_data WHERE prepared_id = $1", ["int8"]),
                     [row["prepared_id"]])
    plpy.execute(plpy.prepare(f"DELETE FROM {schema}.shard_servers WHERE server_name = $1", ["text"]), [server])
    return f"drop_shard: {server} unregistered; {len(stale)} packed table(s) that read from it dropped"


def registered(plpy, schema):
    return {r["server_name"] for r in plpy.execute(f"SELECT server_name FROM {schema}.shard_servers")}


def fault(plpy, servers, exc, step, fname):
    """A query over shards failed: name the shard (server, host:port) and the step, without the remote SQL.

    postgres_fdw names the server when it cannot connect; when a connection dies mid-query it does not,
    so every shard is probed with a fresh connection and the first one that does not answer is named."""
    message = str(exc)
    servers = list(dict.fromkeys(servers))
    named = re.search(r'server "([^"]+)"', message)
    culprit = named.group(1) if named and named.group(1) in servers else None
    if culprit is None:
        dbl = dblink_schema(plpy, fname)
        for server in servers:
            try:
                Link(plpy, dbl, server_info(plpy, server, fname), "probe", step, fname).close()
            except plpy.Error:
                culprit = server
                break
    cause = short_cause(exc)
    if culprit is None:
        labels = ", ".join(server_info(plpy, s, fname)["label"] for s in servers)
        plpy.error(f"{fname}: a shard failed during {step} (one of {labels}): {cause}")
    plpy.error(f"{fname}: shard {server_info(plpy, culprit, fname)['label']} failed during {step}: {cause}")
