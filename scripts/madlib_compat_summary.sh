#!/bin/sh
# Pass/total per module of MADlib's install-check cases (tests/madlib_compat), with each failure's reason.
# Usage: [PYTHON=path/to/python] scripts/madlib_compat_summary.sh [pytest output file]
out=${1:-/tmp/madlib_compat.txt}
${PYTHON:-.venv/bin/python} -m pytest tests/madlib_compat -q -rA --tb=line -p no:cacheprovider > "$out" 2>&1
# PASSED = the case passes; XFAIL (a listed known failure) and FAILED = it does not
grep -oE "^(PASSED|FAILED|XFAIL) [^ ]*test_madlib_case\[[a-z_]+:" "$out" | sed -E 's/test_madlib_case\[//; s/:$//; s/ .*::/ /' |
    awk '{t[$2]++; if ($1=="PASSED") p[$2]++; T++; if ($1=="PASSED") P++}
         END {for (m in t) printf "%-22s %3d / %3d\n", m, p[m], t[m]; printf "%-22s %3d / %3d\n", "total", P, T}' | sort
