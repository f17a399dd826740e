#!/usr/bin/env bash
# Sets everything up, then runs the whole test suite: lint, types, pytest, dialog tests, and
# the CLI tests once more at two terminal widths.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
export PATH="$PWD/.venv/bin:$PATH"

echo "== ruff"; ruff check .
echo "== mypy"; mypy
echo "== import contracts"; lint-imports --no-cache
echo "== dialog tests"; voicebot test dialogs/ --coverage
echo "== pytest"
set +e
# the 30 slowest tests in the log, so a test that grew slow is seen
pytest --durations=30 "$@"
rc=$?
set -e
if [ "$rc" -eq 5 ]; then
    echo "pytest collected no tests: that is a failure" >&2
    exit 1
fi
# What the CLI prints must not depend on the terminal's width: its tests again, narrow and
# wide (a selection in "$@" without CLI tests is no failure here).
for columns in 40 300; do
    echo "== pytest -m cli at COLUMNS=$columns"
    set +e
    COLUMNS=$columns pytest -m cli -q "$@"
    width_rc=$?
    set -e
    if [ "$width_rc" -ne 0 ] && [ "$width_rc" -ne 5 ]; then
        rc=$width_rc
    fi
done
exit "$rc"
