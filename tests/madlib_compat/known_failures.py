"""MADlib cases that do not pass, each with its reason (the same list as docs/madlib.md).

They still run: the test is marked xfail(strict=True), so a case that starts passing fails
the suite until it is taken off this list (and the docs)."""
_VACUOUS = ("MADlib's assert selects no rows in MADlib too, so it is vacuous there; this runner counts an assert "
            "over no rows as failing")

KNOWN = {
    ("linear", 2): "the houses asserts pass; then MADlib's internal linregr_transition/merge_states on its bytea8 "
                   "state type, which is not exposed",
    ("linear", 11): "grouping_cols as an expression (data->>'bedroom'): grouping columns must be columns",
    ("elastic_net", 0): "its last call is a one-class binomial model ('var_int < 0' false on every row): refused",
    ("pca", 32): "groups with arrays of different lengths: one feature width per table",
    ("pagerank", 1): "__iterations__ counts rounds of the default dynamic schedule (12 and 20); MADlib's "
                     "synchronous iterations are schedule => 'sync', which gives MADlib's 11 and 14 "
                     "(tests/test_pagerank.py)",
    ("pagerank", 3): "the ranking across groups differs only at group 2's vertices 5 and 6, which no "
                     "personalization vertex reaches: 0 here, as networkx's personalized PageRank; MADlib's "
                     "grouped code gives a vertex without in-edges the uniform jump (1-d)/N even when "
                     "personalized, so they score above zero there",
    ("sssp", 3): _VACUOUS + " (weight = 'Infinity' for an unreachable vertex: MADlib, like us, writes "
                 "only the reached vertices)",
    ("bfs", 2): _VACUOUS + " (parent of vertex 10 at dist 2 from 8, undirected: 10 is at dist 1)",
    ("apsp", 14): _VACUOUS + " (weight = 2 from {0,0} to {7,7} in group grp1 = 1, whose edges all stay "
                  "below vertex 6: 7 is unreachable there)",
}

KNOWN[("clustered", 3)] = ("a table whose 5 rows all have a NULL feature: refused with a clear error (as "
                           "linregr_train and logregr_train here); MADlib's case only expects the call to succeed")
KNOWN[("multilogistic", 11)] = ("mlogregr() (MADlib's deprecated value form) over a table whose 20 rows all have a "
                                "NULL label or feature: refused with a clear error (as mlogregr_train and every "
                                "trainer here); MADlib returns NULL, which its case only expects to succeed")
