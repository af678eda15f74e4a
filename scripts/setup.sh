#!/usr/bin/env bash
# Set up a fresh machine: the package with its test and extra dependencies.
set -euo pipefail
cd "$(dirname "$0")/.."
python3 -m pip install --quiet --disable-pip-version-check -e '.[dev]'
