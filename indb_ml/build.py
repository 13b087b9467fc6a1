"""Assemble the SQL that installs indb_ml into a database.

Three sources become one script:

* ``migrations/NNNN_name.sql`` - the catalog (registry tables), forward-only;
* ``sql/core.sql`` then every other ``sql/*.sql`` in name order - functions,
  aggregates and drivers, all ``CREATE OR REPLACE`` so re-running is safe;
* ``plpython/*.py`` - numpy kernels, embedded into the PL/Python function
  bodies that ask for them with a ``#@kernel name [name ...]`` line.

An ``--@aggregate`` block in a ``sql/*.sql`` file declares a parallel
PL/Python aggregate in one place; ``sql_aggregates`` expands it into its
functions, ``CREATE AGGREGATE`` and ``COMMENT`` before the kernels are embedded.

The server needs no file access: kernel source travels inside the function
definitions, and a small loader registers each kernel once per backend in
``sys.modules`` under a name that carries a hash of all kernel sources (so an
upgrade never runs stale code in a long-lived session).

``@extschema@`` is replaced by the target schema everywhere (schema names are
restricted to plain lower-case identifiers, so the substitution is safe both
in SQL and inside Python string literals).
"""
from __future__ import annotations

import base64
import functools
import hashlib
import marshal
import re
import sys
from dataclasses import dataclass
from pathlib import Path

from . import resources, sql_aggregates

SCHEMA_RE = re.compile(r"^[a-z_][a-z0-9_]{0,62}$")
KERNEL_LINE_RE = re.compile(r"^(?P<indent>[ \t]*)#@kernel(?P<compiled>-compiled)?\s+(?P<names>[\w ]+?)\s*$", re.M)
RELATIVE_IMPORT_RE = re.compile(r"^\s*from \. import ([\w, ]+)", re.M)
MIGRATION_RE = re.compile(r"^(\d{4})_([a-z0-9_]+)\.sql$")


@dataclass(frozen=True)
class Migration:
    version: int
    name: str
    sql: str


def check_schema_name(schema: str) -> str:
    if not SCHEMA_RE.match(schema or ""):
        raise ValueError(
            f"schema name {schema!r} is not allowed: use a plain lower-case identifier "
            "(letters, digits, underscore; not starting with a digit)"
        )
    return schema


def kernel_sources() -> dict[str, str]:
    """name -> source of every kernel module in plpython/."""
    return {
        p.stem: p.read_text()
        for p in sorted(resources.PLPYTHON_DIR.glob("*.py"))
        if p.stem != "__init__"
    }


def kernel_bundle_id(sources: dict[str, str]) -> str:
    digest = hashlib.sha256()
    for name in sorted(sources):
        digest.update(name.encode() + b"\0" + sources[name].encode() + b"\0")
    return digest.hexdigest()[:12]


def _kernel_dependencies(name: str, sources: dict[str, str], seen: list[str],
                         visiting: set[str] | None = None) -> list[str]:
    """Kernels in load order: dependencies (``from . import x``) before dependants.

    Two modules may import each other when (at least) one side imports inside a
    function: the cycle is cut where it closes, both are loaded."""
    visiting = set() if visiting is None else visiting
    if name in seen or name in visiting:
        return seen
    if name not in sources:
        raise ValueError(f"#@kernel asks for plpython/{name}.py, which does not exist")
    visiting.add(name)
    for group in RELATIVE_IMPORT_RE.findall(sources[name]):
        for dep in (d.strip() for d in group.split(",")):
            if dep:
                _kernel_dependencies(dep, sources, seen, visiting)
    seen.append(name)
    return seen


@functools.lru_cache(maxsize=None)
def compiled_kernel(name: str, source: str) -> str | None:
    """A kernel's code object, marshalled by this Python and base64-encoded (see ``kernel_preamble``);
    None for a source that names ``@extschema@`` (substituted in the text after this: it is compiled
    where it runs)."""
    if "@extschema@" in source:
        return None
    code = compile(source, "plpython/" + name + ".py", "exec")
    return base64.b64encode(marshal.dumps(code)).decode("ascii")


def kernel_preamble(names: list[str], sources: dict[str, str], indent: str = "", compiled: bool = False) -> str:
    """Python that makes the named kernels importable and binds them to local names.

    ``compiled`` (``#@kernel-compiled``, the aggregates' functions: they run in every parallel worker,
    a fresh process per pass): the code objects travel too, compiled by the Python that builds the
    script, and a process whose Python has the same bytecode (``sys.implementation.cache_tag``, what
    ``.pyc`` files are keyed by) loads them instead of compiling the sources - measured 20-25 ms of
    compiling per worker for glm_pass's kernels, 1.5-6 ms to load them. Any other Python compiles
    the sources, as without it."""
    package = f"indb_ml_kernels_{kernel_bundle_id(sources)}"
    order: list[str] = []
    for name in names:
        _kernel_dependencies(name, sources, order)
    tag = getattr(sys.implementation, "cache_tag", None) if compiled else None
    if tag:
        pairs = ",\n".join(f"    ({n!r}, {sources[n]!r}, {compiled_kernel(n, sources[n])!r})" for n in order)
    else:
        pairs = ",\n".join(f"    ({n!r}, {sources[n]!r}, None)" for n in order)
    lines = [
        "import sys as _indb_sys",
        f"_indb_pkg = {package!r}",
        f"if not all(_indb_pkg + '.' + _n in _indb_sys.modules for _n in {tuple(names)!r}):",
        "    import types as _indb_types",
        "    _indb_parent = _indb_sys.modules.get(_indb_pkg)",
        "    if _indb_parent is None:",
        "        _indb_parent = _indb_types.ModuleType(_indb_pkg)",
        "        _indb_parent.__path__ = []",
        "        _indb_sys.modules[_indb_pkg] = _indb_parent",
        f"    _indb_same = _indb_sys.implementation.cache_tag == {tag!r}",
        "    if _indb_same:",
        "        import binascii as _indb_binascii, marshal as _indb_marshal",
        f"    for _indb_name, _indb_src, _indb_code in (\n{pairs},\n    ):",
        "        _indb_full = _indb_pkg + '.' + _indb_name",
        "        if _indb_full not in _indb_sys.modules:",
        "            _indb_mod = _indb_types.ModuleType(_indb_full)",
        "            _indb_mod.__package__ = _indb_pkg",
        "            if _indb_same and _indb_code is not None:",
        "                _indb_obj = _indb_marshal.loads(_indb_binascii.a2b_base64(_indb_code))",
        "            else:",
        "                _indb_obj = compile(_indb_src, 'plpython/' + _indb_name + '.py', 'exec')",
        "            exec(_indb_obj, _indb_mod.__dict__)",
        "            _indb_sys.modules[_indb_full] = _indb_mod",
        "            setattr(_indb_parent, _indb_name, _indb_mod)",
    ]
    for name in names:
        lines.append(f"{name} = _indb_sys.modules[_indb_pkg + '.' + {name!r}]")
    return "\n".join(indent + line for line in lines)


def render(text: str, schema: str, sources: dict[str, str], source: str = "<sql>") -> str:
    """Expand ``--@aggregate`` blocks and ``#@kernel`` lines, substitute the schema."""

    def expand(match: re.Match) -> str:
        names = match.group("names").split()
        return kernel_preamble(names, sources, match.group("indent"), bool(match.group("compiled")))

    text = KERNEL_LINE_RE.sub(expand, sql_aggregates.expand(text, source))
    if "$py$" in "".join(sources.values()):
        raise ValueError("a kernel contains '$py$', which would end its function body")
    return text.replace("@extschema@", schema)


def sql_files() -> list[Path]:
    files = sorted(resources.SQL_DIR.glob("*.sql"))
    core = [f for f in files if f.name == "core.sql"]
    return core + [f for f in files if f.name != "core.sql"]


def functions_script(schema: str) -> str:
    """All functions and aggregates, in load order, ready to run."""
    sources = kernel_sources()
    parts = []
    for path in sql_files():
        parts.append(f"-- ===== sql/{path.name} =====\n" + render(path.read_text(), schema, sources,
                                                                 f"sql/{path.name}"))
    return "\n\n".join(parts)


def migrations(schema: str) -> list[Migration]:
    found = []
    for path in sorted(resources.MIGRATIONS_DIR.glob("*.sql")):
        match = MIGRATION_RE.match(path.name)
        if not match:
            raise ValueError(f"migration file {path.name} is not named NNNN_name.sql")
        found.append(Migration(int(match.group(1)), match.group(2),
                               path.read_text().replace("@extschema@", schema)))
    versions = [m.version for m in found]
    if versions != list(range(1, len(found) + 1)):
        raise ValueError(f"migrations must be numbered 1..N without gaps, found {versions}")
    return found
