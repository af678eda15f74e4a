"""The web app driven in a real browser: headless Chromium (Debian's) through Playwright.

Skips when Chromium or Playwright is missing, unless REALPOLITIK_REQUIRE_BROWSER=1 (CI),
which turns the skip into a failure. Screenshots go to the test's temporary folder.
"""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from .conftest import FIXTURES, ROOT, stop_process_group

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def _require_browser():
    missing = []
    try:
        from playwright.sync_api import sync_playwright  # noqa: F401
    except ImportError:
        missing.append("the playwright package")
    if not Path(CHROMIUM).exists():
        missing.append("chromium")
    if missing:
        message = "browser test needs " + " and ".join(missing)
        if os.environ.get("REALPOLITIK_REQUIRE_BROWSER") == "1":
            pytest.fail(message + " (REALPOLITIK_REQUIRE_BROWSER=1)")
        pytest.skip(message)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def app_url():
    _require_browser()
    port = _free_port()
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    proc = subprocess.Popen([sys.executable, "-m", "realpolitik", "serve", "--port", str(port)],
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, env=env,
                            start_new_session=True)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as resp:
                    if resp.status == 200:
                        break
            except OSError:
                pass
            if proc.poll() is not None or time.monotonic() > deadline:
                out = proc.stdout.read().decode(errors="replace") if proc.stdout else ""
                pytest.fail(f"the app did not start: {out[-2000:]}")
            time.sleep(0.5)
        yield url
    finally:
        stop_process_group(proc)


def _edit_last_cell_of_first_row(page, grid, value: str) -> None:
    """Type ``value`` into the first row's last column of a data-editor grid: double-click
    the cell (the grid is a canvas), wait for its editor, replace, commit."""
    from playwright.sync_api import expect

    target = grid.get_by_test_id("data-grid-canvas")
    expect(target).to_be_visible()
    canvas = target.bounding_box()
    x, y = canvas["x"] + canvas["width"] - 60, canvas["y"] + 35 + 17
    editor = page.locator("input.gdg-input")  # the grid's cell editor
    for _ in range(10):  # the grid lays itself out after its tab is shown
        page.mouse.dblclick(x, y)
        try:
            expect(editor).to_be_focused(timeout=2000)
            break
        except AssertionError:
            continue
    expect(editor).to_be_focused()
    editor.fill(value)
    editor.press("Enter")


def test_app_in_a_real_browser(app_url, tmp_path) -> None:
    from playwright.sync_api import expect, sync_playwright

    # a first run compiles the models (Numba); allow for it in every expectation
    expect.set_options(timeout=180_000)

    bad = tmp_path / "bad.yaml"
    bad.write_text((FIXTURES / "tiny.yaml").read_text().replace("salience: 1.0",
                                                                  "salience: 9"))
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 1600})
            page.set_default_timeout(180_000)
            page.goto(app_url)

            def tab(name: str) -> None:
                page.get_by_role("tab", name=name).click()

            charts = page.locator(".vega-embed")
            expect(page.get_by_role("tab", name="Scenario")).to_be_visible()
            grids = page.locator('[data-testid="stDataFrame"]')
            expect(grids).to_have_count(2)  # actors and stances, editable
            page.screenshot(path=str(tmp_path / "1-scenario.png"), full_page=True)

            tab("Forecast")
            page.get_by_role("button", name="Run forecast").click()
            expect(page.get_by_text("Forecast per issue and model")).to_be_visible()
            expect(charts.first).to_be_visible()
            first_chart = charts.first.inner_html()
            page.screenshot(path=str(tmp_path / "2-forecast.png"), full_page=True)

            # edit Putin's salience on territory in the stances grid: the forecast follows
            tab("Scenario")
            _edit_last_cell_of_first_row(page, grids.nth(1), "0.1")
            expect(page.get_by_text(re.compile(
                r"1 change\(s\) from the file: putin/territory: 15 / 0\.80 → 15 / 0\.10"))
            ).to_be_visible()
            page.screenshot(path=str(tmp_path / "3-edited.png"), full_page=True)
            tab("Forecast")
            expect(charts.first).to_be_visible()
            assert charts.first.inner_html() != first_chart  # re-drawn for the new numbers

            tab("Monte Carlo")
            page.get_by_role("button", name="Run Monte Carlo").click()
            mc_caption = page.get_by_text("Monte Carlo: 1,000 draws of compromise, seed 0, "
                                          "widen 0.1")
            expect(mc_caption).to_be_visible()
            page.screenshot(path=str(tmp_path / "4-monte-carlo.png"), full_page=True)

            tab("Sensitivity")
            page.get_by_role("button", name="Run sensitivity (tornado)").click()
            expect(page.get_by_text("The input that moves each issue most")).to_be_visible()
            page.screenshot(path=str(tmp_path / "5-sensitivity.png"), full_page=True)

            # the earlier results are still there, side by side
            tab("Monte Carlo")
            expect(mc_caption).to_be_visible()
            tab("Forecast")
            expect(page.get_by_text("Forecast per issue and model")).to_be_visible()

            tab("What-ifs")
            page.get_by_role("button", name="Apply what-if").click()
            expect(page.get_by_text(re.compile(r"What-if 000"))).to_be_visible()
            page.screenshot(path=str(tmp_path / "6-whatif.png"), full_page=True)

            tab("Deal")
            page.get_by_role("button", name="Deal?").click()
            expect(page.get_by_text(re.compile(r"P\(deal\) = [01]\.\d{3}"))).to_be_visible()
            expect(page.get_by_text(re.compile(r"Levers: the smallest changes"))).to_be_visible()
            page.screenshot(path=str(tmp_path / "6b-deal.png"), full_page=True)

            page.locator('input[type="file"]').set_input_files(str(bad))
            error = page.get_by_text(re.compile(r"Could not read the file: bad\.yaml"))
            expect(error).to_be_visible()
            assert "salience" in error.inner_text() and "0 to 1" in error.inner_text()
            page.screenshot(path=str(tmp_path / "7-bad-upload.png"), full_page=True)
        finally:
            browser.close()
    shots = sorted(p.name for p in tmp_path.glob("*.png"))
    assert shots == ["1-scenario.png", "2-forecast.png", "3-edited.png", "4-monte-carlo.png",
                     "5-sensitivity.png", "6-whatif.png", "6b-deal.png", "7-bad-upload.png"]
    keep = os.environ.get("REALPOLITIK_SCREENSHOTS")
    if keep:
        Path(keep).mkdir(parents=True, exist_ok=True)
        for name in shots:
            shutil.copy(tmp_path / name, Path(keep) / name)
