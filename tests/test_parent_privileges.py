"""A role with SELECT on a partitioned or inheritance parent only trains on it (packing.py, fingerprint.py).

PostgreSQL checks privileges on the table a query names only: such a role reads every row through
the parent but none of a leaf directly. Its models equal the owner's (1e-10), its packed copy is
reused on a refit and invalidated by the owner's INSERT into a leaf (scanned and tracked freshness
checks), and a role without SELECT on the parent still gets a permission error.
"""
import numpy as np
import psycopg
import pytest
from psycopg import sql

from test_change_tracking import source_reads
from test_multi_user import alice, analysts, bob  # noqa: F401 (fixtures)

_MODELS = {
    "linregr": ("SELECT indb_ml.linregr_train({src}, {out}, 'y', 'ARRAY[1, a, b]')", "SELECT coef FROM {out}"),
    "logregr": ("SELECT indb_ml.logregr_train({src}, {out}, 'y > 1', 'ARRAY[1, a, b]')", "SELECT coef FROM {out}"),
    "pca": ("SELECT indb_ml.pca_train({src}, {out}, 'k', 2, features => 'ARRAY[a, b]')",
            "SELECT array_agg(std_dev ORDER BY row_id) FROM {out}"),
}


def _fit(conn, algo, src, out):
    train, read = _MODELS[algo]
    conn.execute(sql.SQL(train).format(src=sql.Literal(src), out=sql.Literal(out)))
    value = np.array(conn.execute(sql.SQL(read).format(out=sql.Identifier(out))).fetchone()[0], dtype=float)
    if algo != "linregr":     # only linregr's summary says whether the packed copy was reused
        return value, None
    reused = conn.execute(sql.SQL("SELECT reused_prepared_data FROM {}").format(
        sql.Identifier(out + "_summary"))).fetchone()[0]
    return value, reused


def _source(alice, name, kind, n=900, seed=0):
    """alice's table name (k int, a, b, y): 3 leaves, partitioned or inheritance children."""
    rng = np.random.default_rng(seed)
    a, b = rng.normal(size=n), rng.normal(size=n)
    y = 1 + 2 * a - 3 * b + rng.normal(scale=2.0, size=n)
    ident = sql.Identifier(name)
    if kind == "partitioned":
        alice.execute(sql.SQL("CREATE TABLE {} (k int, a float8, b float8, y float8) PARTITION BY LIST ((k % 3))")
                      .format(ident))
        for i in range(3):
            alice.execute(sql.SQL("CREATE TABLE {} PARTITION OF {} FOR VALUES IN ({})").format(
                sql.Identifier(f"{name}_{i}"), ident, sql.Literal(i)))
    else:
        alice.execute(sql.SQL("CREATE TABLE {} (k int, a float8, b float8, y float8)").format(ident))
        for i in range(3):
            alice.execute(sql.SQL("CREATE TABLE {} () INHERITS ({})").format(sql.Identifier(f"{name}_{i}"), ident))
    for i in range(n):
        # inheritance: a third of the rows in the parent itself, the rest in two children
        target = name if kind == "partitioned" or i % 3 == 0 else f"{name}_{i % 3}"
        alice.execute(sql.SQL("INSERT INTO {} VALUES (%s, %s, %s, %s)").format(sql.Identifier(target)),
                      [i, a[i], b[i], y[i]])


def _grant(alice, analysts, name):
    bob_role = sql.Identifier(analysts["bob"].role)
    alice.execute(sql.SQL("GRANT USAGE ON SCHEMA {} TO {}").format(sql.Identifier(analysts["alice"].role), bob_role))
    alice.execute(sql.SQL("GRANT SELECT ON {} TO {}").format(sql.Identifier(name), bob_role))
    return f"{analysts['alice'].role}.{name}"


@pytest.mark.parametrize("kind", ["partitioned", "inheritance"])
@pytest.mark.parametrize("tracked", [False, True])
def test_a_reader_of_the_parent_only_trains_like_the_owner(analysts, alice, bob, kind, tracked):
    name = f"pp_{kind[:4]}_{int(tracked)}"
    _source(alice, name, kind)
    if tracked:
        assert alice.execute("SELECT indb_ml.track_changes(%s)", [name]).fetchone()[0] == 4
    qualified = _grant(alice, analysts, name)
    with pytest.raises(psycopg.errors.InsufficientPrivilege):
        bob.execute(sql.SQL("SELECT count(*) FROM {}").format(sql.Identifier(analysts["alice"].role, f"{name}_1")))
    for algo in _MODELS:
        mine, _ = _fit(alice, algo, name, f"{name}_{algo}_a")
        his, his_reused = _fit(bob, algo, qualified, f"{name}_{algo}_b")
        assert his_reused is (None if algo != "linregr" else False)
        np.testing.assert_allclose(his, mine, rtol=1e-10, atol=1e-12)
    # bob's refit reuses his copy; alice's INSERT into a leaf invalidates it
    again, reused = _fit(bob, "linregr", qualified, f"{name}_r1")
    assert reused
    if tracked:   # bob's freshness check reads the change log, none of the source's rows
        assert source_reads(bob, qualified, "SELECT indb_ml.linregr_train(%s, %s, 'y', 'ARRAY[1, a, b]')",
                            [qualified, f"{name}_r1b"]) == (0, 0)
    alice.execute(sql.SQL("INSERT INTO {} VALUES (1, 5, 5, 100)").format(sql.Identifier(f"{name}_1")))
    after, reused = _fit(bob, "linregr", qualified, f"{name}_r2")
    assert not reused
    owner, _ = _fit(alice, "linregr", name, f"{name}_r3")
    np.testing.assert_allclose(after, owner, rtol=1e-10)
    assert not np.allclose(after, again, rtol=1e-6)
    _, reused = _fit(bob, "linregr", qualified, f"{name}_r4")
    assert reused


def test_no_select_on_the_parent_is_still_denied(analysts, alice, bob):
    _source(alice, "pp_denied", "partitioned", n=60)
    alice.execute(sql.SQL("GRANT USAGE ON SCHEMA {} TO {}").format(
        sql.Identifier(analysts["alice"].role), sql.Identifier(analysts["bob"].role)))
    # a grant on a leaf is no grant on the parent
    alice.execute(sql.SQL("GRANT SELECT ON pp_denied_1 TO {}").format(sql.Identifier(analysts["bob"].role)))
    with pytest.raises(psycopg.Error, match=r"permission denied.*pp_denied"):
        _fit(bob, "linregr", f"{analysts['alice'].role}.pp_denied", "pp_denied_m")


def test_row_level_security_on_the_parent_applies_to_a_leaf_reader(analysts, alice, bob):
    """bob may read every leaf, but trains on the parent: the parent's policy decides which rows he sees."""
    _source(alice, "pp_rls", "partitioned", n=300)
    qualified = _grant(alice, analysts, "pp_rls")
    for i in range(3):
        alice.execute(sql.SQL("GRANT SELECT ON {} TO {}").format(sql.Identifier(f"pp_rls_{i}"),
                                                                 sql.Identifier(analysts["bob"].role)))
    alice.execute("ALTER TABLE pp_rls ENABLE ROW LEVEL SECURITY")
    alice.execute(sql.SQL("CREATE POLICY half ON pp_rls FOR SELECT TO {} USING (a > 0)").format(
        sql.Identifier(analysts["bob"].role)))
    alice.execute("CREATE TABLE pp_rls_half AS SELECT * FROM pp_rls WHERE a > 0")
    his, _ = _fit(bob, "linregr", qualified, "pp_rls_b")
    mine, _ = _fit(alice, "linregr", "pp_rls_half", "pp_rls_a")
    np.testing.assert_allclose(his, mine, rtol=1e-10)


def test_an_empty_inheritance_parent_trains_on_its_children(alice):
    """The parent's own pages do not cover its children: all rows count, however they are spread."""
    rng = np.random.default_rng(5)
    a, b = rng.normal(size=500), rng.normal(size=500)
    y = 1 + 2 * a - 3 * b + rng.normal(scale=0.5, size=500)
    alice.execute("CREATE TABLE pp_empty (k int, a float8, b float8, y float8)")
    alice.execute("CREATE TABLE pp_empty_c () INHERITS (pp_empty)")
    with alice.cursor().copy("COPY pp_empty_c FROM STDIN") as cp:
        for i in range(500):
            cp.write_row((i, a[i], b[i], y[i]))
    coef, _ = _fit(alice, "linregr", "pp_empty", "pp_empty_m")
    X = np.column_stack([np.ones(500), a, b])
    np.testing.assert_allclose(coef, np.linalg.lstsq(X, y, rcond=None)[0], rtol=1e-10)
