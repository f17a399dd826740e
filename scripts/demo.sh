#!/usr/bin/env bash
# Sets everything up, then runs the main job on embedded defaults.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
export PATH="$PWD/.venv/bin:$PATH"
exec voicebot demo "$@"
