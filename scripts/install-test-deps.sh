#!/usr/bin/env bash
# Everything the tests need on a fresh Debian machine with Python 3.11:
# Debian's Chromium (driven by Playwright, never downloaded), fonts for Korean
# screenshots, and the Python packages.
set -euo pipefail
cd "$(dirname "$0")/.."

SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update
$SUDO apt-get install -y --no-install-recommends chromium chromium-driver fonts-noto-cjk

python -m pip install --upgrade pip
python -m pip install -r requirements-dev.txt
