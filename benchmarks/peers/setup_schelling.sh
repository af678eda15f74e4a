#!/usr/bin/env bash
# Set up the Python BDM engine that bundles Monte Carlo, github.com/hamzagul07/schelling
# (AGPL-3.0; requires Python 3.12), outside the repository, for the Monte Carlo comparison
# in benchmarks/bench_peers_montecarlo.py. Its code is only run, never copied.
#
#   benchmarks/peers/setup_schelling.sh SCHELLING_GIT [DEST]
#
# SCHELLING_GIT  git directory of that repository (a clone or mirror snapshot)
# DEST           default ${REALPOLITIK_PEERS_DIR:-/tmp/peers}/schelling
#
# The source tree of the snapshot's HEAD (or $SCHELLING_REV) goes to DEST/src; a Python 3.12
# venv at DEST/venv gets the dependencies the solver and Monte Carlo modules import
# (NumPy, pydantic, PyYAML, typer); the package runs from DEST/src/src on PYTHONPATH.
# PYTHON312 names the interpreter (default: python3.12 on PATH, else pyenv's 3.12).
set -euo pipefail

git_dir=${1:?usage: setup_schelling.sh SCHELLING_GIT [DEST]}
dest=${2:-${REALPOLITIK_PEERS_DIR:-/tmp/peers}/schelling}
rev=${SCHELLING_REV:-HEAD}
py=${PYTHON312:-}
if [[ -z $py ]]; then  # python3.12 on PATH, else a pyenv-installed 3.12
    for c in python3.12 "$(pyenv root 2>/dev/null)"/versions/3.12*/bin/python3.12; do
        if "$c" -c '' 2>/dev/null; then py=$c; break; fi
    done
fi

"${py:-python3.12}" -c 'import sys; assert sys.version_info[:2] == (3, 12), sys.version' ||
    { echo "setup_schelling.sh: needs Python 3.12 (set PYTHON312)" >&2; exit 2; }
rm -rf "$dest/src"
mkdir -p "$dest/src"
git --git-dir="$git_dir" archive "$rev" -- pyproject.toml LICENSE src | tar -x -C "$dest/src"
git --git-dir="$git_dir" rev-parse "$rev" >"$dest/src/REVISION"
"$py" -m venv "$dest/venv"
"$dest/venv/bin/pip" install -q "numpy>=1.26" "pydantic>=2.6" "pyyaml>=6.0" "typer>=0.12"
PYTHONPATH=$dest/src/src "$dest/venv/bin/python" -c \
    "import schelling.mc.monte_carlo, schelling.solver.model"
echo "$dest/venv/bin/python (PYTHONPATH=$dest/src/src), revision $(cat "$dest/src/REVISION")"
