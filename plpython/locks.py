"""Advisory locks that serialise concurrent work but can never be used to block another role.

Any role may take any advisory lock, so a lock a training waits for could be held on purpose by
somebody else. ``wait`` therefore waits at most ``seconds`` (``lock_timeout``) and then goes on
without the lock: what the lock saves (packing a source twice) is work, never correctness, and
a real conflict (two trainings into one table) is still caught by the catalog. The session setting
``indb_ml.lock_wait_seconds`` changes the default wait of 30 s.
"""
WAIT_SECONDS = 30


def wait(plpy, text, seconds=None):
    """Take the transaction-level advisory lock named ``text``; True when taken."""
    row = plpy.execute("SELECT pg_catalog.current_setting('lock_timeout') AS t, "
                       "pg_catalog.current_setting('indb_ml.lock_wait_seconds', true) AS w")[0]
    old = row["t"]
    if seconds is None:
        try:
            seconds = float(row["w"]) if row["w"] else WAIT_SECONDS
        except ValueError:
            seconds = WAIT_SECONDS
    seconds = max(float(seconds), 0.001)
    plpy.execute(plpy.prepare("SELECT pg_catalog.set_config('lock_timeout', $1, true)", ["text"]),
                 [f"{int(seconds * 1000)}ms"])
    try:
        plpy.execute(plpy.prepare("SELECT pg_catalog.pg_advisory_xact_lock(pg_catalog.hashtextextended($1, 0))",
                                  ["text"]), [text])
        taken = True
    except plpy.SPIError as exc:
        if getattr(exc, "sqlstate", None) != "55P03":
            raise
        plpy.notice(f"indb_ml: going on without waiting longer for {text.split(chr(31))[0]} "
                    f"(held for more than {seconds} s)")
        taken = False
    plpy.execute(plpy.prepare("SELECT pg_catalog.set_config('lock_timeout', $1, true)", ["text"]), [old])
    return taken
