"""Transcribe MADlib's install-check files into indb_ml's case lists (tests/madlib_compat/cases/).

Usage: python scripts/madlib_port.py /path/to/apache-madlib-checkout [file ...]
(the files are keys of FILES, e.g. ``pagerank wcc``; default: all of them)

MADlib's test data, calls, asserted values and tolerances are facts; this
script copies them into a data structure (``STEPS``) that our own runner
(tests/madlib_compat/runner.py) replays. Every statement of a MADlib file
becomes one step:

* ``("setup", sql)``: DDL and data (CREATE/INSERT/COPY/DROP/ALTER/UPDATE, views);
* ``("case", label, sql)``: a MADlib call (one case; it must succeed);
* ``("check", from_clause, [condition, ...])``: an ``assert(...)`` split into
  its conditions, attached to the case before it;
* ``("block", label, sql)``: a PL/pgSQL function that makes its own calls and
  asserts, run by the following ``SELECT f()`` (one case).

Only m4 is resolved (the PostgreSQL branch); the SQL is otherwise unchanged.
"""
import pprint
import re
import sys
from pathlib import Path

FILES = {
    "linear": "regress/test/linear.sql_in",
    "logistic": "regress/test/logistic.sql_in",
    "robust": "regress/test/robust.sql_in",
    "clustered": "regress/test/clustered.sql_in",
    "marginal": "regress/test/marginal.sql_in",
    "multilogistic": "regress/test/multilogistic.sql_in",
    "glm_binomial": "glm/test/binomial.sql_in",
    "glm_gamma": "glm/test/gamma.sql_in",
    "glm_gaussian": "glm/test/gaussian.sql_in",
    "glm_inverse_gaussian": "glm/test/inverse_gaussian.sql_in",
    "glm_poisson": "glm/test/poisson.sql_in",
    "glm_multinom": "glm/test/multinom.sql_in",
    "glm_ordinal": "glm/test/ordinal.sql_in",
    "elastic_net": "elastic_net/test/elastic_net.sql_in",
    "svm": "svm/test/svm.sql_in",
    "kmeans": "kmeans/test/kmeans.sql_in",
    "pca": "pca/test/pca.sql_in",
    "pca_project": "pca/test/pca_project.sql_in",
    "lmf": "convex/test/lmf.sql_in",
    "pagerank": "graph/test/pagerank.sql_in",
    "wcc": "graph/test/wcc.sql_in",
    "sssp": "graph/test/sssp.sql_in",
    "bfs": "graph/test/bfs.sql_in",
    "apsp": "graph/test/apsp.sql_in",
    "measures": "graph/test/measures.sql_in",
    "hits": "graph/test/hits.sql_in",
}
SETUP = re.compile(r"(?is)^\s*(create\s+(table|view|temp|unlogged)|insert|copy|drop|alter|update|delete|"
                   r"truncate|analyze|set\s|create\s+index|begin|commit)")


def m4(text):
    text = re.sub(r"m4_include\(`[^']*'\)", "", text)
    text = re.sub(r"m4_changequote\([^)]*\)", "", text)
    # m4_ifdef(`__POSTGRESQL__', `then', `else') -> then ; other macros -> else branch
    def ifdef(m):
        return m.group(2) if m.group(1) == "__POSTGRESQL__" else m.group(3)
    prev = None
    while prev != text:
        prev = text
        text = re.sub(r"m4_ifdef\(\s*`(\w+)'\s*,\s*`([^`']*)'\s*(?:,\s*`([^`']*)')?\s*\)",
                      lambda m: ifdef(m) or "", text)
    return text.replace("MADLIB_SCHEMA", "indb_ml")


def statements(text):
    """Split SQL text into statements; COPY ... FROM STDIN keeps its data; psql meta-commands dropped."""
    out, buf, i, n = [], [], 0, len(text)
    while i < n:
        c = text[i]
        if c == "-" and text.startswith("--", i):
            j = text.find("\n", i)
            i = n if j < 0 else j + 1
            buf.append("\n")
            continue
        if c == "/" and text.startswith("/*", i):
            j = text.find("*/", i)
            i = n if j < 0 else j + 2
            continue
        if c == "\\" and not "".join(buf).strip():
            j = text.find("\n", i)
            i = n if j < 0 else j + 1
            continue
        if c == "'":
            j = quoted_end(text, i)
            buf.append(text[i:j])
            i = j
            continue
        if c == "$":
            m = re.match(r"\$\w*\$", text[i:])
            if m:
                tag = m.group(0)
                j = text.find(tag, i + len(tag))
                buf.append(text[i:j + len(tag)])
                i = j + len(tag)
                continue
        if c == ";":
            stmt = "".join(buf).strip()
            buf = []
            i += 1
            if re.match(r"(?is)^copy\s.*from\s+stdin", stmt):
                j = text.find("\n\\.", i)
                data = text[i:j].lstrip("\r").lstrip("\n") + "\n"
                i = j + 3
                out.append((stmt, data))
            elif stmt:
                out.append((stmt, None))
            continue
        buf.append(c)
        i += 1
    if "".join(buf).strip():
        out.append(("".join(buf).strip(), None))
    return out


def quoted_end(text, i):
    """The index just past the SQL string literal that opens at text[i] ('' inside is a quote)."""
    j = i + 1
    while True:
        j = text.find("'", j)
        if j + 1 < len(text) and text[j + 1] == "'":
            j += 2
            continue
        return j + 1


def split_top(text, sep_word):
    """Split on a keyword (AND) or ',' at parenthesis depth 0, outside quotes."""
    parts, depth, buf, i = [], 0, [], 0
    while i < len(text):
        c = text[i]
        if c == "'":
            j = quoted_end(text, i)
            buf.append(text[i:j])
            i = j
            continue
        if c in "([":
            depth += 1
        elif c in ")]":
            depth -= 1
        if depth == 0:
            if sep_word == "," and c == ",":
                parts.append("".join(buf).strip())
                buf, i = [], i + 1
                continue
            if sep_word != "," and re.match(rf"(?i)\s{sep_word}\s", text[i:i + len(sep_word) + 2]):
                parts.append("".join(buf).strip())
                buf, i = [], i + len(sep_word) + 1
                continue
        buf.append(c)
        i += 1
    parts.append("".join(buf).strip())
    return [p for p in parts if p]


def parse_assert(stmt):
    """SELECT assert(c, msg)[, assert(...)] FROM ... -> (from_clause, [conditions]) or None."""
    m = re.match(r"(?is)^\s*select\s+(.*)$", stmt)
    if not m:
        return None
    body = m.group(1)
    # find the FROM at depth 0 after the assert list
    depth, i, from_at = 0, 0, None
    while i < len(body):
        c = body[i]
        if c == "'":
            i = quoted_end(body, i)
            continue
        if c in "([":
            depth += 1
        elif c in ")]":
            depth -= 1
        elif depth == 0 and re.match(r"(?i)\sfrom\s", body[i:i + 6]):
            from_at = i
            break
        i += 1
    select_list = body[:from_at] if from_at is not None else body
    from_clause = body[from_at:].strip() if from_at is not None else ""
    conds = []
    for item in split_top(select_list, ","):
        a = re.match(r"(?is)^assert\s*\((.*)\)\s*$", item.strip())
        if not a:
            return None
        args = split_top(a.group(1), ",")
        conds.extend(split_top(args[0], "AND"))
    return from_clause, conds


def label_of(stmt):
    m = re.search(r"(?is)\b([a-z_][a-z0-9_]*)\s*\(", stmt)
    first = re.sub(r"\s+", " ", stmt)[:90]
    return (m.group(1) if m else "sql") + ": " + first


def psql_vars(text):
    """psql's '\\set name value' lines: substitute :name (not ::type) in the rest of the file."""
    names = {}
    def keep(m):
        names[m.group(1)] = m.group(2).strip()
        return ""
    text = re.sub(r"(?m)^\\set\s+(\w+)\s+(.*)$", keep, text)
    for name, value in names.items():
        text = re.sub(rf"(?<!:):{name}\b", lambda m: value, text)
    return text


def port(path):
    steps = []
    for stmt, data in statements(psql_vars(m4(Path(path).read_text()))):
        low = stmt.lower()
        if data is not None:
            steps.append(("copy", stmt, data))
        elif re.match(r"(?is)^create\s+(or\s+replace\s+)?function", stmt):
            steps.append(("function", stmt))
        elif SETUP.match(stmt):
            steps.append(("setup", stmt))
        elif re.match(r"(?is)^\s*select\s+assert\s*\(", stmt) and parse_assert(stmt):
            frm, conds = parse_assert(stmt)
            steps.append(("check", frm, conds))
        elif re.match(r"(?is)^\s*select\s+\*\s+from\s+[\w.]+\s*$", stmt) or low.startswith("\\"):
            continue
        else:
            steps.append(("case", label_of(stmt), stmt))
    return steps


def main():
    root = Path(sys.argv[1]) / "src/ports/postgres/modules"
    out_dir = Path(__file__).resolve().parent.parent / "tests/madlib_compat/cases"
    out_dir.mkdir(parents=True, exist_ok=True)
    (out_dir / "__init__.py").write_text('"""MADlib install-check steps, transcribed by scripts/madlib_port.py."""\n')
    names = sys.argv[2:] or list(FILES)
    for name in names:
        rel = FILES[name]
        steps = port(root / rel)
        text = (f'"""Steps of apache/madlib src/ports/postgres/modules/{rel} (data, calls, asserted values):\n'
                f'transcribed by scripts/madlib_port.py; replayed by tests/madlib_compat/runner.py."""\n'
                f"SOURCE = {rel!r}\nSTEPS = " + pprint.pformat(steps, width=110) + "\n")
        (out_dir / f"{name}.py").write_text(text)
        print(name, sum(1 for s in steps if s[0] == "case"), "cases")


if __name__ == "__main__":
    main()
