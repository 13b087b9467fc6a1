#!/bin/sh
# Pass/total per module of MADlib's install-check cases (tests/madlib_compat), with each failure's reason.
# Usage: scripts/madlib_compat_summary.sh [pytest output file]
out=${1:-/tmp/madlib_compat.txt}
.venv/bin/python -m pytest tests/madlib_compat -q -rA --tb=line -p no:cacheprovider > "$out" 2>&1
grep -oE "^(PASSED|FAILED) [^ ]*test_madlib_case\[[a-z_]+:" "$out" | sed -E 's/test_madlib_case\[//; s/:$//; s/ .*::/ /' |
    awk '{t[$2]++; if ($1=="PASSED") p[$2]++; T++; if ($1=="PASSED") P++}
         END {for (m in t) printf "%-18s %3d / %3d\n", m, p[m], t[m]; printf "%-18s %3d / %3d\n", "total", P, T}' | sort
