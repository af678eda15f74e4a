"""The report's tables fit a laptop screen (1280 px) and an A4 page in print with every
model, measured in Debian's Chromium: no table wider than the page, so nothing hides behind
a horizontal scroll."""

from __future__ import annotations

import pytest

import realpolitik as rp
from realpolitik.models import names
from realpolitik.report.html import build

from .test_app_browser import ARGS, CHROMIUM, _require_browser

# an A4 page (210 mm at 96 px per inch) less Chromium's default print margins
A4_CONTENT_PX = 718


@pytest.fixture(scope="module")
def report_file(tmp_path_factory):
    _require_browser()
    path = tmp_path_factory.mktemp("report") / "report.html"
    path.write_text(build(rp.load("russia-japan"), models=names(), draws=200, seed=0),
                    encoding="utf-8")
    return path


@pytest.mark.parametrize(("media", "width"), [("screen", 1280), ("print", A4_CONTENT_PX)])
def test_every_table_fits_the_page(report_file, media, width) -> None:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        try:
            page = browser.new_page(viewport={"width": width, "height": 900})
            page.emulate_media(media=media)
            page.goto(report_file.as_uri())
            sizes = page.evaluate(
                "() => [...document.querySelectorAll('.scroll')].map(d => "
                "[d.querySelector('tr').textContent.slice(0, 60), d.scrollWidth, "
                "d.clientWidth])")
            page_width = page.evaluate("() => document.documentElement.scrollWidth")
        finally:
            browser.close()
    assert len(sizes) >= 5
    header = next(s for s in sizes if s[0].startswith("issue"))
    assert all(m in header[0] for m in names()[:3])  # the forecasts table, every model
    too_wide = [s for s in sizes if s[1] > s[2] + 1]
    assert too_wide == [], too_wide
    assert page_width <= width
