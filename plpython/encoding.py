"""One-hot encoding of text features in SQL (takes ``plpy``): shared by the trainers' prepare step
and by ``encode_categorical``.

A text (or enum) column named as a feature becomes one 0/1 feature per level, the first level
(sorted) dropped as the reference so that the intercept stays identifiable (pandas'
``get_dummies(drop_first=True)``, R's treatment coding). The levels travel in the feature names
(``sex=Male``) that the registry keeps for the model, so prediction and evaluation rebuild exactly
the same columns from those names: a value unseen at training time encodes as the reference
(all zeros), a NULL as NULL (the row is skipped).
"""
from . import identifiers

TEXT_TYPES = {"text", "varchar", "bpchar", "name", "citext"}
MAX_LEVELS = 1000
SEPARATOR = "="


def is_categorical(col):
    return col["typname"] in TEXT_TYPES


def levels_of(plpy, source_sql, name, what="independent_varname", limit=MAX_LEVELS):
    """Sorted distinct non-NULL values of a column, as text (errors past ``limit``)."""
    col = plpy.quote_ident(name)
    rows = plpy.execute(f"SELECT DISTINCT {col}::text AS v FROM {source_sql} WHERE {col} IS NOT NULL "
                        f"ORDER BY 1 LIMIT {int(limit) + 1}")
    vals = [r["v"] for r in rows]
    if len(vals) > limit:
        plpy.error(f"column {name} ({what}) has more than {limit} distinct values: too many to one-hot encode; "
                   f"reduce it with encode_categorical(..., top_k => k) first")
    return vals


def indicator_sql(plpy, name, level):
    """1.0 where the column equals the level, 0.0 elsewhere, NULL where it is NULL."""
    return f"({plpy.quote_ident(name)}::text = {plpy.quote_literal(level)})::int::float8"


def other_sql(plpy, name, kept):
    """1.0 where the (non-NULL) value is none of ``kept``."""
    lit = "ARRAY[" + ", ".join(plpy.quote_literal(v) for v in kept) + "]::text[]"
    if not kept:
        return f"({plpy.quote_ident(name)} IS NOT NULL)::int::float8"
    return f"(NOT ({plpy.quote_ident(name)}::text = ANY({lit})))::int::float8"


def feature_parts(plpy, name, col, table, recorded=None):
    """A categorical feature -> (SQL parts, feature names). ``recorded`` {column: [levels]} (from a
    trained model's feature names) fixes the levels; otherwise they are read from the source."""
    if not is_categorical(col):
        plpy.error(f"column {name} (independent_varname) is {col['type']}; features must be numeric, "
                   f"boolean or text (text is one-hot encoded)")
    if recorded is not None and name in recorded:
        levels = recorded[name]
    else:
        levels = levels_of(plpy, identifiers.resolve_table(plpy, table)["sql"], name)[1:]
        if not levels:
            plpy.error(f"column {name} (independent_varname) has fewer than two distinct values; "
                       f"nothing to encode")
    return ([indicator_sql(plpy, name, v) for v in levels], [f"{name}{SEPARATOR}{v}" for v in levels])


def recorded_levels(feature_names, columns):
    """{text column: [levels]} from a model's feature names (``col=level``) and its source columns."""
    out = {}
    for fname in feature_names or []:
        if SEPARATOR not in fname:
            continue
        for cand in columns:
            if fname.startswith(cand + SEPARATOR) and is_categorical(columns[cand]):
                out.setdefault(cand, []).append(fname[len(cand) + 1:])
                break
    return out


def model_levels(plpy, schema, model_id, columns):
    rows = plpy.execute(plpy.prepare(f"SELECT feature_names FROM {schema}.models WHERE model_id = $1", ["int8"]),
                        [model_id])
    return recorded_levels(rows[0]["feature_names"] if rows else None, columns)
