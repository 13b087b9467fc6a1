"""The ``--@aggregate`` directive: one declaration of a PL/Python aggregate over packed blocks.

Every parallel aggregate of indb_ml is declared the same way (a transition
function calling a kernel, a merge function, maybe a final function, then
``DROP AGGREGATE IF EXISTS`` + ``CREATE AGGREGATE`` + ``COMMENT``). Writing that
out by hand for each one invited drift (a missing ``COST``, a DROP whose types
no longer match the CREATE), so a ``sql/*.sql`` file states only what differs
and ``build.render`` expands it in place::

    --@aggregate linregr_agg(x bytea, y bytea, n integer)
    --@    sfunc linregr_transition = linregr.transition
    --@    combinefunc linregr_merge = linregr.merge
    --@    finalfunc linregr_final float8[]
    --@    comment 'indb_ml: sufficient statistics of OLS over packed blocks: [...]'

* ``sfunc NAME = module.function`` creates ``NAME(state bytea, <arguments>)
  RETURNS bytea LANGUAGE plpython3u IMMUTABLE PARALLEL SAFE COST 20000`` whose
  body is ``#@kernel-compiled module`` / ``return module.function(state, <argument names>)``
  (the kernels travel compiled too: build.kernel_preamble).
* ``combinefunc NAME = module.function`` creates ``NAME(a bytea, b bytea)
  RETURNS bytea ... IMMUTABLE PARALLEL SAFE`` returning ``module.function(a, b)``.
* ``finalfunc NAME float8[]`` creates ``NAME(state bytea) RETURNS float8[]
  ... IMMUTABLE STRICT PARALLEL SAFE``: the raw float64 state as an array.
* ``sfunc NAME``, ``combinefunc NAME``, ``finalfunc NAME`` (nothing more) use a
  function declared elsewhere (above the directive, or in an earlier file).
* ``comment '...'`` is the aggregate's ``COMMENT`` (an SQL literal: ``''`` for a quote).

The state is always ``bytea`` and the aggregate always ``PARALLEL = SAFE``:
kernels run in parallel workers (docs/DEVELOPING.md, "Kernels vs drivers").
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

DIRECTIVE_RE = re.compile(r"^--@aggregate[ \t]+(?P<head>.*)$")
CONTINUATION_RE = re.compile(r"^--@[ \t]+(?P<body>.*)$")
HEAD_RE = re.compile(r"^(?P<name>\w+)\((?P<args>.*)\)\s*$")
GENERATED_RE = re.compile(r"^(?P<name>\w+)\s*=\s*(?P<module>\w+)\.(?P<function>\w+)$")
FINAL_RE = re.compile(r"^(?P<name>\w+)\s+float8\[\]$")
NAME_RE = re.compile(r"^\w+$")
COMMENT_RE = re.compile(r"^'(?:[^']|'')*'$")

PY_FUNCTION = "RETURNS {returns} LANGUAGE plpython3u IMMUTABLE {strict}PARALLEL SAFE{cost} AS $py$"


class DirectiveError(ValueError):
    """A ``--@aggregate`` block that cannot be expanded (the message names the file and line)."""


@dataclass
class Aggregate:
    name: str
    args: list[tuple[str, str]]                 # (name, type)
    sfunc: tuple[str, str | None] | None = None  # (function, "module.function" or None = existing)
    combinefunc: tuple[str, str | None] | None = None
    finalfunc: tuple[str, bool] | None = None    # (function, generate a float8[] final?)
    comment: str | None = None
    seen: set = field(default_factory=set)


def split_args(text: str) -> list[tuple[str, str]]:
    """``x bytea, ks integer[]`` -> [("x", "bytea"), ("ks", "integer[]")] (commas inside parentheses kept)."""
    parts, depth, current = [], 0, ""
    for ch in text:
        if ch == "," and depth == 0:
            parts.append(current)
            current = ""
            continue
        depth += (ch == "(") - (ch == ")")
        current += ch
    if current.strip():
        parts.append(current)
    args = []
    for part in parts:
        words = part.split(None, 1)
        if len(words) != 2:
            raise ValueError(f"argument {part.strip()!r} needs a name and a type")
        args.append((words[0], " ".join(words[1].split())))
    return args


def _parse_line(agg: Aggregate, body: str) -> None:
    key, _, rest = body.strip().partition(" ")
    rest = rest.strip()
    if key in agg.seen:
        raise ValueError(f"{key} given twice")
    agg.seen.add(key)
    if key in ("sfunc", "combinefunc"):
        generated = GENERATED_RE.match(rest)
        if generated:
            value = (generated["name"], f"{generated['module']}.{generated['function']}")
        elif NAME_RE.match(rest):
            value = (rest, None)
        else:
            raise ValueError(f"{key} takes 'NAME' or 'NAME = module.function', not {rest!r}")
        setattr(agg, key, value)
    elif key == "finalfunc":
        final = FINAL_RE.match(rest)
        if final:
            agg.finalfunc = (final["name"], True)
        elif NAME_RE.match(rest):
            agg.finalfunc = (rest, False)
        else:
            raise ValueError(f"finalfunc takes 'NAME' or 'NAME float8[]', not {rest!r}")
    elif key == "comment":
        if not COMMENT_RE.match(rest):
            raise ValueError("comment takes one SQL string literal ('...', '' for a quote)")
        agg.comment = rest
    else:
        raise ValueError(f"unknown key {key!r} (sfunc, combinefunc, finalfunc, comment)")


def _kernel_body(call: str, args: str) -> str:
    module = call.split(".", 1)[0]
    return f"#@kernel-compiled {module}\nreturn {call}({args})\n$py$;"


def render_aggregate(agg: Aggregate) -> str:
    """The SQL an ``--@aggregate`` block stands for."""
    s = "@extschema@."
    arg_decl = ", ".join(f"{n} {t}" for n, t in agg.args)
    arg_types = ", ".join(t for _, t in agg.args)
    out = []
    sfunc, sfunc_call = agg.sfunc
    if sfunc_call:
        names = ", ".join(["state"] + [n for n, _ in agg.args])
        out += [f"CREATE OR REPLACE FUNCTION {s}{sfunc}(state bytea, {arg_decl})",
                PY_FUNCTION.format(returns="bytea", strict="", cost=" COST 20000"),
                _kernel_body(sfunc_call, names), ""]
    combinefunc, combine_call = agg.combinefunc
    if combine_call:
        out += [f"CREATE OR REPLACE FUNCTION {s}{combinefunc}(a bytea, b bytea)",
                PY_FUNCTION.format(returns="bytea", strict="", cost=""),
                _kernel_body(combine_call, "a, b"), ""]
    if agg.finalfunc and agg.finalfunc[1]:
        out += [f"CREATE OR REPLACE FUNCTION {s}{agg.finalfunc[0]}(state bytea)",
                PY_FUNCTION.format(returns="float8[]", strict="STRICT ", cost=""),
                "#@kernel blocks", "return blocks.from_bytes(state).tolist()", "$py$;", ""]
    out += [f"DROP AGGREGATE IF EXISTS {s}{agg.name}({arg_types});",
            f"CREATE AGGREGATE {s}{agg.name}({arg_decl}) (",
            f"    SFUNC = {s}{sfunc},",
            "    STYPE = bytea,",
            f"    COMBINEFUNC = {s}{combinefunc},"]
    if agg.finalfunc:
        out.append(f"    FINALFUNC = {s}{agg.finalfunc[0]},")
    out += ["    PARALLEL = SAFE", ");"]
    if agg.comment:
        out += [f"COMMENT ON AGGREGATE {s}{agg.name}({arg_types}) IS", f"    {agg.comment};"]
    return "\n".join(out)


def expand(text: str, source: str = "<sql>") -> str:
    """Replace every ``--@aggregate`` block of ``text`` by the SQL it declares."""
    lines = text.split("\n")
    out: list[str] = []
    i = 0
    while i < len(lines):
        head = DIRECTIVE_RE.match(lines[i])
        if not head:
            if CONTINUATION_RE.match(lines[i]):
                raise DirectiveError(f"{source}:{i + 1}: '--@' line outside an --@aggregate block")
            out.append(lines[i])
            i += 1
            continue
        start = line = i
        text_head = head["head"]
        try:
            i += 1
            while text_head.count("(") > text_head.count(")") and i < len(lines) and CONTINUATION_RE.match(lines[i]):
                text_head += " " + CONTINUATION_RE.match(lines[i])["body"]
                i += 1
            sig = HEAD_RE.match(text_head.strip())
            if not sig:
                raise ValueError("expected --@aggregate NAME(arg type, ...)")
            agg = Aggregate(sig["name"], split_args(sig["args"]))
            while i < len(lines) and CONTINUATION_RE.match(lines[i]):
                line = i
                _parse_line(agg, CONTINUATION_RE.match(lines[i])["body"])
                i += 1
            line = start
            if agg.sfunc is None or agg.combinefunc is None:
                raise ValueError("sfunc and combinefunc are required")
            out.append(render_aggregate(agg))
        except ValueError as exc:
            raise DirectiveError(f"{source}:{line + 1}: --@aggregate: {exc}") from None
    return "\n".join(out)
