"""The HTML report in a real browser: Debian's chromium, headless, driven by selenium through Debian's
chromedriver (no browser or driver download).  The index and an ARC and a SyGuS task page (the latter with
model rounds recorded from the TEST DOUBLE) are rendered; the DOM is checked (rows, filters, sorting, images
loaded, no console errors) and screenshots are saved under test-artifacts/report/ for a person to look at.

Without chromium these tests skip, except in CI (`conftest.need`), where a missing browser is a failure.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import Any, Iterator

import pytest

from conftest import need, need_module
from hypsearch.report.site import write_site

REPO = Path(__file__).resolve().parents[1]
ARTIFACTS = REPO / "test-artifacts" / "report"
CHROMIUM, CHROMEDRIVER = "/usr/bin/chromium", "/usr/bin/chromedriver"


def _need_browser() -> None:
    missing = [p for p in (CHROMIUM, CHROMEDRIVER) if not os.access(p, os.X_OK)]
    need(not missing, f"{', '.join(missing)} missing: apt-get install -y chromium chromium-driver")
    need_module("selenium")


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    _need_browser()
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for arg in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--window-size=1400,1000", "--allow-file-access-from-files"):
        options.add_argument(arg)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    driver.set_page_load_timeout(60)
    try:
        yield driver
    finally:
        driver.quit()


@pytest.fixture(scope="module")
def site(report_runs: tuple[Path, Path]) -> Path:
    out = ARTIFACTS / "site"
    shutil.rmtree(out, ignore_errors=True)
    write_site(list(report_runs), out)
    return out


def _open(browser: Any, path: Path) -> None:
    browser.get(path.resolve().as_uri())
    browser.get_log("browser")  # drop anything logged before this page


def _errors(browser: Any) -> list[dict[str, Any]]:
    return [e for e in browser.get_log("browser") if e.get("level") == "SEVERE"]


def _shot(browser: Any, name: str) -> Path:
    """A full-page screenshot (window grown to the page's height) under test-artifacts/report/."""
    height = browser.execute_script("return document.documentElement.scrollHeight")
    browser.set_window_size(1400, min(int(height) + 40, 6000))
    path = ARTIFACTS / f"{name}.png"
    path.parent.mkdir(parents=True, exist_ok=True)
    assert browser.save_screenshot(str(path))
    browser.set_window_size(1400, 1000)
    return path


def _images_loaded(browser: Any) -> list[tuple[str, int]]:
    return browser.execute_script(
        "return Array.from(document.images).map(i => [i.getAttribute('src'), i.complete ? i.naturalWidth : 0]);")


def _visible_ids(browser: Any) -> list[str]:
    return browser.execute_script(
        "return Array.from(document.querySelectorAll('#tasks tbody tr')).filter(r => !r.hidden)"
        ".map(r => r.cells[0].textContent);")


def test_index_rows_filters_sorting_and_plot(browser: Any, site: Path) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select

    _open(browser, site / "index.html")
    assert sorted(_visible_ids(browser)) == ["flip_lr", "greet", "recolour"]
    assert browser.find_element(By.ID, "shown").text == "3 of 3 tasks shown"
    images = _images_loaded(browser)
    assert images and all(w > 0 for _, w in images), images
    _shot(browser, "index")
    search = browser.find_element(By.ID, "q")
    search.send_keys("flip")
    assert _visible_ids(browser) == ["flip_lr"]
    search.clear()
    search.send_keys(" ")  # an input event with an empty query shows every row again
    Select(browser.find_element(By.ID, "compare")).select_by_value("all")
    assert _visible_ids(browser) == ["greet"]
    Select(browser.find_element(By.ID, "compare")).select_by_value("only:0")
    assert sorted(_visible_ids(browser)) == ["flip_lr", "recolour"]
    Select(browser.find_element(By.ID, "compare")).select_by_value("")
    heads = browser.find_elements(By.CSS_SELECTOR, "#tasks thead th[scope]")
    seconds = next(h for h in heads if h.text.startswith("seconds"))  # the first run's seconds
    seconds.click()
    times = browser.execute_script(
        "return Array.from(document.querySelectorAll('#tasks tbody tr')).map(r => Number(r.cells[3].dataset.v));")
    assert times == sorted(times) and seconds.get_attribute("aria-sort") == "ascending"
    seconds.click()
    assert seconds.get_attribute("aria-sort") == "descending"
    assert _errors(browser) == []


def test_arc_task_page_shows_the_picture(browser: Any, site: Path) -> None:
    from selenium.webdriver.common.by import By

    _open(browser, site / "tasks" / "flip_lr.html")
    assert browser.find_element(By.TAG_NAME, "h1").text == "task flip_lr"
    images = _images_loaded(browser)
    assert [src for src, _ in images] == ["flip_lr.0.svg"] and images[0][1] > 300, images
    assert "(flip_h x)" in browser.find_element(By.CSS_SELECTOR, "ol.programs").text
    _shot(browser, "task-arc-flip_lr")
    assert _errors(browser) == []


def test_sygus_task_page_shows_the_model_rounds(browser: Any, site: Path) -> None:
    from selenium.webdriver.common.by import By

    _open(browser, site / "tasks" / "greet.html")
    runs = browser.find_elements(By.CSS_SELECTOR, "section.run")
    assert [r.find_element(By.TAG_NAME, "h2").text for r in runs] == ["symbolic", "model"]
    rounds = runs[1].find_elements(By.CSS_SELECTOR, "section.round")
    assert len(rounds) == 2
    first = rounds[0].find_element(By.CSS_SELECTOR, "li.hypothesis")
    assert "Hello" in first.find_element(By.CSS_SELECTOR, ".words").text
    assert first.find_element(By.CSS_SELECTOR, ".badge").text == "rejected"
    assert 'produced = "Hello Ann"' in first.find_element(By.CSS_SELECTOR, "pre.feedback").text
    assert "expected" in rounds[1].find_element(By.CSS_SELECTOR, "details.sent pre").text
    assert rounds[1].find_element(By.CSS_SELECTOR, "li.hypothesis .badge").text == "accepted"
    rows = browser.find_elements(By.CSS_SELECTOR, "table.examples tbody tr")
    assert len(rows) == 2 and "'Ann'" in rows[0].text
    _shot(browser, "task-sygus-greet")
    assert _errors(browser) == []
