"""Draw the pre-registered DEU train/test split (procedure in realpolitik/analysis/split.py).

    python scripts/draw_deu_split.py PATH/TO/deu3.csv

writes src/realpolitik/scenarios/deu-split.csv.

The output lists issue ids and their part only; no DEU data is copied. A test redraws the
split from the seed and checks it equals the shipped file.
"""

import sys
from pathlib import Path

from realpolitik.analysis.split import SPLIT_FILE, draw_deu_split, format_split
from realpolitik.io.deu import read_deu

OUT = Path(__file__).resolve().parents[1] / "src" / "realpolitik" / "scenarios" / SPLIT_FILE

if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: python scripts/draw_deu_split.py PATH/TO/deu3.csv")
    OUT.write_text(format_split(draw_deu_split(read_deu(sys.argv[1]))), encoding="utf-8")
    print(f"wrote {OUT}")
