"""The repository's own hygiene: no merge left half-done, no module past the size the layout promises.

Needs no database. docs/DEVELOPING.md states the rules checked here.
"""
import re
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MAX_MODULE_LINES = 400


def tracked(*patterns):
    """The project's files matching ``patterns``: git's list, or (a tree without git) the tree's files
    outside hidden and build directories."""
    try:
        out = subprocess.run(["git", "ls-files", "--", *patterns], cwd=ROOT, capture_output=True, text=True,
                             check=True).stdout.split()
        return [ROOT / p for p in out if (ROOT / p).is_file()]
    except (OSError, subprocess.CalledProcessError):
        skip = {".venv", "build", "dist", "node_modules", "__pycache__"}
        found = {p for pat in patterns for p in ROOT.glob(pat.replace("*.", "**/*.") if "/" not in pat else pat)}
        return sorted(p for p in found if p.is_file() and not any(
            part in skip or part.startswith(".") for part in p.relative_to(ROOT).parts))


def test_no_merge_conflict_markers():
    marker = re.compile(r"^(<<<<<<< |>>>>>>> |=======$)", re.M)
    bad = [str(p.relative_to(ROOT)) for p in tracked("*.py", "*.sql", "*.md", "*.sh", "*.c", "*.toml", "Makefile")
           if marker.search(p.read_text(encoding="utf-8", errors="replace"))]
    assert not bad, f"merge-conflict markers in {bad}"


def test_modules_stay_small():
    big = {str(p.relative_to(ROOT)): n for p in tracked("plpython/*.py", "indb_ml/*.py", "indb_ml/**/*.py", "bench/*.py")
           if (n := len(p.read_text(encoding="utf-8").splitlines())) > MAX_MODULE_LINES}
    assert not big, f"modules over {MAX_MODULE_LINES} lines (split them by job): {big}"
