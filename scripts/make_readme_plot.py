"""Draw the README's figure: the actor map of the territory issue, Russia–Japan scenario.

    python scripts/make_readme_plot.py   # writes docs/img/territory-actors.png
"""

from pathlib import Path

import realpolitik as rp
from realpolitik.report import plots

OUT = Path(__file__).resolve().parents[1] / "docs" / "img" / "territory-actors.png"

if __name__ == "__main__":
    plots.save(plots.actor_map(rp.load("russia-japan"), "territory"), OUT)
    print(f"wrote {OUT}")
