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

from .conftest import FIXTURES, ROOT

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
        os.killpg(proc.pid, 15)
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, 9)


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
            page = browser.new_page(viewport={"width": 1400, "height": 1800})
            page.set_default_timeout(180_000)
            page.goto(app_url)
            expect(page.get_by_text("Change a stance or a capability")).to_be_visible()
            page.get_by_role("button", name="Run", exact=True).click()
            caption = page.get_by_text(re.compile(r"Forecast of compromise for territory: "))
            expect(caption).to_be_visible()
            before = caption.inner_text()
            plots = page.locator('[data-testid="stImage"] img, [data-testid="stPyplot"] img')
            expect(plots.first).to_be_visible()
            page.screenshot(path=str(tmp_path / "1-forecast.png"), full_page=True)

            salience = page.get_by_label("Salience")
            salience.fill("0.1")
            salience.press("Enter")
            expect(page.get_by_text(re.compile(r"1 change\(s\) from the file"))).to_be_visible()
            expect(caption).not_to_have_text(before)
            after = caption.inner_text()
            page.screenshot(path=str(tmp_path / "2-changed.png"), full_page=True)
            assert float(after.rsplit(":", 1)[1]) != float(before.rsplit(":", 1)[1])

            # Monte Carlo, then the tornado: each adds its plot to the forecast's two
            # (BDM trajectory, actor map); the table's first row is the first issue
            mc_caption = page.get_by_text("Monte Carlo: 1,000 draws of compromise, seed 0, "
                                          "widen 0.1")
            page.get_by_role("button", name="Run Monte Carlo").click()
            expect(mc_caption).to_be_visible()
            expect(plots).to_have_count(3)
            plots.nth(2).scroll_into_view_if_needed()
            page.screenshot(path=str(tmp_path / "3-uncertainty.png"))
            page.get_by_role("button", name="Sensitivity (tornado)").click()
            expect(page.get_by_text("Sensitivity of compromise on territory: the ten "
                                    "inputs that move it most")).to_be_visible()
            expect(mc_caption).to_have_count(0)
            expect(plots).to_have_count(3)

            page.locator('input[type="file"]').set_input_files(str(bad))
            error = page.get_by_text(re.compile(r"Could not read the file: bad\.yaml"))
            expect(error).to_be_visible()
            assert "salience" in error.inner_text() and "0 to 1" in error.inner_text()
            page.screenshot(path=str(tmp_path / "4-bad-upload.png"), full_page=True)
        finally:
            browser.close()
    shots = sorted(p.name for p in tmp_path.glob("*.png"))
    assert shots == ["1-forecast.png", "2-changed.png", "3-uncertainty.png",
                     "4-bad-upload.png"]
    keep = os.environ.get("REALPOLITIK_SCREENSHOTS")
    if keep:
        Path(keep).mkdir(parents=True, exist_ok=True)
        for name in shots:
            shutil.copy(tmp_path / name, Path(keep) / name)
