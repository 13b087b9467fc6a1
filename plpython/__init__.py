"""Python that runs inside PostgreSQL (PL/Python), also importable by tests.

Two kinds of module live here:

* kernels (``blocks``, ``stats``, ``linregr``, ...): numpy in, numpy out, no
  database access, so they are unit-tested without a server and are safe in
  parallel workers (transition and combine functions must not run SQL);
* driver helpers (``identifiers``, ``prepare``, ``registry``): they take the
  ``plpy`` handle as an argument and run SQL for the drivers in ``sql/``.

The installer embeds these sources into the function bodies that name them
with ``#@kernel``; inside a module, import siblings with ``from . import x``.
"""
