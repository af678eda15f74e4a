"""Fit the stacked ensemble on the DEU training part (procedure in realpolitik/analysis/stack.py).

    python scripts/fit_deu_stack.py PATH/TO/deu3.csv

writes src/realpolitik/scenarios/deu-stack.json (model weights only; no DEU data). A test
refits the weights and checks they equal the shipped file.
"""

import sys
from pathlib import Path

from realpolitik.analysis.stack import STACK_FILE, fit_deu_stack, format_stack
from realpolitik.io.deu import read_deu

OUT = Path(__file__).resolve().parents[1] / "src" / "realpolitik" / "scenarios" / STACK_FILE

if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: python scripts/fit_deu_stack.py PATH/TO/deu3.csv")
    OUT.write_text(format_stack(fit_deu_stack(read_deu(sys.argv[1]))), encoding="utf-8")
    print(f"wrote {OUT}")
