#!/usr/bin/env bash
# Install the exchange-model peer, decide-exchange-model 2025.3.1 from PyPI, in its own venv
# outside the repository.
#
#   benchmarks/peers/setup_decide.sh [VENV]
#
# VENV  default ${REALPOLITIK_PEERS_DIR:-/tmp/peers}/decide-venv
#
# The release declares Requires-Python >= 3.13; it is pure Python and runs on 3.11, so the
# wheel is installed with --ignore-requires-python and --no-deps, and then the dependencies
# its own metadata pins, read from the wheel, minus the Qt GUI (PyQt6), which the command
# line model does not import. Its CLI then runs as `VENV/bin/python -m decide.cli`.
set -euo pipefail

venv=${1:-${REALPOLITIK_PEERS_DIR:-/tmp/peers}/decide-venv}
version=2025.3.1
py=${PYTHON:-python3}

"$py" -m venv "$venv"
wheels=$(mktemp -d)
trap 'rm -rf "$wheels"' EXIT
"$venv/bin/pip" download -q --no-deps --ignore-requires-python -d "$wheels" \
    "decide-exchange-model==$version"
wheel=$(ls "$wheels"/decide_exchange_model-*.whl)
"$venv/bin/pip" install -q --no-deps --ignore-requires-python "$wheel"

# The unconditional Requires-Dist lines of the installed metadata, GUI left out.
mapfile -t deps < <("$venv/bin/python" - <<'PY'
from importlib.metadata import requires
for req in requires("decide-exchange-model") or []:
    spec = req.split(";")[0].strip()
    if ";" in req and "extra" in req.split(";", 1)[1]:
        continue
    if spec.lower().replace("-", "").startswith("pyqt"):
        continue
    print(spec.replace(" ", ""))
PY
)
echo "dependencies: ${deps[*]}"
"$venv/bin/pip" install -q "${deps[@]}"
"$venv/bin/python" -c "import decide.cli, decide.model.equalgain"
echo "$venv/bin/python"
