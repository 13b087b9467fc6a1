"""A private PostgreSQL install tree: the system's server with an extension directory of our own.

PostgreSQL finds its share directory (and in it ``extension/``) relative to
the real path of its own executable. A copy of ``postgres`` (and ``pg_ctl``,
which starts the ``postgres`` beside it) placed under ``<root>`` at the same
relative position as in the system layout therefore reads
``<root>/usr/share/postgresql/<major>/extension``. Everything else in that
tree is a symbolic link to the system's files: the share folders, the
library directory (PL/Python's ``plpython3.so``) and every system extension
file but ours. Writing ``indb_ml.control`` there changes no other server and
needs no root.

Copies, not links: PostgreSQL resolves symbolic links to its executable and
would find the system share directory again.
"""
from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

COPIED = ("postgres", "pg_ctl")
OWN_PREFIX = "indb_ml"


def system_layout(bindir: Path) -> dict[str, Path]:
    """bindir, sharedir, pkglibdir of the system installation (from its pg_config, else Debian's layout)."""
    layout = {"bindir": bindir, "sharedir": Path("/usr/share/postgresql") / bindir.parent.name,
              "pkglibdir": bindir.parent / "lib"}
    pg_config = bindir / "pg_config"
    if pg_config.exists():
        out = subprocess.run([str(pg_config), "--bindir", "--sharedir", "--pkglibdir"],
                             capture_output=True, text=True)
        if out.returncode == 0:
            values = out.stdout.split("\n")
            layout = {k: Path(v.strip()) for k, v in zip(("bindir", "sharedir", "pkglibdir"), values)}
    return layout


def _inside(root: Path, path: Path) -> Path:
    return root / path.resolve().relative_to("/")


def _link(target: Path, link: Path) -> None:
    if link.is_symlink() and os.readlink(link) == str(target):
        return
    if link.is_symlink() or link.exists():
        link.unlink()
    link.symlink_to(target)


def _copy_if_changed(src: Path, dst: Path) -> None:
    s = src.stat()
    if dst.exists():
        d = dst.stat()
        if d.st_size == s.st_size and int(d.st_mtime) == int(s.st_mtime):
            return
    tmp = dst.with_name(dst.name + ".tmp")
    shutil.copy2(src, tmp)
    os.replace(tmp, dst)


def build(root: Path, bindir: Path) -> dict[str, Path]:
    """Create or refresh the tree under ``root``; returns its bindir and extension directory."""
    layout = system_layout(bindir)
    own_bin = _inside(root, layout["bindir"])
    own_share = _inside(root, layout["sharedir"])
    own_lib = _inside(root, layout["pkglibdir"])
    own_ext = own_share / "extension"
    for d in (own_bin, own_share, own_ext, own_lib.parent):
        d.mkdir(parents=True, exist_ok=True)
        os.chmod(d, 0o755)
    for name in COPIED:
        _copy_if_changed(layout["bindir"] / name, own_bin / name)
    _link(layout["pkglibdir"].resolve(), own_lib)
    for entry in layout["sharedir"].iterdir():
        if entry.name != "extension":
            _link(entry, own_share / entry.name)
    system_ext = layout["sharedir"] / "extension"
    for entry in system_ext.iterdir():
        if not entry.name.startswith(OWN_PREFIX):
            _link(entry, own_ext / entry.name)
    for entry in own_ext.iterdir():         # system extensions removed since the last start
        if entry.is_symlink() and not entry.exists():
            entry.unlink()
    return {"bindir": own_bin, "extension_dir": own_ext, "sharedir": own_share}
