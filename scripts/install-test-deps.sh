#!/usr/bin/env bash
# Everything the tests need on a fresh Debian machine with Python 3.11:
# Debian's Chromium (driven by Playwright, never downloaded), fonts for Korean
# screenshots, Debian's nginx (tests/test_scaleout.py starts its own nginx
# process with deploy/nginx.conf; it never uses the nginx service), and the
# Python packages.
set -euo pipefail
cd "$(dirname "$0")/.."

SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update
$SUDO apt-get install -y --no-install-recommends chromium chromium-driver fonts-noto-cjk nginx

python -m pip install --upgrade pip
python -m pip install -r requirements-dev.txt
